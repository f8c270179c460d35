import random
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.media.hashing import HASH_VERSION, fingerprint
from chalicelib.media.matching import (
    PhotoIndex,
    StoredHashes,
    Thresholds,
    brute_force,
    stored_hashes,
)
from devstack.photo_samples import (
    sample_bytes,
    sample_image,
    sample_names,
    transformations,
)

START = datetime(2025, 3, 1, tzinfo=UTC)
DEFAULTS = Thresholds()


def stored(name: str, photo_id: str | None = None, content: bytes | None = None):
    found = fingerprint(content if content is not None else sample_bytes(name))
    return stored_hashes(found, photo_id=photo_id or name, dealer_code="AUR-KGD-01",
                         placement_id="pl-1", uploaded_at=START)


@pytest.fixture(scope="module")
def archive() -> PhotoIndex:
    index = PhotoIndex(HASH_VERSION)
    for name in sample_names():
        index.add(stored(name))
    return index


EASY = ["jpeg_reencode", "resize", "rotation", "mirror", "brightness_contrast",
        "date_stamp", "screenshot_border", "crop_10pct", "crop_5pct"]


@pytest.mark.parametrize("kind", EASY)
def test_transformed_copies_of_a_photo_are_found_as_near_copies(archive, kind):
    variants = transformations()[kind]
    found, missed = 0, []

    for name in sample_names():
        for variant, make in variants.items():
            probe = fingerprint(make(sample_image(name)))
            matches = [m.photo_id for m in archive.find(probe, DEFAULTS)]
            assert set(matches) <= {name}, f"{kind}/{variant} of {name}: {matches}"
            if matches == [name]:
                found += 1
            else:
                missed.append((name, variant))

    total = len(sample_names()) * len(variants)
    assert found / total >= 0.8, missed


def test_an_exact_copy_is_found_by_its_bytes(archive):
    probe = fingerprint(sample_bytes("coins"))

    matches = archive.find(probe, DEFAULTS)

    assert [(m.photo_id, m.exact) for m in matches] == [("coins", True)]


def test_different_photos_are_not_duplicates_of_each_other(archive):
    for name in sample_names():
        probe = fingerprint(sample_bytes(name))

        matches = archive.find(probe, DEFAULTS, exclude=name)

        assert matches == [], name


def test_uninformative_photos_never_match_each_other():
    from PIL import Image

    from devstack.photo_samples import jpeg

    index = PhotoIndex(HASH_VERSION)
    index.add(stored("white", "white", jpeg(Image.new("RGB", (300, 200), "white"))))
    probe = fingerprint(jpeg(Image.new("RGB", (300, 200), "white")))

    assert probe.uninformative
    assert index.find(probe, DEFAULTS) == []


def test_hashes_of_another_version_are_never_compared():
    index = PhotoIndex("imagehash-0.0+pillow-0.0+older")
    index.add(stored("coffee"))

    assert len(index) == 0
    assert index.find(fingerprint(sample_bytes("coffee")), DEFAULTS) == []


def random_stored(rng: random.Random, count: int, probe_views) -> list[StoredHashes]:
    """Random hashes, a share of them a few bits away from the probe's views."""
    photos = []
    for number in range(count):
        views = []
        for _ in range(6):
            if rng.random() < 0.05:
                phash, dhash = rng.choice(probe_views)
                for _ in range(rng.randint(0, 20)):
                    phash ^= 1 << rng.randrange(64)
                for _ in range(rng.randint(0, 20)):
                    dhash ^= 1 << rng.randrange(64)
            else:
                phash, dhash = rng.getrandbits(64), rng.getrandbits(64)
            views.append((phash, dhash))
        photos.append(StoredHashes(
            photo_id=f"ph-{number}", dealer_code="AUR-MSK-01", placement_id="pl-2",
            uploaded_at=START + timedelta(minutes=number), taken_at=None,
            sha256=f"{number:064x}", version=HASH_VERSION, views=tuple(views),
            uninformative=rng.random() < 0.02,
        ))
    return photos


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_index_finds_exactly_what_brute_force_finds(seed):
    rng = random.Random(seed)
    probe = fingerprint(sample_bytes(rng.choice(sample_names())))
    probe_views = [*probe.orientations, *probe.crops]
    photos = random_stored(rng, 3000, probe_views)
    photos += [stored(name) for name in sample_names()]
    index = PhotoIndex(HASH_VERSION)
    for photo in photos:
        index.add(photo)

    for limits in (Thresholds(), Thresholds(8, 8), Thresholds(20, 20)):
        assert index.find(probe, limits) == brute_force(probe, photos, limits)
    assert brute_force(probe, photos, Thresholds(20, 20))  # the case is not empty

    # Photos added after the band tables were built are found as well.
    added = random_stored(random.Random(seed + 100), 300, probe_views)
    added = [each.__class__(**{**_fields(each), "photo_id": f"new-{each.photo_id}"})
             for each in added]
    for photo in added:
        index.add(photo)
    everything = photos + added
    for limits in (Thresholds(), Thresholds(20, 20)):
        assert index.find(probe, limits) == brute_force(probe, everything, limits)
    assert any(m.photo_id.startswith("new-")
               for m in index.find(probe, Thresholds(20, 20)))


def _fields(stored: StoredHashes) -> dict:
    return {name: getattr(stored, name) for name in stored.__slots__}
