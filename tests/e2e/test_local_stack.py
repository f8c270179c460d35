"""The local stack exactly as `make run` starts it, driven over HTTP as a
client would: `dmm up` in a subprocess, tokens from `dmm token`."""

import json
from collections.abc import Iterator

import pytest
import requests
from openapi_spec_validator import validate
from openapi_spec_validator.versions.shortcuts import get_spec_version

from tests.conftest import WEB_ORIGIN
from tests.e2e.conftest import (
    Stack,
    free_port,
    listening,
    start,
    started_stack,
    stop,
    wait_healthy,
)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    yield from started_stack()


def test_manager_lists_every_dealer_across_pages(stack):
    headers = stack.headers("--role", "importer_manager")
    codes, cursor = [], None

    while True:
        params = {"limit": "25", **({"cursor": cursor} if cursor else {})}
        reply = requests.get(f"{stack.url}/v1/dealers", headers=headers,
                             params=params, timeout=10)
        assert reply.status_code == 200
        codes += [dealer["code"] for dealer in reply.json()["items"]]
        cursor = reply.json()["next_cursor"]
        if cursor is None:
            break

    assert len(codes) == len(set(codes)) >= 70


def test_dealer_user_reads_its_own_dealer_and_no_other(stack):
    headers = stack.headers("--role", "dealer_user", "--dealer", "AUR-PKC-01")

    own = requests.get(f"{stack.url}/v1/dealers/AUR-PKC-01", headers=headers,
                       timeout=10)
    other = requests.get(f"{stack.url}/v1/dealers/AUR-KGD-01", headers=headers,
                         timeout=10)
    other_brand = requests.get(f"{stack.url}/v1/dealers/TAI-MSK-01",
                               headers=headers, timeout=10)

    assert own.status_code == 200
    assert own.json()["time_zone"] == "Asia/Kamchatka"
    assert other.status_code == 404
    assert other_brand.status_code == 404
    assert other.json()["code"] == "dealer_not_found"


def test_action_outside_the_role_is_forbidden(stack):
    headers = stack.headers("--role", "analyst",
                            **{"Content-Type": "application/json"})

    reply = requests.patch(f"{stack.url}/v1/dealers/AUR-MSK-01", headers=headers,
                           data=json.dumps({"version": 1, "name": "x"}), timeout=10)

    assert reply.status_code == 403
    assert reply.json()["code"] == "forbidden"


def test_missing_and_tampered_tokens_are_unauthorized(stack):
    token = stack.token("--role", "importer_admin")
    header, payload, signature = token.split(".")
    tampered = ".".join([header, payload[:-2] + ("AA" if payload[-2:] != "AA"
                                                 else "BB"), signature])

    missing = requests.get(f"{stack.url}/v1/me", timeout=10)
    forged = requests.get(f"{stack.url}/v1/me", timeout=10,
                          headers={"Authorization": f"Bearer {tampered}"})

    assert missing.status_code == forged.status_code == 401
    assert forged.json()["code"] == "invalid_token"


def test_malformed_json_and_oversized_bodies_are_refused(stack):
    headers = stack.headers("--role", "importer_admin",
                            **{"Content-Type": "application/json"})

    malformed = requests.post(f"{stack.url}/v1/dealers", headers=headers,
                              data='{"code": "AUR-', timeout=10)
    oversized = requests.post(f"{stack.url}/v1/dealers", headers=headers,
                              data=json.dumps({"name": "x" * (1024 * 1024)}),
                              timeout=10)

    assert malformed.status_code == 400
    assert malformed.json()["code"] == "malformed_json"
    assert oversized.status_code == 413
    assert oversized.json()["code"] == "payload_too_large"


def test_preflight_is_answered_for_an_allowed_origin(stack):
    preflight = {"Origin": WEB_ORIGIN, "Access-Control-Request-Method": "PATCH",
                 "Access-Control-Request-Headers": "authorization,content-type"}

    reply = requests.options(f"{stack.url}/v1/dealers/AUR-MSK-01",
                             headers=preflight, timeout=10)

    assert reply.status_code == 204
    assert reply.headers["Access-Control-Allow-Origin"] == WEB_ORIGIN
    assert "PATCH" in reply.headers["Access-Control-Allow-Methods"]
    assert "authorization" in reply.headers["Access-Control-Allow-Headers"].lower()


def test_messages_follow_accept_language(stack):
    english = requests.get(f"{stack.url}/v1/me", timeout=10,
                           headers={"Accept-Language": "en-GB,en;q=0.9"})
    russian = requests.get(f"{stack.url}/v1/me", timeout=10)

    assert english.json()["message"].startswith("An access token is required")
    assert russian.json()["message"].startswith("Нужен токен")


def test_creating_post_retried_with_the_same_key_gives_the_first_result(stack):
    headers = stack.headers("--role", "importer_admin",
                            **{"Content-Type": "application/json",
                               "Idempotency-Key": "new-dealer-tver-1"})
    body = json.dumps({"code": "AUR-TVR-01", "name": "Аврора Тверь",
                       "city": "Тверь", "region": "Тверская область",
                       "time_zone": "Europe/Moscow", "category": "satellite"})

    first = requests.post(f"{stack.url}/v1/dealers", headers=headers, data=body,
                          timeout=10)
    retried = requests.post(f"{stack.url}/v1/dealers", headers=headers, data=body,
                            timeout=10)
    unkeyed = requests.post(f"{stack.url}/v1/dealers", data=body, timeout=10,
                            headers={k: v for k, v in headers.items()
                                     if k != "Idempotency-Key"})

    assert first.status_code == retried.status_code == 201
    assert retried.json() == first.json()
    assert unkeyed.status_code == 409


def test_unknown_path_is_404_in_our_shape_and_never_echoes_the_token(stack):
    token = stack.token("--role", "importer_admin")

    reply = requests.get(f"{stack.url}/v1/no-such-thing", timeout=10,
                         headers={"Authorization": f"Bearer {token}"})

    assert reply.status_code == 404
    assert reply.json()["code"] == "route_not_found"
    assert token not in reply.text


def test_openapi_document_is_valid_openapi_3_1(stack):
    document = requests.get(f"{stack.url}/openapi.json", timeout=10).json()
    docs = requests.get(f"{stack.url}/docs", timeout=10)
    script = requests.get(f"{stack.url}/docs/assets/swagger-ui-bundle.js",
                          timeout=10)

    validate(document)
    version = get_spec_version(document)
    assert (version.major, version.minor) == ("3", "1")
    assert document["openapi"] == "3.1.0"
    assert "/v1/dealers/{code}" in document["paths"]
    assert docs.status_code == 200 and "swagger-ui" in docs.text
    assert script.status_code == 200 and len(script.content) > 100_000


def test_scheduled_job_runs_on_demand_and_seeding_again_succeeds(stack):
    job = stack.dmm("job", "fail_abandoned_jobs", timeout=60)
    seeded = stack.dmm("seed", timeout=60)

    assert job.returncode == 0, job.stderr
    assert json.loads(job.stdout.strip().splitlines()[-1]) == {"failed": 0}
    assert seeded.returncode == 0, seeded.stderr
    assert json.loads(seeded.stdout.strip().splitlines()[-1])["dealers"] >= 80


def test_an_unknown_job_is_named_without_a_traceback(stack):
    unknown = stack.dmm("job", "no_such_job", timeout=60)

    assert unknown.returncode == 2
    assert "No scheduled job 'no_such_job'" in unknown.stderr
    assert "Traceback" not in unknown.stderr


def test_a_second_stack_on_a_port_in_use_stops_before_touching_anything(stack):
    api_port = int(stack.url.rsplit(":", 1)[1])

    second = stack.dmm("up", "--port", str(api_port), timeout=60)

    assert second.returncode == 2
    assert f"port {api_port} is in use" in second.stderr
    assert "Traceback" not in second.stderr
    assert requests.get(f"{stack.url}/openapi.json", timeout=10).status_code == 200


def test_second_stack_on_the_same_emulator_starts_and_stops_cleanly(stack):
    api_port = free_port()
    second = start(api_port, stack.emulator_port)
    url = f"http://127.0.0.1:{api_port}"

    wait_healthy(url, second)
    code, output = stop(second)

    assert code == 0, output
    assert "stopped" in output
    assert listening(stack.emulator_port), "the first stack's emulator survives"


def test_ctrl_c_stops_the_api_and_the_emulator(stack):
    code, output = stop(stack.process)

    assert code == 0, output
    assert not listening(int(stack.url.rsplit(":", 1)[1]))
    assert not listening(stack.emulator_port)
