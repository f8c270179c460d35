"""Demo inputs of last month for the demo brands, so a bonus run on the local
stack has something to compute. Deterministic per dealer code.

Two kinds, so the demo never contradicts the real placements:
- placements and reports go through the placements service, as a dealer
  and a manager would make them (with the clock set inside last month),
  for the first `DEALERS_WITH_PLACEMENTS` dealers of each brand that have
  a demo dealer user. Their bonus facts are then recorded by the
  placements follower, the one writer of that section; the other dealers
  have no placements ("not in yet").
- the sections no area records into the bonus facts yet (sales, leads,
  confirmed duplicate photos, survey answers) are written directly, for
  every dealer.
"""

import hashlib
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from chalicelib import wiring
from chalicelib.access.model import Caller, Role
from chalicelib.bonus.dynamo import DynamoPeriods, StoredFacts
from chalicelib.bonus.facts import ModelSales
from chalicelib.bonus.model import period_bounds, previous_period
from chalicelib.channels.model import ProofKind
from chalicelib.placements import service as placements
from chalicelib.placements.model import Placement, Report, ReportDecision
from chalicelib.placements.service import NewPlacement
from devstack.demo import DemoBrand, load_all

MODELS = ("Aurora X3", "Aurora X5", "Aurora E")
# channel, proof it needs, mandatory
CHANNELS = (("outdoor", ProofKind.PHOTO, 2, True), ("radio", ProofKind.INVOICE, 1,
                                                    False))
OUTCOMES = ("accepted", "accepted", "accepted_late", "accepted", "declined")
# Each lifecycle is about ten steps of the service on the emulator (about
# four seconds here, measured with two placements each for two dealers), so
# the demo keeps to one dealer per brand and `dmm up` stays quick.
DEALERS_WITH_PLACEMENTS = 1


def last_period(now: datetime | None = None) -> str:
    local = (now or datetime.now(UTC)).astimezone(ZoneInfo("Europe/Moscow"))
    return previous_period(f"{local.year:04d}-{local.month:02d}")


def seed_bonus_facts(period: str | None = None) -> int:
    """Every demo dealer's facts; returns how many dealers got them."""
    period = period or last_period()
    facts = StoredFacts()
    count = 0
    for demo in load_all():
        seed_demo_placements(demo, period)
        for dealer in demo.dealers:
            _record(facts, demo.brand.brand_id, period, dealer.code)
            count += 1
    return count


def seed_demo_placements(demo: DemoBrand, period: str) -> int:
    """Two placements for each of a few dealers with a demo user, through
    their whole lifecycle. A dealer that has placements of the period already, or a
    closed period, is left as it is, so seeding twice adds nothing."""
    start, _ = period_bounds(period)
    brand_id = demo.brand.brand_id
    if DynamoPeriods().closed_at(brand_id, period) is not None:
        return 0
    manager = _caller(demo, Role.IMPORTER_MANAGER, None)
    made = 0
    served = [d for d in demo.dealers if _caller(demo, Role.DEALER_USER, d.code)]
    for dealer in served[:DEALERS_WITH_PLACEMENTS]:
        dealer_user = _caller(demo, Role.DEALER_USER, dealer.code)
        if dealer_user is None or manager is None or _has_placements(
                brand_id, dealer.code, period):
            continue
        seed = _seed(dealer.code)
        for k, channel in enumerate(CHANNELS):
            outcome = OUTCOMES[(seed + k) % len(OUTCOMES)]
            _lifecycle(_Desk(dealer_user, manager, start), dealer.code, k, channel,
                       outcome)
            made += 1
    return made


@dataclass
class _Desk:
    dealer: Caller
    manager: Caller
    month_start: date

    def ports(self, day: int) -> placements.Ports:
        moment = datetime(self.month_start.year, self.month_start.month, day, 9,
                          tzinfo=UTC)
        return replace(wiring.placement_ports(), clock=lambda: moment)


def _lifecycle(desk: _Desk, code: str, k: int,
               channel: tuple[str, ProofKind, int, bool], outcome: str) -> None:
    channel_id, proof, proofs, mandatory = channel
    start = desk.month_start
    cost = Decimal(90000 + 10000 * k)
    new = NewPlacement(
        dealer_code=code, channel_id=channel_id, title=f"Демо: {channel_id}",
        starts_on=start.replace(day=3), ends_on=start.replace(day=12),
        cost=cost, currency="RUB", mandatory=mandatory)
    made = placements.create_placement(desk.ports(2), desk.dealer, new)
    sent = placements.submit_placement(desk.ports(2), desk.dealer,
                                       made.placement_id, made.version)
    approved = placements.approve_placement(desk.ports(2), desk.manager,
                                            sent.placement_id, cost - 10000,
                                            sent.version)
    late = outcome == "accepted_late"
    report = _sent_report(desk, approved, proof, proofs, day=27 if late else 14)
    decision, reason = {
        "accepted": (ReportDecision.ACCEPT, None),
        "accepted_late": (ReportDecision.ACCEPT_WITH_PENALTY, "Отчёт опоздал"),
        "declined": (ReportDecision.REJECT, "Фото не подтверждают размещение"),
    }[outcome]
    placements.decide_report(desk.ports(28), desk.manager, approved.placement_id,
                             decision, reason, None, report.version)


def _sent_report(desk: _Desk, placement: Placement, proof: ProofKind, proofs: int,
                 day: int) -> Report:
    """Proof attached and the report sent on `day`; past the deadline the
    dealer explains the delay first."""
    ports = desk.ports(day)
    report = placements.get_report(ports, desk.dealer, placement.placement_id)
    if report.status_at(ports.clock()).value == "overdue":
        report = placements.explain_report(ports, desk.dealer, placement.placement_id,
                                           "Подрядчик задержал фото", report.version)
    for n in range(proofs):
        placements.attach_proof(ports, placement.placement_id, proof,
                                f"demo-{placement.placement_id}-{n}")
    report = placements.get_report(ports, desk.dealer, placement.placement_id)
    return placements.submit_report(ports, desk.dealer, placement.placement_id,
                                    report.version)


def _caller(demo: DemoBrand, role: Role, dealer_code: str | None) -> Caller | None:
    for user in demo.users:
        if user.role is role and not user.regions and (
                dealer_code is None or dealer_code in user.dealer_codes):
            return Caller(user)
    return None


def _has_placements(brand_id: str, code: str, period: str) -> bool:
    page = wiring.placement_store().placements_of_dealer(brand_id, code, period,
                                                         None, 1, None)
    return bool(page.items)


def _seed(code: str) -> int:
    return int(hashlib.sha256(code.encode()).hexdigest()[:8], 16)


def _record(facts: StoredFacts, brand_id: str, period: str, code: str) -> None:
    seed = _seed(code)
    sales = [ModelSales(model, units=(seed >> (4 * i)) % 9,
                        revenue=Decimal((seed >> (4 * i)) % 9) * Decimal("2950000"),
                        plan_units=4 + i)
             for i, model in enumerate(MODELS)]
    facts.record_sales(brand_id, period, code, sales, plan_units=15)
    facts.record_leads(brand_id, period, code, 60 + seed % 90,
                       Decimal(150000 + seed % 40 * 1000))
    facts.record_duplicate_photos(brand_id, period, code, seed % 3 // 2)
    facts.record_survey(brand_id, period, code, seed % 4 != 0)

