import json

import boto3
import pytest

from chalicelib import wiring
from chalicelib.access.model import Role
from chalicelib.integrations.calltouch import CalltouchCabinet
from chalicelib.integrations.httpjson import RateLimiter
from chalicelib.integrations.secrets import CALLTOUCH, merged_secret
from chalicelib.jobs import service as jobs
from tests.api.conftest import json_of
from tests.fake_sources.calls import call, request
from tests.fake_sources.calltouch import FakeCalltouch, Site

JSON = {"Content-Type": "application/json"}


def give_cabinet(brand: str, code: str, site_id: str, secret: str) -> None:
    value = {"brand_id": brand, "site_id": site_id, "token": f"token-{site_id}",
             "webhook_secret": secret}
    merged_secret(boto3.client("secretsmanager"), CALLTOUCH, {code: value})


@pytest.fixture
def cabinets(demo):
    give_cabinet("aurora", "AUR-MSK-01", "4401", "msk-secret")
    give_cabinet("aurora", "AUR-KGD-01", "4402", "kgd-secret")
    give_cabinet("taiga", "TAI-MSK-01", "5501", "taiga-secret")


def push(client, code, secret, payload, source="calltouch"):
    return client.http.post(f"/v1/webhooks/{source}/{code}?secret={secret}",
                            body=json.dumps(payload), headers=JSON)


def stored_ids(period="2026-11"):
    return sorted(lead.lead_id for lead in wiring.leads().leads_of("aurora", period))


def test_a_webhook_with_the_dealers_secret_stores_the_call_once(client, cabinets):
    payload = call(101, "2026-11-03T10:15:00")

    first = push(client, "AUR-MSK-01", "msk-secret", payload)
    again = push(client, "AUR-MSK-01", "msk-secret", payload)
    lead = push(client, "AUR-MSK-01", "msk-secret", request(501, "2026-11-03T11:00"))

    assert first.status_code == again.status_code == lead.status_code == 200
    assert json_of(first) == {"kind": "call", "id": "101", "period": "2026-11"}
    assert stored_ids() == ["101", "501"]


def test_the_secret_may_come_in_a_header(client, cabinets):
    payload = json.dumps(call(1, "2026-11-03T10:00"))

    response = client.http.post(
        "/v1/webhooks/calltouch/AUR-MSK-01", body=payload,
        headers={**JSON, "X-Webhook-Secret": "msk-secret"})

    assert response.status_code == 200


@pytest.mark.parametrize("code, secret, source", [
    ("AUR-MSK-01", "wrong", "calltouch"),
    ("AUR-MSK-01", "", "calltouch"),
    ("AUR-MSK-01", "kgd-secret", "calltouch"),     # another dealer's secret
    ("AUR-MSK-01", "taiga-secret", "calltouch"),   # another brand's secret
    ("AUR-NOPE-01", "msk-secret", "calltouch"),
    ("AUR-MSK-01", "msk-secret", "distributor"),
])
def test_a_webhook_without_the_right_secret_is_rejected_and_stores_nothing(
    client, cabinets, code, secret, source
):
    response = push(client, code, secret, call(101, "2026-11-03T10:15:00"),
                    source=source)

    assert response.status_code == 401
    assert json_of(response)["code"] == "webhook_rejected"
    assert stored_ids() == []


def test_a_webhook_body_that_is_no_call_is_refused(client, cabinets):
    response = push(client, "AUR-MSK-01", "msk-secret", {"hello": "world"})

    assert response.status_code == 400
    assert json_of(response)["code"] == "webhook_not_understood"


def test_a_calltouch_sync_fans_out_one_job_per_dealer_cabinet(client, auth, cabinets):
    fake = FakeCalltouch()
    fake.sites["4401"] = Site("token-4401", calls=[call(1, "2026-11-02T10:00:00")],
                              requests=[request(2, "2026-11-02T12:00:00")])
    fake.sites["4402"] = Site("token-4402", calls=[call(3, "2026-11-02T10:00:00")])

    def cabinet_of(access, dealer):
        return CalltouchCabinet(access, b"k" * 32, dealer.time_zone,
                                base_url=fake.server.url,
                                node_base=lambda node: fake.server.url,
                                limiter=RateLimiter(200))

    wiring.use(calltouch_cabinets=cabinet_of)
    headers = auth(Role.IMPORTER_MANAGER)

    with fake.server:
        started = client.http.post("/v1/integrations/calltouch/sync", headers={
            **headers, **JSON}, body=json.dumps({"period": "2026-11"}))
        parent = run(json_of(started)["job_id"])
        children = [run(job_id) for job_id in parent.result["dealer_jobs"]]

    assert len(children) == 2
    assert all(child.status == "succeeded" for child in children)
    assert {child.result["dealer"] for child in children} == {
        "AUR-KGD-01", "AUR-MSK-01"}
    assert stored_ids() == ["1", "2", "3"]


def run(job_id):
    return jobs.run_job(wiring.jobs(), wiring.job_runners(), wiring.clock(), job_id)


def test_admin_chooses_the_lead_source_of_a_dealer(client, auth):
    admin = auth(Role.IMPORTER_ADMIN)

    before = json_of(client.http.get("/v1/dealers/AUR-MSK-01/lead-source",
                                     headers=admin))
    changed = client.http.put("/v1/dealers/AUR-MSK-01/lead-source",
                              headers={**admin, **JSON},
                              body=json.dumps({"lead_source": "calltouch"}))
    after = json_of(client.http.get("/v1/dealers/AUR-MSK-01/lead-source",
                                    headers=auth(Role.DEALER_USER,
                                                 dealer="AUR-MSK-01")))

    assert before["lead_source"] == "distributor"
    assert changed.status_code == 200
    assert after == {"dealer": "AUR-MSK-01", "lead_source": "calltouch"}


def test_the_lead_source_of_another_dealer_or_brand_is_not_found(client, auth):
    dealer = auth(Role.DEALER_USER, dealer="AUR-KGD-01")
    other_brand = auth(Role.IMPORTER_ADMIN, brand="taiga")

    other_dealer = client.http.get("/v1/dealers/AUR-MSK-01/lead-source",
                                   headers=dealer)
    cross_brand = client.http.put("/v1/dealers/AUR-MSK-01/lead-source",
                                  headers={**other_brand, **JSON},
                                  body=json.dumps({"lead_source": "calltouch"}))
    manager = client.http.put("/v1/dealers/AUR-MSK-01/lead-source",
                              headers={**auth(Role.IMPORTER_MANAGER), **JSON},
                              body=json.dumps({"lead_source": "calltouch"}))

    assert other_dealer.status_code == cross_brand.status_code == 404
    assert manager.status_code == 403
