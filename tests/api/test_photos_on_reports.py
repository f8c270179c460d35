"""Photos on real placements and reports: the gate over the placements
package, and processed photos counted towards the report's proof rule."""

import json

import boto3
import pytest

import app
from chalicelib import wiring
from chalicelib.access.model import Role
from chalicelib.media.s3 import S3PhotoObjects
from devstack.photo_samples import jpeg, sample_image
from tests.api.conftest import json_of
from tests.api.test_photos import post_file
from tests.integration.test_photo_processing import drain

JSON = {"Content-Type": "application/json"}


@pytest.fixture(autouse=True)
def photos_bucket(client):
    wiring.use(photo_objects=S3PhotoObjects(boto3.client("s3"), "dmm-test-photos"))


def _ask(desk, placement_id, headers):
    body = {"file_name": "Билборд.jpg", "content_type": "image/jpeg",
            "size": 200_000}
    return desk.client.http.post(f"/v1/placements/{placement_id}/report/photos",
                                 headers={**headers, **JSON}, body=json.dumps(body))


def test_the_dealer_of_an_approved_placement_uploads_and_others_cannot(desk, auth):
    placement = desk.approved()
    placement_id = placement["placement_id"]

    own = _ask(desk, placement_id, desk.dealer)
    other_dealer = _ask(desk, placement_id,
                        auth(Role.DEALER_USER, dealer="AUR-KGD-02"))
    other_brand = _ask(desk, placement_id,
                       auth(Role.DEALER_USER, brand="taiga", dealer="TAI-MSK-01"))
    manager = _ask(desk, placement_id, desk.manager)

    assert own.status_code == 201, own.body
    assert json_of(own)["upload"]["fields"]["key"].startswith(
        f"aurora/AUR-KGD-01/{placement_id}/")
    assert other_dealer.status_code == other_brand.status_code == 404
    assert manager.status_code == 403


def test_no_upload_after_the_deadline_without_an_explanation(desk):
    placement = desk.approved()
    desk.clock.set(desk.clock.now.replace(month=7))

    late = _ask(desk, placement["placement_id"], desk.dealer)

    assert late.status_code == 422
    assert json_of(late)["code"] == "deadline_passed"


def test_processed_photos_count_as_the_reports_proof(desk):
    placement = desk.approved()
    placement_id = placement["placement_id"]
    photo = sample_image("astronaut")

    for variant in (photo, photo.rotate(90, expand=True)):
        reply = json_of(_ask(desk, placement_id, desk.dealer))
        post_file(reply, jpeg(variant))
    drain(app)
    report = desk.report(placement)
    submitted = desk.report_step(report, "submit", desk.dealer)

    assert submitted.status_code == 200, submitted.body
    assert json_of(submitted)["status"] == "submitted"


@pytest.mark.parametrize(("channel_id", "proof"), [("digital", "screenshot"),
                                                   ("radio", "invoice")])
def test_a_screenshot_or_an_invoice_image_is_the_proof_its_channel_asks(
    desk, channel_id, proof
):
    placement = desk.approved(channel_id=channel_id)
    placement_id = placement["placement_id"]
    body = {"file_name": f"{proof}.jpg", "content_type": "image/jpeg",
            "size": 200_000, "proof": proof}

    before = desk.report_step(desk.report(placement), "submit", desk.dealer)
    asked = desk.client.http.post(f"/v1/placements/{placement_id}/report/photos",
                                  headers={**desk.dealer, **JSON},
                                  body=json.dumps(body))
    post_file(json_of(asked), jpeg(sample_image("coffee")))
    drain(app)
    photo = desk.ok("GET", f"/v1/photos/{json_of(asked)['photo_id']}", desk.dealer)
    submitted = desk.report_step(desk.report(placement), "submit", desk.dealer)

    assert before.status_code == 422
    assert json_of(before)["code"] == "proof_missing"
    assert photo["proof"] == proof
    assert submitted.status_code == 200, submitted.body
    assert json_of(submitted)["status"] == "submitted"


def test_an_unknown_proof_kind_is_refused(desk):
    placement = desk.approved()
    body = {"file_name": "x.jpg", "content_type": "image/jpeg", "size": 1000,
            "proof": "selfie"}

    asked = desk.client.http.post(
        f"/v1/placements/{placement['placement_id']}/report/photos",
        headers={**desk.dealer, **JSON}, body=json.dumps(body))

    assert asked.status_code == 400
    assert json_of(asked)["details"]["errors"][0]["field"] == "proof"


def test_a_photo_landing_after_its_period_closed_does_not_change_the_report(desk):
    placement = desk.approved()
    asked = json_of(_ask(desk, placement["placement_id"], desk.dealer))
    desk.clock.set(desk.clock.now.replace(month=7))
    closed = desk.call("POST", "/v1/periods/2026-05/close", desk.manager)
    before = desk.report(placement, desk.manager)

    post_file(asked, jpeg(sample_image("astronaut")))
    drain(app)
    after = desk.report(placement, desk.manager)
    photo = desk.ok("GET", f"/v1/photos/{asked['photo_id']}", desk.manager)

    assert closed.status_code == 200, closed.body
    assert photo["status"] == "processed"
    assert after == before
