import io
import json

import boto3
import pytest
import requests
from openpyxl import Workbook

from chalicelib import resources, wiring
from chalicelib.access.model import Role
from chalicelib.jobs import service as jobs
from devstack.events import deliver_batch, sources
from tests.api.conftest import json_of

JSON = {"Content-Type": "application/json"}


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def start(client, headers, kind="targets", file_name="plan-2026-11.xlsx"):
    return client.http.post("/v1/imports", headers={**headers, **JSON},
                            body=json.dumps({"kind": kind, "file_name": file_name}))


def upload(reply: dict, body: bytes) -> None:
    files = {"file": ("sheet", body)}
    sent = requests.post(reply["upload"]["url"], data=reply["upload"]["fields"],
                         files=files, timeout=10)
    sent.raise_for_status()


def deliver_uploads() -> None:
    import app

    queue = next(q for q in sources(app.app)[0] if q.name == "import_uploads")
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=resources.IMPORT_UPLOADS.name)["QueueUrl"]
    while deliver_batch(sqs, url, queue, app.import_uploads, 1):
        pass


def run_import(client, headers, import_id):
    found = json_of(client.http.get(f"/v1/imports/{import_id}", headers=headers))
    return jobs.run_job(wiring.jobs(), wiring.job_runners(), wiring.clock(),
                        found["job_id"])


@pytest.fixture
def manager(auth):
    return auth(Role.IMPORTER_MANAGER)


def test_an_uploaded_targets_workbook_is_imported_and_shows_in_analytics(
    client, auth, manager
):
    reply = json_of(start(client, manager))
    upload(reply, xlsx([["dealer_code", "period", "units"],
                        ["AUR-MSK-01", "2026-11", 12], ["AUR-KGD-01", "2026-11", 4]]))

    deliver_uploads()
    deliver_uploads()  # a notification delivered twice starts one job
    job = run_import(client, manager, reply["import_id"])

    assert job.status == "succeeded"
    assert job.result["applied"] is True and job.result["accepted_rows"] == 2
    view = json_of(client.http.get("/v1/analytics/network?period=2026-11",
                                   headers=auth(Role.ANALYST)))
    assert view["totals"]["sales_plan_units"] == 16


def test_a_file_with_a_bad_row_is_not_imported_at_all(client, manager):
    reply = json_of(start(client, manager, kind="sales", file_name="sales.csv"))
    upload(reply, (b"dealer_code,model,date,units,revenue\n"
                   b"AUR-MSK-01,X5,2026-11-02,2,5400000.00\n"
                   b"AUR-MSK-01,X5,2026-11-03,-1,100.00\n"))

    deliver_uploads()
    job = run_import(client, manager, reply["import_id"])

    assert job.result["applied"] is False
    assert job.result["problems"] == [{"row": 3, "column": "units",
                                       "problem": "bad_number", "value": "-1"}]
    assert wiring.sales_and_traffic().sales_of("aurora", "2026-11") == []


def test_only_xlsx_and_csv_files_are_taken(client, manager):
    response = start(client, manager, file_name="plan.pdf")

    assert response.status_code == 400
    assert json_of(response)["code"] == "unsupported_file"


def test_dealers_and_analysts_may_not_import(client, auth):
    dealer = start(client, auth(Role.DEALER_USER, dealer="AUR-MSK-01"))
    analyst = start(client, auth(Role.ANALYST))

    assert dealer.status_code == analyst.status_code == 403


def test_another_brands_manager_does_not_see_the_import(client, auth, manager):
    reply = json_of(start(client, manager))

    other = client.http.get(f"/v1/imports/{reply['import_id']}",
                            headers=auth(Role.IMPORTER_MANAGER, brand="taiga"))
    dealer = client.http.get(f"/v1/imports/{reply['import_id']}",
                             headers=auth(Role.DEALER_USER, dealer="AUR-MSK-01"))

    assert other.status_code == dealer.status_code == 404
