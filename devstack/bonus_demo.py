"""Demo facts of last month for the demo brands' dealers, so a bonus run on
the local stack has something to compute. Deterministic per dealer code.

Each dealer gets two approved placements of last month, ended on the 20th,
with their photo reports decided well before this month began (accepted,
accepted late with a penalty, or declined), the approvals on its budget
ledger and an approved budget: so the period may be closed on any day of
this month, and the placements' facts are what the placements themselves
give. Sales, leads, confirmed duplicate photos and survey answers are
recorded as facts directly, as the syncs and features record them.
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from pynamodb.models import Model

from chalicelib.bonus.dynamo import StoredFacts
from chalicelib.bonus.facts import ModelSales, PlacementFacts, ReportState
from chalicelib.bonus.model import previous_period
from chalicelib.budgets.dynamo import BudgetModel, ledger_item
from chalicelib.budgets.model import BudgetStatus, EntryKind, LedgerEntry
from chalicelib.channels.model import Channel
from chalicelib.network.model import Brand, Dealer
from chalicelib.placements.deadlines import report_due_at

# NOTE: the adapter's own item builders, so seeded records are stored
# exactly as the placements' writes store them.
from chalicelib.placements.dynamo import _placement_item as placement_item
from chalicelib.placements.dynamo import _report_item as report_item
from chalicelib.placements.model import (
    Placement,
    PlacementStatus,
    Report,
    ReportDecision,
    ReportStatus,
)
from devstack.demo import DemoBrand, load_all

MODELS = ("Aurora X3", "Aurora X5", "Aurora E")
STATES = (ReportState.ACCEPTED, ReportState.ACCEPTED, ReportState.ACCEPTED_LATE,
          ReportState.ACCEPTED, ReportState.DECLINED)
CHANNELS = ("outdoor", "radio")
PLAN = Decimal(200000)
"""Approved plan of each channel, so 400,000 a dealer."""
SEEDED_BY = "demo-seed"


def last_period(now: datetime | None = None) -> str:
    local = (now or datetime.now(UTC)).astimezone(ZoneInfo("Europe/Moscow"))
    return previous_period(f"{local.year:04d}-{local.month:02d}")


def seed_bonus_facts(period: str | None = None) -> int:
    period = period or last_period()
    facts = StoredFacts()
    items: list[Model] = []
    for demo in load_all():
        for dealer in demo.dealers:
            items += _record(facts, demo, period, dealer)
    _write(items)
    return sum(len(demo.dealers) for demo in load_all())


@dataclass(frozen=True, slots=True)
class _Seeded:
    placement: Placement
    report: Report


def _record(facts: StoredFacts, demo: DemoBrand, period: str,
            dealer: Dealer) -> list[Model]:
    """Record the dealer's facts; return its placements' stored items."""
    brand_id, code = demo.brand.brand_id, dealer.code
    seed = int(hashlib.sha256(code.encode()).hexdigest()[:8], 16)
    sales = [ModelSales(model, units=(seed >> (4 * i)) % 9,
                        revenue=Decimal((seed >> (4 * i)) % 9) * Decimal("2950000"),
                        plan_units=4 + i)
             for i, model in enumerate(MODELS)]
    facts.record_sales(brand_id, period, code, sales, plan_units=15)
    seeded = [_placement(demo, period, dealer, k, STATES[(seed + k) % len(STATES)])
              for k in range(len(CHANNELS))]
    now = datetime.now(UTC)
    facts.record_placements(brand_id, period, code,
                            [_facts(one, now) for one in seeded], PLAN * len(CHANNELS))
    facts.record_leads(brand_id, period, code, 60 + seed % 90,
                       Decimal(150000 + seed % 40 * 1000))
    facts.record_duplicate_photos(brand_id, period, code, seed % 3 // 2)
    facts.record_survey(brand_id, period, code, seed % 4 != 0)
    return [*_stored(seeded), _budget_item(demo.brand, period, dealer)]


def _placement(demo: DemoBrand, period: str, dealer: Dealer, k: int,
               state: ReportState) -> _Seeded:
    brand = demo.brand
    year, month = (int(part) for part in period.split("-"))
    starts_on, ends_on = date(year, month, 1 + 5 * k), date(year, month, 20)
    opened = datetime(year, month, 1, 9, tzinfo=UTC)
    channel = CHANNELS[k % len(CHANNELS)]
    placement = Placement(
        placement_id=f"{dealer.code}-{period}-{k}", brand_id=brand.brand_id,
        dealer_code=dealer.code, region=dealer.region, channel_id=channel,
        title=f"{_channel_named(demo.channels, channel)}: {dealer.city}",
        starts_on=starts_on, ends_on=ends_on, cost=Decimal(90000 + 10000 * k),
        currency=brand.currency, created_by=SEEDED_BY, created_at=opened,
        updated_at=opened, mandatory=k == 0, status=PlacementStatus.APPROVED,
        approved_amount=Decimal(80000 + 10000 * k), version=1,
    )
    due_at = report_due_at(ends_on, brand.report_due_days, dealer.time_zone)
    return _Seeded(placement, _report(demo, dealer, placement, due_at, state))


def _report(demo: DemoBrand, dealer: Dealer, placement: Placement,
            due_at: datetime, state: ReportState) -> Report:
    late = state is ReportState.ACCEPTED_LATE
    submitted_at = due_at + timedelta(days=1) if late else due_at - timedelta(days=2)
    status, decision = {
        ReportState.ACCEPTED: (ReportStatus.ACCEPTED, ReportDecision.ACCEPT),
        ReportState.ACCEPTED_LATE: (ReportStatus.ACCEPTED_LATE,
                                    ReportDecision.ACCEPT_WITH_PENALTY),
        ReportState.DECLINED: (ReportStatus.DECLINED, ReportDecision.REJECT),
    }[state]
    proof = next((c.proof for c in demo.channels
                  if c.channel_id == placement.channel_id), {})
    return Report(
        placement_id=placement.placement_id, brand_id=placement.brand_id,
        dealer_code=dealer.code, region=dealer.region,
        channel_id=placement.channel_id, currency=placement.currency,
        due_at=due_at, time_zone=dealer.time_zone, required_proof=proof,
        reminder_days=demo.brand.reminder_days, status=status,
        explanation="Подрядчик задержал фотоотчёт." if late else None,
        explained_at=submitted_at if late else None, submitted_at=submitted_at,
        decision=decision, decided_by=SEEDED_BY,
        decided_at=submitted_at + timedelta(days=1),
        reminders_sent=demo.brand.reminder_days, version=1,
    )


def _stored(seeded: list[_Seeded]) -> list[Model]:
    """What the placements' own writes would have stored: the placement and
    its report (each at version 1) and the approval on the budget ledger."""
    items: list[Model] = []
    for one in seeded:
        items += [placement_item(one.placement), report_item(one.report),
                  ledger_item(_approval(one.placement))]
    return items


def _budget_item(brand: Brand, period: str, dealer: Dealer) -> BudgetModel:
    opened = datetime.fromisoformat(f"{period}-01T09:00:00+00:00")
    plan = {channel: str(PLAN) for channel in CHANNELS}
    return BudgetModel(
        f"{brand.brand_id}#{dealer.code}", period, brand_id=brand.brand_id,
        dealer_code=dealer.code, region=dealer.region, currency=brand.currency,
        plan=plan, status=BudgetStatus.APPROVED.value, proposed_by=SEEDED_BY,
        approved_by=SEEDED_BY, approved_at=opened, version=1)


def _write(items: list[Model]) -> None:
    """Batch writes, as the seed writes every demo record: seeding again
    brings the records back to this state."""
    by_model: dict[type[Model], list[Model]] = {}
    for item in items:
        by_model.setdefault(type(item), []).append(item)
    for model, of_model in by_model.items():
        with model.batch_write() as batch:
            for item in of_model:
                batch.save(item)


def _approval(placement: Placement) -> LedgerEntry:
    assert placement.approved_amount is not None
    return LedgerEntry(
        brand_id=placement.brand_id, dealer_code=placement.dealer_code,
        period=placement.period,
        entry_id=f"{placement.placement_id}#demo#{EntryKind.APPROVAL.value}",
        kind=EntryKind.APPROVAL, channel_id=placement.channel_id,
        amount=placement.approved_amount, currency=placement.currency,
        reason="demo", at=placement.created_at, placement_id=placement.placement_id,
    )


def _facts(one: _Seeded, now: datetime) -> PlacementFacts:
    """The facts an approved placement and its report give, as placements
    record them."""
    placement, report = one.placement, one.report
    return PlacementFacts(
        placement_id=placement.placement_id, channel=placement.channel_id,
        cost=placement.cost, approved_amount=placement.approved_amount,
        mandatory=placement.mandatory,
        report_state=ReportState(report.status_at(now).value),
        due_at=report.due_at, submitted_at=report.submitted_at,
    )


def _channel_named(channels: list[Channel], channel_id: str) -> str:
    return next((c.name for c in channels if c.channel_id == channel_id), channel_id)
