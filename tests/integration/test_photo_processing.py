"""Photo processing on the emulator: a real presigned POST to S3, S3's
notification to SQS, and the app's SQS handler, as the local runner calls it."""

import io
import json
from datetime import UTC, date, datetime, timedelta

import boto3
import pytest
import requests
from PIL import Image

from chalicelib import resources, wiring
from chalicelib.access.model import Role
from chalicelib.access.service import Caller
from chalicelib.media import service
from chalicelib.media.model import FlagKind, PhotoStatus, PlacementForPhotos
from chalicelib.media.placements import ListedPlacement, ListedPlacementGate
from devstack.demo import find_user
from devstack.events import QueueSource, deliver_batch
from devstack.photo_samples import jpeg, reencoded, resized, sample_bytes, sample_image

NOW = datetime(2026, 5, 20, 9, 0, tzinfo=UTC)
PLACEMENTS = {
    "pl-kgd": "AUR-KGD-01",
    "pl-msk": "AUR-MSK-01",
}


@pytest.fixture
def stack(demo):
    import app

    gate = ListedPlacementGate(lambda: NOW, [
        ListedPlacement(PlacementForPhotos(
            brand_id="aurora", placement_id=placement_id, dealer_code=dealer,
            starts_on=date(2026, 5, 1), ends_on=date(2026, 5, 31),
            due_at=NOW + timedelta(days=20)))
        for placement_id, dealer in PLACEMENTS.items()
    ])
    wiring.use(placement_gate=gate)
    return app


def dealer(code: str) -> Caller:
    from chalicelib.access.dynamo import DynamoUsers

    user = DynamoUsers().get(find_user(Role.DEALER_USER, "aurora", code).user_id)
    assert user is not None
    return Caller(user)


def upload(placement_id: str, content: bytes, file_name: str = "IMG_0001.jpg") -> str:
    caller = dealer(PLACEMENTS[placement_id])
    ticket = service.request_upload(
        wiring.photos(), wiring.placement_gate(), wiring.brands(),
        wiring.photo_objects(), lambda: NOW, wiring.new_photo_id(), caller,
        placement_id, file_name, "image/jpeg", len(content),
    )
    posted = requests.post(ticket.url, data=ticket.fields,
                           files={"file": (file_name, content, "image/jpeg")},
                           timeout=30)
    assert posted.status_code in (200, 201, 204), posted.text
    return ticket.photo.photo_id


def drain(app, rounds: int = 6) -> int:
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=resources.PHOTOS_QUEUE.name)["QueueUrl"]
    source = QueueSource("process_photos", resources.PHOTOS_QUEUE.name, 10)
    handled = 0
    for _ in range(rounds):
        done = deliver_batch(sqs, url, source, app.process_photos, 1)
        handled += done
        if done == 0 and handled:
            break
    return handled


def test_a_later_copy_by_another_dealer_is_flagged_with_the_first_as_its_match(stack):
    original = jpeg(sample_image("chelsea"), 92)
    first = upload("pl-kgd", original, "Баннер у салона.jpg")
    drain(stack)
    smaller = Image.open(io.BytesIO(resized(60)(sample_image("chelsea"))))
    copy = reencoded(70)(smaller)
    second = upload("pl-msk", copy)
    drain(stack)

    earlier = wiring.photos().get("aurora", first)
    later = wiring.photos().get("aurora", second)

    assert earlier.status is PhotoStatus.PROCESSED and earlier.flags == ()
    assert earlier.file_name == "Баннер у салона.jpg"
    assert later.status is PhotoStatus.PROCESSED
    [flag] = later.flags
    assert flag.kind is FlagKind.DUPLICATE
    assert flag.match.photo_id == first and flag.match.dealer_code == "AUR-KGD-01"


def test_a_redelivered_notification_changes_nothing(stack):
    photo_id = upload("pl-kgd", sample_bytes("coffee"))
    drain(stack)
    before = wiring.photos().get("aurora", photo_id)
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=resources.PHOTOS_QUEUE.name)["QueueUrl"]
    record = {"eventName": "ObjectCreated:Post", "eventTime": "2026-05-21T00:00:00Z",
              "s3": {"object": {"key": before.object_key, "size": 1000}}}

    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"Records": [record]}))
    handled = drain(stack)

    after = wiring.photos().get("aurora", photo_id)
    assert handled == 1
    assert after == before


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (sample_bytes("astronaut")[:20000], "truncated"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 500,
         "heic_not_supported"),
        (b"this is a text file, not a photo" * 10, "not_an_image"),
    ],
)
def test_a_bad_file_ends_as_a_rejected_photo_without_retries(stack, content, reason):
    photo_id = upload("pl-kgd", content)

    drain(stack)

    photo = wiring.photos().get("aurora", photo_id)
    assert photo.status is PhotoStatus.REJECTED
    assert photo.reject_reason == reason
    assert drain(stack, rounds=1) == 0
