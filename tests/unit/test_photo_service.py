import io
from datetime import UTC, date, datetime, timedelta

import pytest
from PIL import Image

from chalicelib.access.model import Caller, Role, User
from chalicelib.errors import Forbidden
from chalicelib.media import service
from chalicelib.media.model import (
    FlagKind,
    PhotoStatus,
    PhotoTooLarge,
    PhotoTypeNotAccepted,
    PlacementForPhotos,
)
from chalicelib.media.placements import (
    ListedPlacement,
    ListedPlacementGate,
    PlacementNotFound,
    ReportClosedForPhotos,
)
from chalicelib.media.service import IndexCache, ObjectCreated
from chalicelib.network.model import Brand, Dealer
from devstack.photo_samples import jpeg, reencoded, sample_bytes, sample_image
from tests.unit.media_fakes import (
    MemoryBrands,
    MemoryDealers,
    MemoryHashes,
    MemoryObjects,
    MemoryPhotos,
    Ticking,
)

NOW = datetime(2026, 5, 20, 9, 0, tzinfo=UTC)


def dealer_user(code: str, brand: str = "aurora") -> Caller:
    return Caller(User(f"user-{code}", brand, f"{code}@example.com", code,
                       Role.DEALER_USER, dealer_codes=(code,)))


class World:
    def __init__(self, max_photo_mb: int = 20) -> None:
        self.clock = Ticking(NOW)
        self.photos = MemoryPhotos()
        self.hashes = MemoryHashes()
        self.objects = MemoryObjects()
        self.brands = MemoryBrands(Brand("aurora", "Aurora", "RUB", "Europe/Moscow",
                                         max_photo_mb=max_photo_mb))
        self.dealers = MemoryDealers(*[
            Dealer("aurora", code, code, "city", "region", zone, "standard")
            for code, zone in (("AUR-KGD-01", "Europe/Kaliningrad"),
                               ("AUR-PKC-01", "Asia/Kamchatka"),
                               ("AUR-MSK-01", "Europe/Moscow"))
        ])
        self.gate = ListedPlacementGate(self.clock)
        self.numbers = iter(range(1, 1000))
        for code in ("AUR-KGD-01", "AUR-PKC-01", "AUR-MSK-01"):
            self.place(f"pl-{code}", code)

    def place(self, placement_id, code, status="open", explained=False,
              starts=date(2026, 5, 1), ends=date(2026, 5, 31)):
        self.gate.add(ListedPlacement(PlacementForPhotos(
            "aurora", placement_id, code, starts, ends, NOW + timedelta(days=10)),
            status, explained))

    def ask(self, code, content_type="image/jpeg", size=1000, placement=None):
        return service.request_upload(
            self.photos, self.gate, self.brands, self.objects, self.clock,
            lambda: f"ph-{next(self.numbers)}", dealer_user(code),
            placement or f"pl-{code}", "IMG 1.jpg", content_type, size)

    def upload(self, code, content):
        ticket = self.ask(code)
        self.objects.objects[ticket.photo.object_key] = content
        return ticket.photo

    def process(self, photo, at=NOW, indexes=None):
        created = ObjectCreated(photo.object_key, 1, at)
        return service.process_upload(
            self.photos, self.hashes, indexes or IndexCache(self.hashes),
            self.objects, self.brands, self.dealers, self.clock, created)

    def get(self, photo):
        return self.photos.get("aurora", photo.photo_id)


def with_capture(content_image, stamp, offset=None):
    exif = Image.Exif()
    details = exif.get_ifd(0x8769)
    details[0x9003] = stamp
    if offset:
        details[0x9011] = offset
    out = io.BytesIO()
    content_image.save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


def test_the_later_upload_carries_the_flag_even_when_processed_first():
    world = World()
    earlier = world.upload("AUR-KGD-01", sample_bytes("chelsea"))
    later = world.upload("AUR-MSK-01", reencoded(60)(sample_image("chelsea")))

    world.process(later, at=NOW + timedelta(hours=1))
    world.process(earlier, at=NOW)

    assert world.get(earlier).flags == ()
    [flag] = world.get(later).flags
    assert flag.kind is FlagKind.DUPLICATE and flag.match.photo_id == earlier.photo_id


def test_two_copies_processed_at_the_same_moment_still_find_each_other():
    world = World()
    first = world.upload("AUR-KGD-01", sample_bytes("coffee"))
    second = world.upload("AUR-MSK-01", reencoded(80)(sample_image("coffee")))
    store = world.hashes
    interleaved = []

    class SecondRunsMeanwhile:
        """The second copy is processed, start to end, while the first one
        sits between storing its hashes and comparing them."""

        def put(self, brand_id, stored):
            store.put(brand_id, stored)
            if not interleaved:
                interleaved.append(True)
                world.process(second, at=NOW + timedelta(seconds=1))

        def added_since(self, *args):
            return store.added_since(*args)

    created = ObjectCreated(first.object_key, 1, NOW)
    service.process_upload(world.photos, SecondRunsMeanwhile(),
                           IndexCache(SecondRunsMeanwhile()), world.objects,
                           world.brands, world.dealers, world.clock, created)

    assert interleaved
    [flag] = world.get(second).flags
    assert flag.match.photo_id == first.photo_id
    assert world.get(first).flags == ()
    assert world.get(first).status is PhotoStatus.PROCESSED


def test_processing_again_changes_nothing():
    world = World()
    photo = world.upload("AUR-KGD-01", sample_bytes("rocket"))
    world.process(photo)
    before = world.get(photo)

    outcome = world.process(photo)

    assert outcome == "already_done"
    assert world.get(photo) == before
    assert len(world.hashes.rows) == 1


def test_a_capture_date_outside_the_placement_is_flagged_beyond_the_tolerance():
    world = World()
    old = world.upload("AUR-KGD-01",
                       with_capture(sample_image("coins"), "2025:05:10 10:00:00"))
    inside = world.upload("AUR-MSK-01",
                          with_capture(sample_image("brick"), "2026:04:29 18:00:00"))
    no_exif = world.upload("AUR-PKC-01", sample_bytes("text"))

    for photo in (old, inside, no_exif):
        world.process(photo)

    assert [f.kind for f in world.get(old).flags] == [FlagKind.TAKEN_OUTSIDE_PERIOD]
    assert world.get(inside).flags == ()
    assert world.get(no_exif).flags == ()


def test_a_capture_offset_is_read_in_the_dealers_own_zone():
    world = World()
    # 30 April 13:30 UTC is already 1 May 01:30 in Kamchatka (UTC+12): the
    # first day of the placement, with no tolerance.
    world.brands.brands["aurora"] = world.brands.brands["aurora"].changed(
        photo_date_tolerance_days=0)
    stamped = with_capture(sample_image("coins"), "2026:04:30 16:30:00", "+03:00")
    photo = world.upload("AUR-PKC-01", stamped)

    world.process(photo)

    assert world.get(photo).flags == ()
    assert world.get(photo).taken_at == "2026-04-30T16:30:00+03:00"


def test_a_blank_photo_is_flagged_uninformative_and_matches_no_other_blank():
    world = World()
    blank = jpeg(Image.new("RGB", (400, 300), "white"))
    first = world.upload("AUR-KGD-01", blank)
    second = world.upload("AUR-MSK-01", blank)

    world.process(first)
    world.process(second, at=NOW + timedelta(minutes=1))

    assert [f.kind for f in world.get(second).flags] == [FlagKind.UNINFORMATIVE]


def test_an_oversized_object_is_rejected_on_its_bytes():
    world = World(max_photo_mb=1)
    big = Image.effect_noise((1500, 1500), 80).convert("RGB")
    photo = world.upload("AUR-KGD-01", jpeg(big, 100))

    world.process(photo)

    assert world.get(photo).status is PhotoStatus.REJECTED
    assert world.get(photo).reject_reason == "too_large"


def test_uploads_are_refused_for_heic_oversize_other_dealers_and_closed_reports():
    world = World(max_photo_mb=15)
    world.place("pl-closed", "AUR-KGD-01", status="overdue")
    world.place("pl-explained", "AUR-KGD-01", status="overdue", explained=True)
    manager = Caller(User("m", "aurora", "m@example.com", "M", Role.IMPORTER_MANAGER))

    with pytest.raises(PhotoTypeNotAccepted):
        world.ask("AUR-KGD-01", content_type="image/heic")
    with pytest.raises(PhotoTooLarge):
        world.ask("AUR-KGD-01", size=16 * 1024 * 1024)
    with pytest.raises(PlacementNotFound):
        world.ask("AUR-MSK-01", placement="pl-AUR-KGD-01")
    with pytest.raises(ReportClosedForPhotos):
        world.ask("AUR-KGD-01", placement="pl-closed")
    with pytest.raises(Forbidden):
        world.gate.placement_for_photos(manager, "pl-AUR-KGD-01")
    assert world.ask("AUR-KGD-01", placement="pl-explained").fields["max"] == str(
        15 * 1024 * 1024)


class MemorySnapshots:
    def __init__(self) -> None:
        self.saved: dict[tuple[str, str], tuple[list, str]] = {}
        self.loads = 0

    def load(self, brand_id, version):
        self.loads += 1
        return self.saved.get((brand_id, version))

    def save(self, brand_id, version, stored, position):
        self.saved[(brand_id, version)] = (list(stored), position)


def test_a_cold_container_starts_from_the_snapshot_and_reads_only_what_follows():
    world = World()
    snapshots = MemorySnapshots()
    writer = IndexCache(world.hashes, snapshots, snapshot_every=2)
    photos = [world.upload("AUR-KGD-01", sample_bytes(name))
              for name in ("coins", "rocket", "chelsea")]
    for number, photo in enumerate(photos[:2]):
        world.process(photo, at=NOW + timedelta(minutes=number), indexes=writer)
    world.process(photos[2], at=NOW + timedelta(minutes=5))
    [(stored, _position)] = snapshots.saved.values()
    cold = IndexCache(world.hashes, snapshots)
    loads_before = snapshots.loads

    index = cold.refreshed("aurora", stored[0].version)

    assert [each.photo_id for each in stored] == [p.photo_id for p in photos[:2]]
    assert snapshots.loads == loads_before + 1
    assert sorted(each.photo_id for each in index.photos()) == sorted(
        p.photo_id for p in photos)
