"""Use cases of the brand and its dealers."""

from chalicelib.access.model import Caller
from chalicelib.access.policy import Action, can_see, ensure_permitted
from chalicelib.network.model import Brand, BrandNotFound, Dealer, DealerNotFound
from chalicelib.network.ports import BrandRepository, DealerRepository
from chalicelib.paging import Page


def get_brand(brands: BrandRepository, caller: Caller) -> Brand:
    ensure_permitted(caller, Action.READ_BRAND)
    brand = brands.get(caller.brand_id)
    if brand is None:
        raise BrandNotFound(f"Brand {caller.brand_id!r} has no settings.")
    return brand


def update_brand(
    brands: BrandRepository, caller: Caller, changes: dict, version: int
) -> Brand:
    brand = get_brand(brands, caller)
    ensure_permitted(caller, Action.UPDATE_BRAND)
    return brands.save(brand.changed(**changes), expected_version=version)


def list_dealers(
    dealers: DealerRepository, caller: Caller, limit: int, cursor: str | None
) -> Page[Dealer]:
    """The dealers the caller sees: its own for a dealer user, its regions for a
    regional manager, the whole brand otherwise."""
    ensure_permitted(caller, Action.LIST_DEALERS)
    if caller.is_dealer:
        own = dealers.get_many(caller.brand_id, sorted(caller.dealer_codes))
        return Page(items=own, next_cursor=None)
    return dealers.list(caller.brand_id, limit, cursor, regions=caller.regions)


def get_dealer(dealers: DealerRepository, caller: Caller, code: str) -> Dealer:
    dealer = visible_dealer(dealers, caller, code)
    ensure_permitted(caller, Action.READ_DEALER)
    return dealer


def create_dealer(dealers: DealerRepository, caller: Caller, dealer: Dealer) -> Dealer:
    ensure_permitted(caller, Action.WRITE_DEALERS)
    return dealers.save(dealer.changed(brand_id=caller.brand_id), expected_version=None)


def update_dealer(
    dealers: DealerRepository, caller: Caller, code: str, changes: dict, version: int
) -> Dealer:
    dealer = visible_dealer(dealers, caller, code)
    ensure_permitted(caller, Action.WRITE_DEALERS)
    return dealers.save(dealer.changed(**changes), expected_version=version)


def visible_dealer(dealers: DealerRepository, caller: Caller, code: str) -> Dealer:
    """The dealer, if the caller may see it; an unknown and an invisible dealer
    fail the same way, so a caller cannot probe other dealers' codes."""
    dealer = dealers.get(caller.brand_id, code)
    if dealer is None or not can_see(caller, dealer):
        raise DealerNotFound(code)
    return dealer
