"""Small builders of domain objects, so each test states only what matters."""

from datetime import UTC, datetime

from chalicelib.access.model import Caller, Role, User
from chalicelib.network.model import Brand, Dealer

MONDAY_NOON = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def brand(brand_id: str = "aurora", **fields: object) -> Brand:
    values: dict = {"name": "Aurora Motors Rus", "currency": "RUB",
                    "time_zone": "Europe/Moscow"}
    return Brand(brand_id=brand_id, **{**values, **fields})


def dealer(
    code: str = "AUR-KGD-01",
    brand_id: str = "aurora",
    region: str = "Калининградская область",
    **fields: object,
) -> Dealer:
    values: dict = {"name": f"Аврора {code}", "city": "Калининград",
                    "time_zone": "Europe/Kaliningrad", "category": "standard"}
    return Dealer(brand_id=brand_id, code=code, region=region,
                  **{**values, **fields})


def user(
    user_id: str = "aurora-admin-1",
    role: Role = Role.IMPORTER_ADMIN,
    brand_id: str = "aurora",
    **fields: object,
) -> User:
    values: dict = {"email": f"{user_id}@example.com", "name": "Ирина Соколова"}
    return User(user_id=user_id, brand_id=brand_id, role=role,
                **{**values, **fields})


def caller(role: Role = Role.IMPORTER_ADMIN, brand_id: str = "aurora",
           **fields: object) -> Caller:
    user_id = fields.pop("user_id", f"{brand_id}-{role.value}")
    return Caller(user(str(user_id), role, brand_id, **fields))


def dealer_user(*codes: str, brand_id: str = "aurora") -> Caller:
    return caller(Role.DEALER_USER, brand_id, dealer_codes=codes)


def regional_manager(*regions: str, brand_id: str = "aurora") -> Caller:
    return caller(Role.IMPORTER_MANAGER, brand_id, regions=regions)
