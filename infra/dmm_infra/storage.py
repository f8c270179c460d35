"""Tables, queues and buckets, generated from the app's own declarations."""

from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from chalicelib import resources
from chalicelib.resources import Bucket, Queue
from chalicelib.settings import resource_name
from chalicelib.tables import table_definitions
from dmm_infra.stages import StageSettings

DEAD_LETTER_RETENTION = cdk.Duration.days(14)
NONCURRENT_VERSION_DAYS = 90


@dataclass(frozen=True, slots=True)
class BuiltTable:
    table: dynamodb.CfnTable
    index_names: tuple[str, ...]


def tables(scope: Construct) -> dict[str, BuiltTable]:
    """Every table in `chalicelib.tables.MODELS`, by table name: on demand,
    with point-in-time recovery, deletion protection and TTL where declared."""
    return {
        definition["TableName"]: _table(scope, definition)
        for definition in table_definitions()
    }


def _table(scope: Construct, definition: dict[str, Any]) -> BuiltTable:
    ttl = definition["TimeToLiveAttribute"]
    table = dynamodb.CfnTable(
        scope,
        logical_id("Table", definition["TableName"]),
        table_name=definition["TableName"],
        billing_mode="PAY_PER_REQUEST",
        key_schema=_keys(definition["KeySchema"]),
        attribute_definitions=[
            dynamodb.CfnTable.AttributeDefinitionProperty(
                attribute_name=attribute["AttributeName"],
                attribute_type=attribute["AttributeType"],
            )
            for attribute in definition["AttributeDefinitions"]
        ],
        global_secondary_indexes=[
            dynamodb.CfnTable.GlobalSecondaryIndexProperty(
                index_name=index["IndexName"],
                key_schema=_keys(index["KeySchema"]),
                projection=_projection(index["Projection"]),
            )
            for index in definition["GlobalSecondaryIndexes"]
        ]
        or None,
        local_secondary_indexes=[
            dynamodb.CfnTable.LocalSecondaryIndexProperty(
                index_name=index["IndexName"],
                key_schema=_keys(index["KeySchema"]),
                projection=_projection(index["Projection"]),
            )
            for index in definition["LocalSecondaryIndexes"]
        ]
        or None,
        point_in_time_recovery_specification=(
            dynamodb.CfnTable.PointInTimeRecoverySpecificationProperty(
                point_in_time_recovery_enabled=True
            )
        ),
        deletion_protection_enabled=True,
        sse_specification=dynamodb.CfnTable.SSESpecificationProperty(sse_enabled=True),
        time_to_live_specification=(
            dynamodb.CfnTable.TimeToLiveSpecificationProperty(
                attribute_name=ttl, enabled=True
            )
            if ttl
            else None
        ),
    )
    table.apply_removal_policy(cdk.RemovalPolicy.RETAIN)
    indexes = definition["GlobalSecondaryIndexes"] + definition["LocalSecondaryIndexes"]
    return BuiltTable(table, tuple(index["IndexName"] for index in indexes))


def _keys(schema: list[dict[str, str]]) -> list[dynamodb.CfnTable.KeySchemaProperty]:
    return [
        dynamodb.CfnTable.KeySchemaProperty(
            attribute_name=key["AttributeName"], key_type=key["KeyType"]
        )
        for key in schema
    ]


def _projection(projection: dict[str, Any]) -> dynamodb.CfnTable.ProjectionProperty:
    return dynamodb.CfnTable.ProjectionProperty(
        projection_type=projection.get("ProjectionType"),
        non_key_attributes=projection.get("NonKeyAttributes"),
    )


def queues(scope: Construct) -> dict[str, sqs.Queue]:
    """Every queue in `chalicelib.resources.QUEUES`, with its dead-letter queue."""
    return {queue.name: _queue(scope, queue) for queue in resources.QUEUES}


def _queue(scope: Construct, queue: Queue) -> sqs.Queue:
    dead_letters = sqs.Queue(
        scope,
        logical_id("DeadLetters", queue.kind),
        queue_name=queue.dead_letter_name,
        retention_period=DEAD_LETTER_RETENTION,
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
    )
    return sqs.Queue(
        scope,
        logical_id("Queue", queue.kind),
        queue_name=queue.name,
        visibility_timeout=cdk.Duration.seconds(queue.visibility_timeout_seconds),
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        dead_letter_queue=sqs.DeadLetterQueue(
            queue=dead_letters, max_receive_count=queue.max_receives
        ),
    )


def access_logs_bucket(scope: Construct) -> s3.Bucket:
    return s3.Bucket(
        scope,
        "AccessLogs",
        bucket_name=cdk.Fn.sub(_bucket_name("access-logs")),
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        lifecycle_rules=[s3.LifecycleRule(expiration=cdk.Duration.days(365))],
        removal_policy=cdk.RemovalPolicy.RETAIN,
    )


def buckets(
    scope: Construct,
    stage: StageSettings,
    queues_by_name: dict[str, sqs.Queue],
    access_logs: s3.Bucket,
) -> dict[str, s3.Bucket]:
    """Every bucket in `chalicelib.resources.BUCKETS`, by kind."""
    return {
        bucket.kind: _bucket(scope, bucket, stage, queues_by_name, access_logs)
        for bucket in resources.BUCKETS
    }


def bucket_suffix() -> str:
    """Bucket names are global across accounts: the app appends this suffix
    (`DMM_BUCKET_SUFFIX`), which CloudFormation resolves at deploy time."""
    return "-${AWS::AccountId}-${AWS::Region}"


def _bucket_name(kind: str) -> str:
    """As `chalicelib.settings.bucket_name`, with the suffix left to
    CloudFormation."""
    return f"{resource_name(kind)}{bucket_suffix()}"


def _bucket(
    scope: Construct,
    bucket: Bucket,
    stage: StageSettings,
    queues_by_name: dict[str, sqs.Queue],
    access_logs: s3.Bucket,
) -> s3.Bucket:
    built = s3.Bucket(
        scope,
        logical_id("Bucket", bucket.kind),
        bucket_name=cdk.Fn.sub(_bucket_name(bucket.kind)),
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        versioned=bucket.versioned,
        server_access_logs_bucket=access_logs,
        server_access_logs_prefix=f"{bucket.kind}/",
        lifecycle_rules=_lifecycle(bucket),
        cors=_cors(bucket, stage),
        removal_policy=cdk.RemovalPolicy.RETAIN,
    )
    if bucket.notify is not None:
        _notify(built, bucket, queues_by_name[bucket.notify.name])
    return built


def _lifecycle(bucket: Bucket) -> list[s3.LifecycleRule]:
    key, value = resources.PENDING_UPLOAD_TAG
    rules = [
        s3.LifecycleRule(
            id="expire-abandoned-uploads",
            tag_filters={key: value},
            expiration=cdk.Duration.days(resources.PENDING_UPLOAD_DAYS),
        ),
        s3.LifecycleRule(
            id="abort-multipart-uploads",
            abort_incomplete_multipart_upload_after=cdk.Duration.days(1),
        ),
    ]
    if bucket.expire_days is not None:
        rules.append(
            s3.LifecycleRule(
                id="expire-objects",
                expiration=cdk.Duration.days(bucket.expire_days),
            )
        )
    if bucket.versioned:
        rules.append(
            s3.LifecycleRule(
                id="expire-old-versions",
                noncurrent_version_expiration=cdk.Duration.days(
                    NONCURRENT_VERSION_DAYS
                ),
            )
        )
    return rules


def _cors(bucket: Bucket, stage: StageSettings) -> list[s3.CorsRule] | None:
    if not bucket.browser_uploads:
        return None
    return [
        s3.CorsRule(
            allowed_origins=list(stage.web_origins),
            allowed_methods=[s3.HttpMethods.POST, s3.HttpMethods.GET],
            allowed_headers=["*"],
            exposed_headers=["ETag"],
            max_age=3000,
        )
    ]


def _notify(built: s3.Bucket, bucket: Bucket, queue: sqs.Queue) -> None:
    """ObjectCreated to the queue, set on the bucket resource itself: the
    bucket is the one owner of its notification configuration (no custom
    resource rewriting it)."""
    queue.add_to_resource_policy(
        iam.PolicyStatement(
            sid=f"ObjectCreatedFrom{logical_id('', bucket.kind)}",
            principals=[iam.ServicePrincipal("s3.amazonaws.com")],
            actions=["sqs:SendMessage"],
            resources=[queue.queue_arn],
            conditions={
                # The name, not a reference: the bucket waits for this policy.
                "ArnLike": {
                    "aws:SourceArn": cdk.Fn.sub(
                        "arn:${AWS::Partition}:s3:::" + _bucket_name(bucket.kind)
                    )
                },
                "StringEquals": {"aws:SourceAccount": cdk.Aws.ACCOUNT_ID},
            },
        )
    )
    cfn_bucket = built.node.default_child
    assert isinstance(cfn_bucket, s3.CfnBucket)
    key_filter = None
    if bucket.notify_prefix:
        rule = s3.CfnBucket.FilterRuleProperty(
            name="prefix", value=bucket.notify_prefix
        )
        key_filter = s3.CfnBucket.NotificationFilterProperty(
            s3_key=s3.CfnBucket.S3KeyFilterProperty(rules=[rule])
        )
    cfn_bucket.notification_configuration = (
        s3.CfnBucket.NotificationConfigurationProperty(
            queue_configurations=[
                s3.CfnBucket.QueueConfigurationProperty(
                    event="s3:ObjectCreated:*", queue=queue.queue_arn, filter=key_filter
                )
            ]
        )
    )
    # S3 checks that it may send to the queue when the configuration is set.
    queue_policy = queue.node.try_find_child("Policy")
    assert queue_policy is not None
    cfn_bucket.node.add_dependency(queue_policy)


def logical_id(prefix: str, name: str) -> str:
    """`prefix` and `name` in CamelCase, for CloudFormation: `QueueJobs`."""
    words = name.replace("_", "-").split("-")
    return prefix + "".join(word.capitalize() for word in words)
