import io
import json
from datetime import date, timedelta

import boto3
import pytest
import requests
from PIL import Image

from chalicelib import resources
from chalicelib.audience import Audience, AudienceKind
from chalicelib.errors import AlreadyExists, StaleVersion
from chalicelib.media.creatives_dynamo import DynamoCreatives, DynamoDownloadLedger
from chalicelib.media.creatives_events import created_objects
from chalicelib.media.creatives_s3 import S3CreativeFiles
from chalicelib.media.disposition import attachment
from chalicelib.media.search import CatalogCache, Criteria, Viewer
from tests.media_fakes import NOON, CreativeSpec, published


@pytest.fixture
def stored(aws):
    return DynamoCreatives()


@pytest.fixture
def files(aws):
    return S3CreativeFiles(boto3.client("s3"), resources.CREATIVES.name, lambda: NOON)


def test_a_creative_reads_back_as_it_was_saved(stored):
    spec = CreativeSpec(title="Баннер «Лето»", tags=("лето", "suv"),
                        audience=Audience(AudienceKind.CITY, ("Калининград",)),
                        valid_from=date(2026, 6, 1), valid_to=date(2026, 8, 31))
    creative = published("cr-1", spec)

    saved = stored.save(creative, expected_version=None)
    again = stored.get("aurora", "cr-1")

    assert again == saved
    assert saved.version == 1
    assert again.description == creative.description
    assert again.versions == creative.versions


def test_a_stale_save_loses_and_a_second_create_is_refused(stored):
    saved = stored.save(published("cr-1"), expected_version=None)
    stored.save(saved, expected_version=1)

    with pytest.raises(StaleVersion):
        stored.save(saved, expected_version=1)
    with pytest.raises(AlreadyExists):
        stored.save(published("cr-1"), expected_version=None)


def test_every_save_takes_the_brands_next_change_number(stored):
    first = stored.save(published("cr-1"), None)
    stored.save(published("cr-2"), None)
    stored.save(first, first.version)
    stored.save(published("cr-9", brand_id="taiga"), None)

    changes = stored.changed_since("aurora", 1)

    assert stored.latest_seq("aurora") == 3
    assert stored.latest_seq("taiga") == 1
    assert [(seq, c.creative_id) for seq, c in changes] == [(2, "cr-2"), (3, "cr-1")]


def test_the_search_index_loads_from_the_table_and_follows_writes(stored):
    stored.save(published("cr-1", CreativeSpec(title="Баннер")), None)
    cache = CatalogCache(stored, clock=lambda: NOON)
    viewer = Viewer(brand_today=NOON.date())
    assert len(cache.index_of("aurora")) == 1

    stored.save(published("cr-2", CreativeSpec(title="Баннеры осень")), None)
    found = cache.index_of("aurora").search(Criteria(text="баннер"), viewer)

    assert {c.creative_id for c in found} == {"cr-1", "cr-2"}
    assert len(cache.index_of("taiga")) == 0


def test_downloads_are_counted_per_user(aws):
    ledger = DynamoDownloadLedger()

    ledger.record("aurora", "cr-1", "u-1", ("AUR-KGD-01",), NOON)
    ledger.record("aurora", "cr-1", "u-1", ("AUR-KGD-01",), NOON)
    ledger.record("aurora", "cr-1", "u-2", ("AUR-MSK-01",), NOON)
    ledger.record("aurora", "cr-2", "u-2", ("AUR-MSK-01",), NOON)

    counted = ledger.count("aurora", "cr-1")
    assert (counted.total, counted.users, counted.dealers) == (3, 2, 2)


def test_an_upload_through_the_presigned_post_notifies_the_uploads_queue(files):
    key = "creatives/aurora/cr-1/v1/original"
    form = files.upload_form(key, "image/jpeg", 10_000_000)

    posted = requests.post(form.url, data=form.fields,
                           files={"file": ("Баннер лето.jpg", jpeg(), "image/jpeg")},
                           timeout=10)

    assert posted.status_code in (200, 204)
    assert created_keys() == [(key, len(jpeg()))]


def test_previews_under_their_own_prefix_do_not_notify(files):
    files.write("previews/aurora/cr-1/v1/320.jpg", jpeg(), "image/jpeg")

    assert created_keys() == []


def test_the_download_link_names_the_original_file(files):
    key = "creatives/aurora/cr-1/v1/original"
    files.write(key, jpeg(), "image/jpeg")
    name = "Баннер лето 2026.jpg"

    link = files.download_link(key, "image/jpeg", attachment(name))
    got = requests.get(link.url, timeout=10)

    assert got.status_code == 200
    assert got.content == jpeg()
    assert got.headers["Content-Disposition"] == attachment(name)
    assert link.expires_at == NOON + timedelta(minutes=15)


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 32), "teal").save(out, format="JPEG")
    return out.getvalue()


def created_keys() -> list[tuple[str, int]]:
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=resources.CREATIVE_UPLOADS.name)["QueueUrl"]
    found = []
    while True:
        reply = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                    WaitTimeSeconds=1)
        messages = reply.get("Messages", [])
        if not messages:
            return found
        for message in messages:
            found.extend(created_objects(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def test_s3_test_events_name_no_object():
    body = json.dumps({"Service": "Amazon S3", "Event": "s3:TestEvent"})

    assert list(created_objects(body)) == []


def test_keys_arrive_url_encoded_and_are_decoded():
    record = {"eventName": "ObjectCreated:Post",
              "s3": {"object": {"key": "creatives/aurora/cr-1/v1/%D0%91+x", "size": 3}}}

    assert list(created_objects(json.dumps({"Records": [record]}))) == [
        ("creatives/aurora/cr-1/v1/Б x", 3)]


def test_a_catalog_snapshot_reads_back_as_stored(aws):
    from chalicelib.media.creatives_s3 import S3CatalogSnapshots

    snapshots = S3CatalogSnapshots(boto3.client("s3"), resources.CREATIVES.name)
    entries = [(3, published("cr-1", CreativeSpec(title="Баннер", tags=("лето",)))),
               (7, published("cr-2"))]

    missing = snapshots.load("aurora")
    snapshots.store("aurora", entries)

    assert missing is None
    assert snapshots.load("aurora") == entries
    assert snapshots.load("taiga") is None
    assert created_keys() == []


def test_the_search_index_of_a_new_container_starts_from_the_snapshot(stored):
    from chalicelib.media.creatives_s3 import S3CatalogSnapshots

    snapshots = S3CatalogSnapshots(boto3.client("s3"), resources.CREATIVES.name)
    stored.save(published("cr-1", CreativeSpec(title="Баннер")), None)
    CatalogCache(stored, lambda: NOON, snapshots).index_of("aurora")
    stored.save(published("cr-2", CreativeSpec(title="Баннеры осень")), None)

    index = CatalogCache(stored, lambda: NOON, snapshots).index_of("aurora")

    viewer = Viewer(brand_today=NOON.date())
    assert {c.creative_id for c in index.search(Criteria(text="баннер"), viewer)} == {
        "cr-1", "cr-2"}
