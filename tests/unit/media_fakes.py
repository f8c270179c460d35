"""In-memory stand-ins for the photo ports: the same contracts, no AWS."""

from dataclasses import dataclass, field
from datetime import datetime

from chalicelib.errors import AlreadyExists, StaleVersion
from chalicelib.media.matching import StoredHashes
from chalicelib.media.model import Photo
from chalicelib.network.model import Brand, Dealer


class MemoryPhotos:
    def __init__(self) -> None:
        self.stored: dict[tuple[str, str], Photo] = {}

    def get(self, brand_id: str, photo_id: str) -> Photo | None:
        return self.stored.get((brand_id, photo_id))

    def save(self, photo: Photo, expected_version: int | None) -> Photo:
        key = (photo.brand_id, photo.photo_id)
        current = self.stored.get(key)
        if expected_version is None and current is not None:
            raise AlreadyExists("exists")
        if expected_version is not None and (
            current is None or current.version != expected_version
        ):
            raise StaleVersion("stale")
        saved = photo.changed(version=(expected_version or 0) + 1)
        self.stored[key] = saved
        return saved

    def confirmed_duplicates(self, brand_id: str, dealer_code: str, period: str
                             ) -> int:
        return sum(1 for photo in self.stored.values()
                   if (photo.brand_id, photo.dealer_code, photo.period)
                   == (brand_id, dealer_code, period)
                   and photo.has_confirmed_duplicate)


@dataclass
class MemoryHashes:
    rows: list[tuple[str, StoredHashes]] = field(default_factory=list)

    def put(self, brand_id: str, stored: StoredHashes) -> None:
        if all(existing.photo_id != stored.photo_id for _, existing in self.rows):
            self.rows.append((brand_id, stored))

    def added_since(
        self, brand_id: str, version: str, since: str | None
    ) -> tuple[list[StoredHashes], str | None]:
        start = int(since or 0)
        mine = [(n, s) for n, (b, s) in enumerate(self.rows)
                if b == brand_id and s.version == version and n >= start]
        return [s for _, s in mine], str(len(self.rows))


class MemoryObjects:
    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}

    def upload_form(self, key, content_type, max_bytes, expires_seconds):
        fields = {"key": key, "Content-Type": content_type,
                  "max": str(max_bytes), "expires": str(expires_seconds)}
        return "http://photos.test/", fields

    def read(self, key: str, max_bytes: int) -> bytes | None:
        content = self.objects.get(key)
        return None if content is None else content[: max_bytes + 1]

    def link(self, key: str, expires_seconds: int,
             content_type: str | None = None) -> str:
        served = f"&type={content_type}" if content_type else ""
        return f"http://photos.test/{key}?expires={expires_seconds}{served}"


class MemoryBrands:
    def __init__(self, *brands: Brand) -> None:
        self.brands = {brand.brand_id: brand for brand in brands}

    def get(self, brand_id: str) -> Brand | None:
        return self.brands.get(brand_id)

    def save(self, brand: Brand, expected_version: int | None) -> Brand:
        self.brands[brand.brand_id] = brand
        return brand


class MemoryDealers:
    def __init__(self, *dealers: Dealer) -> None:
        self.dealers = {(d.brand_id, d.code): d for d in dealers}

    def get(self, brand_id: str, code: str) -> Dealer | None:
        return self.dealers.get((brand_id, code))

    def get_many(self, brand_id, codes):
        return [d for c in codes if (d := self.dealers.get((brand_id, c)))]

    def list(self, brand_id, limit, cursor, regions=()):
        raise NotImplementedError("not used by the photo use cases")

    def save(self, dealer: Dealer, expected_version: int | None) -> Dealer:
        self.dealers[(dealer.brand_id, dealer.code)] = dealer
        return dealer


class Ticking:
    """A clock that reads the time it is set to."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now
