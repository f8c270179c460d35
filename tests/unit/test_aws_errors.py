"""Which AWS failures the API answers as 503 (passing) rather than 500 or a
domain answer: botocore errors built as botocore builds them."""

import pytest
from botocore.exceptions import (
    ClientError,
    EndpointConnectionError,
    IncompleteReadError,
)

from chalicelib.aws_errors import is_transient


def client_error(code: str, status: int = 400, **extra: object) -> ClientError:
    response = {"Error": {"Code": code, "Message": "x"},
                "ResponseMetadata": {"HTTPStatusCode": status}, **extra}
    return ClientError(response, "TransactWriteItems")


def cancelled(*reasons: str) -> ClientError:
    return client_error("TransactionCanceledException",
                        CancellationReasons=[{"Code": r} for r in reasons])


@pytest.mark.parametrize(("error", "passing"), [
    (client_error("ProvisionedThroughputExceededException"), True),
    (client_error("ThrottlingException"), True),
    (client_error("SlowDown", 503), True),
    (client_error("InternalError", 500), True),
    (EndpointConnectionError(endpoint_url="http://127.0.0.1:1"), True),
    (cancelled("ThrottlingError", "None"), True),
    (IncompleteReadError(actual_bytes=10, expected_bytes=100), True),
    (client_error("ConditionalCheckFailedException"), False),
    (cancelled("ConditionalCheckFailed", "None"), False),
    (cancelled("ThrottlingError", "ConditionalCheckFailed"), False),
    (client_error("ValidationException"), False),
    (client_error("AccessDeniedException", 403), False),
    (ValueError("a bug"), False),
])
def test_throttling_5xx_and_lost_connections_are_passing_and_nothing_else(
    error, passing
):
    assert is_transient(error) is passing


def test_a_passing_error_is_found_under_the_errors_raised_from_it():
    class AdapterError(Exception):
        pass

    try:
        try:
            raise client_error("ProvisionedThroughputExceededException")
        except ClientError as exc:
            raise AdapterError("the store failed") from exc
    except AdapterError as wrapped:
        caught = wrapped

    assert is_transient(caught)
    assert not is_transient(AdapterError("alone"))


def test_a_bug_raised_while_handling_a_passing_error_is_not_passing():
    try:
        try:
            raise client_error("ProvisionedThroughputExceededException")
        except ClientError as exc:
            exc.response["Missing"]["Key"]  # a bug in the handler
    except KeyError as bug:
        caught = bug

    assert caught.__context__ is not None
    assert not is_transient(caught)
