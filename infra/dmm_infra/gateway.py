"""API Gateway's own answers, in the API's error shape and with CORS headers.

API Gateway answers some requests before the app sees them: a path no route
declares (its "Missing Authentication Token" 403), a body over 10 MB, a
timeout after about 29 seconds, throttling. Those answers are set here to
`{"code", "message", "details"}`, with the code's message from
`chalicelib.web.messages`.
"""

import json
from dataclasses import dataclass
from typing import Any

from chalicelib.web.messages import DEFAULT_LANGUAGE, MESSAGES

MAX_REQUEST_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class GatewayAnswer:
    response_type: str
    status: int
    code: str
    details: dict[str, Any]


ANSWERS = (
    # An unknown path: API Gateway's 403 becomes the app's own 404.
    GatewayAnswer("MISSING_AUTHENTICATION_TOKEN", 404, "route_not_found", {}),
    GatewayAnswer("RESOURCE_NOT_FOUND", 404, "route_not_found", {}),
    GatewayAnswer(
        "REQUEST_TOO_LARGE",
        413,
        "payload_too_large",
        {"limit_bytes": MAX_REQUEST_BYTES},
    ),
    GatewayAnswer("INTEGRATION_TIMEOUT", 504, "gateway_timeout", {}),
    GatewayAnswer("INTEGRATION_FAILURE", 502, "internal_error", {}),
    GatewayAnswer("THROTTLED", 429, "throttled", {}),
    GatewayAnswer("DEFAULT_4XX", 400, "invalid_request", {}),
    GatewayAnswer("DEFAULT_5XX", 500, "internal_error", {}),
)


def gateway_responses(web_origins: tuple[str, ...]) -> dict[str, Any]:
    """The `x-amazon-apigateway-gateway-responses` extension of the API's
    definition: part of the definition, so each deployment carries it."""
    headers = _cors_headers(web_origins)
    return {
        answer.response_type: {
            "statusCode": answer.status,
            "responseParameters": headers,
            "responseTemplates": {"application/json": _body(answer)},
        }
        for answer in ANSWERS
    }


def _body(answer: GatewayAnswer) -> str:
    # Limitation: a gateway response cannot follow Accept-Language, so its
    # message is in the default language (Russian); `code` is what clients read.
    template = MESSAGES[answer.code][DEFAULT_LANGUAGE]
    message = template.format_map(answer.details)
    body = {"code": answer.code, "message": message, "details": answer.details}
    return json.dumps(body, ensure_ascii=False)


def _cors_headers(web_origins: tuple[str, ...]) -> dict[str, str]:
    if len(web_origins) == 1:
        origin = f"'{web_origins[0]}'"
    else:
        # NOTE: with several web origins the request's own Origin is echoed;
        # these error bodies carry no data, so no origin learns anything.
        origin = "method.request.header.origin"
    return {
        "gatewayresponse.header.Access-Control-Allow-Origin": origin,
        "gatewayresponse.header.Vary": "'Origin'",
        "gatewayresponse.header.Access-Control-Allow-Headers": (
            "'Authorization,Content-Type,Idempotency-Key,Accept-Language'"
        ),
    }
