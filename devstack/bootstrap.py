"""Creates every table, queue and bucket of the app in the emulator, from the
same definitions infra uses. Run again, it creates only what is missing."""

import contextlib
import json
import os
import secrets
from typing import Any

import boto3

from chalicelib import resources
from chalicelib.tables import table_definitions


def create_all() -> dict[str, list[str]]:
    return {"tables": create_tables(), "queues": create_queues(),
            "secrets": create_secrets(), "buckets": create_buckets(),
            "mail": create_mail_identity()}


def create_tables() -> list[str]:
    """Every table of `chalicelib.tables`, from the same definitions infra
    declares: one CreateTable (and one TTL update) per missing table, and
    an UpdateTable per index a table made by an older version lacks."""
    dynamodb = boto3.client("dynamodb")
    existing = set(dynamodb.get_paginator("list_tables").paginate()
                   .build_full_result().get("TableNames", []))
    created = []
    for definition in table_definitions():
        name = definition["TableName"]
        if name in existing:
            _add_missing_indexes(dynamodb, definition)
            continue
        reply = dynamodb.create_table(**_create_table_request(definition))
        if reply["TableDescription"]["TableStatus"] != "ACTIVE":
            dynamodb.get_waiter("table_exists").wait(TableName=name)
        if definition["TimeToLiveAttribute"]:
            dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification={
                "Enabled": True, "AttributeName": definition["TimeToLiveAttribute"]})
        created.append(name)
    return created


def _add_missing_indexes(client: Any, definition: dict) -> None:
    """DynamoDB adds one global index per UpdateTable request."""
    table = client.describe_table(TableName=definition["TableName"])["Table"]
    present = {index["IndexName"] for index in table.get("GlobalSecondaryIndexes", [])}
    for index in definition["GlobalSecondaryIndexes"] or []:
        if index["IndexName"] in present:
            continue
        client.update_table(
            TableName=definition["TableName"],
            AttributeDefinitions=definition["AttributeDefinitions"],
            GlobalSecondaryIndexUpdates=[{"Create": index}])


def _create_table_request(definition: dict) -> dict:
    request = {
        "TableName": definition["TableName"],
        "KeySchema": definition["KeySchema"],
        "AttributeDefinitions": definition["AttributeDefinitions"],
        "BillingMode": "PAY_PER_REQUEST",
    }
    for indexes in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        if definition[indexes]:
            request[indexes] = definition[indexes]
    return request


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


def create_secrets() -> list[str]:
    """The key callers' numbers are hashed with; kept if it already exists."""
    from chalicelib.integrations.secrets import PERSONAL_DATA, secret_name

    client = boto3.client("secretsmanager")
    name = secret_name(PERSONAL_DATA)
    try:
        client.describe_secret(SecretId=name)
        return []
    except client.exceptions.ResourceNotFoundException:
        value = json.dumps({"key": secrets.token_hex(32)})
        client.create_secret(Name=name, SecretString=value)
        return [name]


def create_buckets() -> list[str]:
    """Buckets, each with its CORS for browser uploads and its ObjectCreated
    notification to SQS, as infra declares them (run after the queues)."""
    s3 = boto3.client("s3")
    sqs = boto3.client("sqs")
    names = []
    for bucket in resources.BUCKETS:
        with contextlib.suppress(s3.exceptions.BucketAlreadyOwnedByYou):
            s3.create_bucket(
                Bucket=bucket.name,
                CreateBucketConfiguration={
                    "LocationConstraint": s3.meta.region_name},
            )
        if bucket.browser_uploads:
            s3.put_bucket_cors(Bucket=bucket.name,
                               CORSConfiguration=_browser_uploads())
        if bucket.notify is not None:
            url = sqs.get_queue_url(QueueName=bucket.notify.name)["QueueUrl"]
            arn = sqs.get_queue_attributes(
                QueueUrl=url, AttributeNames=["QueueArn"]
            )["Attributes"]["QueueArn"]
            target: dict = {"QueueArn": arn, "Events": ["s3:ObjectCreated:*"]}
            if bucket.notify_prefix:
                target["Filter"] = {"Key": {"FilterRules": [
                    {"Name": "prefix", "Value": bucket.notify_prefix}]}}
            s3.put_bucket_notification_configuration(
                Bucket=bucket.name,
                NotificationConfiguration={"QueueConfigurations": [target]},
            )
        names.append(bucket.name)
    return names


def _browser_uploads() -> dict:
    origins = [origin for origin in os.environ.get("DMM_WEB_ORIGINS", "").split(",")
               if origin]
    return {"CORSRules": [{
        "AllowedOrigins": origins or ["*"],
        "AllowedMethods": ["POST", "GET"],
        "AllowedHeaders": ["*"],
        "ExposeHeaders": ["ETag"],
        "MaxAgeSeconds": 3000,
    }]}


def create_mail_identity() -> list[str]:
    """SES sends only from a verified address; the emulator checks it too."""
    boto3.client("ses").verify_email_identity(EmailAddress=resources.MAIL_SENDER)
    return [resources.MAIL_SENDER]
