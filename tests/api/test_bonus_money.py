"""Placements, budgets and bonus together through the API: the placement
lifecycle feeds the bonus facts, reports hold a period open, a closed
period refuses the writes that would change its figures, and publishing a
final run books its compensations and penalties on the budget ledger once."""

from datetime import UTC, datetime
from decimal import Decimal

import app
from chalicelib import wiring
from chalicelib.access.model import Role
from chalicelib.budgets.bonus_ledger import BONUS_CHANNEL
from devstack.events import run_scheduled
from tests.api.conftest import json_of
from tests.api.placements_helpers import Desk
from tests.api.test_bonus import drain

PERIOD = "2026-05"
AFTER_DEADLINE = datetime(2026, 6, 2, 9, 0, tzinfo=UTC)
PROGRAM = {
    "compensations": [{"id": "media", "name": "Компенсация", "share_pct": "50"}],
    "penalties": [{"id": "late", "name": "Опоздание", "kind": "per_late_report",
                   "amount": "5000"}],
}


def _approved(desk: Desk, cost: str = "100000.00", amount: str = "80000.00") -> dict:
    placement = desk.step(desk.placement(cost=cost), "submit", desk.dealer)
    return desk.step(placement, "approve", desk.manager,
                     approved_amount={"amount": amount, "currency": "RUB"})


def _accepted(desk: Desk, **money: str) -> dict:
    placement = _approved(desk, **money)
    desk.photos(placement, 2)
    submitted = json_of(desk.report_step(desk.report(placement), "submit",
                                         desk.dealer))
    desk.step(placement, "report/decision", desk.manager, decision="accept",
              version=submitted["version"])
    return placement


def _late_submitted(desk: Desk, placement: dict) -> dict:
    """Past the deadline: explained, proved and sent late."""
    desk.clock.set(AFTER_DEADLINE)
    desk.report_step(desk.report(placement), "explanation", desk.dealer,
                     explanation="Болел")
    desk.photos(placement, 2)
    return json_of(desk.report_step(desk.report(placement), "submit", desk.dealer))


def _program(desk: Desk, rules: dict = PROGRAM) -> dict:
    body = {"period": PERIOD, "name": "Май", "rules": rules}
    program = desk.ok("POST", "/v1/programs", desk.manager, body, status=201)
    return desk.ok("POST", f"/v1/programs/{program['program_id']}/publish",
                   desk.manager, {"version": program["version"]})


def _close(desk: Desk) -> object:
    return desk.call("POST", f"/v1/periods/{PERIOD}/close", desk.manager)


def _run(desk: Desk, kind: str) -> str:
    started = desk.ok("POST", "/v1/bonus-runs", desk.manager,
                      {"period": PERIOD, "kind": kind}, status=202)
    drain(app)
    job = desk.ok("GET", f"/v1/jobs/{started['job_id']}", desk.manager)
    assert job["status"] == "succeeded", job
    return job["result"]["run_id"]


def _lines(desk: Desk, run_id: str) -> list[dict]:
    path = f"/v1/bonus-runs/{run_id}/statements/{desk.dealer_code}"
    return desk.ok("GET", path, desk.manager)["lines"]


def _budget(desk: Desk) -> dict:
    path = f"/v1/dealers/{desk.dealer_code}/budgets/{PERIOD}"
    return desk.ok("GET", path, desk.dealer)


def _by_channel(budget: dict) -> dict[str, tuple[str, str]]:
    return {line["channel_id"]: (line["compensated"]["amount"],
                                 line["penalized"]["amount"])
            for line in budget["lines"]}


def _stored_facts(desk: Desk):
    found = wiring.bonus_facts().for_dealers("aurora", PERIOD, [desk.dealer_code])
    return found[desk.dealer_code]


def test_an_accepted_placement_reaches_the_facts_and_a_preview_compensates_it(desk):
    placement = _accepted(desk, cost="100000.00", amount="80000.00")
    draft = desk.placement(cost="5000.00")
    _program(desk)

    facts = _stored_facts(desk)
    run_id = _run(desk, "preview")
    lines = _lines(desk, run_id)

    [fact] = facts.placements
    assert fact.placement_id == placement["placement_id"] != draft["placement_id"]
    assert (fact.channel, fact.approved_amount, fact.report_state.value) == (
        "outdoor", Decimal("80000.00"), "accepted")
    assert fact.due_at.isoformat() == "2026-06-01T00:00:00+02:00"
    assert [(line["rule"], line["inputs"]["placement_id"], line["amount"]["amount"])
            for line in lines] == [
        ("compensations.media", placement["placement_id"], "40000.00")]


def test_an_approved_budget_plan_is_recorded_and_a_proposed_one_is_not(desk):
    path = f"/v1/dealers/{desk.dealer_code}/budgets/{PERIOD}"
    plan = {"lines": [{"channel_id": "outdoor",
                       "plan": {"amount": "300000.00", "currency": "RUB"}}]}

    proposed = desk.ok("PUT", path, desk.dealer, plan)
    while_proposed = _stored_facts(desk).budget_plan
    desk.ok("POST", f"{path}/approve", desk.manager, {"version": proposed["version"]})

    assert while_proposed is None
    assert _stored_facts(desk).budget_plan == Decimal("300000.00")


def test_the_lock_job_shows_an_unsent_report_as_overdue_in_the_facts(desk):
    _approved(desk)
    before = _stored_facts(desk).placements[0].report_state.value

    desk.clock.set(AFTER_DEADLINE)
    run_scheduled(app, "lock_report_deadlines")

    assert before == "open"
    assert _stored_facts(desk).placements[0].report_state.value == "overdue"


def test_a_period_closes_only_when_every_report_is_past_due_and_decided(desk):
    placement = _approved(desk)

    while_open = _close(desk)
    late = _late_submitted(desk, placement)
    while_waiting = _close(desk)
    desk.step(placement, "report/decision", desk.manager,
              decision="accept_with_penalty", reason="Опоздание",
              version=late["version"])
    closed = _close(desk)

    assert while_open.status_code == 422
    assert json_of(while_open)["code"] == "period_not_ready"
    assert json_of(while_open)["details"]["blockers"] == [
        {"dealer": desk.dealer_code, "placement_id": placement["placement_id"],
         "reason": "not_past_due"}]
    assert json_of(while_waiting)["details"]["blockers"][0]["reason"] == (
        "awaits_decision")
    assert closed.status_code == 200


def test_the_scheduled_close_waits_for_a_late_report_to_be_decided(desk):
    placement = _approved(desk)
    late = _late_submitted(desk, placement)
    close_day = datetime(2026, 6, 10, 7, 0, tzinfo=UTC)

    desk.clock.set(close_day)
    waiting = run_scheduled(app, "close_due_periods", close_day)
    desk.step(placement, "report/decision", desk.manager, decision="accept",
              version=late["version"])
    closed = run_scheduled(app, "close_due_periods", close_day)

    assert _outcome(waiting) == {"brand_id": "aurora", "period": PERIOD,
                                 "closed": False, "blockers": 1}
    assert _outcome(closed) == {"brand_id": "aurora", "period": PERIOD,
                                "closed": True, "run_id": None}
    assert _close(desk).status_code == 409


def _outcome(result: dict) -> dict:
    return next(o for o in result["outcomes"] if o["brand_id"] == "aurora")


def test_a_closed_period_refuses_what_would_change_its_figures(desk):
    sent = _approved(desk)
    desk.photos(sent, 2)
    submitted = json_of(desk.report_step(desk.report(sent), "submit", desk.dealer))
    unsent = _approved(desk)
    waiting = desk.step(desk.placement(), "submit", desk.dealer)
    draft = desk.placement()
    desk.clock.set(AFTER_DEADLINE)
    assert _close(desk).status_code == 200
    budget_path = f"/v1/dealers/{desk.dealer_code}/budgets/{PERIOD}"
    plan = {"lines": [{"channel_id": "outdoor",
                       "plan": {"amount": "1.00", "currency": "RUB"}}]}

    refused = [
        desk.call("POST", "/v1/placements", desk.dealer, {
            "dealer_code": desk.dealer_code, "channel_id": "outdoor",
            "title": "Радио", "starts_on": "2026-05-20", "ends_on": "2026-05-30",
            "cost": {"amount": "1000.00", "currency": "RUB"}}),
        desk.call("PATCH", f"/v1/placements/{draft['placement_id']}", desk.dealer,
                  {"version": draft["version"], "title": "Другое"}),
        desk.act(draft, "submit", desk.dealer),
        desk.act(draft, "cancel", desk.dealer),
        desk.act(waiting, "approve", desk.manager, approved_amount={"amount": "10.00",
                                                        "currency": "RUB"}),
        desk.report_step(desk.report(unsent), "explanation", desk.dealer,
                         explanation="Поздно"),
        desk.report_step(desk.report(unsent), "extension", desk.dealer,
                         due_on="2026-06-20", reason="Ещё"),
        desk.call("PUT", f"/v1/placements/{unsent['placement_id']}/report",
                  desk.dealer, {"version": desk.report(unsent)["version"],
                                "comment": "Поздно"}),
        desk.report_step(submitted, "decision", desk.manager, decision="return",
                         reason="Переснять", due_on="2026-06-20"),
        desk.call("PUT", budget_path, desk.dealer, {**plan}),
    ]
    rejected = desk.act(waiting, "reject", desk.manager, reason="Не по плану")
    accepted = desk.report_step(submitted, "decision", desk.manager,
                                decision="accept")
    next_month = desk.placement(starts_on="2026-06-10", ends_on="2026-06-20")

    assert [r.status_code for r in refused] == [422] * len(refused)
    assert {json_of(r)["code"] for r in refused} == {"period_closed"}
    english = desk.call("POST", f"/v1/placements/{draft['placement_id']}/submit",
                        {**desk.dealer, "Accept-Language": "en"},
                        {"version": draft["version"]})
    assert json_of(english)["message"].startswith("Period 2026-05 is closed")
    assert rejected.status_code == 200
    assert json_of(accepted)["status"] == "accepted"
    assert next_month["status"] == "draft"


def test_publishing_a_final_run_books_it_on_the_budget_ledger_once(desk):
    placement = _approved(desk, cost="100000.00", amount="80000.00")
    late = _late_submitted(desk, placement)
    desk.step(placement, "report/decision", desk.manager,
              decision="accept_with_penalty", reason="Опоздание",
              version=late["version"])
    _program(desk)
    assert _close(desk).status_code == 200
    run_id = _run(desk, "final")
    publish = f"/v1/bonus-runs/{run_id}/publish"

    first = desk.ok("POST", publish, desk.manager)
    after_first = _budget(desk)
    desk.ok("POST", publish, desk.manager)
    after_second = _budget(desk)

    assert first["ledger_entries"] == 2
    assert after_first == after_second
    assert _by_channel(after_first) == {
        "outdoor": ("40000.00", "0"), BONUS_CHANNEL: ("0", "5000.00")}
    total = after_first["total"]
    assert (total["compensated"]["amount"], total["penalized"]["amount"]) == (
        "40000.00", "5000.00")
    assert total["approved"]["amount"] == "80000.00"
    assert total["available"]["amount"] == "-80000.00"


def test_a_later_final_run_replaces_the_published_one_on_the_ledger(desk):
    placement = _approved(desk, cost="100000.00", amount="80000.00")
    late = _late_submitted(desk, placement)
    desk.step(placement, "report/decision", desk.manager,
              decision="accept_with_penalty", reason="Опоздание",
              version=late["version"])
    _program(desk)
    assert _close(desk).status_code == 200
    first = _run(desk, "final")
    desk.ok("POST", f"/v1/bonus-runs/{first}/publish", desk.manager)
    richer = {**PROGRAM, "compensations": [
        {"id": "media", "name": "Компенсация", "share_pct": "75"}]}
    _program(desk, richer)

    second = _run(desk, "final")
    replaced = desk.ok("POST", f"/v1/bonus-runs/{second}/publish", desk.manager)
    again = desk.ok("POST", f"/v1/bonus-runs/{first}/publish", desk.manager)
    budget = _budget(desk)

    assert [line["amount"]["amount"] for line in _lines(desk, second)] == [
        "60000.00", "-5000.00"]
    assert replaced["ledger_entries"] == 4  # its 2 lines + 2 reversals
    assert again["run"]["status"] == "published"
    assert _by_channel(budget) == {
        "outdoor": ("60000.00", "0"), BONUS_CHANNEL: ("0", "5000.00")}


def test_another_dealer_or_brand_sees_none_of_the_touched_routes(desk):
    placement = _approved(desk)
    other_dealer = desk.auth(Role.DEALER_USER, dealer="AUR-KGD-02")
    other_brand = desk.auth(Role.IMPORTER_MANAGER, brand="taiga")
    budget_path = f"/v1/dealers/{desk.dealer_code}/budgets/{PERIOD}"
    plan = {"lines": []}
    pid = placement["placement_id"]
    routes = [
        ("GET", budget_path, None),
        ("PUT", budget_path, plan),
        ("POST", f"{budget_path}/approve", {"version": 1}),
        ("GET", f"/v1/placements/{pid}", None),
        ("POST", f"/v1/placements/{pid}/cancel", {"version": placement["version"]}),
        ("GET", f"/v1/placements/{pid}/report", None),
        ("POST", f"/v1/placements/{pid}/report/extension",
         {"version": 1, "due_on": "2026-06-20", "reason": "Ещё"}),
    ]

    by_dealer = [desk.call(m, p, other_dealer, b).status_code for m, p, b in routes]
    by_brand = [desk.call(m, p, other_brand, b).status_code for m, p, b in routes]
    taiga_closes = desk.call("POST", f"/v1/periods/{PERIOD}/close", other_brand)
    after = desk.placement()

    assert by_dealer == [404] * len(routes)
    assert by_brand == [404] * len(routes)
    assert taiga_closes.status_code == 200
    assert after["status"] == "draft"
    assert [p.placement_id for p in _stored_facts(desk).placements] == [pid]


class FailingOnChange:
    """The facts recorder with its follower path broken, as a DynamoDB outage
    right after the commit would leave it; the close still works."""

    def __init__(self, real) -> None:
        self.real = real

    def placement_changed(self, placement_id: str) -> None:
        raise ConnectionError("bonus-facts unreachable")

    def dealer_changed(self, brand_id: str, dealer_code: str, period: str) -> None:
        self.real.dealer_changed(brand_id, dealer_code, period)

    def period_refreshed(self, brand_id: str, period: str) -> int:
        return self.real.period_refreshed(brand_id, period)


def test_a_failed_follower_keeps_the_change_and_the_close_catches_the_facts_up(
    desk,
):
    wiring.use(placement_facts=FailingOnChange(wiring.placement_facts()))

    placement = _approved(desk)
    stored = desk.ok("GET", f"/v1/placements/{placement['placement_id']}",
                     desk.dealer)
    before_close = _stored_facts(desk).placements
    blocked = _close(desk)

    assert stored["status"] == "approved"
    assert before_close is None
    assert json_of(blocked)["details"]["blockers"][0]["placement_id"] == (
        placement["placement_id"])
    assert [p.placement_id for p in _stored_facts(desk).placements] == [
        placement["placement_id"]]


def test_the_demo_placements_give_the_facts_the_placements_recorder_derives(demo):
    from devstack.bonus_demo import seed_bonus_facts

    seed_bonus_facts(PERIOD)
    seeded = wiring.bonus_facts().for_period("aurora", PERIOD)
    wiring.placement_facts().period_refreshed("aurora", PERIOD)
    derived = wiring.bonus_facts().for_period("aurora", PERIOD)
    seed_bonus_facts(PERIOD)
    again = wiring.bonus_facts().for_period("aurora", PERIOD)

    assert len(seeded) == 80
    assert all(len(facts.placements or ()) == 2 for facts in seeded.values())
    assert {code: facts.placements for code, facts in derived.items()} == {
        code: facts.placements for code, facts in seeded.items()}
    assert {code: facts.budget_plan for code, facts in derived.items()} == {
        code: facts.budget_plan for code, facts in seeded.items()}
    assert again == seeded
