"""Deadline rules of photo reports: when a report is due, when a write is late,
when reminders fall due. Pure: no storage, no clock of its own, no host zone.

A deadline is an exclusive instant (the API contract): the first instant of the local
day after the due day, in the dealer's IANA zone. A write at `t` is on time
when `t < due_at`.
"""

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def due_on(ends_on: date, report_due_days: int) -> date:
    """The last local day a report may be sent: `report_due_days` after the
    placement ends (0: the day it ends)."""
    if report_due_days < 0:
        raise ValueError(f"report_due_days must not be negative: {report_due_days!r}")
    return ends_on + timedelta(days=report_due_days)


def report_due_at(ends_on: date, report_due_days: int, time_zone: str) -> datetime:
    """The exclusive deadline of a placement's report, in the dealer's zone."""
    return end_of_day(due_on(ends_on, report_due_days), time_zone)


def end_of_day(day: date, time_zone: str) -> datetime:
    """The first instant of the local day after `day` in `time_zone`.

    NOTE: the round trip through UTC matters where a zone skips local
    midnight (a daylight-saving change at 00:00): the wall time 00:00 does not
    exist there and the day begins at the transition, which this yields.
    """
    zone = ZoneInfo(time_zone)
    midnight = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return midnight.astimezone(UTC).astimezone(zone)


def is_late(moment: datetime, due_at: datetime) -> bool:
    """True when a write at `moment` misses the deadline (`due_at` excluded)."""
    _ensure_aware(moment)
    return moment >= due_at


def reminder_at(due_at: datetime, days_before: int) -> datetime:
    """When the reminder `days_before` the deadline falls due: the same local
    time of day, that many local days earlier."""
    zone = due_at.tzinfo
    local = due_at.replace(tzinfo=None) - timedelta(days=days_before)
    return local.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)


def next_reminder_at(
    due_at: datetime, reminder_days: Iterable[int], sent: Iterable[int]
) -> datetime | None:
    """The moment of the earliest reminder not yet sent; None when none is left."""
    done = set(sent)
    moments = [
        reminder_at(due_at, days)
        for days in set(reminder_days)
        if days not in done and days > 0
    ]
    return min(moments) if moments else None


def reminders_due(
    due_at: datetime, reminder_days: Iterable[int], sent: Iterable[int], now: datetime
) -> list[int]:
    """Reminders to send at `now`: only the latest one whose moment has come
    (after hours of downtime a dealer gets one reminder, not a burst), and
    none once the deadline is reached."""
    if is_late(now, due_at):
        return []
    done = set(sent)
    come = [
        days
        for days in set(reminder_days)
        if days not in done and days > 0 and reminder_at(due_at, days) <= now
    ]
    return [min(come)] if come else []


def settled_reminders(
    reminder_days: Iterable[int], sent: Iterable[int], now_sent: Iterable[int]
) -> tuple[int, ...]:
    """Reminders that need no sending any more: those sent and every earlier
    one (more days before) that a later reminder supersedes."""
    latest = min(now_sent, default=None)
    superseded = {d for d in reminder_days if latest is not None and d >= latest}
    return tuple(sorted(set(sent) | set(now_sent) | superseded))


def _ensure_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"expected an aware datetime, got {moment!r}")
