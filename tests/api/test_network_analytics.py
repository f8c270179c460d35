import json
from datetime import UTC, date, datetime
from decimal import Decimal

import boto3
import pytest

from chalicelib import wiring
from chalicelib.access.model import Role
from chalicelib.integrations.model import (
    LeadSource,
    SalesFigure,
    SalesTarget,
    TrafficFigure,
    Utm,
)
from chalicelib.integrations.secrets import CALLTOUCH, merged_secret
from chalicelib.integrations.upstream import (
    BudgetFigures,
    ChecklistSummary,
    PlacementCost,
    ReportState,
    Statement,
)
from tests.api.conftest import json_of
from tests.fake_sources.calls import call, request
from tests.fake_sources.upstream import FakeUpstream

NOV = "2026-11"
DUE = datetime(2026, 12, 6, tzinfo=UTC)


def placement(pid, dealer, cost, status="approved", utm=Utm()):  # noqa: B008
    return PlacementCost(pid, dealer, "digital", status, Decimal(cost),
                         date(2026, 11, 1), date(2026, 11, 30), utm=utm)


@pytest.fixture
def network(demo):
    upstream = FakeUpstream()
    upstream.placements[("aurora", NOV)] = [
        placement("p1", "AUR-MSK-01", "90000.00",
                  utm=Utm("yandex", "cpc", "winter-sale")),
        placement("p2", "AUR-MSK-01", "10000.00", status="submitted"),
        placement("p3", "AUR-KGD-01", "50000.00", status="cancelled"),
        placement("p4", "AUR-KGD-01", "30000.00"),
    ]
    upstream.budgets[("aurora", NOV)] = [
        BudgetFigures("AUR-MSK-01", Decimal("150000.00"), Decimal("90000.00"))]
    upstream.reports[("aurora", NOV)] = [
        ReportState("r1", "p1", "AUR-MSK-01", "accepted", DUE, DUE, True),
        ReportState("r4", "p4", "AUR-KGD-01", "overdue", DUE, None, False)]
    upstream.checklists[("aurora", NOV)] = [ChecklistSummary("AUR-MSK-01", 3, 1, 2)]
    upstream.statements[("aurora", NOV)] = [Statement(
        "run-1", "AUR-MSK-01", False, Decimal("45000.00"), DUE)]
    wiring.use(upstream=upstream)

    figures = wiring.sales_and_traffic()
    figures.save_sales("aurora", [
        SalesFigure("AUR-MSK-01", "Aurora X5", date(2026, 11, 2), 4,
                    Decimal("10800000.00")),
        SalesFigure("AUR-KGD-01", "Aurora X3", date(2026, 11, 2), 1,
                    Decimal("1900000.50"))])
    figures.save_traffic("aurora", [TrafficFigure(
        "AUR-KGD-01", "digital", date(2026, 11, 2), 300, 2, 1)])
    wiring.targets().save_targets("aurora", [SalesTarget("AUR-MSK-01", NOV, 5),
                                             SalesTarget("AUR-KGD-01", NOV, 4)])
    wiring.integration_settings().set_lead_source(
        "aurora", "AUR-MSK-01", LeadSource.CALLTOUCH)
    merged_secret(boto3.client("secretsmanager"), CALLTOUCH, {"AUR-MSK-01": {
        "brand_id": "aurora", "site_id": "1", "token": "t", "webhook_secret": "s"}})
    wiring.refresh_analytics("aurora", NOV)
    return upstream


def dealer_of(view, code):
    return next(row for row in view["dealers"] if row["dealer"] == code)


def test_the_network_view_shows_each_dealers_figures_and_cpl(client, auth, network):
    for payload in (call(1, "2026-11-03T10:00:00"),
                    call(2, "2026-11-04T10:00:00", target=False),
                    request(3, "2026-11-05T10:00:00", utm=("yandex", "cpc",
                                                           "winter-sale"))):
        client.http.post("/v1/webhooks/calltouch/AUR-MSK-01?secret=s",
                         body=json.dumps(payload),
                         headers={"Content-Type": "application/json"})

    response = client.http.get(f"/v1/analytics/network?period={NOV}",
                               headers=auth(Role.ANALYST))

    view = json_of(response)
    moscow = dealer_of(view, "AUR-MSK-01")
    kaliningrad = dealer_of(view, "AUR-KGD-01")
    assert response.status_code == 200
    assert moscow["leads"] == 2 and moscow["actions"] == 3
    assert moscow["placement_cost"] == {"amount": "100000.00", "currency": "RUB"}
    assert moscow["cpl"] == {"amount": "50000.00", "currency": "RUB"}
    assert moscow["budget_plan"]["amount"] == "150000.00"
    assert moscow["placements_by_status"] == {"approved": 1, "submitted": 1}
    assert moscow["checklist"] == {"met": 3, "not_met": 1, "unknown": 2}
    assert (moscow["bonus"]["amount"], moscow["bonus_kind"]) == ("45000.00",
                                                                "estimated")
    assert (moscow["sales_units"], moscow["sales_plan_units"]) == (4, 5)
    assert kaliningrad["leads"] == 3 and kaliningrad["cpl"]["amount"] == "10000.00"
    assert dealer_of(view, "AUR-PKC-01")["cpl"] is None


def test_totals_and_breakdowns_add_up_the_dealers(client, auth, network):
    view = json_of(client.http.get(f"/v1/analytics/network?period={NOV}",
                                   headers=auth(Role.IMPORTER_MANAGER)))

    totals = view["totals"]
    assert totals["dealers"] == len(view["dealers"]) >= 70
    assert totals["sales_units"] == 5 and totals["sales_plan_units"] == 9
    assert totals["sales_pct"] == "55.6"
    assert totals["sales_revenue"]["amount"] == "12700000.50"
    assert (totals["reports_due"], totals["reports_on_time"]) == (2, 1)
    assert totals["on_time_pct"] == "50.0"
    assert sum(group["dealers"] for group in view["by_region"].values()) == \
        totals["dealers"]
    assert view["by_city"]["Москва"]["sales_units"] == 4
    assert set(view["by_category"]) >= {"flagship", "standard"}


def test_a_regional_manager_sees_only_its_regions(client, auth, network):
    view = json_of(client.http.get(f"/v1/analytics/network?period={NOV}",
                                   headers=auth(user_id="aurora-manager-3")))

    assert view["dealers"]
    assert set(view["by_region"]) <= {
        "Новосибирская область", "Приморский край", "Камчатский край"}


def test_dealers_may_not_read_network_analytics_and_other_brands_see_none(
    client, auth, network
):
    dealer = client.http.get(f"/v1/analytics/network?period={NOV}",
                             headers=auth(Role.DEALER_USER, dealer="AUR-MSK-01"))
    taiga = json_of(client.http.get(f"/v1/analytics/network?period={NOV}",
                                    headers=auth(Role.ANALYST, brand="taiga")))
    bad = client.http.get("/v1/analytics/network?period=2026-1",
                          headers=auth(Role.ANALYST))

    assert dealer.status_code == 403
    assert taiga["dealers"] == [] and taiga["totals"]["dealers"] == 0
    assert bad.status_code == 400


def test_network_reply_matches_its_schema(client, auth, network):
    from chalicelib.integrations.schemas import NetworkReply

    view = json_of(client.http.get(f"/v1/analytics/network?period={NOV}",
                                   headers=auth(Role.ANALYST)))

    checked = NetworkReply.model_validate(view).model_dump(mode="json")
    assert len(checked["dealers"]) == len(view["dealers"])
    assert checked["totals"] == view["totals"]


def test_the_network_view_downloads_as_an_xlsx_workbook(client, auth, network):
    import io

    import requests
    from openpyxl import load_workbook

    reply = json_of(client.http.get(f"/v1/analytics/network?period={NOV}&format=xlsx",
                                    headers=auth(Role.IMPORTER_MANAGER)))
    body = requests.get(reply["url"], timeout=10).content

    book = load_workbook(io.BytesIO(body), read_only=True)
    rows = list(book["dealers"].iter_rows(values_only=True))
    totals = list(book["totals"].iter_rows(values_only=True))
    assert rows[0][0] == "dealer" and len(rows) - 1 >= 70
    moscow = next(row for row in rows if row[0] == "AUR-MSK-01")
    assert moscow[7] == 100000.0 and moscow[13] == 4
    assert totals[1][10] == 5


@pytest.mark.parametrize("today", [datetime(2026, 11, 20, 9, tzinfo=UTC),
                                   datetime(2026, 12, 3, 9, tzinfo=UTC)])
def test_a_changed_lead_source_shows_in_the_network_view_at_once(client, auth, demo,
                                                                 today):
    from tests.api.placements_helpers import FixedClock

    wiring.use(clock=FixedClock(today))
    wiring.sales_and_traffic().save_traffic("aurora", [TrafficFigure(
        "AUR-MSK-01", "digital", date(2026, 11, 2), 500, 6, 3)])
    merged_secret(boto3.client("secretsmanager"), CALLTOUCH, {"AUR-MSK-01": {
        "brand_id": "aurora", "site_id": "1", "token": "t", "webhook_secret": "s"}})
    client.http.post("/v1/webhooks/calltouch/AUR-MSK-01?secret=s",
                     body=json.dumps(call(1, "2026-11-03T10:00:00")),
                     headers={"Content-Type": "application/json"})

    def leads() -> int:
        view = json_of(client.http.get(f"/v1/analytics/network?period={NOV}",
                                       headers=auth(Role.ANALYST)))
        return int(dealer_of(view, "AUR-MSK-01")["leads"])

    from_the_platform = leads()
    changed = client.http.put("/v1/dealers/AUR-MSK-01/lead-source",
                              body=json.dumps({"lead_source": "calltouch"}),
                              headers={**auth(Role.IMPORTER_ADMIN),
                                       "Content-Type": "application/json"})

    assert changed.status_code == 200
    assert from_the_platform == 9
    assert leads() == 1
