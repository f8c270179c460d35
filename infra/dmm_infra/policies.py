"""Each function's IAM policy, from its declared `Access`.

Actions are always listed by name (never `service:*` or `Get*`); resources
are the exact tables, indexes, queues, secrets and pool, and for objects the
bucket's keys (`bucket/*` or `bucket/prefix*`), which the app chooses at run
time.
"""

from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs

from chalicelib.resources import MAIL_SENDER
from chalicelib.settings import resource_name
from dmm_infra.functions import AppFunction, Objects, Tables
from dmm_infra.storage import BuiltTable, logical_id

TABLE_READ = (
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DescribeTable",
)
TABLE_WRITE = (
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
)
QUEUE_SEND = ("sqs:SendMessage", "sqs:GetQueueUrl", "sqs:GetQueueAttributes")
QUEUE_CONSUME = (
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:ChangeMessageVisibility",
    "sqs:GetQueueAttributes",
)
OBJECT_ACTIONS = {
    Objects.READ: ("s3:GetObject",),
    Objects.WRITE: ("s3:PutObject",),
    Objects.TAG: ("s3:PutObjectTagging", "s3:DeleteObjectTagging"),
}
USER_POOL = (
    "cognito-idp:AdminCreateUser",
    "cognito-idp:AdminEnableUser",
    "cognito-idp:AdminDisableUser",
)
SECRET_READ = ("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret")
CATALOG = (
    "glue:GetDatabase",
    "glue:GetTable",
    "glue:GetPartitions",
    "glue:CreatePartition",
    "glue:BatchCreatePartition",
    "glue:UpdatePartition",
)


@dataclass(frozen=True, slots=True)
class Resources:
    """What the policies can name, as built in the stack."""

    tables: dict[str, BuiltTable]
    queues: dict[str, sqs.Queue]
    buckets: dict[str, s3.Bucket]
    user_pool: cognito.UserPool
    secrets: dict[str, secretsmanager.Secret]
    catalog_arns: list[str]


def policy_document(
    function: AppFunction, built: Resources, log_group_arn: str
) -> iam.PolicyDocument:
    statements = [_logs(log_group_arn)]
    statements += _tables(function, built)
    statements += _queues(function, built)
    statements += _objects(function, built)
    statements += _identity_and_secrets(function, built)
    return iam.PolicyDocument(statements=statements)


def _logs(log_group_arn: str) -> iam.PolicyStatement:
    # A log group's ARN from CloudFormation already ends in `:*` (its streams).
    return iam.PolicyStatement(
        sid="WriteOwnLogs",
        actions=["logs:CreateLogStream", "logs:PutLogEvents"],
        resources=[log_group_arn],
    )


def _tables(function: AppFunction, built: Resources) -> list[iam.PolicyStatement]:
    access = function.spec.access
    if access.tables is Tables.EVERY:
        writable = list(built.tables)
    else:
        writable = [resource_name(kind) for kind in access.tables]
    readable = [resource_name(kind) for kind in access.read_tables]
    statements = []
    if writable:
        statements.append(
            _table_statement(
                "ReadWriteTables", writable, built, TABLE_READ + TABLE_WRITE
            )
        )
    if readable:
        statements.append(_table_statement("ReadTables", readable, built, TABLE_READ))
    return statements


def _table_statement(
    sid: str, names: list[str], built: Resources, actions: tuple[str, ...]
) -> iam.PolicyStatement:
    arns: list[str] = []
    for name in names:
        table = built.tables[name]
        arn = table.table.attr_arn
        arns.append(arn)
        arns += [
            cdk.Fn.join("", [arn, "/index/", index]) for index in table.index_names
        ]
    return iam.PolicyStatement(sid=sid, actions=list(actions), resources=arns)


def _queues(function: AppFunction, built: Resources) -> list[iam.PolicyStatement]:
    statements = []
    sends = [
        built.queues[queue.name].queue_arn for queue in function.spec.access.sends_to
    ]
    if sends:
        statements.append(
            iam.PolicyStatement(
                sid="SendToQueues", actions=list(QUEUE_SEND), resources=sends
            )
        )
    if function.queue is not None:
        statements.append(
            iam.PolicyStatement(
                sid="ConsumeOwnQueue",
                actions=list(QUEUE_CONSUME),
                resources=[built.queues[function.queue].queue_arn],
            )
        )
    return statements


def _objects(function: AppFunction, built: Resources) -> list[iam.PolicyStatement]:
    statements = []
    for grant in function.spec.access.buckets:
        bucket = built.buckets[grant.bucket.kind]
        actions = [action for kind in grant.actions for action in OBJECT_ACTIONS[kind]]
        statements.append(
            iam.PolicyStatement(
                sid=logical_id("Objects", grant.bucket.kind),
                actions=actions,
                resources=[bucket.arn_for_objects(f"{grant.prefix}*")],
            )
        )
    return statements


def _identity_and_secrets(
    function: AppFunction, built: Resources
) -> list[iam.PolicyStatement]:
    access = function.spec.access
    statements = []
    if access.manages_users:
        statements.append(
            iam.PolicyStatement(
                sid="ManageUsers",
                actions=list(USER_POOL),
                resources=[built.user_pool.user_pool_arn],
            )
        )
    if access.secrets:
        statements.append(
            iam.PolicyStatement(
                sid="ReadIntegrationSecrets",
                actions=list(SECRET_READ),
                resources=[built.secrets[kind].secret_arn for kind in access.secrets],
            )
        )
    if access.sends_mail:
        statements.append(_mail())
    if access.writes_catalog:
        statements.append(
            iam.PolicyStatement(
                sid="UpdateBiCatalog",
                actions=list(CATALOG),
                resources=built.catalog_arns,
            )
        )
    return statements


def _mail() -> iam.PolicyStatement:
    """SES authorizes a send against the sender's identity: the address, or
    its domain when the domain is the verified identity."""
    domain = MAIL_SENDER.rsplit("@", 1)[-1]
    arns = [
        cdk.Fn.sub(f"arn:${{AWS::Partition}}:ses:${{AWS::Region}}:"
                   f"${{AWS::AccountId}}:identity/{identity}")
        for identity in (MAIL_SENDER, domain)
    ]
    return iam.PolicyStatement(sid="SendMail", actions=["ses:SendEmail"],
                               resources=arns)
