"""Hostile bodies over real HTTP to the running stack (the local gateway in
front of the app, as API Gateway is): too large, too deep, not JSON. Each is
a clear 4xx in our error shape, and the stack keeps answering."""

import pytest
import requests

from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e

MB = 1024 * 1024


@pytest.fixture(scope="module")
def headers(running_stack: Stack) -> dict[str, str]:
    return running_stack.headers("--role", "dealer_user", "--user", "aurora-dealer-1")


def post(stack: Stack, headers: dict[str, str], body: bytes,
         content_type: str = "application/json") -> requests.Response:
    return requests.post(f"{stack.url}/v1/placements", data=body, timeout=60,
                         headers={**headers, "Content-Type": content_type})


def test_a_body_over_one_megabyte_is_refused_with_413_over_http(
        running_stack, headers):
    body = b'{"title": "' + b"x" * (MB + 1) + b'"}'

    reply = post(running_stack, headers, body)

    assert reply.status_code == 413
    assert reply.json()["code"] == "payload_too_large"


def test_a_deeply_nested_body_is_a_bad_request_over_http(running_stack, headers):
    body = b'{"title": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"

    reply = post(running_stack, headers, body)
    after = requests.get(f"{running_stack.url}/v1/me", headers=headers, timeout=30)

    assert reply.status_code == 400
    assert reply.json()["code"] == "malformed_json"
    assert after.status_code == 200


@pytest.mark.parametrize("content_type", [
    "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; b=x",
    "application/xml",
])
def test_a_body_that_is_not_json_is_unsupported_media_over_http(
        running_stack, headers, content_type):
    reply = post(running_stack, headers, b"dealer_code=AUR-KGD-01", content_type)

    assert reply.status_code == 415
    assert reply.json()["code"] == "unsupported_media_type"
