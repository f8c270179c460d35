"""Which notification kind an event is, and the template params it brings.

Users choose channels, and brands write templates, per `NotificationKind`.
Placements raise finer events (`placement.approved`, `report.overdue`, ...):
each maps onto one kind here, so a user who turned a kind's e-mail off gets
none for placements either. Events raised through the `Notifier` port carry
their kind's own name and their params as facts.
"""

from collections.abc import Mapping

from chalicelib.notification_prefs.kinds import NotificationKind as Kind
from chalicelib.notifications.model import Event

STATUS_CHANGES = (
    "placement.submitted", "placement.approved", "placement.returned",
    "placement.rejected", "placement.cancelled",
    "report.submitted", "report.late_submitted", "report.overdue",
    "report.explained",
    "report.accepted", "report.accepted_late", "report.declined",
    "report.returned", "report.extension_requested",
    "report.extension_granted", "report.extension_refused",
)

EVENT_KINDS: Mapping[str, Kind] = {
    **{name: Kind.PLACEMENT_STATUS_CHANGED for name in STATUS_CHANGES},
    # NOTE: `report.overdue` (locked at the deadline) is a status change: its
    # text says the report is now overdue; the reminder's says it is due.
    "report.reminder": Kind.DEADLINE_REMINDER,
    "report.photo_rejected": Kind.PHOTO_FLAGGED,
}


class UnknownEventKind(ValueError):
    """An event of a kind no notification kind covers."""

    def __init__(self, event_kind: str) -> None:
        super().__init__(f"No notification kind covers event {event_kind!r}.")
        self.event_kind = event_kind


def notification_kind(event_kind: str) -> Kind:
    if event_kind in EVENT_KINDS:
        return EVENT_KINDS[event_kind]
    try:
        return Kind(event_kind)
    except ValueError:
        raise UnknownEventKind(event_kind) from None


def template_params(event: Event) -> dict[str, str]:
    """What the kind's template may name: an event of the `Notifier` port
    brings its params; a placement event its facts, with the placement, the
    dealer and a status naming what changed."""
    if event.kind not in EVENT_KINDS:
        return dict(event.facts)
    area, _, change = event.kind.partition(".")
    params = {**event.facts, "dealer": event.dealer_code,
              "placement_id": event.entity.partition(":")[2]}
    if area == "report":
        params["status"] = f"report {change.replace('_', ' ')}"
    else:
        params.setdefault("status", change)
    return params
