"""Placements through the API: lifecycle, versions, roles, budgets, lists."""

import pytest

from chalicelib.access.model import Role
from tests.api.conftest import json_of


def test_dealer_plans_a_placement_and_a_manager_approves_a_reduced_amount(desk):
    placement = desk.placement(cost="125000.50")

    submitted = desk.step(placement, "submit", desk.dealer)
    approved = desk.step(submitted, "approve", desk.manager,
                         approved_amount={"amount": "100000.00", "currency": "RUB"})

    assert placement["status"] == "draft"
    assert placement["period"] == "2026-05"
    assert placement["cost"] == {"amount": "125000.50", "currency": "RUB"}
    assert submitted["status"] == "submitted"
    assert approved["status"] == "approved"
    assert approved["approved_amount"] == {"amount": "100000.00", "currency": "RUB"}
    assert approved["version"] == placement["version"] + 2


def test_an_approved_placement_gets_an_open_report_due_in_the_dealers_zone(desk):
    placement = desk.approved(ends_on="2026-05-26")

    report = desk.report(placement)

    assert report["status"] == "open"
    assert report["due_at"] == "2026-06-01T00:00:00+02:00"
    assert report["time_zone"] == "Europe/Kaliningrad"
    assert report["required_proof"] == {"photo": 2}
    assert report["missing_proof"] == {"photo": 2}
    assert report["editable"] is True


def test_a_returned_placement_is_edited_and_submitted_again(desk):
    placement = desk.step(desk.placement(), "submit", desk.dealer)

    returned = desk.step(placement, "return", desk.manager,
                         reason="Уточните адреса щитов")
    edited = desk.ok("PATCH", f"/v1/placements/{placement['placement_id']}",
                     desk.dealer, {"version": returned["version"],
                                   "title": "Щиты: Московский пр. 12, 40"})
    again = desk.step(edited, "submit", desk.dealer)

    assert returned["status"] == "returned"
    assert returned["reason"] == "Уточните адреса щитов"
    assert edited["title"] == "Щиты: Московский пр. 12, 40"
    assert again["status"] == "submitted"
    assert again["reason"] is None


def test_a_rejected_placement_keeps_its_reason_and_cannot_be_submitted(desk):
    placement = desk.step(desk.placement(), "submit", desk.dealer)

    rejected = desk.step(placement, "reject", desk.manager, reason="Вне бюджета")
    resubmit = desk.act(rejected, "submit", desk.dealer)

    assert rejected["status"] == "rejected"
    assert rejected["reason"] == "Вне бюджета"
    assert resubmit.status_code == 422
    assert json_of(resubmit)["code"] == "invalid_transition"


def test_returning_or_rejecting_without_a_reason_is_malformed(desk):
    placement = desk.step(desk.placement(), "submit", desk.dealer)

    response = desk.act(placement, "reject", desk.manager)
    blank = desk.act(placement, "return", desk.manager, reason="   ")

    assert response.status_code == 400
    assert blank.status_code == 400
    assert json_of(blank)["code"] == "reason_required"


def test_approving_more_than_the_cost_is_refused(desk):
    placement = desk.step(desk.placement(cost="1000.00"), "submit", desk.dealer)

    response = desk.act(placement, "approve", desk.manager,
                        approved_amount={"amount": "1000.01", "currency": "RUB"})

    assert response.status_code == 422
    assert json_of(response)["code"] == "invalid_amount"


def test_a_stale_version_gets_409_and_changes_nothing(desk):
    placement = desk.placement()
    desk.step(placement, "submit", desk.dealer)

    stale = desk.call("PATCH", f"/v1/placements/{placement['placement_id']}",
                      desk.dealer, {"version": placement["version"], "title": "X"})
    current = desk.ok("GET", f"/v1/placements/{placement['placement_id']}",
                      desk.dealer)

    assert stale.status_code == 409
    assert json_of(stale)["code"] == "stale_version"
    assert current["status"] == "submitted"
    assert current["title"] != "X"


def test_a_placement_cannot_end_before_it_starts(desk):
    body = {"dealer_code": desk.dealer_code, "channel_id": "outdoor", "title": "T",
            "starts_on": "2026-05-10", "ends_on": "2026-05-09",
            "cost": {"amount": "10", "currency": "RUB"}}

    response = desk.call("POST", "/v1/placements", desk.dealer, body)

    assert response.status_code == 400
    assert json_of(response)["code"] == "invalid_dates"


@pytest.mark.parametrize(
    ("change", "code", "status"),
    [
        ({"channel_id": "tv"}, "unknown_channel", 422),
        ({"cost": {"amount": "10", "currency": "EUR"}}, "currency_mismatch", 422),
        ({"cost": {"amount": 10, "currency": "RUB"}}, "invalid_request", 400),
        ({"cost": {"amount": "10.001", "currency": "RUB"}}, "invalid_request", 400),
    ],
)
def test_a_placement_on_unknown_terms_is_refused(desk, change, code, status):
    body = {"dealer_code": desk.dealer_code, "channel_id": "outdoor", "title": "T",
            "starts_on": "2026-05-10", "ends_on": "2026-05-12",
            "cost": {"amount": "10", "currency": "RUB"}, **change}

    response = desk.call("POST", "/v1/placements", desk.dealer, body)

    assert response.status_code == status
    assert json_of(response)["code"] == code


def test_a_mandatory_placement_needs_a_channel_that_can_be_mandatory(desk):
    body = {"dealer_code": desk.dealer_code, "channel_id": "radio", "title": "T",
            "starts_on": "2026-05-10", "ends_on": "2026-05-12", "mandatory": True,
            "cost": {"amount": "10", "currency": "RUB"}}

    response = desk.call("POST", "/v1/placements", desk.dealer, body)

    assert response.status_code == 422
    assert json_of(response)["code"] == "channel_not_mandatory"


def test_the_dealer_submits_and_cancels_but_never_decides(desk):
    placement = desk.step(desk.placement(), "submit", desk.dealer)

    approve = desk.act(placement, "approve", desk.dealer,
                       approved_amount=placement["cost"])
    reject = desk.act(placement, "reject", desk.dealer, reason="no")

    assert approve.status_code == reject.status_code == 403


def test_managers_and_analysts_do_not_plan_for_a_dealer(desk, auth):
    placement = desk.placement()
    analyst = auth(Role.ANALYST)

    by_manager = desk.act(placement, "submit", desk.manager)
    by_analyst = desk.act(placement, "cancel", analyst)
    readable = desk.call("GET", f"/v1/placements/{placement['placement_id']}",
                         analyst)

    assert by_manager.status_code == by_analyst.status_code == 403
    assert readable.status_code == 200


def test_cancelling_an_approved_placement_removes_its_open_report(desk):
    placement = desk.approved()

    cancelled = desk.step(placement, "cancel", desk.dealer, reason="Щит снесли")
    report = desk.call("GET", f"/v1/placements/{placement['placement_id']}/report",
                       desk.dealer)

    assert cancelled["status"] == "cancelled"
    assert report.status_code == 404
    assert json_of(report)["code"] == "report_not_found"


def test_a_reported_placement_can_no_longer_be_cancelled(desk):
    placement = desk.approved()
    desk.photos(placement, 2)
    desk.report_step(desk.report(placement), "submit", desk.dealer)

    response = desk.act(placement, "cancel", desk.dealer)

    assert response.status_code == 422
    assert json_of(response)["code"] == "invalid_transition"


def _money(line: dict, field: str) -> str:
    return line[field]["amount"]


def test_budget_balances_follow_the_ledger_of_placements(desk):
    code = desk.dealer_code
    path = f"/v1/dealers/{code}/budgets/2026-05"
    plan = desk.ok("PUT", path, desk.dealer, {"lines": [
        {"channel_id": "outdoor", "plan": {"amount": "300000", "currency": "RUB"}}]})
    approved_plan = desk.ok("POST", f"{path}/approve", desk.manager,
                            {"version": plan["version"]})

    held = desk.step(desk.placement(cost="100000.00"), "submit", desk.dealer)
    second = desk.step(desk.placement(cost="50000.00"), "submit", desk.dealer)
    desk.step(held, "approve", desk.manager,
              approved_amount={"amount": "80000.00", "currency": "RUB"})
    after_decision = desk.ok("GET", path, desk.dealer)
    desk.step(second, "reject", desk.manager, reason="Дублирует")
    after_reject = desk.ok("GET", path, desk.dealer)

    assert approved_plan["status"] == "approved"
    [line] = after_decision["lines"]
    assert line["channel_id"] == "outdoor"
    assert _money(line, "plan") == "300000"
    assert _money(line, "reserved") == "50000.00"
    assert _money(line, "approved") == "80000.00"
    assert _money(line, "compensated") == "0"
    assert _money(line, "available") == "170000.00"
    assert _money(after_reject["total"], "reserved") == "0.00"
    assert _money(after_reject["total"], "available") == "220000.00"


def test_a_revised_plan_needs_approval_again(desk):
    path = f"/v1/dealers/{desk.dealer_code}/budgets/2026-05"
    line = {"channel_id": "outdoor", "plan": {"amount": "1000", "currency": "RUB"}}
    first = desk.ok("PUT", path, desk.dealer, {"lines": [line]})
    approved = desk.ok("POST", f"{path}/approve", desk.manager,
                       {"version": first["version"]})

    revised = desk.ok("PUT", path, desk.dealer,
                      {"version": approved["version"], "lines": [line]})
    stale = desk.call("PUT", path, desk.dealer,
                      {"version": first["version"], "lines": [line]})
    by_dealer = desk.call("POST", f"{path}/approve", desk.dealer,
                          {"version": revised["version"]})

    assert revised["status"] == "proposed"
    assert stale.status_code == 409
    assert by_dealer.status_code == 403


def test_a_budget_on_an_unknown_channel_or_period_is_refused(desk):
    line = {"channel_id": "tv", "plan": {"amount": "1000", "currency": "RUB"}}

    unknown = desk.call("PUT", f"/v1/dealers/{desk.dealer_code}/budgets/2026-05",
                        desk.dealer, {"lines": [line]})
    period = desk.call("GET", f"/v1/dealers/{desk.dealer_code}/budgets/2026-13",
                       desk.dealer)

    assert unknown.status_code == 422
    assert json_of(unknown)["code"] == "unknown_channel"
    assert period.status_code == 400


@pytest.mark.parametrize("lines", [
    [{"channel_id": "outdoor", "plan": {"amount": "1000", "currency": "RUB"}},
     {"channel_id": "outdoor", "plan": {"amount": "2000", "currency": "RUB"}}],
    [{"channel_id": "outdoor", "plan": {"amount": "-1000", "currency": "RUB"}}],
])
def test_a_plan_with_a_channel_twice_or_a_negative_line_is_refused(desk, lines):
    path = f"/v1/dealers/{desk.dealer_code}/budgets/2026-05"

    response = desk.call("PUT", path, desk.dealer, {"lines": lines})
    stored = desk.call("GET", path, desk.dealer)

    assert response.status_code == 400
    assert json_of(response)["details"]["errors"][0]["field"].startswith("lines")
    assert json_of(stored)["lines"] == []


def test_a_plan_in_another_currency_than_the_brands_is_refused(desk):
    path = f"/v1/dealers/{desk.dealer_code}/budgets/2026-05"
    lines = [{"channel_id": "outdoor", "plan": {"amount": "100", "currency": "EUR"}}]

    response = desk.call("PUT", path, desk.dealer, {"lines": lines})
    stored = desk.call("GET", path, desk.dealer)

    assert response.status_code == 422
    assert json_of(response)["code"] == "currency_mismatch"
    assert json_of(stored)["lines"] == []


def test_a_regional_manager_may_not_close_the_whole_brands_period(desk):
    regional = desk.auth(user_id="aurora-manager-2")

    response = desk.call("POST", "/v1/periods/2026-05/close", regional)

    assert response.status_code == 403


def test_a_dealers_placements_of_a_period_page_by_cursor(desk):
    made = [desk.placement(starts_on=f"2026-05-{day:02d}", ends_on="2026-05-28")
            for day in (1, 2, 3)]
    desk.placement(starts_on="2026-06-01", ends_on="2026-06-05")
    desk.step(made[0], "submit", desk.dealer)

    ids, cursor = [], None
    while True:
        query = "?period=2026-05&limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = desk.ok("GET", f"/v1/placements{query}", desk.dealer)
        ids += [p["placement_id"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    submitted = desk.ok("GET", "/v1/placements?period=2026-05&status=submitted",
                        desk.dealer)
    brand_wide = desk.ok("GET", "/v1/placements?period=2026-05", desk.manager)
    whole = desk.call("GET", "/v1/placements", desk.manager)

    assert sorted(ids) == sorted(p["placement_id"] for p in made)
    assert [p["placement_id"] for p in submitted["items"]] == [made[0]["placement_id"]]
    assert {p["placement_id"] for p in brand_wide["items"]} == set(ids)
    assert whole.status_code == 400
    assert json_of(whole)["code"] == "period_required"


def test_a_regional_manager_sees_only_placements_of_its_regions(desk, auth):
    placement = desk.placement()
    kaliningrad = auth(user_id="aurora-manager-2")
    far_east = auth(user_id="aurora-manager-3")
    path = f"/v1/placements/{placement['placement_id']}"

    seen = desk.call("GET", path, kaliningrad)
    unseen = desk.call("GET", path, far_east)
    listed = desk.ok("GET", "/v1/placements?period=2026-05", far_east)

    assert seen.status_code == 200
    assert unseen.status_code == 404
    assert listed["items"] == []


def test_channels_are_kept_by_the_admin_and_read_by_everyone(desk):
    created = desk.channel("cinema", photos=1, invoice=1)

    listed = desk.ok("GET", "/v1/channels", desk.dealer)
    by_dealer = desk.call("POST", "/v1/channels", desk.dealer,
                          {"channel_id": "tv", "name": "TV"})
    twice = desk.call("POST", "/v1/channels", desk.admin,
                      {"channel_id": "cinema", "name": "Кино"})
    retired = desk.ok("PATCH", "/v1/channels/cinema", desk.admin,
                      {"version": created["version"], "active": False})
    unknown = desk.call("PATCH", "/v1/channels/tv", desk.admin,
                        {"version": 1, "active": False})
    placement_on_retired = desk.call("POST", "/v1/placements", desk.dealer, {
        "dealer_code": desk.dealer_code, "channel_id": "cinema", "title": "T",
        "starts_on": "2026-05-10", "ends_on": "2026-05-12",
        "cost": {"amount": "10", "currency": "RUB"}})

    assert created["proof"] == {"photo": 1, "screenshot": 0, "invoice": 1}
    assert [c["channel_id"] for c in listed["items"]] == [
        "cinema", "digital", "event", "outdoor", "radio"]
    assert json_of(placement_on_retired)["code"] == "unknown_channel"
    assert by_dealer.status_code == 403
    assert twice.status_code == 409
    assert retired["active"] is False
    assert unknown.status_code == 404


def test_a_retried_creation_with_the_same_idempotency_key_makes_one_placement(desk):
    body = {"dealer_code": desk.dealer_code, "channel_id": "outdoor", "title": "T",
            "starts_on": "2026-05-10", "ends_on": "2026-05-12",
            "cost": {"amount": "10", "currency": "RUB"}}
    headers = {**desk.dealer, "Idempotency-Key": "mobile-retry-1"}

    first = desk.ok("POST", "/v1/placements", headers, body, status=201)
    again = desk.ok("POST", "/v1/placements", headers, body, status=201)
    listed = desk.ok("GET", "/v1/placements?period=2026-05", desk.dealer)

    assert again["placement_id"] == first["placement_id"]
    assert [p["placement_id"] for p in listed["items"]] == [first["placement_id"]]


def test_the_openapi_document_describes_the_placement_routes(client):
    from openapi_spec_validator import validate

    document = json_of(client.http.get("/openapi.json"))

    validate(document)
    paths = document["paths"]
    assert "/v1/placements/{placement_id}/report/extension/decision" in paths
    assert "/v1/dealers/{code}/budgets/{period}/approve" in paths
    statuses = paths["/v1/placements"]["get"]["parameters"]
    assert any(p["name"] == "status" for p in statuses)


def test_listing_a_dealers_placements_of_a_period_costs_three_requests(desk):
    from tests.integration.counting import dynamodb_requests

    for day in range(1, 13):
        desk.placement(starts_on=f"2026-05-{day:02d}", ends_on="2026-05-28")
    desk.placement(starts_on="2026-06-01", ends_on="2026-06-05")
    path = f"/v1/placements?dealer={desk.dealer_code}&period=2026-05&limit=50"

    with dynamodb_requests() as requests:
        page = desk.ok("GET", path, desk.dealer)

    assert len(page["items"]) == 12
    # The caller's user (GetItem), the dealer's visibility (GetItem) and one
    # Query of the `by_dealer` index for the page.
    assert dict(requests) == {"GetItem": 2, "Query": 1}


def test_a_channel_retired_after_planning_still_gets_its_placement_reported(desk):
    channel = desk.channel("cinema", photos=1)
    placement = desk.step(desk.placement(channel_id="cinema"), "submit", desk.dealer)
    desk.ok("PATCH", "/v1/channels/cinema", desk.admin,
            {"version": channel["version"], "active": False})

    approved = desk.step(placement, "approve", desk.manager,
                         approved_amount=placement["cost"])

    assert approved["status"] == "approved"
    assert desk.report(approved)["required_proof"] == {"photo": 1}
