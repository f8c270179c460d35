"""The one place that turns errors into HTTP responses of the API's one error shape:
`{"code", "message", "details"}`."""

import json
from typing import Any

from chalice import Response

from chalicelib import errors
from chalicelib.web.messages import message

STATUS_BY_KIND: tuple[tuple[type[errors.DomainError], int], ...] = (
    (errors.InvalidInput, 400),
    (errors.Unauthenticated, 401),
    (errors.Forbidden, 403),
    (errors.NotFound, 404),
    (errors.Conflict, 409),
    (errors.TooLarge, 413),
    (errors.RuleViolated, 422),
)

# Chalice answers some requests itself with `{"Code", "Message"}` bodies.
CHALICE_CODES = {
    "BadRequestError": "invalid_request",
    "UnauthorizedError": "unauthenticated",
    "ForbiddenError": "forbidden",
    "NotFoundError": "not_found",
    "MethodNotAllowedError": "method_not_allowed",
    "RequestTimeoutError": "internal_error",
    "ConflictError": "conflict",
    "UnprocessableEntityError": "rule_violated",
    "TooManyRequestsError": "too_many_requests",
    "UnsupportedMediaType": "unsupported_media_type",
    "InternalServerError": "internal_error",
}

JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}

UNAVAILABLE_STATUS = 503
RETRY_AFTER_SECONDS = 5
"""What a client waits before retrying a request AWS throttled: botocore
has already retried it a few times within the request."""


def status_of(error: errors.DomainError) -> int:
    for kind, status in STATUS_BY_KIND:
        if isinstance(error, kind):
            return status
    return 500


def error_response(
    status: int, code: str, language: str, details: dict[str, Any] | None = None
) -> Response:
    details = details or {}
    text = message(code, language, details)
    return json_response(status, {"code": code, "message": text, "details": details})


def domain_error_response(error: errors.DomainError, language: str) -> Response:
    return error_response(status_of(error), error.code, language, error.details)


def unavailable_response(language: str) -> Response:
    """AWS throttled or dropped the request after botocore's retries: 503
    with `Retry-After`, so the client tries again rather than reporting a
    bug."""
    details = {"retry_after_seconds": RETRY_AFTER_SECONDS}
    response = error_response(UNAVAILABLE_STATUS, "service_unavailable", language,
                              details)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def rewrite_chalice_error(response: Response, language: str) -> Response:
    """Chalice's own error bodies, rewritten to the API's shape."""
    body = response.body
    if response.status_code < 400 or not isinstance(body, dict) or "Code" not in body:
        return response
    code = CHALICE_CODES.get(str(body["Code"]), "internal_error")
    rewritten = error_response(response.status_code, code, language)
    rewritten.headers = {**response.headers, **rewritten.headers}
    return rewritten


def json_response(status: int, body: Any) -> Response:
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return Response(body=text, status_code=status, headers=dict(JSON_HEADERS))
