"""Budgets, placements, reports and deadlines through the running local stack
(issue 3), driven over HTTP as the web client would drive them.

The clock is the real one. A report past its deadline is a placement that
ended longer ago than the brand's `report_due_days` allow: the API takes past
dates, and the deadline follows from the brand rule as for any placement.
The lock job runs on demand (`dmm job lock_report_deadlines`).

Each test plans its own placements for dealers this module adds to the
second demo brand, Taiga, in the Far East: tests share the stack with other
modules without reading each other's data, and a late report left here
waiting for a decision keeps no other module from closing a period of the
first brand. The report photos are real photographs (tests/fixtures/photos),
a different one for every upload here, so that none is another's duplicate.
"""

import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests

from devstack.photo_samples import sample_bytes
from tests.e2e.conftest import Stack
from tests.e2e.helpers import Api, Person, eventually, mail_to

pytestmark = pytest.mark.e2e

REGION = "Приморский край"
ZONE = "Asia/Vladivostok"
RUB = "RUB"


@dataclass
class Desk:
    """The people of this module: the brand's admin, its manager and a
    regional manager the admin invites, the users of three dealers it adds
    (one for the whole lifecycle, one for the other scenarios, one as the
    stranger), and another brand's staff."""

    api: Api
    stack: Stack
    admin: Person
    manager: Person
    regional_manager: Person
    dealer: Person
    lifecycle_dealer: Person
    stranger: Person
    other_brand_dealer: Person
    other_brand_manager: Person
    due_days: int


DEALERS = {
    "TAI-NHK-01": ("Тайга Авто Находка", "Находка"),
    "TAI-USR-01": ("Тайга Авто Уссурийск", "Уссурийск"),
    "TAI-ART-01": ("Тайга Авто Артём", "Артём"),
}
LIFECYCLE, DEALER, STRANGER = DEALERS


@pytest.fixture(scope="module")
def desk(running_stack: Stack) -> Desk:
    api = Api(running_stack)
    admin = api.user("importer_admin", "taiga-admin-1")
    users = {}
    for code, (name, city) in DEALERS.items():
        api.add_dealer(admin, code, name, city, REGION, ZONE, "standard")
        users[code] = api.add_dealer_user(
            admin, f"marketing.{code.lower()}@example.com", f"Маркетолог {city}",
            code)
    regional = api.add_user(admin, "importer_manager", "primorye@example.com",
                            "Менеджер Приморья", regions=[REGION])
    brand = api.ok("GET", "/v1/brand", admin)
    return Desk(
        api=api, stack=running_stack, admin=admin,
        manager=api.user("importer_manager", "taiga-manager-1"),
        regional_manager=regional,
        dealer=users[DEALER], lifecycle_dealer=users[LIFECYCLE],
        stranger=users[STRANGER],
        other_brand_dealer=api.user("dealer_user", "aurora-dealer-1"),
        other_brand_manager=api.user("importer_manager", "aurora-manager-1"),
        due_days=int(brand["report_due_days"]),
    )


# --- the full lifecycle -------------------------------------------------------


def test_a_placement_goes_from_budget_to_an_accepted_report(desk):
    api, dealer, manager = desk.api, desk.lifecycle_dealer, desk.manager
    starts_on = today() + timedelta(days=1)
    period = starts_on.strftime("%Y-%m")
    budget_path = f"/v1/dealers/{LIFECYCLE}/budgets/{period}"

    # given: the dealer's plan for the period, approved by the manager
    proposed = api.ok("PUT", budget_path, dealer, {"lines": [
        {"channel_id": "outdoor", "plan": money("300000.00")}]})
    budget = api.ok("POST", f"{budget_path}/approve", manager,
                    {"version": proposed["version"]})

    # when: a placement is drafted, submitted, returned with a reason,
    # edited, submitted again and approved for a reduced amount
    draft = plan(desk, dealer, LIFECYCLE, starts_on, starts_on + timedelta(days=13),
                 cost="125000.50")
    submitted = step(desk, draft, "submit", dealer)
    held = outdoor(api.ok("GET", budget_path, dealer))
    returned = step(desk, submitted, "return", manager,
                    reason="Уточните адреса щитов")
    edited = api.ok("PATCH", f"/v1/placements/{draft['placement_id']}", dealer,
                    {"version": returned["version"],
                     "title": "Щиты: Океанский пр. 12 и 40",
                     "cost": money("120000.00")})
    again = step(desk, edited, "submit", dealer)
    approved = step(desk, again, "approve", manager,
                    approved_amount=money("100000.00"))
    after_approval = outdoor(api.ok("GET", budget_path, dealer))

    # then: every step is where the API says it goes, and the ledger follows
    assert (proposed["status"], budget["status"]) == ("proposed", "approved")
    assert draft["status"] == "draft" and draft["period"] == period
    assert submitted["status"] == "submitted"
    assert amount(held["reserved"]) == Decimal("125000.50")
    assert returned["status"] == "returned"
    assert returned["reason"] == "Уточните адреса щитов"
    assert edited["status"] == "returned" and edited["cost"] == money("120000.00")
    assert again["status"] == "submitted" and again["reason"] is None
    assert approved["status"] == "approved"
    assert approved["approved_amount"] == money("100000.00")
    assert amount(after_approval["plan"]) == Decimal("300000.00")
    assert amount(after_approval["reserved"]) == Decimal("0")
    assert amount(after_approval["approved"]) == Decimal("100000.00")
    assert amount(after_approval["available"]) == Decimal("200000.00")

    # when: the report gets its proof, is submitted and accepted
    placement_id = draft["placement_id"]
    opened = report(desk, placement_id, dealer)
    unproven = report_step(desk, opened, "submit", dealer)
    prove(desk, dealer, placement_id, "astronaut", "rocket")
    proven = report(desk, placement_id, dealer)
    filled = api.ok("PUT", f"/v1/placements/{placement_id}/report", dealer,
                    {"version": proven["version"],
                     "comment": "Щиты стояли весь срок",
                     "actual_cost": money("98500.00")})
    sent = ok(report_step(desk, filled, "submit", dealer))
    accepted = ok(report_step(desk, sent, "decision", manager, decision="accept"))

    # then: the report was due in the dealer's zone, needed its proof, and
    # ends accepted and locked for the dealer
    ends_on = date.fromisoformat(approved["ends_on"])
    assert opened["status"] == "open"
    assert opened["due_at"] == due_at(ends_on + timedelta(days=desk.due_days))
    assert opened["required_proof"] == {"photo": 2}
    assert unproven.status_code == 422
    assert unproven.json()["code"] == "proof_missing"
    assert unproven.json()["details"]["missing"] == {"photo": 2}
    assert proven["photo_count"] == 2 and proven["missing_proof"] == {}
    assert filled["actual_cost"] == money("98500.00")
    assert sent["status"] == "submitted"
    assert accepted["status"] == "accepted"
    assert accepted["editable"] is False

    # and: the audit log has every transition, with who and why
    placement_log = desk.api.audit(manager, f"placement:{placement_id}")
    report_log = desk.api.audit(manager, f"report:{placement_id}")
    assert transitions(placement_log) == [
        ("create", None, "draft"), ("submit", "draft", "submitted"),
        ("return", "submitted", "returned"), ("edit", "returned", "returned"),
        ("submit", "returned", "submitted"), ("approve", "submitted", "approved")]
    assert placement_log[2]["reason"] == "Уточните адреса щитов"
    assert placement_log[2]["user_id"] == manager.user_id
    assert placement_log[3]["before"]["cost"] == "125000.50"
    assert placement_log[3]["after"]["cost"] == "120000.00"
    assert placement_log[3]["user_id"] == dealer.user_id
    assert ("submit", "open", "submitted") in transitions(report_log)
    assert ("accept", "submitted", "accepted") in transitions(report_log)

    # and: the dealer was told of the approval in its feed and by e-mail
    told = [n for n in desk.api.feed(dealer)
            if n["entity"] == f"placement:{placement_id}"]
    assert any("approved" in n["kind"] + " ".join(n["facts"].values())
               for n in told), told
    assert mail_to(desk.stack, dealer.email), "no e-mail reached the dealer"


# --- late reports -------------------------------------------------------------


def test_a_late_report_is_refused_then_locked_explained_and_sent_late(desk):
    api, dealer = desk.api, desk.dealer
    placement_id = past_due(desk)["placement_id"]

    # when: the dealer submits after due_at, before any lock job ran
    before_lock = report(desk, placement_id, dealer)
    refused = report_step(desk, before_lock, "submit", dealer)
    photo_refused = api.call("POST", f"/v1/placements/{placement_id}/report/photos",
                             dealer, {"file_name": "Щит.jpg",
                                      "content_type": "image/jpeg",
                                      "size": 50_000})

    # then: 422 deadline_passed, photos too; the report reads overdue already
    assert datetime.fromisoformat(before_lock["due_at"]) < now()
    assert before_lock["status"] == "overdue"
    assert before_lock["editable"] is False
    assert refused.status_code == 422
    assert refused.json()["code"] == "deadline_passed"
    assert refused.json()["details"]["explanation_required"] is True
    assert photo_refused.status_code == 422
    assert photo_refused.json()["code"] == "deadline_passed"

    # when: the lock job runs, twice
    unlocked = locks_of(desk, placement_id)
    desk.stack.job("lock_report_deadlines")
    desk.stack.job("lock_report_deadlines")

    # then: it locked the report once, and told the dealer
    locks = locks_of(desk, placement_id)
    assert unlocked == []
    assert [(e["from_state"], e["to_state"], e["user_id"]) for e in locks] == [
        ("open", "overdue", "system:deadline-lock")]
    told = [n for n in api.feed(dealer) if n["entity"] == f"report:{placement_id}"]
    assert any("overdue" in n["kind"] + " ".join(n["facts"].values())
               for n in told), told

    # when: the dealer explains, adds the photos and sends the report
    locked = report(desk, placement_id, dealer)
    explained = ok(report_step(desk, locked, "explanation", dealer,
                               explanation="Подрядчик прислал фото с опозданием"))
    prove(desk, dealer, placement_id, "coffee", "camera")
    late = ok(report_step(desk, report(desk, placement_id, dealer), "submit",
                          dealer))

    # then: explained it stays overdue but editable; sent, it is late_submitted
    assert locked["status"] == "overdue" and locked["editable"] is False
    assert explained["status"] == "overdue" and explained["editable"] is True
    assert late["status"] == "late_submitted"
    assert late["explanation"] == "Подрядчик прислал фото с опозданием"


@pytest.mark.parametrize(
    ("decision", "reason", "status", "photos"),
    [
        ("accept", None, "accepted", ("coins", "clock")),
        ("accept_with_penalty", "Опоздание на неделю", "accepted_late",
         ("hubble", "retina")),
        ("reject", "Фото не подтверждают размещение", "declined", ("cell", "ihc")),
    ],
)
def test_each_manager_decision_on_a_late_report(desk, decision, reason, status,
                                                photos):
    dealer = desk.dealer
    placement_id = past_due(desk)["placement_id"]
    overdue = report(desk, placement_id, dealer)
    ok(report_step(desk, overdue, "explanation", dealer,
                   explanation="Фотограф заболел"))
    prove(desk, dealer, placement_id, *photos)
    late = ok(report_step(desk, report(desk, placement_id, dealer), "submit",
                          dealer))

    body = {"decision": decision} | ({"reason": reason} if reason else {})
    decided = ok(report_step(desk, late, "decision", desk.manager, **body))
    read_back = report(desk, placement_id, desk.manager)

    assert late["status"] == "late_submitted"
    assert decided["status"] == read_back["status"] == status
    assert decided["decision"] == decision
    assert decided["decision_reason"] == reason
    assert decided["editable"] is False
    log = desk.api.audit(desk.manager, f"report:{placement_id}")
    assert (decision, "late_submitted", status) in transitions(log)


# --- extensions ---------------------------------------------------------------


def test_an_extension_asked_before_the_deadline_is_granted_and_moves_it(desk):
    dealer, manager = desk.dealer, desk.manager
    ends_on = today() + timedelta(days=2)
    placement = approved_placement(desk, today(), ends_on)
    opened = report(desk, placement["placement_id"], dealer)
    asked_on = ends_on + timedelta(days=desk.due_days + 7)

    asked = ok(report_step(desk, opened, "extension", dealer,
                           due_on=asked_on.isoformat(),
                           reason="Подрядчик печатает фотоотчёт неделю"))
    granted = ok(report_step(desk, asked, "extension/decision", manager,
                             decision="grant"))

    assert opened["due_at"] == due_at(ends_on + timedelta(days=desk.due_days))
    assert asked["extension"]["state"] == "pending"
    assert asked["due_at"] == opened["due_at"]
    assert granted["extension"]["state"] == "granted"
    assert granted["due_at"] == due_at(asked_on)
    assert granted["status"] == "open" and granted["editable"] is True


# --- two managers at once -------------------------------------------------------


def test_two_managers_deciding_one_placement_at_once_one_wins_the_other_gets_409(
        desk):
    dealer = desk.dealer
    # A period of its own, so the budget shows this placement's entries only.
    starts_on = first_of_next_month(today())
    period = starts_on.strftime("%Y-%m")
    placement = step(desk, plan(desk, dealer, DEALER, starts_on,
                                starts_on + timedelta(days=9), cost="80000.00"),
                     "submit", dealer)

    approve = ("approve", desk.manager, {"approved_amount": money("80000.00")})
    reject = ("reject", desk.regional_manager, {"reason": "Вне плана"})
    replies = at_once(desk, placement, approve, reject)

    codes = sorted(reply.status_code for reply in replies.values())
    assert codes == [200, 409], {k: r.text[:200] for k, r in replies.items()}
    [loser] = [r for r in replies.values() if r.status_code == 409]
    assert loser.json()["code"] == "stale_version"
    [winner] = [action for action, r in replies.items() if r.status_code == 200]
    stored = desk.api.ok("GET", f"/v1/placements/{placement['placement_id']}",
                         desk.manager)
    expected = {"approve": "approved", "reject": "rejected"}[winner]
    assert stored["status"] == expected
    assert stored["version"] == placement["version"] + 1
    log = desk.api.audit(desk.manager, f"placement:{placement['placement_id']}")
    decisions = [e for e in log if e["action"] in ("approve", "reject")]
    assert [(e["action"], e["from_state"]) for e in decisions] == [
        (winner, "submitted")]
    balance = outdoor(desk.api.ok("GET", f"/v1/dealers/{DEALER}/budgets/{period}",
                                  desk.manager))
    assert amount(balance["reserved"]) == Decimal("0")
    assert amount(balance["approved"]) == (
        Decimal("80000.00") if winner == "approve" else Decimal("0"))


# --- who sees and does what ---------------------------------------------------


MONEY_1 = {"amount": "1.00", "currency": RUB}
# Every route that takes a placement id, with a body that passes validation,
# so only visibility and permission decide the answer.
PLACEMENT_ROUTES = [
    ("GET", "", None),
    ("PATCH", "", {"version": 1, "title": "Чужое"}),
    ("POST", "/submit", {"version": 1}),
    ("POST", "/approve", {"version": 1, "approved_amount": MONEY_1}),
    ("POST", "/return", {"version": 1, "reason": "r"}),
    ("POST", "/reject", {"version": 1, "reason": "r"}),
    ("POST", "/cancel", {"version": 1}),
    ("GET", "/report", None),
    ("PUT", "/report", {"version": 1, "comment": "Чужое"}),
    ("POST", "/report/submit", {"version": 1}),
    ("POST", "/report/photos", {"file_name": "a.jpg", "content_type": "image/jpeg",
                                "size": 10}),
    ("POST", "/report/explanation", {"version": 1, "explanation": "e"}),
    ("POST", "/report/decision", {"version": 1, "decision": "accept"}),
    ("POST", "/report/extension", {"version": 1, "due_on": "2099-01-01",
                                   "reason": "r"}),
    ("POST", "/report/extension/decision", {"version": 1, "decision": "grant"}),
]


@pytest.mark.parametrize("who", ["stranger", "other_brand_dealer",
                                 "other_brand_manager"])
def test_another_dealers_or_brands_token_finds_none_of_it(desk, who):
    caller: Person = getattr(desk, who)
    placement = approved_placement(desk, today(), today() + timedelta(days=5))
    base = f"/v1/placements/{placement['placement_id']}"
    period = placement["period"]

    answers = {f"{method} {suffix or '/'}": desk.api.call(method, base + suffix,
                                                           caller, body)
               for method, suffix, body in PLACEMENT_ROUTES}
    answers["GET budget"] = desk.api.call(
        "GET", f"/v1/dealers/{DEALER}/budgets/{period}", caller)
    answers["GET audit"] = desk.api.call(
        "GET", "/v1/audit", caller, entity=f"placement:{placement['placement_id']}")
    answers["GET list"] = desk.api.call("GET", "/v1/placements", caller,
                                        dealer=DEALER, period=period)

    wrong = {route: (r.status_code, r.text[:120]) for route, r in answers.items()
             if r.status_code != 404}
    assert wrong == {}
    if who == "other_brand_manager":
        brand_list = desk.api.ok("GET", "/v1/placements", caller, period=period)
        assert placement["placement_id"] not in {
            p["placement_id"] for p in brand_list["items"]}


def test_a_dealer_decides_nothing_of_its_own(desk):
    dealer = desk.dealer
    # Two months ahead: a period whose budget no other test here plans.
    starts_on = first_of_next_month(first_of_next_month(today()))
    placement = step(desk, plan(desk, dealer, DEALER, starts_on,
                                starts_on + timedelta(days=4)), "submit", dealer)
    base = f"/v1/placements/{placement['placement_id']}"
    budget_path = f"/v1/dealers/{DEALER}/budgets/{placement['period']}"
    budget = desk.api.ok("PUT", budget_path, dealer, {"lines": [
        {"channel_id": "outdoor", "plan": money("50000.00")}]})

    answers = {
        "approve": desk.api.call("POST", f"{base}/approve", dealer,
                                 {"version": placement["version"],
                                  "approved_amount": placement["cost"]}),
        "return": desk.api.call("POST", f"{base}/return", dealer,
                                {"version": placement["version"], "reason": "r"}),
        "reject": desk.api.call("POST", f"{base}/reject", dealer,
                                {"version": placement["version"], "reason": "r"}),
        "budget": desk.api.call("POST", f"{budget_path}/approve", dealer,
                                {"version": budget["version"]}),
        "audit": desk.api.call("GET", "/v1/audit", dealer,
                               entity=f"placement:{placement['placement_id']}"),
    }
    approved = step(desk, placement, "approve", desk.manager,
                    approved_amount=placement["cost"])
    prove(desk, dealer, approved["placement_id"], "text", "brick")
    sent = ok(report_step(desk, report(desk, approved["placement_id"], dealer),
                          "submit", dealer))
    answers["decision"] = report_step(desk, sent, "decision", dealer,
                                      decision="accept")

    wrong = {action: (r.status_code, r.text[:120]) for action, r in answers.items()
             if r.status_code != 403}
    assert wrong == {}
    assert {r.json()["code"] for r in answers.values()} == {"forbidden"}
    still = report(desk, approved["placement_id"], dealer)
    assert still["status"] == "submitted"


# --- helpers ------------------------------------------------------------------


def today() -> date:
    """Today in the dealers' own zone."""
    return datetime.now(ZoneInfo(ZONE)).date()


def now() -> datetime:
    return datetime.now(ZoneInfo(ZONE))


def due_at(due_on: date) -> str:
    """The exclusive deadline of a report due on `due_on`, as the API writes
    it: the first instant of the next day in the dealers' zone."""
    midnight = datetime.combine(due_on + timedelta(days=1), datetime.min.time(),
                                tzinfo=ZoneInfo(ZONE))
    return midnight.isoformat()


def first_of_next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def money(value: str) -> dict[str, str]:
    return {"amount": value, "currency": RUB}


def amount(money_reply: dict) -> Decimal:
    assert money_reply["currency"] == RUB
    return Decimal(money_reply["amount"])


def outdoor(budget: dict) -> dict:
    [line] = [line for line in budget["lines"] if line["channel_id"] == "outdoor"]
    return dict(line)


def transitions(log: list[dict]) -> list[tuple[str, str | None, str | None]]:
    return [(e["action"], e["from_state"], e["to_state"]) for e in log]


def ok(reply: requests.Response) -> Any:
    assert reply.status_code == 200, (reply.status_code, reply.text[:500])
    return reply.json()


def plan(desk: Desk, dealer: Person, code: str, starts_on: date, ends_on: date,
         cost: str = "45000.00") -> dict:
    body = {"dealer_code": code, "channel_id": "outdoor",
            "title": "Билборды на Океанском проспекте",
            "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat(),
            "cost": money(cost)}
    return dict(desk.api.ok("POST", "/v1/placements", dealer, body, status=201))


def step(desk: Desk, placement: dict, action: str, who: Person, **body: Any) -> dict:
    return dict(desk.api.ok("POST",
                            f"/v1/placements/{placement['placement_id']}/{action}",
                            who, {"version": placement["version"], **body}))


def approved_placement(desk: Desk, starts_on: date, ends_on: date) -> dict:
    placement = plan(desk, desk.dealer, DEALER, starts_on, ends_on)
    submitted = step(desk, placement, "submit", desk.dealer)
    return step(desk, submitted, "approve", desk.manager,
                approved_amount=submitted["cost"])


def past_due(desk: Desk) -> dict:
    """An approved placement whose report's deadline passed yesterday at the
    latest: it ended one day more than the brand's rule allows."""
    ends_on = today() - timedelta(days=desk.due_days + 1)
    return approved_placement(desk, ends_on - timedelta(days=6), ends_on)


def locks_of(desk: Desk, placement_id: str) -> list[dict]:
    log = desk.api.audit(desk.manager, f"report:{placement_id}")
    return [entry for entry in log if entry["action"] == "lock"]


def report(desk: Desk, placement_id: str, who: Person) -> dict:
    return dict(desk.api.ok("GET", f"/v1/placements/{placement_id}/report", who))


def report_step(desk: Desk, current: dict, action: str, who: Person,
                **body: Any) -> requests.Response:
    path = f"/v1/placements/{current['placement_id']}/report/{action}"
    return desk.api.call("POST", path, who, {"version": current["version"], **body})


def prove(desk: Desk, dealer: Person, placement_id: str, *samples: str) -> None:
    """Upload one real photo per sample and wait until the stack has
    processed each and counted it towards the report's proof."""
    before = report(desk, placement_id, dealer)["photo_count"]
    for sample in samples:
        photo_id = desk.api.upload_photo(dealer, placement_id, sample_bytes(sample),
                                         f"{sample}.jpg")
        processed = desk.api.processed_photo(dealer, photo_id)
        assert processed["status"] == "processed", processed
    eventually(lambda: report(desk, placement_id, dealer),
               lambda current: current["photo_count"] == before + len(samples),
               what=f"the photos of {placement_id} counted as proof")


def at_once(desk: Desk, placement: dict,
            *decisions: tuple[str, Person, dict]) -> dict[str, requests.Response]:
    """Send each decision on the placement from its own thread, released
    together, all with the version both managers read."""
    start = threading.Barrier(len(decisions))
    replies: dict[str, requests.Response] = {}

    def decide(action: str, who: Person, body: dict) -> None:
        path = f"/v1/placements/{placement['placement_id']}/{action}"
        start.wait(timeout=10)
        replies[action] = desk.api.call("POST", path, who,
                                        {"version": placement["version"], **body})

    threads = [threading.Thread(target=decide, args=d) for d in decisions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return replies
