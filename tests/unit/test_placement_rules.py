"""The lifecycle rules of placements and reports, and budget balances."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from chalicelib.budgets.model import (
    Budget,
    BudgetAlreadyApproved,
    EntryKind,
    LedgerEntry,
    NotTheWriter,
    Writer,
    balances,
    ensure_writer,
    total,
)
from chalicelib.channels.model import ProofKind, missing_proof
from chalicelib.placements.deadlines import end_of_day
from chalicelib.placements.model import (
    DeadlinePassed,
    ExplanationNotNeeded,
    ExtensionConflict,
    InvalidAmount,
    InvalidDates,
    InvalidDueDate,
    InvalidTransition,
    NewDueDateRequired,
    Placement,
    PlacementStatus,
    ProofMissing,
    ReasonRequired,
    Report,
    ReportDecision,
    ReportStatus,
)

NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
DUE_AT = end_of_day(date(2026, 5, 31), "Asia/Kamchatka")  # 31 May 12:00 UTC
LATE = DUE_AT + timedelta(days=1)


def _placement(**changes) -> Placement:
    placement = Placement(
        placement_id="pl-1", brand_id="aurora", dealer_code="AUR-PKC-01",
        region="Камчатский край", channel_id="outdoor", title="Щиты",
        starts_on=date(2026, 5, 10), ends_on=date(2026, 5, 26),
        cost=Decimal("1000.00"), currency="RUB", created_by="dealer",
        created_at=NOW, updated_at=NOW, version=1,
    )
    return replace(placement, **changes)


def _report(**changes) -> Report:
    report = Report(
        placement_id="pl-1", brand_id="aurora", dealer_code="AUR-PKC-01",
        region="Камчатский край", channel_id="outdoor", currency="RUB",
        due_at=DUE_AT, time_zone="Asia/Kamchatka",
        required_proof={ProofKind.PHOTO: 2}, reminder_days=(3, 1), version=1,
    )
    return replace(report, **changes)


def _with_photos(report: Report, count: int = 2) -> Report:
    for n in range(count):
        report = report.with_proof(ProofKind.PHOTO, f"photo-{n}")
    return report


# --- placements -------------------------------------------------------------

PLACEMENT_ACTIONS = {
    "submit": lambda p: p.submitted(NOW),
    "approve": lambda p: p.approved(Decimal("500"), NOW),
    "return": lambda p: p.returned("Адреса?", NOW),
    "reject": lambda p: p.rejected("Нет", NOW),
    "cancel": lambda p: p.cancelled(None, None, NOW),
    "edit": lambda p: p.edited({"title": "Новое"}, NOW),
}

ALLOWED = {
    PlacementStatus.DRAFT: {"submit", "cancel", "edit"},
    PlacementStatus.SUBMITTED: {"approve", "return", "reject", "cancel"},
    PlacementStatus.RETURNED: {"submit", "cancel", "edit"},
    PlacementStatus.APPROVED: {"cancel"},
    PlacementStatus.REJECTED: set(),
    PlacementStatus.CANCELLED: set(),
}


@pytest.mark.parametrize("status", list(PlacementStatus))
@pytest.mark.parametrize("action", sorted(PLACEMENT_ACTIONS))
def test_each_placement_action_is_allowed_only_from_its_states(status, action):
    placement = _placement(status=status)

    if action in ALLOWED[status]:
        assert PLACEMENT_ACTIONS[action](placement).updated_at == NOW
    else:
        with pytest.raises(InvalidTransition):
            PLACEMENT_ACTIONS[action](placement)


def test_an_approval_may_reduce_the_amount_but_not_exceed_the_cost():
    placement = _placement(status=PlacementStatus.SUBMITTED)

    reduced = placement.approved(Decimal("999.99"), NOW)

    assert reduced.approved_amount == Decimal("999.99")
    for amount in (Decimal("0"), Decimal("-1"), Decimal("1000.01")):
        with pytest.raises(InvalidAmount):
            placement.approved(amount, NOW)


def test_a_placement_belongs_to_the_period_of_its_start_date():
    placement = _placement(starts_on=date(2026, 5, 31), ends_on=date(2026, 6, 14))

    assert placement.period == "2026-05"


def test_a_placement_cannot_end_before_it_starts():
    with pytest.raises(InvalidDates):
        _placement(starts_on=date(2026, 5, 10), ends_on=date(2026, 5, 9))


@pytest.mark.parametrize("status", list(ReportStatus))
def test_an_approved_placement_is_cancellable_until_it_is_reported(status):
    placement = _placement(status=PlacementStatus.APPROVED)

    if status in (ReportStatus.OPEN, ReportStatus.OVERDUE):
        assert placement.cancelled(status, None, NOW).status is (
            PlacementStatus.CANCELLED)
    else:
        with pytest.raises(InvalidTransition):
            placement.cancelled(status, None, NOW)


def test_returning_and_rejecting_need_a_reason():
    placement = _placement(status=PlacementStatus.SUBMITTED)

    with pytest.raises(ReasonRequired):
        placement.returned("  ", NOW)
    with pytest.raises(ReasonRequired):
        placement.rejected("", NOW)


# --- reports ----------------------------------------------------------------


def test_an_open_report_past_its_deadline_is_overdue_before_the_lock_job():
    report = _report()

    assert report.status_at(DUE_AT - timedelta(seconds=1)) is ReportStatus.OPEN
    assert report.status_at(DUE_AT) is ReportStatus.OVERDUE
    assert report.status is ReportStatus.OPEN


def test_a_dealer_edit_at_the_deadline_is_refused():
    report = _report()

    edited = report.edited({"comment": "ok"}, DUE_AT - timedelta(seconds=1))

    assert edited.comment == "ok"
    with pytest.raises(DeadlinePassed):
        report.edited({"comment": "late"}, DUE_AT)


def test_submission_needs_the_channels_proof_and_says_what_is_missing():
    report = _with_photos(_report(), 1)

    with pytest.raises(ProofMissing) as refused:
        report.submitted(NOW)

    assert refused.value.details["missing"] == {"photo": 1}
    assert _with_photos(report).submitted(NOW).status is ReportStatus.SUBMITTED


def test_a_late_report_needs_an_explanation_and_becomes_late_submitted():
    report = _with_photos(_report()).locked(LATE)

    with pytest.raises(DeadlinePassed):
        report.submitted(LATE)
    explained = report.explained("Шторм", LATE)
    late = explained.submitted(LATE)

    assert report.status is ReportStatus.OVERDUE
    assert explained.status is ReportStatus.OVERDUE
    assert explained.is_editable_by_dealer(LATE)
    assert late.status is ReportStatus.LATE_SUBMITTED


def test_an_explanation_on_time_is_refused():
    with pytest.raises(ExplanationNotNeeded):
        _report().explained("На всякий случай", NOW)


def test_locking_twice_or_before_the_deadline_is_refused():
    locked = _report().locked(LATE)

    with pytest.raises(InvalidTransition):
        locked.locked(LATE)
    with pytest.raises(InvalidTransition):
        _report().locked(DUE_AT - timedelta(seconds=1))


DECISIONS = [
    (ReportStatus.SUBMITTED, ReportDecision.ACCEPT, ReportStatus.ACCEPTED),
    (ReportStatus.SUBMITTED, ReportDecision.REJECT, ReportStatus.DECLINED),
    (ReportStatus.SUBMITTED, ReportDecision.RETURN, ReportStatus.OPEN),
    (ReportStatus.SUBMITTED, ReportDecision.ACCEPT_WITH_PENALTY, None),
    (ReportStatus.LATE_SUBMITTED, ReportDecision.ACCEPT, ReportStatus.ACCEPTED),
    (ReportStatus.LATE_SUBMITTED, ReportDecision.ACCEPT_WITH_PENALTY,
     ReportStatus.ACCEPTED_LATE),
    (ReportStatus.LATE_SUBMITTED, ReportDecision.REJECT, ReportStatus.DECLINED),
    (ReportStatus.OPEN, ReportDecision.ACCEPT, None),
    (ReportStatus.OVERDUE, ReportDecision.ACCEPT, None),
    (ReportStatus.ACCEPTED, ReportDecision.REJECT, None),
    (ReportStatus.DECLINED, ReportDecision.ACCEPT, None),
    (ReportStatus.ACCEPTED_LATE, ReportDecision.ACCEPT, None),
]


@pytest.mark.parametrize(("status", "decision", "outcome"), DECISIONS)
def test_a_manager_decides_only_submitted_reports(status, decision, outcome):
    report = _report(status=status)

    if outcome is None:
        with pytest.raises(InvalidTransition):
            report.decided(decision, "r", None, "manager", NOW)
    else:
        decided = report.decided(decision, "r", None, "manager", NOW)
        assert decided.status is outcome
        assert decided.decided_by == "manager"


def test_returning_a_report_after_its_deadline_needs_a_future_due_date():
    report = _report(status=ReportStatus.SUBMITTED)
    new_due = end_of_day(date(2026, 6, 10), "Asia/Kamchatka")

    with pytest.raises(NewDueDateRequired):
        report.decided(ReportDecision.RETURN, "Нечётко", None, "m", LATE)
    with pytest.raises(InvalidDueDate):
        report.decided(ReportDecision.RETURN, "Нечётко", DUE_AT, "m", LATE)
    returned = report.decided(ReportDecision.RETURN, "Нечётко", new_due, "m", LATE)

    assert returned.status is ReportStatus.OPEN
    assert returned.due_at == new_due
    assert returned.status_at(LATE) is ReportStatus.OPEN


def test_an_extension_moves_the_deadline_only_when_granted_in_time():
    later = end_of_day(date(2026, 6, 10), "Asia/Kamchatka")
    asked = _report().extension_asked(later, "Подрядчик", "dealer", NOW)

    with pytest.raises(ExtensionConflict):
        asked.extension_asked(later, "Ещё раз", "dealer", NOW)
    with pytest.raises(DeadlinePassed):
        asked.extension_decided(True, None, None, "m", LATE)
    granted = asked.extension_decided(True, "Ок", None, "m", NOW)
    refused = asked.extension_decided(False, "Нет", None, "m", NOW)

    assert asked.due_at == DUE_AT
    assert granted.due_at == later
    assert refused.due_at == DUE_AT
    with pytest.raises(ReasonRequired):
        asked.extension_decided(False, None, None, "m", NOW)


def test_an_extension_must_ask_for_a_later_deadline():
    with pytest.raises(InvalidDueDate):
        _report().extension_asked(DUE_AT, "Тот же срок", "dealer", NOW)


def test_the_next_reminder_is_kept_only_while_the_report_is_open():
    report = _report()

    assert report.next_reminder_at == DUE_AT - timedelta(days=3)
    assert report.reminded((1, 3)).next_reminder_at is None
    assert _report(status=ReportStatus.SUBMITTED).next_reminder_at is None


# --- budgets ----------------------------------------------------------------


def _entry(kind: EntryKind, amount: str, channel: str = "outdoor") -> LedgerEntry:
    return LedgerEntry("aurora", "AUR-PKC-01", "2026-05", f"{kind}-{amount}", kind,
                       channel, Decimal(amount), "RUB", "test", NOW)


def test_balances_are_the_sums_of_ledger_entries_by_channel():
    entries = [
        _entry(EntryKind.RESERVATION, "1000.00"),
        _entry(EntryKind.RESERVATION, "-1000.00"),
        _entry(EntryKind.APPROVAL, "800.00"),
        _entry(EntryKind.COMPENSATION, "400.00"),
        _entry(EntryKind.PENALTY, "50.00"),
        _entry(EntryKind.RESERVATION, "300.00", "radio"),
    ]

    lines = balances({"outdoor": Decimal("5000"), "print": Decimal("100")}, entries)

    by_channel = {line.channel_id: line for line in lines}
    assert list(by_channel) == ["outdoor", "print", "radio"]
    outdoor = by_channel["outdoor"]
    assert (outdoor.reserved, outdoor.approved) == (Decimal("0.00"),
                                                    Decimal("800.00"))
    assert outdoor.compensated == Decimal("400.00")
    assert outdoor.penalized == Decimal("50.00")
    assert outdoor.available == Decimal("4200.00")
    assert by_channel["radio"].available == Decimal("-300.00")
    assert total(lines).available == Decimal("4000.00")


def test_each_kind_of_entry_has_one_writer():
    placements = [_entry(EntryKind.RESERVATION, "1"), _entry(EntryKind.APPROVAL, "1")]
    bonus = [_entry(EntryKind.COMPENSATION, "1"), _entry(EntryKind.PENALTY, "1")]

    ensure_writer(placements, Writer.PLACEMENTS)
    ensure_writer(bonus, Writer.BONUS_RUNS)
    with pytest.raises(NotTheWriter):
        ensure_writer(bonus, Writer.PLACEMENTS)
    with pytest.raises(NotTheWriter):
        ensure_writer(placements, Writer.BONUS_RUNS)


def test_a_revised_plan_drops_its_approval():
    budget = Budget("aurora", "AUR-PKC-01", "Камчатский край", "2026-05", "RUB")

    approved = budget.proposed({"outdoor": Decimal("1")}, "dealer").approved("m", NOW)
    revised = approved.proposed({"outdoor": Decimal("2")}, "dealer")

    assert approved.approved_by == "m"
    assert revised.status.value == "proposed" and revised.approved_by is None
    with pytest.raises(BudgetAlreadyApproved):
        approved.approved("m", NOW)


def test_missing_proof_lists_only_the_kinds_short():
    required = {ProofKind.PHOTO: 2, ProofKind.INVOICE: 1}

    assert missing_proof(required, {ProofKind.PHOTO: 3}) == {"invoice": 1}
    assert missing_proof(required, {}) == {"invoice": 1, "photo": 2}
    assert missing_proof(required, {ProofKind.PHOTO: 2, ProofKind.INVOICE: 1}) == {}
