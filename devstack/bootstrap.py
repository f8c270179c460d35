"""Creates every table, queue and bucket of the app in the emulator, from the
same definitions infra uses. Run again, it creates only what is missing."""

import json

import boto3

from chalicelib import resources
from chalicelib.tables import MODELS


def create_all() -> dict[str, list[str]]:
    return {"tables": create_tables(), "queues": create_queues(),
            "buckets": create_buckets(),
            "mail": create_mail_identity()}


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
    s3 = boto3.client("s3")
    region = s3.meta.region_name
    names = []
    for bucket in resources.BUCKETS:
        settings = {} if region == "us-east-1" else {
            "CreateBucketConfiguration": {"LocationConstraint": region}}
        existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
        if bucket.name not in existing:
            s3.create_bucket(Bucket=bucket.name, **settings)
        names.append(bucket.name)
    return names


def create_mail_identity() -> list[str]:
    """SES sends only from a verified address; the emulator checks it too."""
    boto3.client("ses").verify_email_identity(EmailAddress=resources.MAIL_SENDER)
    return [resources.MAIL_SENDER]
