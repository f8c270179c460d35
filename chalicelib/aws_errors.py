"""Which failures of AWS itself are passing: throttling, a service's own 5xx,
a lost or timed-out connection. botocore has already retried them (PynamoDB:
standard mode, 4 attempts; boto3: standard mode, 3) by the time one reaches
the app; the API then answers 503 `service_unavailable` so the client tries
again later, instead of a 500 that says the app is broken.

Only the web boundary asks; domain code never sees AWS errors.
"""

from botocore.exceptions import (
    ClientError,
    ConnectionError,
    HTTPClientError,
    IncompleteReadError,
)

# The throttling and service-fault codes botocore's standard retry mode
# retries, and DynamoDB's transaction-level ones.
TRANSIENT_CODES = frozenset({
    "Throttling", "ThrottlingException", "ThrottledException",
    "RequestThrottledException", "TooManyRequestsException",
    "ProvisionedThroughputExceededException", "TransactionInProgressException",
    "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException",
    "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
    "EC2ThrottledException", "InternalServerError", "ServiceUnavailable",
    "InternalError",
})
# A transaction cancelled only for these reasons failed for capacity, not
# because a condition did not hold.
PASSING_CANCELLATIONS = frozenset({"ThrottlingError", "None", "TransactionConflict"})


def is_transient(error: BaseException) -> bool:
    """Whether `error`, or an error it was raised from, is AWS being
    briefly unavailable rather than a fault of the request or the app."""
    return any(_passing(cause) for cause in _causes(error))


def _causes(error: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or any(current is known for known in seen):
            continue
        seen.append(current)
        # PynamoDB keeps the botocore error as `cause`, besides `__cause__`.
        # Not `__context__`: an error raised while handling a passing one
        # (a bug in an `except` block) is not itself passing.
        wrapped = getattr(current, "cause", None)
        pending += [current.__cause__,
                    wrapped if isinstance(wrapped, BaseException) else None]
    return seen


def _passing(error: BaseException) -> bool:
    # IncompleteReadError: an S3 body cut off before its Content-Length.
    if isinstance(error, ConnectionError | HTTPClientError | IncompleteReadError):
        return True
    if not isinstance(error, ClientError):
        return False
    code = str(error.response.get("Error", {}).get("Code", ""))
    status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))
    if code == "TransactionCanceledException":
        reasons = {str(reason.get("Code", "None"))
                   for reason in error.response.get("CancellationReasons", [])}
        return "ThrottlingError" in reasons and reasons <= PASSING_CANCELLATIONS
    return code in TRANSIENT_CODES or status >= 500
