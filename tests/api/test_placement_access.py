"""Who sees and does what with placements, reports, budgets and audit:
another dealer's or another brand's ids answer 404, a dealer deciding 403."""

import pytest

from chalicelib.access.model import Role
from tests.api.conftest import json_of

MONEY = {"amount": "1.00", "currency": "RUB"}

# Every route that takes a placement id, with a body that would pass
# validation, so only visibility and permission decide the answer.
PLACEMENT_ROUTES = [
    ("GET", "", None),
    ("PATCH", "", {"version": 1, "title": "Чужое"}),
    ("POST", "/submit", {"version": 1}),
    ("POST", "/approve", {"version": 1, "approved_amount": MONEY}),
    ("POST", "/return", {"version": 1, "reason": "r"}),
    ("POST", "/reject", {"version": 1, "reason": "r"}),
    ("POST", "/cancel", {"version": 1}),
    ("GET", "/report", None),
    ("PUT", "/report", {"version": 1, "comment": "Чужое"}),
    ("POST", "/report/submit", {"version": 1}),
    ("POST", "/report/explanation", {"version": 1, "explanation": "e"}),
    ("POST", "/report/decision", {"version": 1, "decision": "accept"}),
    ("POST", "/report/extension", {"version": 1, "due_on": "2026-07-01",
                                   "reason": "r"}),
    ("POST", "/report/extension/decision", {"version": 1, "decision": "grant"}),
]

BUDGET_ROUTES = [
    ("GET", "", None),
    ("PUT", "", {"lines": []}),
    ("POST", "/approve", {"version": 1}),
]

STRANGERS = [
    pytest.param({"role": Role.DEALER_USER, "dealer": "AUR-KGD-02"},
                 id="another-dealer"),
    pytest.param({"role": Role.DEALER_USER, "brand": "taiga"}, id="taiga-dealer"),
    pytest.param({"role": Role.IMPORTER_MANAGER, "brand": "taiga"},
                 id="taiga-manager"),
    pytest.param({"role": Role.IMPORTER_ADMIN, "brand": "taiga"}, id="taiga-admin"),
]


@pytest.fixture
def reported(desk):
    """An approved placement of AUR-KGD-01 with an open report and a budget."""
    placement = desk.approved()
    desk.ok("PUT", f"/v1/dealers/{desk.dealer_code}/budgets/2026-05", desk.dealer,
            {"lines": [{"channel_id": "outdoor", "plan": MONEY}]})
    return placement


@pytest.mark.parametrize("stranger", STRANGERS)
def test_a_placement_its_report_budget_and_audit_outside_scope_are_not_found(
    desk, reported, auth, stranger
):
    headers = auth(**stranger)
    placement = f"/v1/placements/{reported['placement_id']}"
    budget = f"/v1/dealers/{desk.dealer_code}/budgets/2026-05"
    calls = [(m, placement + suffix, b, "placement_not_found")
             for m, suffix, b in PLACEMENT_ROUTES]
    calls += [(m, budget + suffix, b, "dealer_not_found")
              for m, suffix, b in BUDGET_ROUTES]
    calls += [("GET", f"/v1/audit?entity={kind}:{reported['placement_id']}", None,
               "audit_not_found") for kind in ("placement", "report")]

    answers = {(method, path): desk.call(method, path, headers, body)
               for method, path, body, _ in calls}

    wrong = {key: (r.status_code, json_of(r)["code"]) for key, r in answers.items()
             if r.status_code != 404}
    codes = {key: json_of(r)["code"] for key, r in answers.items()}
    assert wrong == {}
    assert codes == {(m, p): code for m, p, _, code in calls}
    unchanged = desk.ok("GET", placement, desk.dealer)
    assert unchanged["version"] == reported["version"]
    assert desk.report(reported)["comment"] is None


@pytest.mark.parametrize("stranger", STRANGERS)
def test_a_list_of_another_dealers_placements_is_not_found(
    desk, reported, auth, stranger
):
    response = desk.call("GET", f"/v1/placements?dealer={desk.dealer_code}",
                         auth(**stranger))

    assert response.status_code == 404


def test_another_brands_period_list_holds_none_of_this_brands_placements(
    desk, reported, auth
):
    page = desk.ok("GET", "/v1/placements?period=2026-05",
                   auth(Role.IMPORTER_MANAGER, brand="taiga"))

    assert page["items"] == []


@pytest.mark.parametrize(
    ("suffix", "body"),
    [
        ("/approve", {"approved_amount": MONEY}),
        ("/return", {"reason": "Сам себе"}),
        ("/reject", {"reason": "Сам себе"}),
    ],
)
def test_a_dealer_cannot_decide_its_own_placement(desk, suffix, body):
    placement = desk.step(desk.placement(), "submit", desk.dealer)

    response = desk.act(placement, suffix.strip("/"), desk.dealer, **body)

    assert response.status_code == 403
    assert json_of(response)["code"] == "forbidden"


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("decision", {"decision": "accept"}),
        ("extension/decision", {"decision": "grant"}),
    ],
)
def test_a_dealer_cannot_decide_its_own_report(desk, reported, action, body):
    report = desk.report(reported)

    response = desk.report_step(report, action, desk.dealer, **body)

    assert response.status_code == 403


def test_a_dealer_cannot_approve_its_own_budget_nor_read_its_audit(desk, reported):
    budget = desk.ok("GET", f"/v1/dealers/{desk.dealer_code}/budgets/2026-05",
                     desk.dealer)

    approve = desk.call("POST",
                        f"/v1/dealers/{desk.dealer_code}/budgets/2026-05/approve",
                        desk.dealer, {"version": budget["version"]})
    audit = desk.call("GET", f"/v1/audit?entity=placement:{reported['placement_id']}",
                      desk.dealer)

    assert approve.status_code == 403
    assert audit.status_code == 403


def test_the_audit_log_says_who_moved_a_placement_from_which_state_to_which(desk):
    placement = desk.step(desk.placement(cost="5000.00"), "submit", desk.dealer)
    returned = desk.step(placement, "return", desk.manager, reason="Дороговато")
    edited = desk.ok("PATCH", f"/v1/placements/{placement['placement_id']}",
                     desk.dealer, {"version": returned["version"],
                                   "cost": {"amount": "4000.00", "currency": "RUB"}})

    page = desk.ok("GET", f"/v1/audit?entity=placement:{edited['placement_id']}",
                   desk.manager)

    steps = [(e["action"], e["from_state"], e["to_state"]) for e in page["items"]]
    assert steps == [("create", None, "draft"), ("submit", "draft", "submitted"),
                     ("return", "submitted", "returned"),
                     ("edit", "returned", "returned")]
    returning, editing = page["items"][2], page["items"][3]
    assert returning["reason"] == "Дороговато"
    assert returning["user_id"] == "aurora-manager-1"
    assert returning["before"]["status"] == "submitted"
    assert returning["after"] == {"status": "returned", "reason": "Дороговато"}
    assert editing["before"] == {"cost": "5000.00"}
    assert editing["after"] == {"cost": "4000.00"}
    assert editing["user_id"] == "aurora-dealer-1"


def test_an_unknown_audit_entity_is_not_found(desk):
    response = desk.call("GET", "/v1/audit?entity=placement:pl-none", desk.manager)

    assert response.status_code == 404
