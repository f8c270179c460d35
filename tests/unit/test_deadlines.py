from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.placements.deadlines import (
    end_of_day,
    is_late,
    next_reminder_at,
    reminder_at,
    reminders_due,
    report_due_at,
    settled_reminders,
)

ONE_SECOND = timedelta(seconds=1)

# A placement that ends on 26 May with the default rule (5 days) is due on
# 31 May: the deadline is the first instant of 1 June, local time.
ZONES = [
    ("Europe/Kaliningrad", "2026-06-01T00:00:00+02:00", "2026-05-31T22:00:00+00:00"),
    ("Europe/Moscow", "2026-06-01T00:00:00+03:00", "2026-05-31T21:00:00+00:00"),
    ("Asia/Yekaterinburg", "2026-06-01T00:00:00+05:00", "2026-05-31T19:00:00+00:00"),
    ("Asia/Vladivostok", "2026-06-01T00:00:00+10:00", "2026-05-31T14:00:00+00:00"),
    ("Asia/Kamchatka", "2026-06-01T00:00:00+12:00", "2026-05-31T12:00:00+00:00"),
]


@pytest.mark.parametrize(("zone", "local", "utc"), ZONES)
def test_deadline_is_the_first_instant_after_the_due_day_in_the_dealers_zone(
    zone, local, utc
):
    due_at = report_due_at(date(2026, 5, 26), 5, zone)

    assert due_at.isoformat() == local
    assert due_at.astimezone(UTC).isoformat() == utc
    assert str(due_at.tzinfo) == zone


@pytest.mark.parametrize(("zone", "local", "utc"), ZONES)
def test_a_write_one_second_before_the_deadline_is_on_time(zone, local, utc):
    due_at = report_due_at(date(2026, 5, 26), 5, zone)

    assert not is_late(due_at - ONE_SECOND, due_at)
    assert not is_late(datetime.fromisoformat(utc) - ONE_SECOND, due_at)


@pytest.mark.parametrize(("zone", "local", "utc"), ZONES)
def test_a_write_at_the_deadline_is_late(zone, local, utc):
    due_at = report_due_at(date(2026, 5, 26), 5, zone)

    assert is_late(due_at, due_at)
    assert is_late(datetime.fromisoformat(utc), due_at)
    assert is_late(datetime.fromisoformat(utc) + ONE_SECOND, due_at)


@pytest.mark.parametrize(
    ("ends_on", "days", "expected_local"),
    [
        # leap year: due on 29 February, deadline 1 March
        (date(2028, 2, 24), 5, "2028-03-01T00:00:00+03:00"),
        # leap year: due on 28 February, deadline 29 February
        (date(2028, 2, 23), 5, "2028-02-29T00:00:00+03:00"),
        # common year: due on 28 February, deadline 1 March
        (date(2027, 2, 23), 5, "2027-03-01T00:00:00+03:00"),
        # common year: 5 days after 25 February is 2 March
        (date(2027, 2, 25), 5, "2027-03-03T00:00:00+03:00"),
        # due on the 30th of a 30-day month
        (date(2026, 4, 25), 5, "2026-05-01T00:00:00+03:00"),
        # due on the 30th of a 31-day month
        (date(2026, 5, 25), 5, "2026-05-31T00:00:00+03:00"),
        # due on the 31st, and the year turns
        (date(2026, 12, 26), 5, "2027-01-01T00:00:00+03:00"),
        # a placement ending on the 31st, due the same day
        (date(2026, 1, 31), 0, "2026-02-01T00:00:00+03:00"),
        # a placement ending on the 30th, due 30 days later, across a year
        (date(2027, 12, 30), 30, "2028-01-30T00:00:00+03:00"),
    ],
)
def test_due_dates_at_month_ends_roll_over_correctly(ends_on, days, expected_local):
    assert report_due_at(ends_on, days, "Europe/Moscow").isoformat() == expected_local


def test_end_of_february_in_kamchatka_differs_between_leap_and_common_years():
    leap = end_of_day(date(2028, 2, 28), "Asia/Kamchatka")
    common = end_of_day(date(2027, 2, 28), "Asia/Kamchatka")

    assert leap.isoformat() == "2028-02-29T00:00:00+12:00"
    assert common.isoformat() == "2027-03-01T00:00:00+12:00"


def test_a_day_whose_local_midnight_does_not_exist_begins_at_the_transition():
    # Chile moved its clocks from 00:00 to 01:00 on 8 September 2024.
    due_at = end_of_day(date(2024, 9, 7), "America/Santiago")

    assert due_at.isoformat() == "2024-09-08T01:00:00-03:00"
    assert due_at.astimezone(UTC).isoformat() == "2024-09-08T04:00:00+00:00"


def test_a_naive_moment_is_refused():
    due_at = end_of_day(date(2026, 5, 31), "Europe/Moscow")

    with pytest.raises(ValueError, match="aware"):
        is_late(datetime(2026, 5, 31, 23, 0), due_at)


def test_a_negative_rule_is_refused():
    with pytest.raises(ValueError, match="negative"):
        report_due_at(date(2026, 5, 26), -1, "Europe/Moscow")


def _lock_set(now: datetime, due: dict[str, datetime]) -> set[str]:
    return {zone for zone, due_at in due.items() if is_late(now, due_at)}


@pytest.mark.parametrize("hour", range(24))
def test_reports_past_due_at_any_utc_hour_are_exactly_those_whose_deadline_passed(
    hour,
):
    due = {zone: report_due_at(date(2026, 5, 26), 5, zone) for zone, _, _ in ZONES}
    now = datetime(2026, 5, 31, hour, 0, tzinfo=UTC)

    expected = {
        zone for zone, _, utc in ZONES if now >= datetime.fromisoformat(utc)
    }

    assert _lock_set(now, due) == expected
    # Kamchatka's deadline is 12:00 UTC, Kaliningrad's 22:00 UTC.
    assert ("Asia/Kamchatka" in expected) == (hour >= 12)
    assert ("Europe/Kaliningrad" in expected) == (hour >= 22)


def test_a_reminder_falls_on_the_same_local_time_days_before_the_deadline():
    due_at = end_of_day(date(2026, 5, 31), "Asia/Vladivostok")

    assert reminder_at(due_at, 3).isoformat() == "2026-05-29T00:00:00+10:00"
    assert reminder_at(due_at, 1).isoformat() == "2026-05-31T00:00:00+10:00"


def test_only_the_latest_reminder_that_has_come_is_sent():
    due_at = end_of_day(date(2026, 5, 31), "Europe/Moscow")
    before_any = datetime(2026, 5, 28, 20, 0, tzinfo=UTC)
    after_three = datetime(2026, 5, 29, 9, 0, tzinfo=UTC)
    after_both = datetime(2026, 5, 31, 9, 0, tzinfo=UTC)

    assert reminders_due(due_at, (3, 1), (), before_any) == []
    assert reminders_due(due_at, (3, 1), (), after_three) == [3]
    assert reminders_due(due_at, (3, 1), (3,), after_three) == []
    assert reminders_due(due_at, (3, 1), (), after_both) == [1]
    assert reminders_due(due_at, (3, 1), (), due_at) == []


def test_a_later_reminder_settles_the_earlier_one():
    assert settled_reminders((3, 1), (), (1,)) == (1, 3)
    assert settled_reminders((3, 1), (), (3,)) == (3,)
    assert settled_reminders((3, 1), (3,), ()) == (3,)


def test_the_next_reminder_is_the_earliest_one_not_sent():
    due_at = end_of_day(date(2026, 5, 31), "Europe/Moscow")

    assert next_reminder_at(due_at, (3, 1), ()) == reminder_at(due_at, 3)
    assert next_reminder_at(due_at, (3, 1), (3,)) == reminder_at(due_at, 1)
    assert next_reminder_at(due_at, (3, 1), (1, 3)) is None
