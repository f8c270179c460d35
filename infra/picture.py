"""Draws the deployed shape from a synthesized template, as a Mermaid chart.

Everything in the picture is read from the template: which function a queue
or a schedule triggers, what each function's role lets it touch, which queue
a bucket notifies, and where dead letters go.
Usage: python infra/picture.py infra/cdk.out/prod/prod.template.json
"""

import json
import re
import sys
from pathlib import Path
from typing import Any


def main(path: str) -> int:
    print(chart(json.loads(Path(path).read_text())))
    return 0


def chart(template: dict[str, Any]) -> str:
    resources = template["Resources"]
    names = _names(resources)
    lines = ["flowchart LR", '  clients(["web and mobile clients"]) -->|HTTPS| api']
    lines.append('  api["API Gateway REST API"] --> APIHandler')
    lines.append("  clients -->|presigned POST| " + _bucket_node(resources, "photos"))
    lines.append("  clients -->|tokens| Users")
    for key, props in _of_type(resources, "AWS::Serverless::Function"):
        lines.append(f'  {key}[["{props["FunctionName"]}"]]')
        for event in props.get("Events", {}).values():
            lines.append(_event_edge(key, event, names))
        lines += [
            f"  {key} --> {target}"
            for target in _grouped(_touched(resources, props, names), resources)
        ]
    for key, props in _of_type(resources, "AWS::SQS::Queue"):
        if "RedrivePolicy" in props:
            dead = props["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
            receives = props["RedrivePolicy"]["maxReceiveCount"]
            lines.append(f"  {key} -.->|after {receives} receives| {dead}")
    for key, props in _of_type(resources, "AWS::S3::Bucket"):
        for queue in props.get("NotificationConfiguration", {}).get(
            "QueueConfigurations", []
        ):
            target = queue["Queue"]["Fn::GetAtt"][0]
            lines.append(f"  {key} -->|ObjectCreated| {target}")
    alarms = len(list(_of_type(resources, "AWS::CloudWatch::Alarm")))
    label = f"{alarms} alarms: dead letters, errors, throttles"
    lines.append(f'  alarms{{{{"{label}"}}}} --> topic')
    lines.append('  topic[("SNS alarm topic")]')
    glue = [p["TableInput"]["Name"] for _, p in _of_type(resources, "AWS::Glue::Table")]
    bi = _bucket_node(resources, "bi")
    lines.append(f'  glue[("Glue tables: {", ".join(glue)}")] -.->|reads| {bi}')
    tables = [
        f"    {key}{shape}" for key, shape in names.values() if key.startswith("Table")
    ]
    lines += ['  subgraph tables ["DynamoDB tables"]', *tables, "  end"]
    lines += [
        f"  {key}{shape}"
        for key, shape in names.values()
        if not key.startswith("Table")
    ]
    return "\n".join(sorted(set(lines), key=lines.index))


def _names(resources: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Readable nodes of the data resources, by logical id."""
    found: dict[str, tuple[str, str]] = {}
    for key, props in _of_type(resources, "AWS::DynamoDB::Table"):
        found[key] = (key, f'[("{props["TableName"]}")]')
    for key, props in _of_type(resources, "AWS::SQS::Queue"):
        found[key] = (key, f'>"{props["QueueName"]}"]')
    for key, props in _of_type(resources, "AWS::S3::Bucket"):
        name = props["BucketName"]["Fn::Sub"].split("-${")[0]
        found[key] = (key, f'[/"{name}"/]')
    for key, _ in _of_type(resources, "AWS::Cognito::UserPool"):
        found[key] = ("Users", '{{"Cognito user pool"}}')
    for key, props in _of_type(resources, "AWS::SecretsManager::Secret"):
        found[key] = (key, f'[/"secret {props["Name"]}"/]')
    return found


def _event_edge(function: str, event: dict[str, Any], names: dict) -> str:
    properties = event["Properties"]
    if event["Type"] == "SQS":
        queue = properties["Queue"]["Fn::Sub"].rsplit(":", 1)[-1]
        key = next(k for k, (_, shape) in names.items() if shape == f'>"{queue}"]')
        return f"  {key} -->|batch {properties['BatchSize']}| {function}"
    return f'  schedule_{function}(["{properties["Schedule"]}"]) --> {function}'


def _touched(
    resources: dict[str, Any], props: dict[str, Any], names: dict
) -> list[str]:
    role = props["Role"]["Fn::GetAtt"][0]
    text = json.dumps(resources[role]["Properties"]["Policies"])
    referenced = set(re.findall(r'"(?:Ref|Fn::GetAtt)": \[?"([A-Za-z0-9]+)"', text))
    return sorted(names[key][0] for key in referenced if key in names)


def _grouped(targets: list[str], resources: dict[str, Any]) -> list[str]:
    """One edge to the tables group for a function that reaches every table."""
    tables = {key for key, _ in _of_type(resources, "AWS::DynamoDB::Table")}
    if tables <= set(targets):
        return ["tables", *(target for target in targets if target not in tables)]
    return targets


def _bucket_node(resources: dict[str, Any], kind: str) -> str:
    for key, props in _of_type(resources, "AWS::S3::Bucket"):
        if props["BucketName"]["Fn::Sub"].split("-${")[0].endswith(f"-{kind}"):
            return key
    return kind


def _of_type(resources: dict[str, Any], kind: str):
    return (
        (key, value["Properties"])
        for key, value in resources.items()
        if value["Type"] == kind
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
