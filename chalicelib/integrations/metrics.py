"""CPA and CPL, and which placement a lead belongs to. Pure computation.

Definitions:
- a lead is a unique target call or a unique target request from call
  tracking; for a dealer whose lead source is the distributor platform, its
  calls plus online leads (the platform marks no unique targets);
- an action is any call or online request of the dealer's lead source;
- CPL = cost / leads and CPA = cost / actions, in the brand's currency,
  rounded half up to kopecks; with no leads (or actions) there is no value,
  and none either when no cost is recorded (a dealer without placements
  would otherwise show a CPL of zero).
- A lead belongs to a placement of its dealer when its UTM source, medium
  and campaign all equal what the placement declares (case aside), or else
  when the tracked number it came through is the placement's, and the lead
  came in (dealer's local day) between the placement's start and end.
"""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from chalicelib.integrations.model import Lead, LeadSource, Source, TrafficFigure
from chalicelib.integrations.personal import digits_of
from chalicelib.integrations.upstream import PlacementCost

CENT = Decimal("0.01")


def cost_per(cost: Decimal, count: int) -> Decimal | None:
    """Cost per lead or action; None when there is nothing to divide by or
    no cost to divide."""
    if count <= 0 or cost <= 0:
        return None
    return (cost / count).quantize(CENT, rounding=ROUND_HALF_UP)


def attribute(leads: Iterable[Lead], placements: Iterable[PlacementCost],
              zones: Mapping[str, str]) -> Counter[str]:
    """Leads per placement id; each lead goes to at most one placement."""
    by_dealer: dict[str, list[PlacementCost]] = {}
    for placement in sorted(placements, key=lambda p: p.placement_id):
        by_dealer.setdefault(placement.dealer_code, []).append(placement)
    counted: Counter[str] = Counter()
    for lead in leads:
        if not lead.is_unique_target:
            continue
        zone = ZoneInfo(zones.get(lead.dealer_code, "UTC"))
        found = _placement_of(lead, by_dealer.get(lead.dealer_code, []),
                              lead.at.astimezone(zone).date())
        if found is not None:
            counted[found.placement_id] += 1
    return counted


def _placement_of(lead: Lead, placements: list[PlacementCost],
                  day: date) -> PlacementCost | None:
    running = [p for p in placements if p.starts_on <= day <= p.ends_on]
    for placement in running:
        if placement.utm.is_set and _same_utm(lead, placement):
            return placement
    phone = digits_of(lead.tracked_phone)
    for placement in running:
        if phone and digits_of(placement.tracked_phone) == phone:
            return placement
    return None


def _same_utm(lead: Lead, placement: PlacementCost) -> bool:
    pairs = ((lead.utm.source, placement.utm.source),
             (lead.utm.medium, placement.utm.medium),
             (lead.utm.campaign, placement.utm.campaign))
    return all(ours.casefold() == theirs.casefold() for ours, theirs in pairs)


@dataclass(frozen=True, slots=True)
class LeadCount:
    leads: int
    actions: int


def dealer_leads(dealer_code: str, source: LeadSource, leads: Iterable[Lead],
                 traffic: Iterable[TrafficFigure]) -> LeadCount:
    """A dealer's leads and actions of a period, from its lead source."""
    if source is LeadSource.CALLTOUCH:
        own = [lead for lead in leads if lead.dealer_code == dealer_code]
        return LeadCount(leads=sum(lead.is_unique_target for lead in own),
                         actions=len(own))
    counted = sum(figure.calls + figure.online_leads for figure in traffic
                  if figure.dealer_code == dealer_code
                  and figure.source is Source.DISTRIBUTOR)
    return LeadCount(leads=counted, actions=counted)
