"""A manager's decision on a photo flag, on real placements and reports: a
confirmed duplicate sends the report back to the dealer, audited and told,
and counts for the bonus; a dismissal changes nothing in the report."""

from datetime import UTC, datetime

import boto3
import pytest

import app
from chalicelib import wiring
from chalicelib.access.model import Role
from chalicelib.media.s3 import S3PhotoObjects
from devstack.photo_samples import jpeg, sample_image
from tests.api.conftest import json_of
from tests.api.placements_helpers import Desk
from tests.api.test_photos import post_file
from tests.integration.test_photo_processing import drain

JSON = {"Content-Type": "application/json"}


@pytest.fixture(autouse=True)
def photos_bucket(client):
    wiring.use(photo_objects=S3PhotoObjects(boto3.client("s3"), "dmm-test-photos"))


def _upload(desk: Desk, placement: dict, image) -> str:
    body = {"file_name": "Билборд.jpg", "content_type": "image/jpeg",
            "size": 200_000}
    path = f"/v1/placements/{placement['placement_id']}/report/photos"
    reply = desk.ok("POST", path, desk.dealer, body, status=201)
    post_file(reply, jpeg(image))
    return str(reply["photo_id"])


@pytest.fixture
def copied(desk):
    """A dealer in Kaliningrad submitted a report with two photos, one of
    them a copy of a photo another dealer uploaded first."""
    other = Desk(desk.client, desk.auth, desk.clock, dealer_code="AUR-KGD-02")
    _upload(other, other.approved(), sample_image("coins"))
    drain(app)
    placement = desk.approved()
    copy = _upload(desk, placement, sample_image("coins"))
    _upload(desk, placement, sample_image("astronaut"))
    drain(app)
    report = desk.report(placement)
    submitted = desk.report_step(report, "submit", desk.dealer)
    assert submitted.status_code == 200, submitted.body
    return placement, copy


def _decide(desk, photo_id, headers, decision="confirm"):
    body = {"decision": decision, "comment": "Тот же баннер, что у соседа."}
    return desk.call("POST", f"/v1/photos/{photo_id}/flags/duplicate/decision",
                     headers, body)


def _feed_kinds(desk, headers) -> list[str]:
    return [n["kind"] for n in desk.ok("GET", "/v1/notifications", headers)["items"]]


def _confirmed_duplicates(code: str) -> int | None:
    facts = wiring.bonus_facts().for_dealers("aurora", "2026-05", [code])
    return facts[code].duplicate_photos


def test_a_confirmed_duplicate_sends_the_report_back_to_the_dealer(desk, copied):
    placement, copy = copied
    before = desk.report(placement)

    decided = _decide(desk, copy, desk.manager)

    assert decided.status_code == 200, decided.body
    report = desk.report(placement)
    assert report["status"] == "open"
    assert copy in report["return_reason"]
    assert "AUR-KGD-02" not in report["return_reason"]
    assert report["rejected_photos"] == [copy]
    assert report["due_at"] == before["due_at"]
    assert "report.returned" in _feed_kinds(desk, desk.dealer)
    entity = f"report:{placement['placement_id']}"
    audit = desk.ok("GET", f"/v1/audit?entity={entity}", desk.manager)["items"]
    [entry] = [e for e in audit if e["action"] == "reject_photo"]
    assert (entry["from_state"], entry["to_state"]) == ("submitted", "open")
    assert _confirmed_duplicates("AUR-KGD-01") == 1


def test_a_report_returned_after_its_deadline_gets_a_new_due_at_by_the_brand_rule(
        desk, copied):
    placement, copy = copied
    # The deadline was 1 June 00:00 in Kaliningrad; the brand gives 5 days.
    desk.clock.set(datetime(2026, 6, 10, 12, 0, tzinfo=UTC))

    decided = _decide(desk, copy, desk.manager)

    assert decided.status_code == 200, decided.body
    report = desk.report(placement)
    assert report["status"] == "open"
    assert report["due_at"] == "2026-06-16T00:00:00+02:00"


def test_a_repeated_decision_does_not_return_the_report_twice(desk, copied):
    placement, copy = copied
    _decide(desk, copy, desk.manager)
    returned = desk.report(placement)

    again = _decide(desk, copy, desk.manager)

    assert again.status_code == 409
    assert json_of(again)["code"] == "flag_already_decided"
    assert desk.report(placement)["version"] == returned["version"]
    assert _feed_kinds(desk, desk.dealer).count("report.returned") == 1
    assert _confirmed_duplicates("AUR-KGD-01") == 1


def test_a_dismissed_flag_changes_nothing_in_the_report(desk, copied):
    placement, copy = copied
    before = desk.report(placement)

    dismissed = _decide(desk, copy, desk.manager, decision="dismiss")

    assert dismissed.status_code == 200, dismissed.body
    assert desk.report(placement) == before
    assert _confirmed_duplicates("AUR-KGD-01") is None


def test_an_accepted_report_stays_accepted_and_the_duplicate_still_counts(
        desk, copied):
    placement, copy = copied
    report = desk.report(placement)
    accepted = desk.report_step(report, "decision", desk.manager, decision="accept")
    assert accepted.status_code == 200, accepted.body

    decided = _decide(desk, copy, desk.manager)

    assert decided.status_code == 200, decided.body
    report = desk.report(placement)
    assert report["status"] == "accepted"
    assert report["rejected_photos"] == [copy]
    assert "report.photo_rejected" in _feed_kinds(desk, desk.dealer)
    assert _confirmed_duplicates("AUR-KGD-01") == 1


def test_the_managers_who_see_the_dealer_hear_of_the_flag(desk, copied):
    far_east = desk.auth(user_id="aurora-manager-3")

    flagged = [n for n in desk.ok("GET", "/v1/notifications", desk.manager)["items"]
               if n["kind"] == "photo_flagged"]

    assert [n["facts"]["photo_id"] for n in flagged] == [copied[1]]
    assert "photo_flagged" not in _feed_kinds(desk, far_east)
    assert "photo_flagged" not in _feed_kinds(desk, desk.dealer)


@pytest.mark.parametrize(("role", "brand", "dealer"), [
    (Role.DEALER_USER, "aurora", "AUR-KGD-02"),   # another dealer's token
    (Role.IMPORTER_ADMIN, "taiga", None),         # another brand's token
])
def test_another_dealer_or_brand_cannot_find_the_photo_to_decide(
        desk, copied, role, brand, dealer):
    placement, copy = copied
    headers = desk.auth(role, brand=brand, dealer=dealer)

    response = _decide(desk, copy, headers)

    assert response.status_code == 404
    assert desk.report(placement)["status"] == "submitted"
