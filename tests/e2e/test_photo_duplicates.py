"""Report photos and duplicate detection through the running local stack
(issue 4): presigned POSTs straight to the emulator's S3, the ObjectCreated
event through SQS to the stack's photo handler, and what the manager and
each dealer then read over HTTP.

The photographs are real (tests/fixtures/photos). `chelsea`, `grass` and
`gravel` are this module's own: no other e2e module uploads them, so a copy
made here matches only its original.
"""

import io
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
from PIL import Image

from devstack.photo_samples import jpeg, sample_bytes
from tests.e2e.conftest import Stack
from tests.e2e.helpers import Api, Person, eventually

pytestmark = pytest.mark.e2e

FIRST, SECOND = "AUR-SOV-01", "AUR-KLM-01"
DEALERS = {
    FIRST: ("Аврора Советск", "Советск", "Калининградская область",
            "Europe/Kaliningrad"),
    SECOND: ("Аврора Коломна", "Коломна", "Московская область", "Europe/Moscow"),
}
FLAGGED_WITHIN_SECONDS = 15


@dataclass
class Desk:
    api: Api
    stack: Stack
    manager: Person
    dealers: dict[str, Person]
    due_days: int


@pytest.fixture(scope="module")
def desk(running_stack: Stack) -> Desk:
    api = Api(running_stack)
    admin = api.user("importer_admin", "aurora-admin-1")
    dealers = {}
    for code, (name, city, region, zone) in DEALERS.items():
        api.add_dealer(admin, code, name, city, region, zone, "standard")
        dealers[code] = api.add_dealer_user(
            admin, f"photo.{code.lower()}@example.com", f"Фотограф {city}", code)
    brand = api.ok("GET", "/v1/brand", admin)
    return Desk(api, running_stack, api.user("importer_manager", "aurora-manager-1"),
                dealers, int(brand["report_due_days"]))


def test_a_resized_reencoded_copy_by_another_dealer_is_flagged_with_the_original(
        desk):
    first, second = desk.dealers[FIRST], desk.dealers[SECOND]
    original = sample_bytes("chelsea")

    # given: the first dealer's photo, on a placement of months ago
    months_ago = today(FIRST) - timedelta(days=95)
    earlier = open_report(desk, FIRST, months_ago, months_ago + timedelta(days=9),
                          explained=True)
    first_id = desk.api.upload_photo(first, earlier, original, "Кот у салона.jpg")
    first_photo = desk.api.processed_photo(desk.manager, first_id)

    # when: the second dealer uploads a resized, re-encoded copy this month
    current = open_report(desk, SECOND, today(SECOND),
                          today(SECOND) + timedelta(days=9))
    copy = resized_reencoded(original, scale=0.6, quality=70)
    started = time.monotonic()
    second_id = desk.api.upload_photo(second, current, copy, "IMG_0042.jpg")
    flagged = eventually(
        lambda: desk.api.ok("GET", f"/v1/photos/{second_id}", desk.manager),
        lambda photo: bool(duplicates_of(photo)),
        seconds=FLAGGED_WITHIN_SECONDS, what="the copy flagged as a duplicate")
    flagged_after = time.monotonic() - started

    # then: within seconds the copy is flagged, with the first as its match
    assert first_photo["status"] == "processed"
    assert not duplicates_of(first_photo)
    assert copy != original and len(copy) < len(original)
    assert flagged["status"] == "processed"
    assert flagged_after < FLAGGED_WITHIN_SECONDS
    [flag] = duplicates_of(flagged)
    assert flag["state"] == "under_review"
    assert flag["match"]["photo_id"] == first_id
    assert flag["match"]["dealer"] == FIRST
    assert flag["match"]["placement_id"] == earlier
    assert flag["match"]["exact"] is False

    # and: the manager's links open both images
    assert fetched(flagged["link"]) == copy
    assert fetched(flag["match"]["link"]) == original

    # and: the second dealer sees the kind and that it is under review, and
    # nothing of the first dealer's photo
    own = desk.api.call("GET", f"/v1/photos/{second_id}", second)
    others = desk.api.call("GET", f"/v1/photos/{first_id}", second)
    assert own.status_code == 200
    assert [(f["kind"], f["state"]) for f in own.json()["flags"]] == [
        ("duplicate", "under_review")]
    assert all(f.get("match") is None for f in own.json()["flags"])
    for trace in (first_id, FIRST, earlier, "Кот у салона"):
        assert trace not in own.text
    assert others.status_code == 404
    assert others.json()["code"] == "photo_not_found"
    stored_first = desk.api.ok("GET", f"/v1/photos/{first_id}", desk.manager)
    assert not duplicates_of(stored_first), "the later upload carries the flag"


def test_a_confirmed_duplicate_sends_the_report_back_to_its_dealer(desk):
    first, second = desk.dealers[FIRST], desk.dealers[SECOND]
    original = sample_bytes("grass")
    earlier = open_report(desk, FIRST, today(FIRST), today(FIRST) + timedelta(days=5))
    first_id = desk.api.upload_photo(first, earlier, original)
    desk.api.processed_photo(desk.manager, first_id)

    # given: the second dealer's report, sent with a copy and another photo
    current = open_report(desk, SECOND, today(SECOND),
                          today(SECOND) + timedelta(days=5))
    copy_id = desk.api.upload_photo(second, current,
                                    resized_reencoded(original, 1.5, 85))
    other_id = desk.api.upload_photo(second, current, sample_bytes("gravel"))
    for photo_id in (copy_id, other_id):
        desk.api.processed_photo(second, photo_id)
    copy = eventually(
        lambda: desk.api.ok("GET", f"/v1/photos/{copy_id}", desk.manager),
        lambda photo: any(f["match"]["photo_id"] == first_id
                          for f in duplicates_of(photo)),
        what="the copy flagged as a duplicate of the first photo")
    report = counted(desk, second, current, photos=2)
    sent = desk.api.ok("POST", f"/v1/placements/{current}/report/submit", second,
                       {"version": report["version"]})

    # when: the manager confirms the flag
    decided = desk.api.ok("POST", f"/v1/photos/{copy_id}/flags/duplicate/decision",
                          desk.manager, {"decision": "confirm",
                                         "comment": "Тот же кадр, что у Советска"})

    # then: the flag is confirmed and the report is back with the dealer
    returned = eventually(
        lambda: desk.api.ok("GET", f"/v1/placements/{current}/report", second),
        lambda report: report["status"] != "submitted",
        what="the report returned after the confirmed duplicate")
    assert copy["status"] == "processed"
    assert sent["status"] == "submitted"
    assert [(f["kind"], f["state"]) for f in decided["flags"]] == [
        ("duplicate", "confirmed")]
    assert decided["flags"][0]["decision"]["user_id"] == desk.manager.user_id
    assert returned["status"] == "open"
    assert returned["return_reason"]
    assert returned["editable"] is True


def test_a_broken_image_ends_rejected_with_a_reason(desk):
    second = desk.dealers[SECOND]
    current = open_report(desk, SECOND, today(SECOND),
                          today(SECOND) + timedelta(days=3))
    whole = sample_bytes("rocket")

    photo_id = desk.api.upload_photo(second, current, whole[: len(whole) // 3],
                                     "Обрезанный.jpg")
    photo = desk.api.processed_photo(second, photo_id)
    report = desk.api.ok("GET", f"/v1/placements/{current}/report", second)

    assert photo["status"] == "rejected"
    assert photo["reject_reason"] in {"truncated", "corrupt"}
    assert photo["flags"] == []
    assert report["photo_count"] == 0


# --- helpers ------------------------------------------------------------------


def today(code: str) -> date:
    return datetime.now(ZoneInfo(DEALERS[code][3])).date()


def open_report(desk: Desk, code: str, starts_on: date, ends_on: date,
                explained: bool = False) -> str:
    """An approved outdoor placement of dealer `code`, its report taking
    photos (a past one after the dealer's explanation); its id."""
    dealer = desk.dealers[code]
    body = {"dealer_code": code, "channel_id": "outdoor",
            "title": "Щиты у въезда в город", "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
            "cost": {"amount": "30000.00", "currency": "RUB"}}
    placement = desk.api.ok("POST", "/v1/placements", dealer, body, status=201)
    path = f"/v1/placements/{placement['placement_id']}"
    submitted = desk.api.ok("POST", f"{path}/submit", dealer,
                            {"version": placement["version"]})
    desk.api.ok("POST", f"{path}/approve", desk.manager,
                {"version": submitted["version"],
                 "approved_amount": submitted["cost"]})
    if explained:
        report = desk.api.ok("GET", f"{path}/report", dealer)
        desk.api.ok("POST", f"{path}/report/explanation", dealer,
                    {"version": report["version"],
                     "explanation": "Фото из архива подрядчика"})
    return str(placement["placement_id"])


def resized_reencoded(content: bytes, scale: float, quality: int) -> bytes:
    image = Image.open(io.BytesIO(content))
    size = (round(image.width * scale), round(image.height * scale))
    return jpeg(image.convert("RGB").resize(size, Image.Resampling.LANCZOS), quality)


def duplicates_of(photo: dict) -> list[dict]:
    return [flag for flag in photo["flags"] if flag["kind"] == "duplicate"]


def fetched(link: str | None) -> bytes:
    assert link, "no link"
    reply = requests.get(link, timeout=30)
    assert reply.status_code == 200, reply.text[:200]
    return reply.content


def counted(desk: Desk, dealer: Person, placement_id: str, photos: int) -> Any:
    return eventually(
        lambda: desk.api.ok("GET", f"/v1/placements/{placement_id}/report", dealer),
        lambda report: report["photo_count"] == photos,
        what=f"{photos} photos counted as proof")
