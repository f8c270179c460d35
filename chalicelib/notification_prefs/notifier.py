"""The port every area tells users through, and its contract.

Contract for the adapter (the notifications package implements it):
- `notify(event_id, brand_id, recipients, kind, params)` is called at least
  once per domain event, possibly again on redelivery, late or out of order.
- One event gives one notification per recipient whatever the redeliveries:
  the adapter deduplicates on (`event_id`, recipient). `event_id` is stable
  for the same event (for example `creative:aurora:cr-1:v2`).
- `recipients` are user ids of `brand_id`; `params` are plain strings the
  templates of `kind` name (see `templates.DEFAULT_TEMPLATES`).
- For each recipient the adapter asks
  `chalicelib.notification_prefs.service.deliveries_for` which channels
  the user's preferences allow and the rendered texts in the user's language,
  then writes the feed entry and sends the e-mail.
"""

from collections.abc import Mapping, Sequence
from typing import Protocol

from chalicelib.notification_prefs.kinds import NotificationKind


class Notifier(Protocol):
    def notify(
        self,
        event_id: str,
        brand_id: str,
        recipients: Sequence[str],
        kind: NotificationKind,
        params: Mapping[str, str],
    ) -> None: ...
