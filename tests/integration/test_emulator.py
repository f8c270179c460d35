"""The emulator keeps DynamoDB's promises that races depend on."""

import threading

import boto3
from botocore.exceptions import ClientError

from chalicelib.settings import resource_name

RACERS = 8
STORED = 2_000
"""Items already in the table: a transaction's work grows with them in moto,
which widens the window a race needs."""


def test_racing_transactions_leave_one_winner_and_lose_no_other_write(aws):
    client = boto3.client("dynamodb")
    table = resource_name("audit")
    key_names = [k["AttributeName"] for k in
                 client.describe_table(TableName=table)["Table"]["KeySchema"]]
    for first in range(0, STORED, 25):
        client.batch_write_item(RequestItems={table: [
            {"PutRequest": {"Item": {key: {"S": f"old-{n}"} for key in key_names}}}
            for n in range(first, first + 25)
        ]})
    start = threading.Barrier(RACERS)
    won: list[int] = []

    def item(name: str) -> dict:
        return {key: {"S": f"race-{name}"} for key in key_names}

    def race(number: int) -> None:
        start.wait()
        try:
            client.transact_write_items(TransactItems=[
                {"Put": {"TableName": table, "Item": item("prize"),
                         "ConditionExpression":
                             f"attribute_not_exists({key_names[0]})"}},
                {"Put": {"TableName": table, "Item": item(f"entry-{number}")}},
            ])
            won.append(number)
        except ClientError as exc:
            assert exc.response["Error"]["Code"] == "TransactionCanceledException"
        # Plain writes beside the race must survive the losers' rollbacks.
        client.put_item(TableName=table, Item=item(f"beside-{number}"))

    threads = [threading.Thread(target=race, args=(n,)) for n in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    stored = {entry[key_names[0]]["S"]
              for page in client.get_paginator("scan").paginate(TableName=table)
              for entry in page["Items"]}
    assert len(won) == 1
    assert f"race-entry-{won[0]}" in stored
    assert {f"race-beside-{n}" for n in range(RACERS)} <= stored
