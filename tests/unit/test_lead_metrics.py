from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from chalicelib.integrations.metrics import attribute, cost_per, dealer_leads
from chalicelib.integrations.model import (
    Lead,
    LeadKind,
    LeadSource,
    Source,
    TrafficFigure,
    Utm,
)
from chalicelib.integrations.upstream import PlacementCost

NO_UTM = Utm()
ZONES = {"AUR-MSK-01": "Europe/Moscow", "AUR-PKC-01": "Asia/Kamchatka"}


def placement(pid, *, utm=NO_UTM, phone="", dealer="AUR-MSK-01",
              cost="90000.00", start=date(2026, 11, 1), end=date(2026, 11, 30)):
    return PlacementCost(pid, dealer, "digital", "approved", Decimal(cost), start,
                         end, utm=utm, tracked_phone=phone)


def lead(lead_id, *, utm=NO_UTM, phone="", target=True, dealer="AUR-MSK-01",
         at=datetime(2026, 11, 10, 9, tzinfo=UTC), kind=LeadKind.CALL):
    return Lead(kind, lead_id, dealer, at, target, utm=utm, tracked_phone=phone)


@pytest.mark.parametrize("cost, count, expected", [
    ("90000.00", 3, Decimal("30000.00")),
    ("100.00", 3, Decimal("33.33")),
    ("0.05", 2, Decimal("0.03")),       # half up
    ("90000.00", 0, None),              # no leads, no value
    ("0.00", 4, None),                  # no cost recorded, no value
])
def test_cost_per_lead_is_rounded_half_up_and_absent_without_leads_or_cost(
    cost, count, expected
):
    assert cost_per(Decimal(cost), count) == expected


def test_leads_go_to_the_placement_whose_utm_or_tracked_number_they_carry():
    winter = Utm("yandex", "cpc", "winter-sale")
    placements = [placement("p-utm", utm=winter),
                  placement("p-radio", phone="8 (495) 111-22-33")]
    leads = [lead("1", utm=Utm("Yandex", "CPC", "winter-sale")),
             lead("2", phone="74951112233"),
             lead("3", utm=Utm("yandex", "cpc", "other")),
             lead("4", utm=winter, target=False),
             lead("5", utm=winter, dealer="AUR-PKC-01")]

    counted = attribute(leads, placements, ZONES)

    assert counted == {"p-utm": 1, "p-radio": 1}


def test_a_lead_after_the_placement_ended_on_the_dealers_calendar_is_not_its():
    placements = [placement("p", phone="74951112233", end=date(2026, 11, 9))]
    # 23:30 UTC on 9 November is already 10 November in Moscow.
    late = lead("1", phone="74951112233", at=datetime(2026, 11, 9, 21, 30, tzinfo=UTC))
    in_time = lead("2", phone="74951112233",
                   at=datetime(2026, 11, 9, 20, 30, tzinfo=UTC))

    assert attribute([late, in_time], placements, ZONES) == {"p": 1}


def test_dealer_leads_come_from_its_chosen_source_only():
    leads = [lead("1"), lead("2", target=False), lead("3", kind=LeadKind.REQUEST)]
    traffic = [
        TrafficFigure("AUR-MSK-01", "digital", date(2026, 11, 1), 500, 4, 3),
        TrafficFigure("AUR-MSK-01", "radio", date(2026, 11, 1), 0, 2, 0),
        TrafficFigure("AUR-KGD-01", "digital", date(2026, 11, 1), 10, 9, 9),
        TrafficFigure("AUR-MSK-01", "digital", date(2026, 11, 1), 0, 50, 50,
                      source=Source.CALLTOUCH),
    ]

    tracked = dealer_leads("AUR-MSK-01", LeadSource.CALLTOUCH, leads, traffic)
    platform = dealer_leads("AUR-MSK-01", LeadSource.DISTRIBUTOR, leads, traffic)

    assert (tracked.leads, tracked.actions) == (2, 3)
    assert (platform.leads, platform.actions) == (9, 9)
