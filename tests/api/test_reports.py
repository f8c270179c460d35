"""Reports through the API: deadlines decided at write time, the lock job,
late reports with explanation, each decision, extensions, notifications."""

from datetime import UTC, datetime, timedelta

import pytest

import app
from chalicelib import wiring
from chalicelib.channels.model import ProofKind
from chalicelib.placements import service as placements
from chalicelib.placements.model import DeadlinePassed
from devstack.events import run_scheduled
from tests.api.conftest import json_of
from tests.api.placements_helpers import Desk

ONE_SECOND = timedelta(seconds=1)
AFTER_DEADLINE = datetime(2026, 6, 2, 9, 0, tzinfo=UTC)

# Dealers of the demo brand, one per zone, and the deadline of a placement
# that ends on 26 May (due on 31 May under the brand's 5-day rule).
DEALERS = [
    ("AUR-KGD-01", "2026-06-01T00:00:00+02:00"),
    ("AUR-MSK-01", "2026-06-01T00:00:00+03:00"),
    ("AUR-EKB-01", "2026-06-01T00:00:00+05:00"),
    ("AUR-VVO-01", "2026-06-01T00:00:00+10:00"),
    ("AUR-PKC-01", "2026-06-01T00:00:00+12:00"),
]


def _at_dealer(desk: Desk, code: str) -> Desk:
    return Desk(desk.client, desk.auth, desk.clock, dealer_code=code)


def _lock_job() -> dict:
    return run_scheduled(app, "lock_report_deadlines")


def _put(desk: Desk, report: dict, **fields) -> object:
    path = f"/v1/placements/{report['placement_id']}/report"
    return desk.call("PUT", path, desk.dealer, {"version": report["version"],
                                                **fields})


@pytest.mark.parametrize(("code", "due_at"), DEALERS)
def test_a_report_change_one_second_before_the_deadline_is_accepted(
    desk, code, due_at
):
    dealer = _at_dealer(desk, code)
    report = dealer.report(dealer.approved(ends_on="2026-05-26"))
    dealer.clock.set(datetime.fromisoformat(due_at) - ONE_SECOND)

    response = _put(dealer, report, comment="Щиты стоят")

    assert report["due_at"] == due_at
    assert response.status_code == 200
    assert json_of(response)["comment"] == "Щиты стоят"


@pytest.mark.parametrize(("code", "due_at"), DEALERS)
def test_a_report_change_at_the_deadline_is_refused_before_any_lock_job(
    desk, code, due_at
):
    dealer = _at_dealer(desk, code)
    placement = dealer.approved(ends_on="2026-05-26")
    dealer.photos(placement, 2)
    report = dealer.report(placement)
    dealer.clock.set(datetime.fromisoformat(due_at))

    edit = _put(dealer, report, comment="Поздно")
    submit = dealer.report_step(report, "submit", dealer.dealer)
    stored = dealer.report(placement)

    assert edit.status_code == submit.status_code == 422
    assert json_of(edit)["code"] == json_of(submit)["code"] == "deadline_passed"
    assert json_of(edit)["details"]["explanation_required"] is True
    assert stored["status"] == "overdue"
    assert stored["editable"] is False
    assert stored["comment"] is None


def test_the_photo_feature_is_refused_an_upload_after_the_deadline(desk):
    placement = desk.approved(ends_on="2026-05-26")
    caller = wiring.caller_of_token(desk.dealer["Authorization"].split()[1])
    desk.clock.set(datetime(2026, 5, 31, 21, 59, 59, tzinfo=UTC))

    on_time = placements.ensure_report_editable(wiring.placement_ports(), caller,
                                                placement["placement_id"])
    desk.clock.advance(seconds=1)

    assert on_time.status.value == "open"
    with pytest.raises(DeadlinePassed):
        placements.ensure_report_editable(wiring.placement_ports(), caller,
                                          placement["placement_id"])


def test_the_lock_job_at_every_utc_hour_locks_exactly_the_reports_past_due(desk):
    dealers = {code: _at_dealer(desk, code) for code, _ in DEALERS}
    made = {code: d.approved(ends_on="2026-05-26") for code, d in dealers.items()}
    deadlines = {code: datetime.fromisoformat(due) for code, due in DEALERS}
    start = datetime(2026, 5, 31, 0, 0, tzinfo=UTC)

    for hour in range(25):
        now = start + timedelta(hours=hour, minutes=7)
        desk.clock.set(now)
        _lock_job()
        statuses = {code: dealers[code].report(made[code])
                    for code in dealers}

        expected = {code for code, due in deadlines.items() if now >= due}
        overdue = {code for code, report in statuses.items()
                   if report["status"] == "overdue"}
        assert overdue == expected, now
    assert expected == set(dealers)


def test_the_lock_job_run_twice_or_after_downtime_gives_the_same_result(desk):
    late = desk.approved(ends_on="2026-05-26")
    on_time = desk.approved(ends_on="2026-06-20")
    desk.clock.set(AFTER_DEADLINE + timedelta(days=3))

    first = _lock_job()
    second = _lock_job()

    assert first["locked"] == 1
    assert second["locked"] == 0
    assert desk.report(late)["status"] == "overdue"
    assert desk.report(on_time)["status"] == "open"
    audit = desk.ok("GET", f"/v1/audit?entity=report:{late['placement_id']}",
                    desk.manager)
    assert [e["action"] for e in audit["items"]] == ["open", "lock"]


def test_a_report_cannot_be_submitted_without_the_proof_its_channel_requires(desk):
    placement = desk.approved()
    desk.photos(placement, 1)
    report = desk.report(placement)

    response = desk.report_step(report, "submit", desk.dealer)

    assert report["photo_count"] == 1
    assert response.status_code == 422
    assert json_of(response)["code"] == "proof_missing"
    assert json_of(response)["details"]["missing"] == {"photo": 1}


def test_the_same_photo_counted_twice_counts_once(desk):
    placement = desk.approved()

    for _ in range(2):
        placements.attach_proof(wiring.placement_ports(), placement["placement_id"],
                                ProofKind.PHOTO, "photo-a")

    assert desk.report(placement)["photo_count"] == 1


def test_a_report_on_time_is_submitted_and_accepted(desk):
    placement = desk.approved()
    desk.photos(placement, 2)
    report = desk.report(placement)

    submitted = json_of(desk.report_step(report, "submit", desk.dealer))
    penalty = desk.report_step(submitted, "decision", desk.manager,
                               decision="accept_with_penalty")
    by_dealer = desk.report_step(submitted, "decision", desk.dealer,
                                 decision="accept")
    accepted = json_of(desk.report_step(submitted, "decision", desk.manager,
                                        decision="accept"))

    assert submitted["status"] == "submitted"
    assert penalty.status_code == 422
    assert by_dealer.status_code == 403
    assert accepted["status"] == "accepted"
    assert accepted["editable"] is False


def _late_submitted(desk: Desk, lock: bool = True) -> dict:
    placement = desk.approved(ends_on="2026-05-26")
    desk.photos(placement, 1)
    desk.clock.set(AFTER_DEADLINE)
    if lock:
        _lock_job()
    report = desk.report(placement)
    blocked = _put(desk, report, comment="Забыли")
    explained = json_of(desk.report_step(
        report, "explanation", desk.dealer,
        explanation="Подрядчик прислал фото с опозданием"))
    edited = json_of(_put(desk, explained, comment="Фото от подрядчика"))
    desk.photos(placement, 2)
    report = desk.report(placement)
    late = json_of(desk.report_step(report, "submit", desk.dealer))

    assert report["status"] == "overdue"
    assert json_of(blocked)["code"] == "deadline_passed"
    assert explained["status"] == "overdue"
    assert explained["editable"] is True
    assert edited["comment"] == "Фото от подрядчика"
    assert late["status"] == "late_submitted"
    return late


@pytest.mark.parametrize(
    ("decision", "reason", "status"),
    [
        ("accept", None, "accepted"),
        ("accept_with_penalty", "Опоздание на 2 дня", "accepted_late"),
        ("reject", "Фото не подтверждают размещение", "declined"),
    ],
)
def test_a_late_report_with_an_explanation_gets_each_decision(
    desk, decision, reason, status
):
    late = _late_submitted(desk)

    body = {"decision": decision} | ({"reason": reason} if reason else {})
    decided = json_of(desk.report_step(late, "decision", desk.manager, **body))

    assert decided["status"] == status
    assert decided["decision"] == decision
    assert decided["decision_reason"] == reason
    assert decided["explanation"] == "Подрядчик прислал фото с опозданием"


def test_an_explanation_unlocks_a_past_due_report_the_lock_job_has_not_reached(desk):
    late = _late_submitted(desk, lock=False)

    assert late["status"] == "late_submitted"


def test_an_explanation_before_the_deadline_is_not_needed(desk):
    report = desk.report(desk.approved(ends_on="2026-05-26"))

    response = desk.report_step(report, "explanation", desk.dealer,
                                explanation="На всякий случай")

    assert response.status_code == 422
    assert json_of(response)["code"] == "explanation_not_needed"


def test_an_overdue_report_cannot_be_submitted_without_an_explanation(desk):
    placement = desk.approved(ends_on="2026-05-26")
    desk.photos(placement, 2)
    desk.clock.set(AFTER_DEADLINE)
    _lock_job()

    response = desk.report_step(desk.report(placement), "submit", desk.dealer)

    assert response.status_code == 422
    assert json_of(response)["code"] == "deadline_passed"


def test_a_report_returned_before_the_deadline_keeps_its_deadline(desk):
    placement = desk.approved(ends_on="2026-05-26")
    desk.photos(placement, 2)
    submitted = json_of(desk.report_step(desk.report(placement), "submit",
                                         desk.dealer))

    no_reason = desk.report_step(submitted, "decision", desk.manager,
                                 decision="return")
    returned = json_of(desk.report_step(submitted, "decision", desk.manager,
                                        decision="return",
                                        reason="Нужны фото крупным планом"))

    assert no_reason.status_code == 400
    assert returned["status"] == "open"
    assert returned["return_reason"] == "Нужны фото крупным планом"
    assert returned["due_at"] == submitted["due_at"]


def test_a_report_returned_after_its_deadline_gets_a_new_due_date(desk):
    placement = desk.approved(ends_on="2026-05-26")
    desk.photos(placement, 2)
    submitted = json_of(desk.report_step(desk.report(placement), "submit",
                                         desk.dealer))
    desk.clock.set(AFTER_DEADLINE)

    without = desk.report_step(submitted, "decision", desk.manager,
                               decision="return", reason="Нечитаемо")
    past = desk.report_step(submitted, "decision", desk.manager, decision="return",
                            reason="Нечитаемо", due_on="2026-06-01")
    returned = json_of(desk.report_step(submitted, "decision", desk.manager,
                                        decision="return", reason="Нечитаемо",
                                        due_on="2026-06-05"))
    edit = _put(desk, returned, comment="Переснято")

    assert json_of(without)["code"] == "new_due_date_required"
    assert json_of(past)["code"] == "invalid_due_date"
    assert returned["status"] == "open"
    assert returned["due_at"] == "2026-06-06T00:00:00+02:00"
    assert edit.status_code == 200


def test_an_extension_asked_before_the_deadline_moves_it_when_granted(desk):
    report = desk.report(desk.approved(ends_on="2026-05-26"))

    asked = json_of(desk.report_step(report, "extension", desk.dealer,
                                     due_on="2026-06-10",
                                     reason="Подрядчик в отпуске"))
    twice = desk.report_step(asked, "extension", desk.dealer, due_on="2026-06-12",
                             reason="Ещё")
    by_dealer = desk.report_step(asked, "extension/decision", desk.dealer,
                                 decision="grant")
    granted = json_of(desk.report_step(asked, "extension/decision", desk.manager,
                                       decision="grant", reason="Согласовано"))
    desk.clock.set(AFTER_DEADLINE)
    _lock_job()

    assert asked["extension"]["state"] == "pending"
    assert asked["due_at"] == "2026-06-01T00:00:00+02:00"
    assert json_of(twice)["code"] == "extension_conflict"
    assert by_dealer.status_code == 403
    assert granted["extension"]["state"] == "granted"
    assert granted["due_at"] == "2026-06-11T00:00:00+02:00"
    assert desk.report(granted)["status"] == "open"
    assert json_of(_put(desk, granted, comment="Успели"))["status"] == "open"


def test_a_refused_extension_keeps_the_deadline_and_needs_a_reason(desk):
    report = desk.report(desk.approved(ends_on="2026-05-26"))
    asked = json_of(desk.report_step(report, "extension", desk.dealer,
                                     due_on="2026-06-10", reason="Нет фото"))

    no_reason = desk.report_step(asked, "extension/decision", desk.manager,
                                 decision="refuse")
    refused = json_of(desk.report_step(asked, "extension/decision", desk.manager,
                                       decision="refuse", reason="Срок жёсткий"))

    assert no_reason.status_code == 400
    assert refused["extension"]["state"] == "refused"
    assert refused["extension"]["decision_reason"] == "Срок жёсткий"
    assert refused["due_at"] == "2026-06-01T00:00:00+02:00"


def test_an_extension_is_neither_asked_nor_granted_after_the_deadline(desk):
    report = desk.report(desk.approved(ends_on="2026-05-26"))
    asked = json_of(desk.report_step(report, "extension", desk.dealer,
                                     due_on="2026-06-10", reason="Нет фото"))
    other = desk.report(desk.approved(ends_on="2026-05-26"))
    desk.clock.set(AFTER_DEADLINE)

    grant = desk.report_step(asked, "extension/decision", desk.manager,
                             decision="grant")
    ask = desk.report_step(other, "extension", desk.dealer, due_on="2026-06-10",
                           reason="Поздно")

    assert json_of(grant)["code"] == json_of(ask)["code"] == "deadline_passed"


def test_a_changed_deadline_rule_does_not_move_deadlines_already_set(desk):
    report = desk.report(desk.approved(ends_on="2026-05-26"))
    brand = desk.ok("GET", "/v1/brand", desk.admin)

    desk.ok("PUT", "/v1/brand", desk.admin,
            {"version": brand["version"], "report_due_days": 10})
    newer = desk.report(desk.approved(ends_on="2026-05-26"))

    assert desk.report({"placement_id": report["placement_id"]})["due_at"] == (
        "2026-06-01T00:00:00+02:00")
    assert newer["due_at"] == "2026-06-06T00:00:00+02:00"


def test_an_idle_deadline_run_costs_three_queries_whatever_is_open(desk):
    from tests.integration.counting import dynamodb_requests

    for _ in range(3):
        desk.approved(ends_on="2026-06-20")
    desk.clock.advance(minutes=15)

    with dynamodb_requests(wiring.placement_store()._connection.client) as requests:
        result = _lock_job()

    assert result == {"locked": 0, "reminded": 0, "swept": 0}
    # The sparse deadline index, the sparse reminder index, pending events.
    assert dict(requests) == {"Query": 3}
