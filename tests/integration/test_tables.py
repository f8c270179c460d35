"""The tables the bootstrap creates are exactly what the models describe,
which is also what infra declares (`table_definitions`)."""

import json

import boto3
import pytest

from chalicelib import resources
from chalicelib.settings import resource_name
from chalicelib.tables import MODELS, table_definitions
from devstack import bootstrap


def _described(client, name: str) -> dict:
    table = client.describe_table(TableName=name)["Table"]
    ttl = client.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    return {
        "TableName": table["TableName"],
        "KeySchema": _sorted(table["KeySchema"], "AttributeName"),
        "AttributeDefinitions": _sorted(table["AttributeDefinitions"],
                                        "AttributeName"),
        "GlobalSecondaryIndexes": sorted(
            (
                {"IndexName": index["IndexName"],
                 "KeySchema": _sorted(index["KeySchema"], "AttributeName"),
                 "Projection": index["Projection"]}
                for index in table.get("GlobalSecondaryIndexes", [])
            ),
            key=lambda index: index["IndexName"],
        ),
        "LocalSecondaryIndexes": sorted(
            (
                {"IndexName": index["IndexName"],
                 "KeySchema": _sorted(index["KeySchema"], "AttributeName"),
                 "Projection": index["Projection"]}
                for index in table.get("LocalSecondaryIndexes", [])
            ),
            key=lambda index: index["IndexName"],
        ),
        "TimeToLiveAttribute": ttl.get("AttributeName")
        if ttl.get("TimeToLiveStatus") == "ENABLED" else None,
        "BillingMode": table.get("BillingModeSummary", {}).get("BillingMode"),
    }


def _sorted(entries: list[dict], key: str) -> list[dict]:
    return sorted(entries, key=lambda entry: entry[key])


def _normalised(definition: dict) -> dict:
    return {
        **definition,
        "KeySchema": _sorted(
            [{"AttributeName": k["AttributeName"], "KeyType": k["KeyType"]}
             for k in definition["KeySchema"]], "AttributeName"),
        "AttributeDefinitions": _sorted(
            [{"AttributeName": a["AttributeName"],
              "AttributeType": a["AttributeType"]}
             for a in definition["AttributeDefinitions"]], "AttributeName"),
        "GlobalSecondaryIndexes": sorted(
            (
                {"IndexName": index["IndexName"],
                 "KeySchema": _sorted(
                     [{"AttributeName": k["AttributeName"], "KeyType": k["KeyType"]}
                      for k in index["KeySchema"]], "AttributeName"),
                 "Projection": index["Projection"]}
                for index in definition["GlobalSecondaryIndexes"]
            ),
            key=lambda index: index["IndexName"],
        ),
        "LocalSecondaryIndexes": sorted(
            (
                {"IndexName": index["IndexName"],
                 "KeySchema": _sorted(
                     [{"AttributeName": k["AttributeName"], "KeyType": k["KeyType"]}
                      for k in index["KeySchema"]], "AttributeName"),
                 "Projection": index["Projection"]}
                for index in definition["LocalSecondaryIndexes"]
            ),
            key=lambda index: index["IndexName"],
        ),
        "BillingMode": "PAY_PER_REQUEST",
    }


@pytest.mark.parametrize("definition", table_definitions(),
                         ids=lambda d: d["TableName"])
def test_each_created_table_matches_its_model_description(aws, definition):
    client = boto3.client("dynamodb")

    assert _described(client, definition["TableName"]) == _normalised(definition)


def test_every_table_is_named_for_the_stage_and_nothing_else_exists(aws):
    names = set(boto3.client("dynamodb").list_tables()["TableNames"])

    assert names == {model.Meta.table_name for model in MODELS}
    assert all(name.startswith("dmm-test-") for name in names)
    assert resource_name("idempotency") in names


def test_the_expected_keys_and_indexes_are_declared():
    by_name = {d["TableName"].removeprefix("dmm-test-"): d for d in table_definitions()}

    def keys(definition):
        return [(k["AttributeName"], k["KeyType"]) for k in definition["KeySchema"]]

    assert keys(by_name["dealers"]) == [("brand_id", "HASH"), ("code", "RANGE")]
    assert keys(by_name["users"]) == [("user_id", "HASH")]
    assert [i["IndexName"] for i in by_name["users"]["GlobalSecondaryIndexes"]] == [
        "by_brand"]
    assert [i["IndexName"] for i in by_name["jobs"]["GlobalSecondaryIndexes"]] == [
        "by_status"]
    assert by_name["jobs"]["TimeToLiveAttribute"] == "expires_at"
    assert by_name["idempotency"]["TimeToLiveAttribute"] == "expiration"


def test_the_bootstrap_run_twice_creates_nothing_new_and_does_not_fail(aws):
    again = bootstrap.create_all()

    assert again["tables"] == []
    assert again["queues"] == [queue.name for queue in resources.QUEUES]


def test_each_queue_has_its_dead_letter_queue_and_visibility_timeout(aws):
    sqs = boto3.client("sqs")

    for queue in resources.QUEUES:
        url = sqs.get_queue_url(QueueName=queue.name)["QueueUrl"]
        attributes = sqs.get_queue_attributes(QueueUrl=url,
                                              AttributeNames=["All"])["Attributes"]
        dead_letter_url = sqs.get_queue_url(QueueName=queue.dead_letter_name)
        dead_letter_arn = sqs.get_queue_attributes(
            QueueUrl=dead_letter_url["QueueUrl"], AttributeNames=["QueueArn"]
        )["Attributes"]["QueueArn"]
        redrive = json.loads(attributes["RedrivePolicy"])
        assert attributes["VisibilityTimeout"] == str(queue.visibility_timeout_seconds)
        assert redrive["deadLetterTargetArn"] == dead_letter_arn
        assert int(redrive["maxReceiveCount"]) == queue.max_receives


def test_the_bootstrap_adds_an_index_a_table_of_an_older_version_lacks(aws):
    client = boto3.client("dynamodb")
    name = resource_name("budgets")
    [definition] = [d for d in table_definitions() if d["TableName"] == name]
    client.delete_table(TableName=name)
    client.create_table(TableName=name, KeySchema=definition["KeySchema"],
                        AttributeDefinitions=[
                            a for a in definition["AttributeDefinitions"]
                            if a["AttributeName"] in {"dealer_key", "period"}],
                        BillingMode="PAY_PER_REQUEST")

    created = bootstrap.create_tables()

    indexes = client.describe_table(TableName=name)["Table"].get(
        "GlobalSecondaryIndexes", [])
    assert name not in created
    assert [index["IndexName"] for index in indexes] == ["by_period"]
