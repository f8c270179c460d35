"""The synthesized stacks, read as CloudFormation receives them (SAM included)."""

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from chalicelib import resources
from chalicelib.integrations import export_schema
from chalicelib.tables import MODELS
from tests.infra.conftest import WEB_ORIGIN, Template

SERVERLESS_FUNCTION = "AWS::Serverless::Function"


def test_every_model_has_a_table_with_its_keys_and_indexes(template: Template) -> None:
    tables = {
        props["TableName"]: props
        for props in template.of_type("AWS::DynamoDB::Table").values()
    }

    for model in MODELS:
        schema = model._get_schema()
        table = tables[_staged(model.Meta.table_name, template.stage)]

        assert _keys(table["KeySchema"]) == _keys(schema["key_schema"])
        assert table["KeySchema"][0]["KeyType"] == "HASH"
        assert _by_name(table["AttributeDefinitions"]) == _by_name(
            schema["attribute_definitions"]
        )
        assert _indexes(table.get("GlobalSecondaryIndexes", [])) == _indexes(
            schema["global_secondary_indexes"]
        )
        assert _indexes(table.get("LocalSecondaryIndexes", [])) == _indexes(
            schema["local_secondary_indexes"]
        )
    assert len(tables) == len(MODELS)


def test_every_table_is_on_demand_recoverable_and_protected(template: Template) -> None:
    tables = template.of_type("AWS::DynamoDB::Table")

    for table in tables.values():
        assert table["BillingMode"] == "PAY_PER_REQUEST"
        assert table["PointInTimeRecoverySpecification"] == {
            "PointInTimeRecoveryEnabled": True
        }
        assert table["DeletionProtectionEnabled"] is True
    retained = {template.resources[key]["DeletionPolicy"] for key in tables}
    assert retained == {"Retain"}


def test_tables_of_expiring_data_have_ttl_on_the_models_attribute(
    template: Template,
) -> None:
    tables = {
        props["TableName"]: props
        for props in template.of_type("AWS::DynamoDB::Table").values()
    }

    for model in MODELS:
        ttl = model._ttl_attribute()
        table = tables[_staged(model.Meta.table_name, template.stage)]

        if ttl is None:
            assert "TimeToLiveSpecification" not in table
        else:
            assert table["TimeToLiveSpecification"] == {
                "AttributeName": ttl.attr_name,
                "Enabled": True,
            }


def test_every_bucket_blocks_public_access_and_refuses_plain_http(
    template: Template,
) -> None:
    buckets = template.of_type("AWS::S3::Bucket")
    policies = template.of_type("AWS::S3::BucketPolicy")
    denied_without_tls = {
        policy["Bucket"]["Ref"]
        for policy in policies.values()
        for statement in policy["PolicyDocument"]["Statement"]
        if statement["Effect"] == "Deny"
        and statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    }

    assert len(buckets) == len(resources.BUCKETS) + 1  # and the access-log bucket
    for key, bucket in buckets.items():
        assert bucket["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        }
        assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
        assert key in denied_without_tls


def test_photo_and_creative_buckets_keep_versions_and_expire_abandoned_uploads(
    template: Template,
) -> None:
    key, value = resources.PENDING_UPLOAD_TAG

    for bucket in resources.BUCKETS:
        props = _bucket(template, bucket.kind)
        rules = {rule["Id"]: rule for rule in props["LifecycleConfiguration"]["Rules"]}

        versioned = props.get("VersioningConfiguration", {}).get("Status") == "Enabled"
        assert versioned is bucket.versioned
        assert rules["expire-abandoned-uploads"]["TagFilters"] == [
            {"Key": key, "Value": value}
        ]
        assert rules["expire-abandoned-uploads"]["ExpirationInDays"] == (
            resources.PENDING_UPLOAD_DAYS
        )


def test_browser_upload_buckets_allow_presigned_posts_from_the_web_origin(
    template: Template,
) -> None:
    for bucket in resources.BUCKETS:
        props = _bucket(template, bucket.kind)

        if bucket.browser_uploads:
            [rule] = props["CorsConfiguration"]["CorsRules"]
            assert rule["AllowedOrigins"] == [WEB_ORIGIN]
            assert "POST" in rule["AllowedMethods"]
        else:
            assert "CorsConfiguration" not in props


def test_buckets_notify_exactly_their_declared_queue(template: Template) -> None:
    for bucket in resources.BUCKETS:
        props = _bucket(template, bucket.kind)

        configured = props.get("NotificationConfiguration", {}).get(
            "QueueConfigurations", []
        )
        if bucket.notify is None:
            assert configured == []
        else:
            queue_id = _queue_id(template, bucket.notify.name)
            assert [c["Queue"] for c in configured] == [
                {"Fn::GetAtt": [queue_id, "Arn"]}
            ]
    assert "Custom::S3BucketNotifications" not in {
        r["Type"] for r in template.resources.values()
    }


def test_every_queue_has_a_dead_letter_queue(template: Template) -> None:
    queues = template.of_type("AWS::SQS::Queue")

    for queue in resources.QUEUES:
        props = queues[_queue_id(template, queue.name)]
        redrive = props["RedrivePolicy"]
        dead_letters = queues[redrive["deadLetterTargetArn"]["Fn::GetAtt"][0]]

        assert redrive["maxReceiveCount"] == queue.max_receives
        assert dead_letters["QueueName"] == _staged(
            queue.dead_letter_name, template.stage
        )
        assert props["VisibilityTimeout"] == queue.visibility_timeout_seconds
    assert len(queues) == 2 * len(resources.QUEUES)


def test_no_policy_allows_a_wildcard_action(template: Template) -> None:
    actions = [
        action
        for statement in _all_statements(template)
        if statement["Effect"] == "Allow"
        for action in _listed(statement["Action"])
    ]

    assert actions
    assert [action for action in actions if "*" in action] == []


def test_each_function_has_its_memory_timeout_layers_and_own_role(
    template: Template,
    stage_functions: list[dict[str, Any]],
) -> None:
    functions = template.of_type(SERVERLESS_FUNCTION)
    layer_ids = template.of_type("AWS::Lambda::LayerVersion")

    assert sorted(functions) == sorted(f["logical_id"] for f in stage_functions)
    for declared in stage_functions:
        props = functions[declared["logical_id"]]
        assert props["Runtime"] == "python3.13"
        assert props["MemorySize"] == declared["memory"]
        assert props["Timeout"] == declared["timeout"]
        assert props["FunctionName"] == f"dmm-{template.stage}-{declared['name']}"
        assert props["Role"] == {"Fn::GetAtt": [declared["role"], "Arn"]}
        layers = [layer["Ref"] for layer in props.get("Layers", [])]
        assert len(layers) == len(declared["layers"])
        assert set(layers) <= set(layer_ids)
    roles = [f["Role"]["Fn::GetAtt"][0] for f in functions.values()]
    assert len(set(roles)) == len(roles)


def test_queue_handlers_report_batch_item_failures_with_their_decorators_batch(
    template: Template,
    stage_functions: list[dict[str, Any]],
) -> None:
    import app

    batch_sizes = {
        config.name: config.batch_size
        for config in app.app.event_sources
        if hasattr(config, "batch_size")
    }
    functions = template.of_type(SERVERLESS_FUNCTION)
    queues = template.of_type("AWS::SQS::Queue")
    consumers = [f for f in stage_functions if f["queue"]]

    assert consumers
    for declared in consumers:
        event = functions[declared["logical_id"]]["Events"][declared["sqs_event"]]
        assert event["Properties"]["FunctionResponseTypes"] == [
            "ReportBatchItemFailures"
        ]
        assert event["Properties"]["BatchSize"] == batch_sizes[declared["name"]]
        queue = queues[_queue_id(template, _staged(declared["queue"], template.stage))]
        # AWS refuses an event source whose queue hides messages for less
        # time than the function may run.
        assert queue["VisibilityTimeout"] >= declared["timeout"]


def test_each_function_reaches_only_its_declared_buckets(
    template: Template,
    stage_functions: list[dict[str, Any]],
) -> None:
    bucket_ids = {
        _bucket_id(template, bucket.kind): bucket.kind for bucket in resources.BUCKETS
    }

    for declared in stage_functions:
        policy = json.dumps(_role_statements(template, declared["role"]))
        reached = sorted(kind for key, kind in bucket_ids.items() if key in policy)

        assert reached == declared["buckets"], declared["name"]
    api = next(f for f in stage_functions if f["name"] == "api_handler")
    assert "bi" not in api["buckets"]


def test_functions_write_only_their_own_log_group(
    template: Template,
    stage_functions: list[dict[str, Any]],
) -> None:
    groups = template.of_type("AWS::Logs::LogGroup")

    for declared in stage_functions:
        [logs] = [
            s
            for s in _role_statements(template, declared["role"])
            if s.get("Sid") == "WriteOwnLogs"
        ]
        group_id = logs["Resource"]["Fn::GetAtt"][0]
        assert groups[group_id]["LogGroupName"] == (
            f"/aws/lambda/dmm-{template.stage}-{declared['name']}"
        )
        assert groups[group_id]["RetentionInDays"] == 90


def test_api_function_accepts_tokens_of_the_pools_web_and_mobile_clients(
    template: Template,
) -> None:
    variables = template.of_type(SERVERLESS_FUNCTION)["APIHandler"]["Environment"][
        "Variables"
    ]
    pool = template.logical_id_of("AWS::Cognito::UserPool")
    clients = sorted(template.of_type("AWS::Cognito::UserPoolClient"))

    assert {"Ref": pool} in variables["DMM_COGNITO_ISSUER"]["Fn::Join"][1]
    assert (
        sorted(ref["Ref"] for ref in variables["DMM_COGNITO_CLIENT_IDS"]["Fn::Join"][1])
        == clients
    )
    assert len(clients) == 2
    assert variables["DMM_WEB_ORIGINS"] == WEB_ORIGIN
    assert variables["DMM_STAGE"] == template.stage


def test_app_clients_cannot_write_attributes_that_could_grant_rights(
    template: Template,
) -> None:
    pool = template.of_type("AWS::Cognito::UserPool")
    clients = template.of_type("AWS::Cognito::UserPoolClient")

    [props] = pool.values()
    assert props["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    for client in clients.values():
        assert client["WriteAttributes"] == ["name"]
        assert "GenerateSecret" not in client or client["GenerateSecret"] is False


def test_gateway_answers_in_the_api_error_shape_with_cors(template: Template) -> None:
    api = template.of_type("AWS::Serverless::Api")["RestAPI"]
    answers = api["DefinitionBody"]["x-amazon-apigateway-gateway-responses"]

    unknown_path = answers["MISSING_AUTHENTICATION_TOKEN"]
    assert unknown_path["statusCode"] == 404
    for kind in (
        "REQUEST_TOO_LARGE",
        "INTEGRATION_TIMEOUT",
        "DEFAULT_4XX",
        "DEFAULT_5XX",
    ):
        assert kind in answers
    for answer in answers.values():
        body = json.loads(answer["responseTemplates"]["application/json"])
        assert set(body) == {"code", "message", "details"}
        assert (
            answer["responseParameters"][
                "gatewayresponse.header.Access-Control-Allow-Origin"
            ]
            == f"'{WEB_ORIGIN}'"
        )
    assert (
        json.loads(
            answers["REQUEST_TOO_LARGE"]["responseTemplates"]["application/json"]
        )["code"]
        == "payload_too_large"
    )


def test_alarms_watch_every_dead_letter_queue_and_function(
    template: Template,
    stage_functions: list[dict[str, Any]],
) -> None:
    alarms = template.of_type("AWS::CloudWatch::Alarm").values()
    topic = template.logical_id_of("AWS::SNS::Topic")
    watched = {
        (alarm["MetricName"], json.dumps(alarm["Dimensions"])) for alarm in alarms
    }

    assert all(alarm["AlarmActions"] == [{"Ref": topic}] for alarm in alarms)
    for declared in stage_functions:
        name = [
            {
                "Name": "FunctionName",
                "Value": f"dmm-{template.stage}-{declared['name']}",
            }
        ]
        assert ("Errors", json.dumps(name)) in watched
        assert ("Throttles", json.dumps(name)) in watched
    dead_letter_alarms = [
        a for a in alarms if a["MetricName"] == "ApproximateNumberOfMessagesVisible"
    ]
    assert len(dead_letter_alarms) == len(resources.QUEUES)


def test_glue_tables_match_the_export_schema(template: Template) -> None:
    tables = {
        props["TableInput"]["Name"]: props["TableInput"]
        for props in template.of_type("AWS::Glue::Table").values()
    }

    assert sorted(tables) == sorted(table.name for table in export_schema.TABLES)
    for table in export_schema.TABLES:
        described = tables[table.name]
        columns = [
            (c["Name"], c["Type"]) for c in described["StorageDescriptor"]["Columns"]
        ]
        assert columns == [(c.name, c.type) for c in table.columns]
        assert [k["Name"] for k in described["PartitionKeys"]] == list(
            export_schema.PARTITION_KEYS
        )


def test_stack_declares_sender_identity_and_integration_secrets(
    template: Template,
) -> None:
    secrets = sorted(
        s["Name"] for s in template.of_type("AWS::SecretsManager::Secret").values()
    )

    assert template.of_type("AWS::SES::EmailIdentity")
    assert secrets == [
        f"dmm/{template.stage}/integrations/{kind}"
        for kind in ("calltouch", "distributor")
    ]


def test_cdk_nag_found_no_unsuppressed_error(
    synthesized: tuple[str, Path, str],
) -> None:
    _, path, stderr = synthesized

    reports = list(path.parent.glob("AwsSolutions-*-NagReport.csv"))

    assert reports
    rows = reports[0].read_text().splitlines()
    assert not [row for row in rows if ',"Non-Compliant",' in row and '"Error"' in row]
    assert "AwsSolutions-" not in stderr


def test_cfn_lint_finds_nothing(synthesized: tuple[str, Path, str]) -> None:
    _, path, _ = synthesized

    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    done = subprocess.run(
        [str(cfn_lint), str(path)], capture_output=True, text=True, timeout=300
    )

    assert done.returncode == 0, done.stdout[-3000:]


def _staged(name: str, stage: str) -> str:
    return re.sub(r"^dmm-[a-z]+-", f"dmm-{stage}-", name)


def _by_name(items: list[dict[str, str]]) -> list[dict[str, str]]:
    return sorted(items, key=lambda item: item["AttributeName"])


def _keys(key_schema: list[dict[str, str]]) -> dict[str, str]:
    """A key schema as attribute to key type; its order is checked apart."""
    return {key["AttributeName"]: key["KeyType"] for key in key_schema}


def _indexes(indexes: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """Indexes in one form: the template's (CloudFormation) or PynamoDB's."""

    def get(index: dict[str, Any], pascal: str, snake: str) -> Any:
        return index[pascal] if pascal in index else index[snake]

    return sorted(
        (
            get(i, "IndexName", "index_name"),
            json.dumps(_keys(get(i, "KeySchema", "key_schema")), sort_keys=True),
            json.dumps(get(i, "Projection", "projection"), sort_keys=True),
        )
        for i in indexes
    )


def _bucket_id(template: Template, kind: str) -> str:
    name = f"dmm-{template.stage}-{kind}" + "-${AWS::AccountId}-${AWS::Region}"
    return template.logical_id_of("AWS::S3::Bucket", BucketName={"Fn::Sub": name})


def _bucket(template: Template, kind: str) -> dict[str, Any]:
    return template.resources[_bucket_id(template, kind)]["Properties"]


def _queue_id(template: Template, name: str) -> str:
    return template.logical_id_of(
        "AWS::SQS::Queue", QueueName=_staged(name, template.stage)
    )


def _role_statements(template: Template, role: str) -> list[dict[str, Any]]:
    policies = template.resources[role]["Properties"]["Policies"]
    return [s for policy in policies for s in policy["PolicyDocument"]["Statement"]]


def _all_statements(template: Template) -> list[dict[str, Any]]:
    statements = []
    for resource in template.resources.values():
        props = resource.get("Properties", {})
        if resource["Type"] == "AWS::IAM::Role":
            for policy in props.get("Policies", []):
                statements += policy["PolicyDocument"]["Statement"]
        if resource["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            statements += props["PolicyDocument"]["Statement"]
    return statements


def _listed(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
