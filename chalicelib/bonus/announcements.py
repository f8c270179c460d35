"""`StatementAnnouncer` over the `Notifier` port: a published final run tells
each dealer's users that its statement is there, once per run and dealer."""

from collections.abc import Sequence

from chalicelib.access.ports import UserRepository
from chalicelib.audience import every_user, users_serving
from chalicelib.notification_prefs.kinds import NotificationKind
from chalicelib.notification_prefs.notifier import Notifier


class NotifiedStatements:
    def __init__(self, notifier: Notifier, users: UserRepository) -> None:
        self._notifier = notifier
        self._users = users

    def published(
        self, brand_id: str, run_id: str, period: str, dealer_codes: Sequence[str]
    ) -> None:
        # Limitation: one notification call per dealer, in the publishing
        # request; a brand of a few hundred dealers stays well within the API's
        # 29 seconds, a much larger one would need the publish to be a job.
        everyone = list(every_user(self._users, brand_id))
        for code in dealer_codes:
            recipients = users_serving(everyone, [code])
            if not recipients:
                continue
            params = {"bonus_run_id": run_id, "dealer": code, "period": period}
            self._notifier.notify(f"statement:{brand_id}:{run_id}:{code}", brand_id,
                                  recipients, NotificationKind.STATEMENT_PUBLISHED,
                                  params)
