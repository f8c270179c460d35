"""GET /v1/jobs/{id}: who started a job reads it, and so do the brand's
importer roles; for anyone else it does not exist."""

import pytest

from chalicelib import wiring
from chalicelib.access.model import Role
from chalicelib.jobs import service as jobs
from devstack.demo import find_user
from tests.api.conftest import json_of


def _started_by(user_id: str, brand_id: str = "aurora") -> str:
    job = jobs.start_job(wiring.jobs(), wiring.job_queue(), wiring.clock(),
                         brand_id, user_id, "test.export", {"period": "2026-05"})
    return job.job_id


def test_who_started_a_job_reads_its_status(client, auth):
    job_id = _started_by("aurora-manager-1")

    response = client.http.get(f"/v1/jobs/{job_id}",
                               headers=auth(user_id="aurora-manager-1"))

    job = json_of(response)
    assert response.status_code == 200
    assert job["job_id"] == job_id
    assert job["status"] == "queued"
    assert job["kind"] == "test.export"
    assert job["result"] is None and job["errors"] == []
    assert job["created_at"].endswith(("+00:00", "Z"))


def test_a_finished_job_shows_its_result(client, auth):
    job_id = _started_by("aurora-manager-1")
    wiring.use(job_runners={"test.export": lambda job: {"rows": 80}})
    jobs.run_job(wiring.jobs(), wiring.job_runners(), wiring.clock(), job_id)

    job = json_of(client.http.get(f"/v1/jobs/{job_id}",
                                  headers=auth(user_id="aurora-manager-1")))

    assert job["status"] == "succeeded"
    assert job["result"] == {"rows": 80}


def test_a_dealer_user_sees_its_own_job_but_not_another_users(client, auth):
    own = find_user(Role.DEALER_USER, "aurora", "AUR-KGD-01").user_id
    other = find_user(Role.DEALER_USER, "aurora", "AUR-PKC-01").user_id
    own_job, other_job = _started_by(own), _started_by(other)
    headers = auth(user_id=own)

    mine = client.http.get(f"/v1/jobs/{own_job}", headers=headers)
    theirs = client.http.get(f"/v1/jobs/{other_job}", headers=headers)

    assert mine.status_code == 200
    assert theirs.status_code == 404
    assert json_of(theirs)["code"] == "job_not_found"


@pytest.mark.parametrize("role", [Role.IMPORTER_ADMIN, Role.IMPORTER_MANAGER,
                                  Role.ANALYST])
def test_importer_roles_read_a_dealer_users_job(client, auth, role):
    job_id = _started_by(find_user(Role.DEALER_USER, "aurora").user_id)

    response = client.http.get(f"/v1/jobs/{job_id}", headers=auth(role))

    assert response.status_code == 200


@pytest.mark.parametrize("role", list(Role))
def test_another_brands_job_is_not_found(client, auth, role):
    job_id = _started_by("taiga-manager-1", brand_id="taiga")
    dealer = "AUR-KGD-01" if role is Role.DEALER_USER else None

    response = client.http.get(f"/v1/jobs/{job_id}", headers=auth(role, dealer=dealer))

    assert response.status_code == 404
    assert json_of(response)["code"] == "job_not_found"


def test_an_unknown_job_is_not_found(client, auth):
    response = client.http.get("/v1/jobs/job-0000", headers=auth(Role.ANALYST))

    assert response.status_code == 404
    assert json_of(response)["details"] == {"job_id": "job-0000"}
