import io

import pytest
from PIL import Image

from chalicelib.access.model import Caller
from chalicelib.audience import Audience, AudienceKind
from chalicelib.errors import Forbidden
from chalicelib.media import creatives_service as service
from chalicelib.media.creatives import (
    CreativeNotFound,
    CreativeVersionNotFound,
    VersionStatus,
)
from chalicelib.media.creatives_service import NewFile, Recipients
from chalicelib.media.previews import previews_of
from chalicelib.notification_prefs.kinds import NotificationKind
from tests.builders import brand, dealer
from tests.fakes import InMemoryBrands, InMemoryDealers, InMemoryUsers
from tests.media_fakes import (
    NOON,
    CountingLedger,
    CreativeSpec,
    FakeFiles,
    InMemoryCreatives,
    RecordingNotifier,
    dealer_user,
    description_of,
    manager,
)

STANDARD = dealer("AUR-KGD-01", category="standard")
FLAGSHIP = dealer("AUR-MSK-01", city="Москва", region="Москва", category="flagship",
                  time_zone="Europe/Moscow")
USERS = [manager(), dealer_user("kgd-marketer", "AUR-KGD-01"),
         dealer_user("msk-marketer", "AUR-MSK-01")]


class Library:
    """The creative use cases over in-memory adapters, at a fixed time."""

    def __init__(self) -> None:
        self.creatives = InMemoryCreatives()
        self.files = FakeFiles()
        self.notifier = RecordingNotifier()
        self.dealers = InMemoryDealers(STANDARD, FLAGSHIP)
        self.users = InMemoryUsers(*USERS)
        self.brands = InMemoryBrands(brand())
        self.ledger = CountingLedger()
        self.now = NOON

    def clock(self):
        return self.now

    def caller(self, user_id: str) -> Caller:
        found = self.users.get(user_id)
        assert found is not None
        return Caller(found)

    def register(self, spec: CreativeSpec, content_type: str = "image/jpeg"):
        return service.create_creative(
            self.creatives, self.files, self.clock, self.caller("manager"),
            description_of(spec), NewFile("Баннер лето.jpg", content_type, 5000),
        ).creative

    def arrive(self, creative, number: int = 1, body: bytes | None = None):
        key = service.object_key_of("aurora", creative.creative_id, number)
        self.files.objects[key] = body if body is not None else jpeg()
        return service.accept_upload(
            self.creatives, self.files, previews_of, self.notifier,
            Recipients(self.dealers, self.users), self.clock, key, len(
                self.files.objects[key]),
        )

    def get(self, user_id: str, creative_id: str):
        return service.get_creative(self.creatives, self.dealers, self.brands,
                                    self.clock, self.caller(user_id), creative_id)


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1600, 900), "navy").save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def library() -> Library:
    return Library()


FOR_STANDARD = CreativeSpec(audience=Audience(AudienceKind.CATEGORY, ("standard",)))


def test_an_arrived_image_gets_previews_and_becomes_current(library):
    creative = library.register(FOR_STANDARD)

    ready = library.arrive(creative)

    assert ready is not None and ready.current is not None
    assert ready.current.status is VersionStatus.READY
    assert len(ready.current.preview_keys) == 2
    assert all(key in library.files.objects for key in ready.current.preview_keys)


def test_dealers_of_the_audience_are_told_once_whatever_the_redeliveries(library):
    creative = library.register(FOR_STANDARD)

    library.arrive(creative)
    library.arrive(creative)

    assert library.notifier.calls == 2
    assert [(n.kind, n.recipients) for n in library.notifier.notices] == [
        (NotificationKind.CREATIVE_PUBLISHED, ("kgd-marketer",))]


def test_a_redelivered_upload_does_not_remake_previews(library):
    creative = library.register(FOR_STANDARD)
    library.arrive(creative)
    reads = library.files.reads

    library.arrive(creative)

    assert library.files.reads == reads


def test_a_new_file_is_a_new_version_and_the_old_one_stays_in_history(library):
    creative = library.arrive(library.register(FOR_STANDARD))
    assert creative is not None

    upload = service.add_version(
        library.creatives, library.dealers, library.files, library.clock,
        library.caller("manager"),
        creative.creative_id, NewFile("Баннер v2.png", "image/png", 4000))
    updated = library.arrive(upload.creative, number=2)

    assert updated is not None
    assert [v.number for v in updated.versions] == [1, 2]
    assert updated.current is not None and updated.current.number == 2
    assert library.notifier.notices[-1].kind is NotificationKind.CREATIVE_UPDATED


def test_a_file_that_is_not_an_image_gets_no_previews(library):
    creative = library.register(FOR_STANDARD, content_type="video/mp4")

    ready = library.arrive(creative, body=b"\x00\x00\x00 ftypmp4")

    assert ready is not None and ready.current is not None
    assert ready.current.preview_keys == ()


def test_an_image_that_cannot_be_read_is_kept_without_previews(library):
    creative = library.register(FOR_STANDARD)

    ready = library.arrive(creative, body=b"not a jpeg at all")

    assert ready is not None and ready.current is not None
    assert ready.current.preview_keys == ()


def test_an_unknown_object_key_changes_nothing(library):
    found = service.accept_upload(
        library.creatives, library.files, previews_of, library.notifier,
        Recipients(library.dealers, library.users), library.clock,
        "creatives/aurora/cr-missing/v1/original", 10)

    assert found is None
    assert library.notifier.notices == []


def test_a_dealer_of_another_category_cannot_open_the_creative(library):
    creative = library.arrive(library.register(FOR_STANDARD))
    assert creative is not None

    own = library.get("kgd-marketer", creative.creative_id)

    assert own.creative_id == creative.creative_id
    with pytest.raises(CreativeNotFound):
        library.get("msk-marketer", creative.creative_id)


def test_a_pending_creative_is_hidden_from_dealers_but_not_from_managers(library):
    creative = library.register(CreativeSpec())

    with pytest.raises(CreativeNotFound):
        library.get("kgd-marketer", creative.creative_id)
    assert library.get("manager", creative.creative_id).is_published is False


def test_widening_the_audience_tells_only_the_dealers_newly_in_it(library):
    creative = library.arrive(library.register(FOR_STANDARD))
    assert creative is not None
    everyone = {"audience": Audience()}

    service.describe_creative(
        library.creatives, library.notifier, Recipients(library.dealers, library.users),
        library.clock, library.caller("manager"), creative.creative_id, everyone,
        creative.version)

    assert library.notifier.notices[-1].recipients == ("msk-marketer",)


def test_a_dealer_user_may_not_register_creatives(library):
    with pytest.raises(Forbidden):
        service.create_creative(
            library.creatives, library.files, library.clock,
            library.caller("kgd-marketer"), description_of(CreativeSpec()),
            NewFile("x.jpg", "image/jpeg", 10))


def test_downloads_are_counted_per_user_and_dealer(library):
    creative = library.arrive(library.register(FOR_STANDARD))
    assert creative is not None

    for _ in range(2):
        service.download_creative(
            library.creatives, library.dealers, library.brands, library.files,
            library.ledger, library.clock, library.caller("kgd-marketer"),
            creative.creative_id, None)

    counted = service.download_count(library.ledger, library.caller("manager"),
                                     creative)
    assert (counted.total, counted.users, counted.dealers) == (2, 1, 1)
    assert service.download_count(library.ledger, library.caller("kgd-marketer"),
                                  creative) is None


def test_a_placement_may_name_only_a_creative_its_dealer_sees(library):
    creative = library.arrive(library.register(FOR_STANDARD))
    assert creative is not None

    def exists_for(user_id, creative_id):
        return service.creative_exists_for(
            library.creatives, library.dealers, library.brands, library.clock,
            library.caller(user_id), creative_id)

    assert exists_for("kgd-marketer", creative.creative_id)
    assert not exists_for("msk-marketer", creative.creative_id)
    assert not exists_for("kgd-marketer", "cr-unknown")
    assert exists_for("manager", creative.creative_id)


def test_a_creative_expired_in_the_dealers_zone_is_hidden(library):
    spec = CreativeSpec(valid_to=NOON.date())
    creative = library.arrive(library.register(spec))
    assert creative is not None

    library.now = NOON.replace(hour=21, minute=30)

    # 21:30 UTC is already the next day in Moscow, still today in Kaliningrad.
    with pytest.raises(CreativeNotFound):
        library.get("msk-marketer", creative.creative_id)
    assert library.get("kgd-marketer", creative.creative_id)


def test_dealers_download_the_current_file_only(library):
    creative = library.arrive(library.register(CreativeSpec()))
    assert creative is not None
    upload = service.add_version(
        library.creatives, library.dealers, library.files, library.clock,
        library.caller("manager"),
        creative.creative_id, NewFile("v2.jpg", "image/jpeg", 4000))
    library.arrive(upload.creative, number=2)

    def download(user_id, number):
        return service.download_creative(
            library.creatives, library.dealers, library.brands, library.files,
            library.ledger, library.clock, library.caller(user_id),
            creative.creative_id, number)[0].number

    assert download("kgd-marketer", None) == download("kgd-marketer", 2) == 2
    assert download("manager", 1) == 1
    with pytest.raises(CreativeVersionNotFound):
        download("kgd-marketer", 1)
