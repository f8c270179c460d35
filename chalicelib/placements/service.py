"""Use cases of placements and their reports, and the deadline jobs.

Every transition checks visibility, then the role, then the state and the
version; it writes the objects, their ledger entries, audit entries and
events in one change, and then delivers the events.

A closed period (bonus closes it) is final for the dealer: creating,
editing, submitting and cancelling its placements, every report change
(late submissions and explanations included), photo uploads and
extensions are refused with 422 `period_closed`. Managers may still settle
what was sent before the close, which a new final run then picks up:
reject a submitted placement (it was never part of the figures), and
accept, accept with penalty or reject a report. What would reopen work for
the dealer is refused to them too: approving or returning a placement,
returning a report, deciding an extension. The lock job keeps locking
reports past due, whatever the period.
"""

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib.access.model import Caller
from chalicelib.access.policy import Action, can_see, ensure_permitted
from chalicelib.audit.model import AuditEntry, changed_fields
from chalicelib.budgets.model import EntryKind, LedgerEntry, Writer, ensure_writer
from chalicelib.channels.model import ChannelNotMandatory, ProofKind, UnknownChannel
from chalicelib.channels.ports import ChannelRepository
from chalicelib.channels.service import active_channel
from chalicelib.clock import Clock
from chalicelib.errors import InvalidInput, RuleViolated, StaleVersion
from chalicelib.network.model import BrandNotFound
from chalicelib.network.ports import BrandRepository, DealerRepository
from chalicelib.network.service import visible_dealer
from chalicelib.notifications.model import Audience, Event
from chalicelib.paging import Page
from chalicelib.periods import ClosedPeriods, NeverClosed, ensure_open
from chalicelib.placements.deadlines import end_of_day, reminders_due, report_due_at
from chalicelib.placements.deadlines import settled_reminders as _settled
from chalicelib.placements.model import (
    Placement,
    PlacementNotFound,
    PlacementStatus,
    Report,
    ReportDecision,
    ReportNotFound,
    UnknownCreative,
)
from chalicelib.placements.ports import (
    Change,
    Committed,
    CreativeLibrary,
    Followers,
    NoCreativeLibrary,
    NoFollowers,
    Notifier,
    PlacementStore,
)


class CurrencyMismatch(RuleViolated):
    """Money in another currency than the brand's."""

    code = "currency_mismatch"

    def __init__(self, currency: str, expected: str) -> None:
        super().__init__(f"Currency {currency!r} is not the brand's {expected!r}.",
                         currency=currency, expected=expected)


class PeriodRequired(InvalidInput):
    """A brand-wide list of placements needs a period."""

    code = "period_required"


@dataclass(frozen=True, slots=True)
class Ports:
    store: PlacementStore
    dealers: DealerRepository
    brands: BrandRepository
    channels: ChannelRepository
    notifier: Notifier
    clock: Clock
    followers: Followers = field(default_factory=NoFollowers)
    closed_periods: ClosedPeriods = field(default_factory=NeverClosed)
    creatives: CreativeLibrary = field(default_factory=NoCreativeLibrary)


@dataclass(frozen=True, slots=True)
class NewPlacement:
    dealer_code: str
    channel_id: str
    title: str
    starts_on: date
    ends_on: date
    cost: Decimal
    currency: str
    mandatory: bool = False
    creative_id: str | None = None
    utm_source: str | None = None
    utm_medium: str | None = None
    utm_campaign: str | None = None
    tracked_phone: str | None = None


# --- placements -------------------------------------------------------------


def create_placement(ports: Ports, caller: Caller, new: NewPlacement) -> Placement:
    dealer = visible_dealer(ports.dealers, caller, new.dealer_code)
    ensure_permitted(caller, Action.WRITE_PLACEMENTS)
    _check_terms(ports, caller.brand_id, new.channel_id, new.mandatory, new.currency)
    _check_creative(ports, caller.brand_id, dealer.code, new.creative_id)
    ensure_open(ports.closed_periods, caller.brand_id, new.starts_on.strftime("%Y-%m"))

    now = ports.clock()
    placement = Placement(
        placement_id=f"pl-{uuid.uuid4().hex[:20]}",
        brand_id=caller.brand_id,
        dealer_code=dealer.code,
        region=dealer.region,
        channel_id=new.channel_id,
        title=new.title,
        starts_on=new.starts_on,
        ends_on=new.ends_on,
        cost=new.cost,
        currency=new.currency,
        mandatory=new.mandatory,
        creative_id=new.creative_id,
        utm_source=new.utm_source,
        utm_medium=new.utm_medium,
        utm_campaign=new.utm_campaign,
        tracked_phone=new.tracked_phone,
        created_by=caller.user_id,
        created_at=now,
        updated_at=now,
    )
    audit = _placement_audit(caller, "create", None, placement, None, now)
    return _saved(_commit(ports, Change(placement=placement, audit=(audit,))).placement)


def get_placement(ports: Ports, caller: Caller, placement_id: str) -> Placement:
    placement = _visible_placement(ports, caller, placement_id)
    ensure_permitted(caller, Action.READ_PLACEMENTS)
    return placement


def list_placements(
    ports: Ports,
    caller: Caller,
    dealer_code: str | None,
    period: str | None,
    status: PlacementStatus | None,
    limit: int,
    cursor: str | None,
) -> Page[Placement]:
    """A dealer's placements (of a period, if given), or the whole brand's
    placements of a period within the caller's scope."""
    ensure_permitted(caller, Action.READ_PLACEMENTS)
    if dealer_code is None and caller.is_dealer and len(caller.dealer_codes) == 1:
        dealer_code = caller.dealer_codes[0]
    if dealer_code is not None:
        dealer = visible_dealer(ports.dealers, caller, dealer_code)
        return ports.store.placements_of_dealer(
            caller.brand_id, dealer.code, period, status, limit, cursor)
    if period is None or caller.is_dealer:
        raise PeriodRequired("Name a dealer, or a period for the whole brand.")
    return ports.store.placements_of_period(
        caller.brand_id, period, caller.regions, status, limit, cursor)


def update_placement(
    ports: Ports, caller: Caller, placement_id: str, changes: dict, version: int
) -> Placement:
    placement = _placement_for(ports, caller, placement_id, Action.WRITE_PLACEMENTS,
                               version)
    currency = changes.get("currency", placement.currency)
    channel_id = changes.get("channel_id", placement.channel_id)
    mandatory = changes.get("mandatory", placement.mandatory)
    _check_terms(ports, caller.brand_id, channel_id, mandatory, currency)
    # The creative the placement already names was checked when it was
    # named; one that has since expired or left the dealer's audience does
    # not block edits that send it back unchanged (a form sends every field).
    if changes.get("creative_id") != placement.creative_id:
        _check_creative(ports, caller.brand_id, placement.dealer_code,
                        changes.get("creative_id"))

    now = ports.clock()
    edited = placement.edited(changes, now)
    for period in {placement.period, edited.period}:
        ensure_open(ports.closed_periods, caller.brand_id, period)
    audit = _placement_audit(caller, "edit", placement, edited, None, now)
    return _saved(_commit(ports, Change(placement=edited, audit=(audit,))).placement)


def submit_placement(
    ports: Ports, caller: Caller, placement_id: str, version: int
) -> Placement:
    placement = _placement_for(ports, caller, placement_id, Action.WRITE_PLACEMENTS,
                               version)
    _ensure_open(ports, placement)
    now = ports.clock()
    moved = placement.submitted(now)
    held = _entry(moved, EntryKind.RESERVATION, moved.cost, "placement submitted", now)
    return _transition(ports, caller, placement, moved, "submit", None, (held,),
                       Audience.MANAGERS)


def approve_placement(
    ports: Ports, caller: Caller, placement_id: str, amount: Decimal, version: int
) -> Placement:
    placement = _placement_for(ports, caller, placement_id,
                               Action.DECIDE_PLACEMENTS, version)
    _ensure_open(ports, placement)
    now = ports.clock()
    moved = placement.approved(amount, now)
    entries = (
        _entry(moved, EntryKind.RESERVATION, -moved.cost, "decided: approved", now),
        _entry(moved, EntryKind.APPROVAL, amount, "placement approved", now),
    )
    report = _opened_report(ports, moved)
    return _transition(ports, caller, placement, moved, "approve", None, entries,
                       Audience.DEALER, report=report)


def return_placement(
    ports: Ports, caller: Caller, placement_id: str, reason: str, version: int
) -> Placement:
    def move(placement: Placement, now: datetime) -> Placement:
        _ensure_open(ports, placement)
        return placement.returned(reason, now)

    return _refused(ports, caller, placement_id, version, "return", move)


def reject_placement(
    ports: Ports, caller: Caller, placement_id: str, reason: str, version: int
) -> Placement:
    return _refused(ports, caller, placement_id, version, "reject",
                    lambda placement, now: placement.rejected(reason, now))


def _refused(
    ports: Ports,
    caller: Caller,
    placement_id: str,
    version: int,
    action: str,
    move: Callable[[Placement, datetime], Placement],
) -> Placement:
    """A manager sends a placement back or turns it down: its reservation is
    released and the dealer is told why."""
    placement = _placement_for(ports, caller, placement_id,
                               Action.DECIDE_PLACEMENTS, version)
    now = ports.clock()
    moved = move(placement, now)
    release = _entry(moved, EntryKind.RESERVATION, -moved.cost,
                     f"decided: {moved.status.value}", now)
    return _transition(ports, caller, placement, moved, action, moved.reason,
                       (release,), Audience.DEALER)


def cancel_placement(
    ports: Ports, caller: Caller, placement_id: str, reason: str | None, version: int
) -> Placement:
    placement = _placement_for(ports, caller, placement_id, Action.WRITE_PLACEMENTS,
                               version)
    _ensure_open(ports, placement)
    report = ports.store.report(placement_id)
    now = ports.clock()
    moved = placement.cancelled(report.status if report else None, reason, now)
    entries = _cancel_entries(placement, moved, now)
    return _transition(ports, caller, placement, moved, "cancel", reason, entries,
                       Audience.MANAGERS, removed_report=report)


# --- reports ----------------------------------------------------------------


def get_report(ports: Ports, caller: Caller, placement_id: str) -> Report:
    report = _visible_report(ports, caller, placement_id)
    ensure_permitted(caller, Action.READ_REPORTS)
    return report


def update_report(
    ports: Ports, caller: Caller, placement_id: str, changes: dict, version: int
) -> Report:
    report = _report_for(ports, caller, placement_id, Action.WRITE_REPORTS, version)
    _ensure_report_open(ports, report)
    now = ports.clock()
    return _report_change(ports, caller, report, report.edited(changes, now), "edit",
                          None, now)


def submit_report(ports: Ports, caller: Caller, placement_id: str, version: int
                  ) -> Report:
    report = _report_for(ports, caller, placement_id, Action.WRITE_REPORTS, version)
    _ensure_report_open(ports, report)
    now = ports.clock()
    return _report_change(ports, caller, report, report.submitted(now), "submit",
                          None, now, audience=Audience.MANAGERS)


def explain_report(
    ports: Ports, caller: Caller, placement_id: str, explanation: str, version: int
) -> Report:
    report = _report_for(ports, caller, placement_id, Action.WRITE_REPORTS, version)
    _ensure_report_open(ports, report)
    now = ports.clock()
    explained = report.explained(explanation, now)
    return _report_change(ports, caller, report, explained, "explain", explanation,
                          now, audience=Audience.MANAGERS, event_kind="explained")


def decide_report(
    ports: Ports,
    caller: Caller,
    placement_id: str,
    decision: ReportDecision,
    reason: str | None,
    due_on: date | None,
    version: int,
) -> Report:
    report = _report_for(ports, caller, placement_id, Action.DECIDE_REPORTS, version)
    if decision is ReportDecision.RETURN:
        _ensure_report_open(ports, report)
    now = ports.clock()
    new_due_at = end_of_day(due_on, report.time_zone) if due_on else None
    decided = report.decided(decision, reason, new_due_at, caller.user_id, now)
    kind = "returned" if decision is ReportDecision.RETURN else decided.status.value
    return _report_change(ports, caller, report, decided, decision.value,
                          decided.decision_reason, now, event_kind=kind)


def request_extension(
    ports: Ports,
    caller: Caller,
    placement_id: str,
    due_on: date,
    reason: str,
    version: int,
) -> Report:
    report = _report_for(ports, caller, placement_id, Action.WRITE_REPORTS, version)
    _ensure_report_open(ports, report)
    now = ports.clock()
    due_at = end_of_day(due_on, report.time_zone)
    asked = report.extension_asked(due_at, reason, caller.user_id, now)
    return _report_change(ports, caller, report, asked, "request_extension", reason,
                          now, audience=Audience.MANAGERS,
                          event_kind="extension_requested")


def decide_extension(
    ports: Ports,
    caller: Caller,
    placement_id: str,
    grant: bool,
    reason: str | None,
    due_on: date | None,
    version: int,
) -> Report:
    report = _report_for(ports, caller, placement_id, Action.DECIDE_REPORTS, version)
    _ensure_report_open(ports, report)
    now = ports.clock()
    due_at = end_of_day(due_on, report.time_zone) if due_on else None
    decided = report.extension_decided(grant, reason, due_at, caller.user_id, now)
    kind = "extension_granted" if grant else "extension_refused"
    return _report_change(ports, caller, report, decided, kind, reason, now,
                          event_kind=kind)


def ensure_report_editable(ports: Ports, caller: Caller, placement_id: str) -> Report:
    """For the photo feature: may this dealer add a photo now? Raises
    `DeadlinePassed` (422) after the deadline unless the delay was explained."""
    report = _visible_report(ports, caller, placement_id)
    ensure_permitted(caller, Action.WRITE_REPORTS)
    _ensure_report_open(ports, report)
    report.ensure_editable_by_dealer(ports.clock())
    return report


def attach_proof(
    ports: Ports, placement_id: str, kind: ProofKind, proof_id: str
) -> Report:
    """For the photo feature: count an uploaded proof towards the report's
    proof rule. The same proof twice counts once. No deadline check here: the
    upload was allowed when it was presigned (`ensure_report_editable`), and
    a presigned form lives 15 minutes. A closed period is final, though: a
    proof landing after its close is not counted (the photo stays stored and
    hashed, so it still takes part in the duplicate search).
    """
    for _attempt in range(5):
        report = ports.store.report(placement_id)
        if report is None:
            raise ReportNotFound(placement_id)
        placement = ports.store.placement(placement_id)
        if placement is not None and ports.closed_periods.closed_at(
                placement.brand_id, placement.period) is not None:
            return report
        updated = report.with_proof(kind, proof_id)
        if updated == report:
            return report
        try:
            committed = ports.store.commit(Change(report=updated))
        except StaleVersion:
            continue
        return committed.report or updated
    raise StaleVersion("The report kept changing; try again.")


def reject_report_photo(
    ports: Ports,
    caller: Caller,
    placement_id: str,
    photo_id: str,
    flag: str,
    reason: str,
) -> Report:
    """For the photo feature: a manager confirmed a flag on a photo of the
    report (see `Report.photo_rejected` for what each status does). The dealer
    is told and the change audited. Done once per photo: asked again, it
    changes nothing, so a repeated decision never returns a report twice."""
    for _attempt in range(5):
        report = _visible_report(ports, caller, placement_id)
        ensure_permitted(caller, Action.DECIDE_REPORTS)
        now = ports.clock()
        due_at = _due_at_from(ports, report, now)
        moved = report.photo_rejected(photo_id, reason, due_at, caller.user_id, now)
        if moved == report:
            return report
        returned = moved.status is not report.status
        kind = "returned" if returned else "photo_rejected"
        audit = _report_audit(caller.user_id, report, moved, "reject_photo",
                              reason, now)
        facts = {"photo_id": photo_id, "flag": flag, "reason": reason}
        event = _report_event(moved, kind, Audience.DEALER, now, facts)
        try:
            committed = _commit(ports, Change(report=moved, audit=(audit,),
                                              events=(event,)))
        except StaleVersion:
            continue
        return _saved(committed.report)
    raise StaleVersion("The report kept changing; try again.")


def _due_at_from(ports: Ports, report: Report, now: datetime) -> datetime:
    """A new deadline by the brand's rule, counted from the dealer's today:
    the brand's `report_due_days` after it, in the dealer's zone."""
    brand = ports.brands.get(report.brand_id)
    if brand is None:
        raise BrandNotFound(f"Brand {report.brand_id!r} has no settings.")
    today = now.astimezone(ZoneInfo(report.time_zone)).date()
    return report_due_at(today, brand.report_due_days, report.time_zone)


# --- deadline jobs ----------------------------------------------------------


def lock_overdue_reports(ports: Ports) -> list[Report]:
    """Mark open reports past their deadline as overdue and tell the dealer.

    Run again, or late, it locks only what is still open and past due; a
    report changed meanwhile (its version moved) is left to the next run.
    """
    now = ports.clock()
    locked: list[Report] = []
    for report in ports.store.open_reports_due_before(now):
        try:
            moved = report.locked(now)
        except RuleViolated:
            continue
        audit = _report_audit(None, report, moved, "lock", None, now)
        event = _report_event(moved, "overdue", Audience.DEALER, now)
        try:
            _commit(ports, Change(report=moved, audit=(audit,), events=(event,)))
        except StaleVersion:
            continue
        locked.append(moved)
    return locked


def remind_due_reports(ports: Ports) -> list[tuple[str, int]]:
    """Remind the dealer of open reports some days before their deadline
    (the brand's reminder days, fixed when the report opened)."""
    now = ports.clock()
    sent: list[tuple[str, int]] = []
    for report in ports.store.open_reports_to_remind(now):
        due = reminders_due(report.due_at, report.reminder_days,
                            report.reminders_sent, now)
        settled = _settled(report.reminder_days, report.reminders_sent, due)
        events = tuple(_reminder_event(report, days, now) for days in due)
        try:
            _commit(ports, Change(report=report.reminded(settled), events=events))
        except StaleVersion:
            continue
        sent += [(report.placement_id, days) for days in due]
    return sent


# --- helpers ----------------------------------------------------------------


def _check_terms(
    ports: Ports, brand_id: str, channel_id: str, mandatory: bool, currency: str
) -> None:
    channel = active_channel(ports.channels, brand_id, channel_id)
    if mandatory and not channel.can_be_mandatory:
        raise ChannelNotMandatory(channel_id)
    brand = ports.brands.get(brand_id)
    if brand is None:
        raise BrandNotFound(f"Brand {brand_id!r} has no settings.")
    if currency != brand.currency:
        raise CurrencyMismatch(currency, brand.currency)


def _check_creative(ports: Ports, brand_id: str, dealer_code: str,
                    creative_id: str | None) -> None:
    """A placement may name only a creative of the library its dealer sees:
    one of another brand, another dealer's audience or none at all is
    refused alike, so the answer tells nothing of other libraries."""
    if creative_id is not None and not ports.creatives.shows(brand_id, dealer_code,
                                                             creative_id):
        raise UnknownCreative(creative_id, dealer_code)


def _visible_placement(ports: Ports, caller: Caller, placement_id: str) -> Placement:
    """The placement, if the caller may see it; an unknown and an invisible
    placement fail the same way."""
    placement = ports.store.placement(placement_id)
    if placement is None or not can_see(caller, placement):
        raise PlacementNotFound(placement_id)
    return placement


def _placement_for(
    ports: Ports, caller: Caller, placement_id: str, action: Action, version: int
) -> Placement:
    placement = _visible_placement(ports, caller, placement_id)
    ensure_permitted(caller, action)
    _ensure_version(placement.version, version)
    return placement


def _visible_report(ports: Ports, caller: Caller, placement_id: str) -> Report:
    """The report, if the caller sees its placement; the report carries the
    placement's brand, dealer and region, so one read decides."""
    report = ports.store.report(placement_id)
    if report is None:
        _visible_placement(ports, caller, placement_id)
        raise ReportNotFound(placement_id)
    if not can_see(caller, report):
        raise PlacementNotFound(placement_id)
    return report


def _report_for(
    ports: Ports, caller: Caller, placement_id: str, action: Action, version: int
) -> Report:
    report = _visible_report(ports, caller, placement_id)
    ensure_permitted(caller, action)
    _ensure_version(report.version, version)
    return report


def _ensure_open(ports: Ports, placement: Placement) -> None:
    ensure_open(ports.closed_periods, placement.brand_id, placement.period)


def _ensure_report_open(ports: Ports, report: Report) -> None:
    """A report belongs to its placement's period (the report does not carry
    the start date, so this reads the placement)."""
    placement = ports.store.placement(report.placement_id)
    if placement is not None:
        _ensure_open(ports, placement)


def _ensure_version(stored: int, given: int) -> None:
    if stored != given:
        raise StaleVersion(f"The object changed since version {given!r}.",
                           version=given, current=stored)


def _opened_report(ports: Ports, placement: Placement) -> Report:
    """The report an approval opens; its deadline and reminders follow the
    rules of today and do not move when the rules change later."""
    brand = ports.brands.get(placement.brand_id)
    dealer = ports.dealers.get(placement.brand_id, placement.dealer_code)
    # A channel retired after the placement was planned still opens its report.
    channel = ports.channels.get(placement.brand_id, placement.channel_id)
    if channel is None:
        raise UnknownChannel(placement.channel_id)
    if brand is None or dealer is None:
        raise BrandNotFound(f"Brand {placement.brand_id!r} is not set up.")
    return Report(
        placement_id=placement.placement_id,
        brand_id=placement.brand_id,
        dealer_code=placement.dealer_code,
        region=placement.region,
        channel_id=placement.channel_id,
        currency=placement.currency,
        due_at=report_due_at(placement.ends_on, brand.report_due_days,
                             dealer.time_zone),
        time_zone=dealer.time_zone,
        required_proof=dict(channel.proof),
        reminder_days=tuple(sorted(set(brand.reminder_days))),
    )


def _transition(
    ports: Ports,
    caller: Caller,
    before: Placement,
    after: Placement,
    action: str,
    reason: str | None,
    entries: tuple[LedgerEntry, ...],
    audience: Audience,
    report: Report | None = None,
    removed_report: Report | None = None,
) -> Placement:
    now = after.updated_at
    audits = [_placement_audit(caller, action, before, after, reason, now)]
    if report is not None:
        audits.append(_report_audit(caller.user_id, None, report, "open", None, now))
    event = _placement_event(after, audience, now)
    change = Change(
        placement=after,
        report=removed_report or report,
        delete_report=removed_report is not None,
        entries=entries,
        audit=tuple(audits),
        events=(event,),
    )
    return _saved(_commit(ports, change).placement)


def _report_change(
    ports: Ports,
    caller: Caller,
    before: Report,
    after: Report,
    action: str,
    reason: str | None,
    now: datetime,
    audience: Audience = Audience.DEALER,
    event_kind: str | None = None,
) -> Report:
    audit = _report_audit(caller.user_id, before, after, action, reason, now)
    events: tuple[Event, ...] = ()
    if event_kind is not None or after.status is not before.status:
        kind = event_kind or after.status.value
        events = (_report_event(after, kind, audience, now),)
    change = Change(report=after, audit=(audit,), events=events)
    return _saved(_commit(ports, change).report)


def _commit(ports: Ports, change: Change) -> Committed:
    ensure_writer(change.entries, Writer.PLACEMENTS)
    committed = ports.store.commit(change)
    ports.notifier.deliver(change.events)
    stored = committed.placement or committed.report
    if stored is not None:
        ports.followers.changed(stored.brand_id, stored.dealer_code,
                                stored.placement_id)
    return committed


def _saved[T](stored: T | None) -> T:
    if stored is None:
        raise RuntimeError("The change stored nothing of the kind expected.")
    return stored


def _cancel_entries(
    before: Placement, after: Placement, now: datetime
) -> tuple[LedgerEntry, ...]:
    if before.status is PlacementStatus.SUBMITTED:
        return (_entry(after, EntryKind.RESERVATION, -before.cost,
                       "placement cancelled", now),)
    if before.status is PlacementStatus.APPROVED and before.approved_amount:
        return (_entry(after, EntryKind.APPROVAL, -before.approved_amount,
                       "placement cancelled", now),)
    return ()


def _entry(
    placement: Placement, kind: EntryKind, amount: Decimal, reason: str,
    now: datetime,
) -> LedgerEntry:
    """The entry of a transition: its id names the placement version the
    transition writes, so a retried write cannot post it twice."""
    written = placement.version + 1
    return LedgerEntry(
        brand_id=placement.brand_id,
        dealer_code=placement.dealer_code,
        period=placement.period,
        entry_id=f"{placement.placement_id}#v{written}#{kind.value}",
        kind=kind,
        channel_id=placement.channel_id,
        amount=amount,
        currency=placement.currency,
        reason=reason,
        at=now,
        placement_id=placement.placement_id,
    )


def _placement_audit(
    caller: Caller,
    action: str,
    before: Placement | None,
    after: Placement,
    reason: str | None,
    now: datetime,
) -> AuditEntry:
    old, new = changed_fields(_plain_placement(before), _plain_placement(after))
    return AuditEntry(
        brand_id=after.brand_id,
        entity=f"placement:{after.placement_id}",
        dealer_code=after.dealer_code,
        region=after.region,
        at=now,
        user_id=caller.user_id,
        action=action,
        from_state=before.status.value if before else None,
        to_state=after.status.value,
        reason=reason,
        before=old,
        after=new,
        entry_id=f"{now.isoformat()}#v{after.version + 1:06d}",
    )


def _report_audit(
    user_id: str | None,
    before: Report | None,
    after: Report,
    action: str,
    reason: str | None,
    now: datetime,
) -> AuditEntry:
    old, new = changed_fields(_plain_report(before), _plain_report(after))
    return AuditEntry(
        brand_id=after.brand_id,
        entity=f"report:{after.placement_id}",
        dealer_code=after.dealer_code,
        region=after.region,
        at=now,
        user_id=user_id or "system:deadline-lock",
        action=action,
        from_state=before.status.value if before else None,
        to_state=after.status.value,
        reason=reason,
        before=old,
        after=new,
        entry_id=f"{now.isoformat()}#v{after.version + 1:06d}",
    )


def _placement_event(placement: Placement, audience: Audience, now: datetime
                     ) -> Event:
    facts = {"title": placement.title, "status": placement.status.value}
    if placement.reason:
        facts["reason"] = placement.reason
    if placement.approved_amount is not None:
        facts["approved_amount"] = f"{placement.approved_amount} {placement.currency}"
    return _event(placement.brand_id, f"placement:{placement.placement_id}",
                  f"placement.{placement.status.value}", placement.version + 1,
                  placement.dealer_code, placement.region, audience, now, facts)


def _report_event(report: Report, kind: str, audience: Audience, now: datetime,
                  extra: Mapping[str, str] | None = None) -> Event:
    facts = {"status": report.status.value, "due_at": report.due_at.isoformat()}
    if report.decision_reason:
        facts["reason"] = report.decision_reason
    facts.update(extra or {})
    return _event(report.brand_id, f"report:{report.placement_id}",
                  f"report.{kind}", report.version + 1, report.dealer_code,
                  report.region, audience, now, facts)


def _reminder_event(report: Report, days: int, now: datetime) -> Event:
    """Fixed by the report, the deadline and the days before it, so no
    reminder goes out twice for the same deadline."""
    return Event(
        event_id=f"report:{report.placement_id}:reminder:{days}:"
                 f"{report.due_at.isoformat()}",
        brand_id=report.brand_id,
        kind="report.reminder",
        entity=f"report:{report.placement_id}",
        dealer_code=report.dealer_code,
        region=report.region,
        audience=Audience.DEALER,
        occurred_at=now,
        facts={"due_at": report.due_at.isoformat(), "days_before": str(days)},
    )


def _event(
    brand_id: str, entity: str, kind: str, version: int, dealer_code: str,
    region: str, audience: Audience, now: datetime, facts: Mapping[str, str],
) -> Event:
    return Event(
        event_id=f"{entity}:{kind}:v{version}",
        brand_id=brand_id,
        kind=kind,
        entity=entity,
        dealer_code=dealer_code,
        region=region,
        audience=audience,
        occurred_at=now,
        facts=dict(facts),
    )


def _plain_placement(placement: Placement | None) -> dict[str, Any]:
    if placement is None:
        return {}
    return _plain({
        "status": placement.status, "channel_id": placement.channel_id,
        "title": placement.title, "starts_on": placement.starts_on,
        "ends_on": placement.ends_on, "cost": placement.cost,
        "currency": placement.currency, "mandatory": placement.mandatory,
        "creative_id": placement.creative_id,
        "approved_amount": placement.approved_amount, "reason": placement.reason,
    })


def _plain_report(report: Report | None) -> dict[str, Any]:
    if report is None:
        return {}
    extension = report.extension
    return _plain({
        "status": report.status, "due_at": report.due_at,
        "comment": report.comment, "actual_cost": report.actual_cost,
        "explanation": report.explanation, "decision": report.decision,
        "decision_reason": report.decision_reason,
        "return_reason": report.return_reason,
        "extension": extension.state if extension else None,
        "proofs": {kind.value: len(ids) for kind, ids in report.proofs.items()},
        "rejected_photos": list(report.rejected_photos),
    })


def _plain(values: Mapping[str, Any]) -> dict[str, Any]:
    return {key: _plain_value(value) for key, value in values.items()}


def _plain_value(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return dict(value)
    if hasattr(value, "value"):
        return value.value
    return value

