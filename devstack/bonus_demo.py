"""Demo facts of last month for the demo brands' dealers, so a bonus run on
the local stack has something to compute before the sales, placements and
call-tracking features record real facts. Deterministic per dealer code."""

import hashlib
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from chalicelib.bonus.dynamo import StoredFacts
from chalicelib.bonus.facts import ModelSales, PlacementFacts, ReportState
from chalicelib.bonus.model import period_bounds, previous_period
from devstack.demo import load_all

MODELS = ("Aurora X3", "Aurora X5", "Aurora E")
STATES = (ReportState.ACCEPTED, ReportState.ACCEPTED, ReportState.ACCEPTED_LATE,
          ReportState.ACCEPTED, ReportState.DECLINED)


def last_period(now: datetime | None = None) -> str:
    local = (now or datetime.now(UTC)).astimezone(ZoneInfo("Europe/Moscow"))
    return previous_period(f"{local.year:04d}-{local.month:02d}")


def seed_bonus_facts(period: str | None = None) -> int:
    period = period or last_period()
    facts = StoredFacts()
    count = 0
    for demo in load_all():
        for dealer in demo.dealers:
            _record(facts, demo.brand.brand_id, period, dealer.code)
            count += 1
    return count


def _record(facts: StoredFacts, brand_id: str, period: str, code: str) -> None:
    seed = int(hashlib.sha256(code.encode()).hexdigest()[:8], 16)
    sales = [ModelSales(model, units=(seed >> (4 * i)) % 9,
                        revenue=Decimal((seed >> (4 * i)) % 9) * Decimal("2950000"),
                        plan_units=4 + i)
             for i, model in enumerate(MODELS)]
    facts.record_sales(brand_id, period, code, sales, plan_units=15)
    _, after = period_bounds(period)
    due = datetime(after.year, after.month, 1, 21, tzinfo=UTC)
    placements = [
        PlacementFacts(
            placement_id=f"{code}-{period}-{k}", channel=("outdoor", "radio")[k % 2],
            cost=Decimal(90000 + 10000 * k), approved_amount=Decimal(80000 + 10000 * k),
            mandatory=k == 0, report_state=STATES[(seed + k) % len(STATES)],
            due_at=due, submitted_at=due - timedelta(days=2 - k))
        for k in range(2)
    ]
    facts.record_placements(brand_id, period, code, placements, Decimal(400000))
    facts.record_leads(brand_id, period, code, 60 + seed % 90,
                       Decimal(150000 + seed % 40 * 1000))
    facts.record_duplicate_photos(brand_id, period, code, seed % 3 // 2)
    facts.record_survey(brand_id, period, code, seed % 4 != 0)
