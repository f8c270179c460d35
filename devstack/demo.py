"""The demo brands from `demo/`: readable fixture files, loaded as domain objects."""

import csv
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from chalicelib.access.model import Role, User
from chalicelib.channels.model import Channel, ProofKind
from chalicelib.network.model import Brand, Dealer
from devstack.local import ROOT

DEMO_DIR = ROOT / "demo"


@dataclass(frozen=True, slots=True)
class DemoBrand:
    brand: Brand
    dealers: list[Dealer]
    users: list[User]
    channels: list[Channel] = field(default_factory=list)


def load_all(folder: Path = DEMO_DIR) -> list[DemoBrand]:
    return [load(path) for path in sorted(folder.glob("*.toml"))]


def load(path: Path) -> DemoBrand:
    fixture = tomllib.loads(path.read_text(encoding="utf-8"))
    settings = fixture["brand"]
    brand_id = settings["id"]
    brand = Brand(
        brand_id=brand_id,
        name=settings["name"],
        currency=settings["currency"],
        time_zone=settings["time_zone"],
        report_due_days=settings["report_due_days"],
        reminder_days=tuple(settings["reminder_days"]),
        period_close_day=settings["period_close_day"],
        max_photo_mb=settings["max_photo_mb"],
    )
    dealers_file = path.with_name(f"{path.stem}-dealers.csv")
    with dealers_file.open(encoding="utf-8", newline="") as rows:
        dealers = [_dealer(brand_id, row) for row in csv.DictReader(rows)]
    users = [_user(brand_id, entry) for entry in fixture.get("users", [])]
    channels = [_channel(brand_id, entry) for entry in fixture.get("channels", [])]
    return DemoBrand(brand=brand, dealers=dealers, users=users, channels=channels)


def find_user(
    role: Role, brand_id: str | None = None, dealer_code: str | None = None
) -> User:
    """The first demo user of `role` (in `brand_id`, serving `dealer_code`)."""
    for demo in load_all():
        for user in demo.users:
            if user.role is not role:
                continue
            if brand_id and user.brand_id != brand_id:
                continue
            if dealer_code and dealer_code not in user.dealer_codes:
                continue
            return user
    of_brand = f" of brand {brand_id}" if brand_id else ""
    for_dealer = f" for dealer {dealer_code}" if dealer_code else ""
    raise LookupError(f"No demo user: {role.value}{of_brand}{for_dealer}.")


def _dealer(brand_id: str, row: dict[str, str]) -> Dealer:
    return Dealer(
        brand_id=brand_id,
        code=row["code"],
        name=row["name"],
        city=row["city"],
        region=row["region"],
        time_zone=row["time_zone"],
        category=row["category"],
    )


def _user(brand_id: str, entry: dict) -> User:
    return User(
        user_id=entry["id"],
        brand_id=brand_id,
        email=entry["email"],
        name=entry["name"],
        role=Role(entry["role"]),
        regions=tuple(entry.get("regions", ())),
        dealer_codes=tuple(entry.get("dealer_codes", ())),
    )


def _channel(brand_id: str, entry: dict) -> Channel:
    proof = {ProofKind(kind): int(n) for kind, n in entry.get("proof", {}).items()}
    return Channel(brand_id=brand_id, channel_id=entry["id"], name=entry["name"],
                   proof=proof, can_be_mandatory=entry.get("can_be_mandatory", False))
