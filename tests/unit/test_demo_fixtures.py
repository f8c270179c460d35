"""The demo brands in `demo/`: a realistic network from Kaliningrad to Kamchatka."""

import re
import zoneinfo
from collections import Counter

import pytest

from chalicelib.access.model import Role
from chalicelib.network.model import is_known_time_zone
from devstack.demo import find_user, load_all

DEMOS = {demo.brand.brand_id: demo for demo in load_all()}
AURORA = DEMOS["aurora"]


def test_there_are_two_brands_and_aurora_is_the_big_one():
    assert set(DEMOS) == {"aurora", "taiga"}
    assert len(AURORA.dealers) >= 70
    assert 0 < len(DEMOS["taiga"].dealers) < len(AURORA.dealers)


def test_aurora_spans_the_country_from_kaliningrad_to_kamchatka():
    zones = {dealer.time_zone for dealer in AURORA.dealers}

    assert {"Europe/Kaliningrad", "Europe/Moscow", "Asia/Kamchatka"} <= zones
    assert len(zones) >= 8


@pytest.mark.parametrize(("city", "zone"), [
    ("Калининград", "Europe/Kaliningrad"),
    ("Москва", "Europe/Moscow"),
    ("Екатеринбург", "Asia/Yekaterinburg"),
    ("Новосибирск", "Asia/Novosibirsk"),
    ("Владивосток", "Asia/Vladivostok"),
    ("Петропавловск-Камчатский", "Asia/Kamchatka"),
])
def test_well_known_cities_carry_their_own_zone(city, zone):
    in_city = [d for d in AURORA.dealers if d.city == city]

    assert in_city, f"no Aurora dealer in {city}"
    assert {d.time_zone for d in in_city} == {zone}


@pytest.mark.parametrize("brand_id", sorted(DEMOS))
def test_every_dealer_has_a_valid_zone_region_category_and_unique_code(brand_id):
    demo = DEMOS[brand_id]
    codes = Counter(dealer.code for dealer in demo.dealers)

    assert max(codes.values()) == 1
    for dealer in demo.dealers:
        assert is_known_time_zone(dealer.time_zone), dealer.code
        zoneinfo.ZoneInfo(dealer.time_zone)
        assert dealer.region and dealer.city and dealer.name
        assert re.fullmatch(r"^[A-Z0-9][A-Z0-9-]{1,31}$", dealer.code)
        assert dealer.brand_id == brand_id


def test_aurora_dealers_fall_into_several_categories():
    assert len({dealer.category for dealer in AURORA.dealers}) >= 3


@pytest.mark.parametrize("brand_id", sorted(DEMOS))
def test_every_role_has_users_and_every_scope_fits_its_role(brand_id):
    demo = DEMOS[brand_id]
    codes = {dealer.code for dealer in demo.dealers}
    regions = {dealer.region for dealer in demo.dealers}

    assert {user.role for user in demo.users} == set(Role)
    assert len({user.user_id for user in demo.users}) == len(demo.users)
    for user in demo.users:
        assert set(user.dealer_codes) <= codes, user.user_id
        assert set(user.regions) <= regions, user.user_id
        if user.role is Role.DEALER_USER:
            assert user.dealer_codes, user.user_id
        else:
            assert not user.dealer_codes, user.user_id
        if user.role is not Role.IMPORTER_MANAGER:
            assert not user.regions, user.user_id


def test_user_ids_and_emails_are_unique_across_brands():
    everyone = [user for demo in DEMOS.values() for user in demo.users]

    assert len({user.user_id for user in everyone}) == len(everyone)
    assert len({user.email for user in everyone}) == len(everyone)


def test_aurora_has_a_regional_manager_and_a_dealer_group():
    assert any(user.regions for user in AURORA.users)
    assert any(len(user.dealer_codes) > 1 for user in AURORA.users)


def test_find_user_picks_a_user_of_the_asked_brand_role_and_dealer():
    found = find_user(Role.DEALER_USER, "aurora", "AUR-PKC-01")

    assert found.brand_id == "aurora"
    assert "AUR-PKC-01" in found.dealer_codes
    with pytest.raises(LookupError):
        find_user(Role.DEALER_USER, "taiga", "AUR-PKC-01")
