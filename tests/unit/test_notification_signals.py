"""The pure parts of connecting areas to notifications: which notification
kind each event is, the params its template gets, what a confirmed photo flag
does to a report, and the reason a dealer reads."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.access.model import Role, User
from chalicelib.channels.model import ProofKind
from chalicelib.media.model import Flag, FlagKind, FlagState, MatchedPhoto, Photo
from chalicelib.media.signals import rejection_reason
from chalicelib.notification_prefs.kinds import NotificationKind as Kind
from chalicelib.notification_prefs.templates import PLACEHOLDERS
from chalicelib.notifications.kinds import (
    EVENT_KINDS,
    UnknownEventKind,
    notification_kind,
    template_params,
)
from chalicelib.notifications.model import Audience, Event
from chalicelib.notifications.service import named_event, recipients
from chalicelib.placements.deadlines import end_of_day
from chalicelib.placements.model import PlacementStatus, Report, ReportStatus
from tests.fakes import InMemoryUsers

NOW = datetime(2026, 5, 20, 9, 0, tzinfo=UTC)
DUE_AT = end_of_day(date(2026, 5, 31), "Europe/Kaliningrad")
NEW_DUE_AT = end_of_day(date(2026, 6, 15), "Europe/Kaliningrad")


@pytest.mark.parametrize(("event_kind", "kind"), [
    ("placement.approved", Kind.PLACEMENT_STATUS_CHANGED),
    ("placement.submitted", Kind.PLACEMENT_STATUS_CHANGED),
    ("report.returned", Kind.PLACEMENT_STATUS_CHANGED),
    ("report.accepted_late", Kind.PLACEMENT_STATUS_CHANGED),
    ("report.overdue", Kind.PLACEMENT_STATUS_CHANGED),
    ("report.reminder", Kind.DEADLINE_REMINDER),
    ("report.photo_rejected", Kind.PHOTO_FLAGGED),
    ("creative_published", Kind.CREATIVE_PUBLISHED),
    ("statement_published", Kind.STATEMENT_PUBLISHED),
    ("survey_published", Kind.SURVEY_PUBLISHED),
])
def test_each_event_is_one_notification_kind(event_kind, kind):
    assert notification_kind(event_kind) is kind


def test_every_placement_status_an_event_can_name_has_a_kind():
    raised = {f"placement.{status.value}" for status in PlacementStatus
              if status is not PlacementStatus.DRAFT}
    raised |= {f"report.{status.value}" for status in ReportStatus
               if status is not ReportStatus.OPEN}

    assert raised <= set(EVENT_KINDS)


def test_an_event_no_kind_covers_is_refused():
    with pytest.raises(UnknownEventKind):
        notification_kind("budget.approved")


def _report_event(kind: str, **facts: str) -> Event:
    return Event(event_id="report:pl-1:report.returned:v3", brand_id="aurora",
                 kind=kind, entity="report:pl-1", dealer_code="AUR-KGD-01",
                 region="Калининградская область", audience=Audience.DEALER,
                 occurred_at=NOW, facts=facts)


def test_a_report_event_names_its_placement_dealer_and_what_changed():
    event = _report_event("report.accepted_late", status="accepted_late",
                          due_at=DUE_AT.isoformat())

    params = template_params(event)

    assert params["placement_id"] == "pl-1"
    assert params["dealer"] == "AUR-KGD-01"
    assert params["status"] == "report accepted late"
    assert set(params) <= PLACEHOLDERS[Kind.PLACEMENT_STATUS_CHANGED]


# The facts placements put on each event (see `placements.service`).
PLACEMENT_FACTS = {"title": "Щиты", "status": "approved", "reason": "r",
                   "approved_amount": "1 RUB"}
REPORT_FACTS = {"status": "open", "due_at": "d", "reason": "r"}
EXTRA_FACTS = {"report.reminder": {"due_at": "d", "days_before": "1"},
               "report.photo_rejected": {**REPORT_FACTS, "photo_id": "ph-1",
                                         "flag": "duplicate"}}


def test_the_params_of_every_placement_event_are_placeholders_of_its_kind():
    for event_kind, kind in EVENT_KINDS.items():
        usual = PLACEMENT_FACTS if event_kind.startswith("placement.") else (
            REPORT_FACTS)
        facts = EXTRA_FACTS.get(event_kind, usual)
        params = template_params(_report_event(event_kind, **facts))
        assert set(params) <= PLACEHOLDERS[kind], event_kind


def test_a_notifier_call_is_an_event_for_the_users_it_names_once_each():
    event = named_event("creative:aurora:cr-1:v2", "aurora", ["u-1", "u-2", "u-1"],
                        Kind.CREATIVE_UPDATED,
                        {"title": "Щиты", "creative_id": "cr-1"}, NOW)

    assert event.recipients == ("u-1", "u-2")
    assert event.audience is None
    assert event.entity == "creative:cr-1"
    assert template_params(event) == {"title": "Щиты", "creative_id": "cr-1"}


def _dealer_user(n: int, brand: str = "aurora", disabled: bool = False) -> User:
    return User(user_id=f"{brand}-dealer-{n}", brand_id=brand,
                email=f"d{n}@{brand}.example", name=f"Дилер {n}",
                role=Role.DEALER_USER, dealer_codes=("AUR-KGD-01",),
                disabled=disabled)


@pytest.mark.parametrize("count", [3, 30])
def test_named_recipients_are_the_enabled_users_of_the_events_brand(count):
    users = InMemoryUsers(*(_dealer_user(n) for n in range(count)),
                          _dealer_user(99, disabled=True), _dealer_user(1, "taiga"))
    named = [f"aurora-dealer-{n}" for n in range(count)]
    named += ["aurora-dealer-99", "taiga-dealer-1", "nobody"]
    event = named_event("survey:aurora:sv-1", "aurora", named,
                        Kind.SURVEY_PUBLISHED, {"survey_id": "sv-1"}, NOW)

    found = recipients(users, event)

    assert sorted(user.user_id for user in found) == sorted(named[:count])


# --- a confirmed flag on a report's photo -----------------------------------


def _report(status: ReportStatus, **changes) -> Report:
    report = Report(
        placement_id="pl-1", brand_id="aurora", dealer_code="AUR-KGD-01",
        region="Калининградская область", channel_id="outdoor", currency="RUB",
        due_at=DUE_AT, time_zone="Europe/Kaliningrad",
        required_proof={ProofKind.PHOTO: 2}, reminder_days=(3, 1), version=4,
        status=status, proofs={ProofKind.PHOTO: ("ph-1", "ph-2")},
        submitted_at=NOW,
    )
    return replace(report, **changes)


def _rejected(report: Report, now: datetime = NOW) -> Report:
    return report.photo_rejected("ph-1", "Дубликат.", NEW_DUE_AT, "manager", now)


@pytest.mark.parametrize(("status", "after"), [
    (ReportStatus.SUBMITTED, ReportStatus.OPEN),
    (ReportStatus.LATE_SUBMITTED, ReportStatus.OPEN),
    (ReportStatus.OPEN, ReportStatus.OPEN),
    (ReportStatus.OVERDUE, ReportStatus.OVERDUE),
    (ReportStatus.ACCEPTED, ReportStatus.ACCEPTED),
    (ReportStatus.ACCEPTED_LATE, ReportStatus.ACCEPTED_LATE),
    (ReportStatus.DECLINED, ReportStatus.DECLINED),
])
def test_a_confirmed_flag_returns_only_a_sent_report(status, after):
    rejected = _rejected(_report(status))

    assert rejected.status is after
    assert rejected.rejected_photos == ("ph-1",)


def test_the_rejected_photo_no_longer_counts_and_cannot_come_back():
    rejected = _rejected(_report(ReportStatus.SUBMITTED))

    assert rejected.proofs[ProofKind.PHOTO] == ("ph-2",)
    assert rejected.with_proof(ProofKind.PHOTO, "ph-1") == rejected
    assert rejected.return_reason == "Дубликат."
    assert rejected.due_at == DUE_AT


def test_a_settled_report_keeps_its_proof():
    rejected = _rejected(_report(ReportStatus.ACCEPTED))

    assert rejected.proofs[ProofKind.PHOTO] == ("ph-1", "ph-2")


def test_a_report_returned_after_its_deadline_gets_the_new_due_at():
    late = DUE_AT + timedelta(days=3)

    rejected = _rejected(_report(ReportStatus.LATE_SUBMITTED), now=late)

    assert rejected.status is ReportStatus.OPEN
    assert rejected.due_at == NEW_DUE_AT
    assert rejected.reminders_sent == ()


def test_the_same_photo_rejected_twice_changes_nothing_the_second_time():
    once = _rejected(_report(ReportStatus.SUBMITTED))

    assert _rejected(once) == once


# --- the reason a dealer reads ----------------------------------------------


def _photo(flag: Flag) -> Photo:
    return Photo(brand_id="aurora", photo_id="ph-9", dealer_code="AUR-KGD-01",
                 placement_id="pl-1", object_key="k", file_name="a.jpg",
                 content_type="image/jpeg", declared_size=1, created_at=NOW,
                 placement_starts_on=date(2026, 5, 10),
                 placement_ends_on=date(2026, 5, 26), flags=(flag,))


def _duplicate_of(dealer_code: str) -> Flag:
    match = MatchedPhoto(photo_id="ph-1", dealer_code=dealer_code,
                         placement_id="pl-0", taken_at=None, exact=True,
                         phash_bits=0, dhash_bits=0)
    return Flag(kind=FlagKind.DUPLICATE, state=FlagState.CONFIRMED, raised_at=NOW,
                match=match)


def test_the_reason_names_the_duplicate_and_nothing_of_another_dealers_photo():
    flag = _duplicate_of("AUR-KGD-02")

    reason = rejection_reason(_photo(flag), flag)

    assert "ph-9" in reason
    assert "ph-1" not in reason and "AUR-KGD-02" not in reason


def test_the_reason_names_the_dealers_own_earlier_photo():
    flag = _duplicate_of("AUR-KGD-01")

    assert "ph-1" in rejection_reason(_photo(flag), flag)


def test_a_photo_counts_in_the_period_of_its_placement():
    photo = _photo(_duplicate_of("AUR-KGD-02"))

    assert photo.period == "2026-05"
    assert photo.has_confirmed_duplicate
