"""Notifications: the in-app feed and e-mail through SES, once per event and
recipient however often an event is delivered."""

from datetime import UTC, datetime

import app
from chalicelib import wiring
from chalicelib.access.model import Role
from chalicelib.notifications.service import recipients
from devstack.demo import find_user
from devstack.events import run_scheduled
from tests.api.conftest import json_of


def _sent_to(address: str) -> list:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses import ses_backends

    backend = ses_backends[DEFAULT_ACCOUNT_ID]["eu-central-1"]
    return [m for m in backend.sent_messages
            if address in m.destinations.get("ToAddresses", [])]


def _feed(desk, headers) -> list[dict]:
    return desk.ok("GET", "/v1/notifications", headers)["items"]


class _Dropped:
    """Stands in for a delivery cut off by a crash right after the commit."""

    def deliver(self, events) -> None:
        return None


def test_a_decision_is_in_the_dealers_feed_and_mailbox(desk):
    dealer = find_user(Role.DEALER_USER, "aurora", desk.dealer_code)

    placement = desk.approved()

    [approved] = [n for n in _feed(desk, desk.dealer)
                  if n["kind"] == "placement.approved"]
    assert approved["entity"] == f"placement:{placement['placement_id']}"
    assert approved["read"] is False
    mails = _sent_to(dealer.email)
    assert [m.subject for m in mails] == [
        f"Размещение {placement['placement_id']}: approved"]
    assert approved["subject"] == mails[0].subject
    assert approved["body"].startswith(
        f"Статус размещения {placement['placement_id']} дилера {desk.dealer_code}")


def test_a_submission_reaches_the_managers_in_scope_only(desk):
    desk.step(desk.placement(), "submit", desk.dealer)

    everywhere = _feed(desk, desk.manager)
    kaliningrad = _feed(desk, desk.auth(user_id="aurora-manager-2"))
    far_east = _feed(desk, desk.auth(user_id="aurora-manager-3"))
    dealer = _feed(desk, desk.dealer)

    assert [n["kind"] for n in everywhere] == ["placement.submitted"]
    assert [n["kind"] for n in kaliningrad] == ["placement.submitted"]
    assert far_east == []
    assert dealer == []


def test_a_notification_is_marked_read_by_its_owner_only(desk):
    desk.approved()
    [first] = _feed(desk, desk.dealer)

    read = desk.ok("POST", f"/v1/notifications/{first['notification_id']}/read",
                   desk.dealer)
    again = desk.ok("POST", f"/v1/notifications/{first['notification_id']}/read",
                    desk.dealer)
    stranger = desk.call("POST", f"/v1/notifications/{first['notification_id']}/read",
                         desk.manager)

    assert read["read"] is again["read"] is True
    assert stranger.status_code == 404
    assert json_of(stranger)["code"] == "notification_not_found"


def test_the_lock_job_notifies_once_however_often_it_runs(desk):
    dealer = find_user(Role.DEALER_USER, "aurora", desk.dealer_code)
    desk.approved(ends_on="2026-05-26")
    desk.clock.set(datetime(2026, 6, 2, 9, 0, tzinfo=UTC))

    for _ in range(3):
        run_scheduled(app, "lock_report_deadlines")

    overdue = [n for n in _feed(desk, desk.dealer) if n["kind"] == "report.overdue"]
    assert len(overdue) == 1
    assert len([m for m in _sent_to(dealer.email)
                if m.subject.endswith(": report overdue")]) == 1


def test_a_redelivered_event_sends_nothing_twice(desk):
    dealer = find_user(Role.DEALER_USER, "aurora", desk.dealer_code)
    desk.approved()
    [event] = _pending_or_delivered_events()
    sent_before = len(_sent_to(dealer.email))

    wiring.delivery().deliver([event, event])

    assert len(_sent_to(dealer.email)) == sent_before
    assert len(_feed(desk, desk.dealer)) == 1


def test_an_event_cut_off_by_a_crash_is_delivered_by_the_next_lock_job(desk):
    dealer = find_user(Role.DEALER_USER, "aurora", desk.dealer_code)
    wiring.use(delivery=_Dropped())
    desk.approved()
    wiring.reset()
    wiring.use(clock=desk.clock)
    desk.clock.advance(minutes=15)

    result = run_scheduled(app, "lock_report_deadlines")
    second = run_scheduled(app, "lock_report_deadlines")

    # Both events of the cut-off deliveries: the submission and the approval.
    assert result["swept"] == 2
    assert second["swept"] == 0
    assert [n["kind"] for n in _feed(desk, desk.dealer)] == ["placement.approved"]
    assert [n["kind"] for n in _feed(desk, desk.manager)] == ["placement.submitted"]
    assert len(_sent_to(dealer.email)) == 1


def test_reminders_go_out_days_before_the_deadline_once_each(desk):
    dealer = find_user(Role.DEALER_USER, "aurora", desk.dealer_code)
    desk.approved(ends_on="2026-05-26")
    # The deadline is 1 June 00:00 in Kaliningrad (31 May 22:00 UTC); the
    # brand reminds 3 days and 1 day before.
    moments = [datetime(2026, 5, 28, 21, 0, tzinfo=UTC),
               datetime(2026, 5, 28, 22, 5, tzinfo=UTC),
               datetime(2026, 5, 29, 3, 0, tzinfo=UTC),
               datetime(2026, 5, 30, 22, 5, tzinfo=UTC),
               datetime(2026, 5, 31, 21, 0, tzinfo=UTC)]

    reminded = []
    for moment in moments:
        desk.clock.set(moment)
        reminded.append(run_scheduled(app, "lock_report_deadlines")["reminded"])

    assert reminded == [0, 1, 0, 1, 0]
    reminders = [n for n in _feed(desk, desk.dealer) if n["kind"] == "report.reminder"]
    assert sorted(n["facts"]["days_before"] for n in reminders) == ["1", "3"]
    assert len([m for m in _sent_to(dealer.email)
                if m.subject.startswith("Срок отчёта по размещению")]) == 2


def test_after_downtime_only_the_latest_reminder_is_sent(desk):
    desk.approved(ends_on="2026-05-26")
    desk.clock.set(datetime(2026, 5, 31, 12, 0, tzinfo=UTC))

    first = run_scheduled(app, "lock_report_deadlines")
    second = run_scheduled(app, "lock_report_deadlines")

    reminders = [n for n in _feed(desk, desk.dealer) if n["kind"] == "report.reminder"]
    assert (first["reminded"], second["reminded"]) == (1, 0)
    assert [n["facts"]["days_before"] for n in reminders] == ["1"]


def test_a_disabled_user_is_not_notified(desk):
    desk.approved()
    [event] = _pending_or_delivered_events()

    users = wiring.users()
    dealer = find_user(Role.DEALER_USER, "aurora", desk.dealer_code)
    users.save(dealer.changed(disabled=True), expected_version=dealer.version)

    assert dealer.user_id not in {u.user_id for u in recipients(users, event)}


def _pending_or_delivered_events():
    from chalicelib.notifications.dynamo import EventModel, _event

    return [_event(item) for item in EventModel.scan()
            if item.kind == "placement.approved"]

