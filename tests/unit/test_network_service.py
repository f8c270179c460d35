"""Brand settings and dealers through the service, on in-memory repositories."""

import pytest

from chalicelib.access.model import Role
from chalicelib.errors import AlreadyExists, Forbidden, StaleVersion
from chalicelib.network import service as network
from chalicelib.network.model import BrandNotFound, DealerNotFound
from tests.builders import brand, caller, dealer, dealer_user, regional_manager
from tests.fakes import InMemoryBrands, InMemoryDealers

ADMIN = caller(Role.IMPORTER_ADMIN)


@pytest.fixture
def brands() -> InMemoryBrands:
    return InMemoryBrands(brand("aurora"), brand("taiga", name="Taiga Auto"))


@pytest.fixture
def dealers() -> InMemoryDealers:
    return InMemoryDealers(
        dealer("AUR-KGD-01", region="Калининградская область"),
        dealer("AUR-MSK-01", region="Москва"),
        dealer("AUR-MSK-02", region="Москва"),
        dealer("AUR-PKC-01", region="Камчатский край"),
        dealer("TAI-MSK-01", brand_id="taiga", region="Москва"),
    )


@pytest.mark.parametrize("role", list(Role))
def test_every_role_reads_its_own_brands_settings(brands, role):
    assert network.get_brand(brands, caller(role)).brand_id == "aurora"


def test_a_brand_without_settings_is_not_found(brands):
    with pytest.raises(BrandNotFound):
        network.get_brand(brands, caller(Role.ANALYST, brand_id="polar"))


def test_an_admin_changes_brand_settings_once_per_version(brands):
    changed = network.update_brand(brands, ADMIN, {"report_due_days": 7}, 1)

    with pytest.raises(StaleVersion):
        network.update_brand(brands, ADMIN, {"report_due_days": 9}, 1)

    assert changed.report_due_days == 7
    assert changed.version == 2
    assert brands.get("aurora").report_due_days == 7
    assert brands.get("taiga").report_due_days == 5


@pytest.mark.parametrize("role", [Role.IMPORTER_MANAGER, Role.ANALYST,
                                  Role.DEALER_USER])
def test_only_an_admin_changes_brand_settings(brands, role):
    with pytest.raises(Forbidden):
        network.update_brand(brands, caller(role), {"report_due_days": 7}, 1)

    assert brands.get("aurora").version == 1


def test_a_manager_of_the_whole_brand_lists_all_its_dealers_in_pages(dealers):
    manager = caller(Role.IMPORTER_MANAGER)

    first = network.list_dealers(dealers, manager, 3, None)
    second = network.list_dealers(dealers, manager, 3, first.next_cursor)

    assert [d.code for d in first.items] == ["AUR-KGD-01", "AUR-MSK-01",
                                             "AUR-MSK-02"]
    assert [d.code for d in second.items] == ["AUR-PKC-01"]
    assert second.next_cursor is None


def test_a_regional_manager_lists_the_dealers_of_its_regions(dealers):
    manager = regional_manager("Москва", "Камчатский край")

    page = network.list_dealers(dealers, manager, 50, None)

    assert [d.code for d in page.items] == ["AUR-MSK-01", "AUR-MSK-02",
                                            "AUR-PKC-01"]


def test_a_dealer_user_lists_its_own_dealers_only(dealers):
    group = dealer_user("AUR-MSK-02", "AUR-MSK-01", "AUR-MSK-01")

    page = network.list_dealers(dealers, group, 1, None)

    assert [d.code for d in page.items] == ["AUR-MSK-01", "AUR-MSK-02"]
    assert page.next_cursor is None


def test_an_unknown_and_an_invisible_dealer_fail_the_same_way(dealers):
    kaliningrad = dealer_user("AUR-KGD-01")

    for code in ("AUR-PKC-01", "AUR-NONE-01", "TAI-MSK-01"):
        with pytest.raises(DealerNotFound) as missing:
            network.get_dealer(dealers, kaliningrad, code)
        assert missing.value.details == {"dealer": code}


def test_another_brands_dealer_is_not_found_even_for_an_admin(dealers):
    with pytest.raises(DealerNotFound):
        network.get_dealer(dealers, ADMIN, "TAI-MSK-01")


def test_an_admin_adds_a_dealer_to_its_own_brand(dealers):
    new = dealer("AUR-TVR-01", brand_id="", region="Тверская область")

    created = network.create_dealer(dealers, ADMIN, new)

    assert created.brand_id == "aurora"
    assert created.version == 1
    assert dealers.get("aurora", "AUR-TVR-01") == created


def test_a_dealer_code_is_added_once(dealers):
    with pytest.raises(AlreadyExists):
        network.create_dealer(dealers, ADMIN, dealer("AUR-KGD-01", brand_id=""))


@pytest.mark.parametrize("role", [Role.IMPORTER_MANAGER, Role.ANALYST,
                                  Role.DEALER_USER])
def test_only_an_admin_adds_dealers(dealers, role):
    with pytest.raises(Forbidden):
        network.create_dealer(dealers, caller(role), dealer("AUR-TVR-01"))

    assert dealers.get("aurora", "AUR-TVR-01") is None


def test_a_dealer_user_may_see_its_dealer_but_not_change_it(dealers):
    own = dealer_user("AUR-KGD-01")

    with pytest.raises(Forbidden):
        network.update_dealer(dealers, own, "AUR-KGD-01", {"name": "Своё"}, 1)
    with pytest.raises(DealerNotFound):
        network.update_dealer(dealers, own, "AUR-PKC-01", {"name": "Чужое"}, 1)


def test_a_dealer_change_on_a_stale_version_loses(dealers):
    network.update_dealer(dealers, ADMIN, "AUR-KGD-01", {"category": "flagship"}, 1)

    with pytest.raises(StaleVersion):
        network.update_dealer(dealers, ADMIN, "AUR-KGD-01", {"category": "boutique"},
                              1)

    assert dealers.get("aurora", "AUR-KGD-01").category == "flagship"
