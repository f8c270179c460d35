"""The placement store on the emulator: one transaction per change, lost races
as 409s with nothing written, and what listing and locking cost."""

import threading
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from chalicelib import wiring
from chalicelib.access.model import Caller, Role
from chalicelib.audit.dynamo import DynamoAuditLog
from chalicelib.budgets.dynamo import DynamoLedger
from chalicelib.budgets.model import EntryKind, LedgerEntry
from chalicelib.channels.model import ProofKind
from chalicelib.errors import StaleVersion
from chalicelib.notifications.dynamo import EventModel
from chalicelib.placements import service
from chalicelib.placements.model import PlacementStatus
from chalicelib.placements.ports import Change, EveryFollower
from chalicelib.placements.service import NewPlacement
from devstack.demo import find_user
from tests.integration.counting import dynamodb_requests

MAY_4 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(demo):
    clock = Clock(MAY_4)
    wiring.use(clock=clock)
    outdoor = wiring.channels().get("aurora", "outdoor")
    assert outdoor is not None and outdoor.proof == {ProofKind.PHOTO: 2}
    return clock


def _caller(role: Role, dealer: str | None = None, user_id: str | None = None
            ) -> Caller:
    if user_id:
        return Caller(wiring.users().get(user_id))
    return Caller(find_user(role, "aurora", dealer))


def _placement(dealer: str = "AUR-KGD-01", starts_on: date = date(2026, 5, 10),
               ends_on: date = date(2026, 5, 26)) -> NewPlacement:
    return NewPlacement(dealer_code=dealer, channel_id="outdoor", title="Щиты",
                        starts_on=starts_on, ends_on=ends_on,
                        cost=Decimal("125000.50"), currency="RUB")


def _submitted(dealer: str = "AUR-KGD-01", **dates):
    ports = wiring.placement_ports()
    dealer_user = _caller(Role.DEALER_USER, dealer)
    draft = service.create_placement(ports, dealer_user, _placement(dealer, **dates))
    return service.submit_placement(ports, dealer_user, draft.placement_id,
                                    draft.version)


def _approved(dealer: str = "AUR-KGD-01", **dates):
    placement = _submitted(dealer, **dates)
    return service.approve_placement(wiring.placement_ports(),
                                     _caller(Role.IMPORTER_MANAGER),
                                     placement.placement_id, placement.cost,
                                     placement.version)


def test_two_managers_deciding_the_same_placement_at_once_one_wins(clock):
    placement = _submitted()
    managers = [_caller(Role.IMPORTER_MANAGER, user_id="aurora-manager-1"),
                _caller(Role.IMPORTER_ADMIN, user_id="aurora-admin-1")]
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def decide(manager: Caller, approve: bool) -> None:
        ports = wiring.placement_ports()
        start.wait()
        try:
            if approve:
                outcomes[manager.user_id] = service.approve_placement(
                    ports, manager, placement.placement_id, Decimal("90000"),
                    placement.version)
            else:
                outcomes[manager.user_id] = service.reject_placement(
                    ports, manager, placement.placement_id, "Не в этом месяце",
                    placement.version)
        except StaleVersion as exc:
            outcomes[manager.user_id] = exc

    threads = [threading.Thread(target=decide, args=(m, i == 0))
               for i, m in enumerate(managers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    lost = [o for o in outcomes.values() if isinstance(o, StaleVersion)]
    won = [o for o in outcomes.values() if not isinstance(o, StaleVersion)]
    assert len(lost) == 1 and len(won) == 1
    stored = wiring.placement_store().placement(placement.placement_id)
    assert stored is not None and stored.status is won[0].status
    assert stored.version == placement.version + 1
    entries = DynamoLedger().entries("aurora", "AUR-KGD-01", "2026-05")
    decided = [e for e in entries if e.entry_id.endswith(f"v{stored.version}"
                                                        f"#{e.kind.value}")]
    # One decision's entries only: the release of the reservation, plus the
    # approval if the approval won.
    assert len(decided) == (2 if stored.status is PlacementStatus.APPROVED else 1)
    audit = DynamoAuditLog().entries("aurora", f"placement:{placement.placement_id}",
                                     50, None)
    assert [e.action for e in audit.items][-1] in {"approve", "reject"}
    assert len(audit.items) == 3
    report = wiring.placement_store().report(placement.placement_id)
    assert (report is not None) == (stored.status is PlacementStatus.APPROVED)


def test_a_change_on_a_stale_version_writes_none_of_its_parts(clock):
    placement = _submitted()
    manager = _caller(Role.IMPORTER_MANAGER)
    ports = wiring.placement_ports()
    service.return_placement(ports, manager, placement.placement_id, "Адреса?",
                             placement.version)
    events_before = EventModel.count()
    store = wiring.placement_store()
    stale = placement.approved(placement.cost, clock.now)
    approval = LedgerEntry("aurora", "AUR-KGD-01", "2026-05",
                           f"{stale.placement_id}#v9#approval", EntryKind.APPROVAL,
                           "outdoor", stale.cost, "RUB", "approve", clock.now,
                           stale.placement_id)

    with pytest.raises(StaleVersion):
        store.commit(Change(placement=stale, entries=(approval,)))

    entries = DynamoLedger().entries("aurora", "AUR-KGD-01", "2026-05")
    assert not any(e.kind.value == "approval" for e in entries)
    assert EventModel.count() == events_before
    assert store.placement(placement.placement_id).status is PlacementStatus.RETURNED


def test_listing_a_dealers_placements_of_a_period_is_one_query(clock):
    ports = wiring.placement_ports()
    dealer = _caller(Role.DEALER_USER, "AUR-KGD-01")
    for day in range(1, 21):
        service.create_placement(ports, dealer, _placement(
            starts_on=date(2026, 5, day), ends_on=date(2026, 5, 28)))
    for day in range(1, 6):
        service.create_placement(ports, dealer, _placement(
            starts_on=date(2026, 6, day), ends_on=date(2026, 6, 28)))

    with dynamodb_requests() as requests:
        page = service.list_placements(ports, dealer, "AUR-KGD-01", "2026-05", None,
                                       50, None)

    print("listing requests:", dict(requests))
    assert len(page.items) == 20 and page.next_cursor is None
    # The dealer's visibility check (GetItem dealers) and one Query of the
    # `by_dealer` index; the API adds one GetItem of the caller's user.
    assert dict(requests) == {"GetItem": 1, "Query": 1}


def without_analytics() -> None:
    """The store's cost with the bonus facts it keeps: what the analytics
    follower reads after a change is measured in its own tests."""
    wiring.use(placement_followers=EveryFollower((wiring.bonus_facts_follower(),)))


def test_the_lock_job_costs_the_same_whatever_the_number_of_open_reports(clock):
    without_analytics()
    ports = wiring.placement_ports()
    _approved(ends_on=date(2026, 5, 26))
    _approved(ends_on=date(2026, 5, 26))
    clock.now = datetime(2026, 6, 2, 9, 0, tzinfo=UTC)
    transactions = ports.store._connection.client  # type: ignore[attr-defined]

    def cost_of_a_run_with(open_not_due: int) -> dict:
        clock.now = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
        for _ in range(open_not_due):
            _approved(ends_on=date(2026, 7, 20))
        clock.now = datetime(2026, 6, 2, 9, 0, tzinfo=UTC)
        with dynamodb_requests(transactions) as requests:
            locked = service.lock_overdue_reports(ports)
        return {"locked": len(locked), **requests}

    first = cost_of_a_run_with(0)
    _approved(ends_on=date(2026, 5, 26))
    _approved(ends_on=date(2026, 5, 26))
    second = cost_of_a_run_with(12)
    idle = cost_of_a_run_with(0)

    print("lock job requests:", first, second, idle)
    assert first["locked"] == second["locked"] == 2
    # One query of the sparse index, then per locked report one transaction,
    # its event's delivery and the bonus facts follower (the placement by
    # key, the dealer's placements of the period, their reports in one
    # batch, the budget, one facts update); the 12 open reports not yet due
    # cost nothing.
    assert first == second
    # index + per event: the brand's users and templates + the follower
    assert first["Query"] == 1 + 2 * 2 + 2
    assert first["TransactWriteItems"] == 2
    # the follower's reads, and each recipient's preferences
    assert first["GetItem"] == first["BatchGetItem"] * 2 + 2 == 4 + 2
    assert first["UpdateItem"] == 2 + 2  # outbox + facts
    assert idle == {"locked": 0, "Query": 1}


def test_a_past_due_report_read_from_the_index_but_changed_meanwhile_is_skipped(
    clock,
):
    ports = wiring.placement_ports()
    placement = _approved(ends_on=date(2026, 5, 26))
    clock.now = datetime(2026, 6, 2, 9, 0, tzinfo=UTC)
    [seen] = list(ports.store.open_reports_due_before(clock.now))
    dealer = _caller(Role.DEALER_USER, "AUR-KGD-01")
    service.explain_report(ports, dealer, placement.placement_id, "Болел",
                           seen.version)

    class Replaying:
        """The index as it may look a moment later: still the old item."""

        def __getattr__(self, name):
            return getattr(ports.store, name)

        def open_reports_due_before(self, moment):
            return iter([seen])

    replayed = service.Ports(Replaying(), ports.dealers, ports.brands,  # type: ignore[arg-type]
                             ports.channels, ports.notifier, ports.clock)
    locked = service.lock_overdue_reports(replayed)

    assert locked == []
    report = ports.store.report(placement.placement_id)
    assert report.explanation == "Болел"
    assert report.version == seen.version + 1


def test_reports_leave_the_deadline_index_once_they_are_not_open(clock):
    ports = wiring.placement_ports()
    _approved(ends_on=date(2026, 5, 26))
    later = datetime(2026, 6, 2, 9, 0, tzinfo=UTC)

    before = list(ports.store.open_reports_due_before(later))
    clock.now = later
    service.lock_overdue_reports(ports)
    after = list(ports.store.open_reports_due_before(later))

    assert len(before) == 1
    assert after == []



def _open_report(placement_id: str, due_at: datetime):
    from chalicelib.placements.model import Report

    return Report(placement_id=placement_id, brand_id="aurora",
                  dealer_code="AUR-KGD-01", region="Калининградская область",
                  channel_id="outdoor", currency="RUB", due_at=due_at,
                  time_zone="Europe/Kaliningrad",
                  required_proof={ProofKind.PHOTO: 2}, reminder_days=(3, 1))


@pytest.mark.parametrize("open_not_due", [0, 100])
def test_the_deadline_job_reads_only_what_came_due(clock, open_not_due):
    without_analytics()
    store = wiring.placement_store()
    past = datetime(2026, 5, 31, 22, 0, tzinfo=UTC)
    far = datetime(2026, 9, 30, 22, 0, tzinfo=UTC)
    for n in range(5):
        store.commit(Change(report=_open_report(f"pl-due-{n}", past)))
    for n in range(open_not_due):
        store.commit(Change(report=_open_report(f"pl-later-{n}", far)))
    clock.now = datetime(2026, 6, 2, 9, 0, tzinfo=UTC)
    connection = store._connection.client  # type: ignore[attr-defined]

    with dynamodb_requests(connection) as requests:
        locked = service.lock_overdue_reports(wiring.placement_ports())
        reminded = service.remind_due_reports(wiring.placement_ports())

    print(f"open not due {open_not_due}: {dict(requests)}")
    assert len(locked) == 5 and reminded == []
    # 2 index queries, and for each of the 5 locked reports: 1 transaction,
    # 1 query of the brand's users, 1 of its templates, and per recipient its
    # preferences read and its feed put; 1 outbox update; and the bonus facts
    # follower's read of the placement (these reports have none, so it stops
    # there).
    assert dict(requests) == {"Query": 2 + 5 * 2, "TransactWriteItems": 5,
                              "GetItem": 5 + 5, "PutItem": 5, "UpdateItem": 5}


def test_a_bonus_run_posts_its_compensations_once_and_only_its_own_kinds(clock):
    from chalicelib.budgets.model import NotTheWriter
    from chalicelib.budgets.service import post_bonus_entries

    ledger = DynamoLedger()
    compensation = LedgerEntry("aurora", "AUR-KGD-01", "2026-05",
                               "run-1#AUR-KGD-01#line-3", EntryKind.COMPENSATION,
                               "outdoor", Decimal("40000.00"), "RUB",
                               "bonus run run-1", clock.now, "pl-1")
    reservation = LedgerEntry("aurora", "AUR-KGD-01", "2026-05", "pl-1#v2#r",
                              EntryKind.RESERVATION, "outdoor", Decimal("1"),
                              "RUB", "wrong writer", clock.now, "pl-1")

    first = post_bonus_entries(ledger, [compensation])
    again = post_bonus_entries(ledger, [compensation])
    with pytest.raises(NotTheWriter):
        post_bonus_entries(ledger, [reservation])

    assert (first, again) == (1, 0)
    stored = ledger.entries("aurora", "AUR-KGD-01", "2026-05")
    assert [(e.kind, e.amount) for e in stored] == [
        (EntryKind.COMPENSATION, Decimal("40000.00"))]
