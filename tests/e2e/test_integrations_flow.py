"""Sales, traffic and leads coming in, the network at a glance and the BI
export, on the demo brand through the running local stack (issue 6, "Done
when").

The outside systems are the tests' fakes, served on loopback: the stack
finds them through its secrets in the emulator, as it would find the real
ones in Secrets Manager. The period is the current month (Moscow time), as a
nightly sync brings it in; every figure is dated its first day, so it is in
the past on any day of the month.
"""

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
import requests
from openpyxl import Workbook

from chalicelib.bonus.model import next_period
from chalicelib.integrations.secrets import CALLTOUCH, DISTRIBUTOR
from devstack.bonus_demo import last_period
from devstack.local import STAGE
from tests.e2e.bi import column_types, current_tables, emulator_client, query
from tests.e2e.client import Client, wait_for
from tests.fake_sources.calls import call, request
from tests.fake_sources.calltouch import FakeCalltouch, Site
from tests.fake_sources.distributor import FakeDistributor

pytestmark = pytest.mark.e2e

PERIOD = next_period(last_period())
FIRST_DAY = f"{PERIOD}-01"
MSK, KGD = "AUR-MSK-01", "AUR-KGD-01"
SITE = "4401"

SALES = [
    {"dealer_code": MSK, "model": "Aurora X5", "date": FIRST_DAY, "units": 3,
     "revenue": "8100000.00"},
    {"dealer_code": MSK, "model": "Aurora X3", "date": FIRST_DAY, "units": 2,
     "revenue": "3800000.00"},
    {"dealer_code": KGD, "model": "Aurora X3", "date": FIRST_DAY, "units": 1,
     "revenue": "1900000.50"},
    {"dealer_code": "AUR-NOPE-01", "model": "Aurora X3", "date": FIRST_DAY,
     "units": 4, "revenue": "7600000.00"},
]
TRAFFIC = [
    {"dealer_code": KGD, "channel": "digital", "date": FIRST_DAY, "visits": 300,
     "calls": 4, "online_leads": 2},
    # Moscow counts its leads from call tracking; the platform's figures of
    # it are stored and exported all the same.
    {"dealer_code": MSK, "channel": "digital", "date": FIRST_DAY, "visits": 900,
     "calls": 10, "online_leads": 5},
]
MSK_CALLS = [call(7001, f"{FIRST_DAY}T10:00:00"),
             call(7002, f"{FIRST_DAY}T11:30:00", target=False),
             call(7003, f"{FIRST_DAY}T12:15:00")]
MSK_REQUESTS = [request(8001, f"{FIRST_DAY}T13:00:00")]
TARGETS = [["dealer_code", "period", "units"], [MSK, PERIOD, 6], [KGD, PERIOD, 2]]


@dataclass
class Synced:
    """What the manager's syncs and import of the period answered."""

    distributor: dict[str, Any]
    calltouch: dict[str, Any]
    cabinets: list[dict[str, Any]]
    targets: dict[str, Any]


@pytest.fixture(scope="module")
def manager(running_stack) -> Client:
    return Client(running_stack, "--role", "importer_manager")


@pytest.fixture(scope="module")
def analyst(running_stack) -> Client:
    return Client(running_stack, "--role", "analyst")


@pytest.fixture(scope="module")
def outside(running_stack) -> Iterator[tuple[FakeDistributor, FakeCalltouch]]:
    """The brand's distributor platform and Moscow's Calltouch cabinet,
    connected the way an admin connects them: credentials in the secrets,
    and Moscow's leads counted from call tracking."""
    platform, calltouch = FakeDistributor(), FakeCalltouch()
    platform.sales, platform.traffic = SALES, TRAFFIC
    calltouch.sites[SITE] = Site(f"token-{SITE}", calls=MSK_CALLS,
                                 requests=MSK_REQUESTS)
    with platform.server, calltouch.server:
        secrets = emulator_client(running_stack, "secretsmanager")
        give_secret(secrets, DISTRIBUTOR, {"aurora": {
            "base_url": platform.server.url, "token": platform.token}})
        give_secret(secrets, CALLTOUCH, {MSK: {
            "brand_id": "aurora", "site_id": SITE, "token": f"token-{SITE}",
            "webhook_secret": "msk-webhook-secret",
            "base_url": calltouch.server.url}})
        admin = Client(running_stack, "--role", "importer_admin")
        chosen = admin.put(f"/v1/dealers/{MSK}/lead-source",
                           {"lead_source": "calltouch"})
        assert chosen.status_code == 200, chosen.text
        yield platform, calltouch


@pytest.fixture(scope="module")
def synced(outside, manager) -> Synced:
    """The period synced from both sources and its targets imported, once."""
    distributor = manager.job_result(sync(manager, "distributor"))
    calltouch = manager.job_result(sync(manager, "calltouch"))
    cabinets = [manager.finished_job(job_id)
                for job_id in calltouch["dealer_jobs"]]
    targets = imported(manager, "plan.xlsx", xlsx(TARGETS))
    return Synced(distributor, calltouch, cabinets, targets)


def test_distributor_sync_stores_sales_and_traffic_reports_unknown_dealers_and_repeats_safely(  # noqa: E501
    synced, manager, analyst
):
    before = figures_of(network(analyst))

    again = manager.job_result(sync(manager, "distributor"))

    for result in (synced.distributor, again):
        assert (result["source"], result["period"]) == ("distributor", PERIOD)
        assert result["sales_rows"] == 3 and result["traffic_rows"] == 2
        assert result["unknown_dealers"] == {"AUR-NOPE-01": 1}
        assert result["rejected"] == []
    assert figures_of(network(analyst)) == before


def test_calltouch_sync_pulls_each_cabinet_and_a_pushed_duplicate_counts_once(
    synced, running_stack, analyst
):
    leads_before = dealer_row(network(analyst), MSK)["leads"]

    pushed = requests.post(
        f"{running_stack.url}/v1/webhooks/calltouch/{MSK}",
        params={"secret": "msk-webhook-secret"}, json=MSK_CALLS[0], timeout=30)

    assert synced.calltouch["source"] == "calltouch"
    assert len(synced.calltouch["dealer_jobs"]) == 1
    [cabinet] = synced.cabinets
    assert cabinet["status"] == "succeeded", cabinet
    assert cabinet["result"]["dealer"] == MSK
    assert (cabinet["result"]["calls"], cabinet["result"]["requests"]) == (3, 1)
    assert pushed.status_code == 200, pushed.text
    assert pushed.json() == {"kind": "call", "id": "7001", "period": PERIOD}
    assert leads_before == dealer_row(network(analyst), MSK)["leads"] == 3


def test_targets_workbook_with_bad_rows_is_refused_whole_with_each_problem_by_row(
    synced, manager, analyst
):
    bad = xlsx([TARGETS[0], [MSK, PERIOD, -1], ["AUR-NOPE-01", PERIOD, 3],
                [KGD, PERIOD, 9], [KGD, PERIOD, 9]])

    refused = imported(manager, "plan-fixed.xlsx", bad)

    assert synced.targets["applied"] is True
    assert synced.targets["accepted_rows"] == 2
    assert refused["applied"] is False and refused["accepted_rows"] == 0
    problems = {(p["row"], p["column"], p["problem"]) for p in refused["problems"]}
    assert problems == {(2, "units", "bad_number"),
                        (3, "dealer_code", "unknown_dealer"),
                        (5, None, "duplicate_row")}
    view = network(analyst)
    assert dealer_row(view, KGD)["sales_plan_units"] == 2
    assert view["totals"]["sales_plan_units"] == 8


def test_network_analytics_show_the_synced_figures_with_totals_that_add_up(
    synced, analyst
):
    view = network(analyst)

    moscow, kaliningrad = dealer_row(view, MSK), dealer_row(view, KGD)
    assert (moscow["sales_units"], moscow["sales_plan_units"]) == (5, 6)
    assert moscow["sales_revenue"] == {"amount": "11900000.00", "currency": "RUB"}
    assert moscow["leads"] == 3  # unique target calls and requests
    assert (kaliningrad["sales_units"], kaliningrad["leads"]) == (1, 6)
    assert kaliningrad["sales_revenue"]["amount"] == "1900000.50"
    totals = view["totals"]
    assert totals["dealers"] == len(view["dealers"]) >= 80
    for figure in ("sales_units", "sales_plan_units", "leads"):
        assert totals[figure] == sum(row[figure] or 0 for row in view["dealers"])
    assert (totals["sales_units"], totals["leads"]) == (6, 9)
    assert totals["sales_revenue"]["amount"] == "13800000.50"
    assert (totals["sales_plan_units"], totals["sales_pct"]) == (8, "75.0")
    for breakdown in ("by_region", "by_city", "by_category"):
        groups = view[breakdown].values()
        assert sum(group["dealers"] for group in groups) == totals["dealers"]
        assert sum(group["sales_units"] for group in groups) == 6
        assert sum(group["leads"] for group in groups) == 9


def test_bi_export_read_through_its_manifest_by_duckdb_has_the_api_totals(
    synced, running_stack, analyst, tmp_path
):
    totals = network(analyst)["totals"]

    started = analyst.post("/v1/exports", {"period": PERIOD})
    result = analyst.job_result(started)
    export = analyst.get(f"/v1/exports/{started.json()['export_id']}").json()
    tables = current_tables(running_stack, export["manifest"], tmp_path)

    assert result["status"] == export["status"] == "published"
    assert set(tables) >= {"dealers", "sales", "traffic", "leads", "placements",
                           "reports", "statements", "statement_lines"}
    sales, leads = tables["sales"], tables["leads"]
    assert column_types(sales)["revenue"] == "DECIMAL(18,2)"
    assert column_types(sales)["day"] == "DATE"
    assert column_types(leads)["at"] == "TIMESTAMP WITH TIME ZONE"
    [(units, revenue)] = query("select sum(units), sum(revenue) from {sales}",
                               sales=sales)
    assert units == totals["sales_units"]
    assert revenue == Decimal(totals["sales_revenue"]["amount"])
    [(counted,)] = query(LEADS_BY_SOURCE, dealers=tables["dealers"], leads=leads,
                         traffic=tables["traffic"])
    assert counted == totals["leads"]
    [(dealers, brand, period)] = query(
        "select count(*), min(brand), min(period) from {dealers}",
        dealers=tables["dealers"])
    assert (dealers, brand, period) == (totals["dealers"], "aurora", PERIOD)
    for table, files in tables.items():
        [(rows,)] = query("select count(*) from {t}", t=files)
        assert rows == export["rows"][table], table


# A BI tool's reading of "leads": per dealer, from its lead source.
LEADS_BY_SOURCE = """
select
  (select count(*) from {leads} l join {dealers} d using (dealer_code)
    where d.lead_source = 'calltouch' and l.unique_target)
  + (select coalesce(sum(t.calls + t.online_leads), 0)
     from {traffic} t join {dealers} d using (dealer_code)
     where d.lead_source = 'distributor' and t.source = 'distributor')
"""


def sync(manager: Client, source: str) -> requests.Response:
    return manager.post(f"/v1/integrations/{source}/sync", {"period": PERIOD})


def imported(manager: Client, file_name: str, body: bytes) -> dict[str, Any]:
    """Upload a targets spreadsheet by the presigned POST and wait for the
    job its arrival starts; its result is the per-row report."""
    started = manager.post("/v1/imports", {"kind": "targets",
                                           "file_name": file_name})
    assert started.status_code == 201, started.text
    upload = started.json()["upload"]
    sent = requests.post(upload["url"], data=upload["fields"],
                         files={"file": (file_name, body)}, timeout=30)
    assert sent.status_code in (200, 204), sent.text
    path = f"/v1/imports/{started.json()['import_id']}"
    found = wait_for(lambda: manager.get(path).json(),
                     lambda found: found.get("job_id") is not None, path)
    job = manager.finished_job(found["job_id"])
    assert job["status"] == "succeeded", job
    result: dict[str, Any] = job["result"]
    return result


def xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def network(analyst: Client) -> dict[str, Any]:
    reply = analyst.get("/v1/analytics/network", period=PERIOD)
    assert reply.status_code == 200, reply.text
    view: dict[str, Any] = reply.json()
    return view


def figures_of(view: dict[str, Any]) -> dict[str, Any]:
    """The view without the instants its dealers' figures were computed at."""
    dealers = [{k: v for k, v in row.items() if k != "refreshed_at"}
               for row in view["dealers"]]
    return {**view, "dealers": dealers}


def dealer_row(view: dict[str, Any], code: str) -> dict[str, Any]:
    return next(row for row in view["dealers"] if row["dealer"] == code)


def give_secret(client: Any, kind: str, entries: dict[str, Any]) -> None:
    """Add entries to the stack's secret of `kind` (its name as the
    integrations README documents it)."""
    name = f"dmm/{STAGE}/integrations/{kind}"
    try:
        current = json.loads(client.get_secret_value(SecretId=name)["SecretString"])
    except client.exceptions.ResourceNotFoundException:
        client.create_secret(Name=name, SecretString=json.dumps(entries))
        return
    client.put_secret_value(SecretId=name,
                            SecretString=json.dumps({**current, **entries}))
