"""The one access policy: visibility first (404), then permission (403)."""

from dataclasses import dataclass

import pytest

from chalicelib.access.model import Role
from chalicelib.access.policy import (
    PERMISSIONS,
    Action,
    can_see,
    ensure_allowed,
    ensure_permitted,
)
from chalicelib.errors import Forbidden, NotFound
from tests.builders import caller, dealer, dealer_user, regional_manager

KALININGRAD = dealer("AUR-KGD-01", region="Калининградская область")
KAMCHATKA = dealer("AUR-PKC-01", region="Камчатский край")
TAIGA_MOSCOW = dealer("TAI-MSK-01", brand_id="taiga", region="Москва")


@dataclass(frozen=True)
class BrandSetting:
    """Something owned by the brand as a whole, by no dealer."""

    brand_id: str


EXPECTED_PERMISSIONS = {
    Action.READ_BRAND: set(Role),
    Action.UPDATE_BRAND: {Role.IMPORTER_ADMIN},
    Action.READ_USERS: {Role.IMPORTER_ADMIN},
    Action.WRITE_USERS: {Role.IMPORTER_ADMIN},
    Action.READ_DEALER: set(Role),
    Action.LIST_DEALERS: set(Role),
    Action.WRITE_DEALERS: {Role.IMPORTER_ADMIN},
    Action.READ_JOB: set(Role),
}


def test_every_action_has_a_permission_entry():
    assert set(PERMISSIONS) == set(Action)


@pytest.mark.parametrize("action", list(EXPECTED_PERMISSIONS))
@pytest.mark.parametrize("role", list(Role))
def test_each_role_may_take_exactly_the_foundation_actions_of_api_md(action, role):
    allowed = role in EXPECTED_PERMISSIONS[action]

    if allowed:
        ensure_permitted(caller(role), action)
    else:
        with pytest.raises(Forbidden) as refused:
            ensure_permitted(caller(role), action)
        assert refused.value.details == {"action": action.value}


@pytest.mark.parametrize(
    ("who", "target", "visible"),
    [
        (caller(Role.IMPORTER_ADMIN), KALININGRAD, True),
        (caller(Role.IMPORTER_MANAGER), KAMCHATKA, True),
        (caller(Role.ANALYST), KAMCHATKA, True),
        (dealer_user("AUR-KGD-01"), KALININGRAD, True),
        (dealer_user("AUR-KGD-01"), KAMCHATKA, False),
        (dealer_user("AUR-KGD-01", "AUR-PKC-01"), KAMCHATKA, True),
        (regional_manager("Камчатский край"), KAMCHATKA, True),
        (regional_manager("Камчатский край"), KALININGRAD, False),
        (caller(Role.IMPORTER_ADMIN), TAIGA_MOSCOW, False),
        (caller(Role.ANALYST), TAIGA_MOSCOW, False),
        (dealer_user("TAI-MSK-01"), TAIGA_MOSCOW, False),
        (regional_manager("Москва"), TAIGA_MOSCOW, False),
    ],
    ids=[
        "admin-own-brand-dealer",
        "manager-whole-brand",
        "analyst-whole-brand",
        "dealer-own-dealer",
        "dealer-other-dealer",
        "dealer-group-second-dealer",
        "regional-manager-own-region",
        "regional-manager-other-region",
        "admin-other-brand",
        "analyst-other-brand",
        "dealer-code-of-other-brand",
        "regional-manager-same-region-other-brand",
    ],
)
def test_who_sees_which_dealer(who, target, visible):
    assert can_see(who, target) is visible


@pytest.mark.parametrize("role", list(Role))
def test_brand_wide_objects_are_visible_to_every_role_of_the_brand_only(role):
    own = BrandSetting("aurora")
    other = BrandSetting("taiga")

    assert can_see(caller(role), own)
    assert not can_see(caller(role), other)


def test_regions_limit_only_managers_even_if_another_role_carries_them():
    analyst = caller(Role.ANALYST, regions=("Камчатский край",))

    assert can_see(analyst, KALININGRAD)


def test_dealer_codes_grant_nothing_to_an_importer_role():
    admin = caller(Role.IMPORTER_ADMIN, dealer_codes=("AUR-KGD-01",))

    assert admin.dealer_codes == ()
    assert can_see(admin, KAMCHATKA)


def test_an_invisible_object_is_not_found_before_its_permission_is_checked():
    other_dealer = dealer_user("AUR-PKC-01")

    with pytest.raises(NotFound):
        ensure_allowed(other_dealer, Action.WRITE_DEALERS, KALININGRAD)


def test_a_visible_object_with_an_action_not_allowed_is_forbidden():
    own_dealer = dealer_user("AUR-KGD-01")

    with pytest.raises(Forbidden):
        ensure_allowed(own_dealer, Action.WRITE_DEALERS, KALININGRAD)

    ensure_allowed(own_dealer, Action.READ_DEALER, KALININGRAD)
