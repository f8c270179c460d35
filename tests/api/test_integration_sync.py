import json

import pytest

from chalicelib import wiring
from chalicelib.access.model import Role
from chalicelib.integrations.distributor import DistributorAccess, DistributorPlatform
from chalicelib.jobs import service as jobs
from tests.api.conftest import json_of
from tests.fake_sources.distributor import FakeDistributor


@pytest.fixture
def platform():
    fake = FakeDistributor()
    with fake.server:
        access = DistributorAccess(fake.server.url, fake.token)
        wiring.use(distributor_platforms=lambda brand_id: (
            DistributorPlatform(access) if brand_id == "aurora" else None))
        yield fake


def run(job_id: str):
    return jobs.run_job(wiring.jobs(), wiring.job_runners(), wiring.clock(), job_id)


def sync(client, headers, source="distributor", period="2026-11"):
    return client.http.post(f"/v1/integrations/{source}/sync",
                            body=json.dumps({"period": period}),
                            headers={**headers, "Content-Type": "application/json"})


def test_manager_starts_a_sync_job_whose_result_counts_rows(client, auth, platform):
    platform.sales = [
        {"dealer_code": "AUR-MSK-01", "model": "Aurora X5", "date": "2026-11-02",
         "units": 2, "revenue": "5400000.00"},
        {"dealer_code": "XXX-01", "model": "Aurora X5", "date": "2026-11-02",
         "units": 1, "revenue": "1.00"},
    ]
    headers = auth(Role.IMPORTER_MANAGER)

    started = sync(client, headers)
    run(json_of(started)["job_id"])
    job = json_of(client.http.get(f"/v1/jobs/{json_of(started)['job_id']}",
                                  headers=headers))

    assert started.status_code == 202
    assert job["status"] == "succeeded"
    assert job["result"]["sales_rows"] == 1
    assert job["result"]["unknown_dealers"] == {"XXX-01": 1}


def test_a_brand_without_credentials_gets_a_failed_job(client, auth, platform):
    started = sync(client, auth(Role.IMPORTER_ADMIN, brand="taiga"))

    finished = run(json_of(started)["job_id"])

    assert finished is not None and finished.status == "failed"


def test_dealer_users_and_analysts_may_not_start_syncs(client, auth):
    dealer = sync(client, auth(Role.DEALER_USER, dealer="AUR-KGD-01"))
    analyst = sync(client, auth(Role.ANALYST))

    assert dealer.status_code == analyst.status_code == 403


def test_unknown_source_is_not_found_and_a_bad_period_is_refused(client, auth):
    headers = auth(Role.IMPORTER_MANAGER)

    unknown = sync(client, headers, source="crm")
    bad_period = sync(client, headers, period="2026-13")

    assert unknown.status_code == 404
    assert json_of(unknown)["code"] == "source_not_found"
    assert bad_period.status_code == 400


def test_another_brands_manager_cannot_read_the_sync_job(client, auth, platform):
    started = sync(client, auth(Role.IMPORTER_MANAGER))
    job_id = json_of(started)["job_id"]

    other_brand = client.http.get(f"/v1/jobs/{job_id}",
                                  headers=auth(Role.IMPORTER_MANAGER, brand="taiga"))
    dealer = client.http.get(f"/v1/jobs/{job_id}",
                             headers=auth(Role.DEALER_USER, dealer="AUR-KGD-01"))

    assert other_brand.status_code == dealer.status_code == 404


def test_the_nightly_schedule_starts_one_sync_per_brand_and_source(demo):
    import app
    from devstack.events import run_scheduled

    result = run_scheduled(app, "nightly_syncs")

    assert result == {"started": 4}


def test_the_brands_platform_is_found_from_its_secret(client, auth):
    import boto3

    from chalicelib.integrations.secrets import DISTRIBUTOR, merged_secret

    fake = FakeDistributor()
    fake.sales = [{"dealer_code": "AUR-MSK-01", "model": "Aurora X5",
                   "date": "2026-11-02", "units": 1, "revenue": "2700000.00"}]
    with fake.server:
        merged_secret(boto3.client("secretsmanager"), DISTRIBUTOR, {
            "aurora": {"base_url": fake.server.url, "token": fake.token}})
        started = sync(client, auth(Role.IMPORTER_MANAGER))
        finished = run(json_of(started)["job_id"])

    assert finished.status == "succeeded"
    assert finished.result["sales_rows"] == 1
    assert wiring.distributor_platforms()("taiga") is None


def test_the_nightly_exports_start_one_export_per_brand(demo):
    import app
    from devstack.events import run_scheduled

    result = run_scheduled(app, "nightly_exports")

    listed = wiring.exports().list("aurora", 10, None).items
    assert result == {"started": 2}
    assert [export.status for export in listed] == ["queued"]
