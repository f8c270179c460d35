"""Creates every table, queue and bucket of the app in the emulator, from the
same definitions infra uses. Run again, it creates only what is missing."""

import json

import boto3

from chalicelib import resources
from chalicelib.settings import Settings
from chalicelib.tables import MODELS


def create_all() -> dict[str, list[str]]:
    return {"tables": create_tables(), "queues": create_queues(),
            "buckets": create_buckets()}


def create_tables() -> list[str]:
    created = []
    for model in MODELS:
        if not model.exists():
            model.create_table(billing_mode="PAY_PER_REQUEST", wait=True)
            created.append(model.Meta.table_name)
    return created


def create_queues() -> list[str]:
    sqs = boto3.client("sqs")
    names = []
    for queue in resources.QUEUES:
        dead_letter_url = sqs.create_queue(QueueName=queue.dead_letter_name)["QueueUrl"]
        dead_letter_arn = sqs.get_queue_attributes(
            QueueUrl=dead_letter_url, AttributeNames=["QueueArn"]
        )["Attributes"]["QueueArn"]
        redrive = {"deadLetterTargetArn": dead_letter_arn,
                   "maxReceiveCount": str(queue.max_receives)}
        attributes = {
            "VisibilityTimeout": str(queue.visibility_timeout_seconds),
            "RedrivePolicy": json.dumps(redrive),
        }
        url = sqs.create_queue(QueueName=queue.name)["QueueUrl"]
        sqs.set_queue_attributes(QueueUrl=url, Attributes=attributes)
        names.append(queue.name)
    return names


def create_buckets() -> list[str]:
    """Buckets with their CORS rule and ObjectCreated notifications to SQS."""
    s3, sqs = boto3.client("s3"), boto3.client("sqs")
    origins = Settings.from_env().web_origins
    names = []
    for bucket in resources.BUCKETS:
        existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
        if bucket.name not in existing:
            s3.create_bucket(Bucket=bucket.name, CreateBucketConfiguration={
                "LocationConstraint": s3.meta.region_name})
        rules = bucket.cors_rules(origins)
        if rules:
            s3.put_bucket_cors(Bucket=bucket.name,
                               CORSConfiguration={"CORSRules": rules})
        if bucket.notify is not None:
            url = sqs.get_queue_url(QueueName=bucket.notify.name)["QueueUrl"]
            arn = sqs.get_queue_attributes(
                QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            s3.put_bucket_notification_configuration(
                Bucket=bucket.name,
                NotificationConfiguration={"QueueConfigurations": [
                    {"QueueArn": arn, "Events": ["s3:ObjectCreated:*"]}]},
            )
        names.append(bucket.name)
    return names
