"""The router itself, on a probe app: idempotency keys per user, route and
object, whatever routes later areas declare."""

import json
from itertools import count

import pytest
from chalice import Chalice
from chalice.test import Client

from chalicelib import wiring
from chalicelib.web.api import Api, Gateway
from chalicelib.web.schemas import Body, Reply
from tests.api.conftest import json_of
from tests.builders import caller


class NewPhoto(Body):
    file_name: str


class PhotoReply(Reply):
    placement_id: str
    photo_id: str


@pytest.fixture
def probe(aws):
    app = Chalice(app_name="probe")
    api = Api(app, Gateway(identify=lambda token: caller(user_id=token),
                           idempotency=wiring.idempotency,
                           web_origins=lambda: ()))
    numbers = count(1)

    @api.route("/v1/placements/{placement_id}/report/photos", "POST",
               summary="Add a photo", body=NewPhoto, response=PhotoReply,
               status=201, idempotent=True)
    def add_photo(request, placement_id):
        return PhotoReply(placement_id=placement_id, photo_id=f"photo-{next(numbers)}")

    with Client(app) as client:
        yield client


def _post(client, placement: str, key: str | None, user: str = "aurora-dealer-1"):
    headers = {"Authorization": f"Bearer {user}", "Content-Type": "application/json"}
    if key:
        headers["Idempotency-Key"] = key
    return client.http.post(f"/v1/placements/{placement}/report/photos",
                            headers=headers, body=json.dumps({"file_name": "a.jpg"}))


def test_the_same_key_replays_the_first_answer_on_the_same_object(probe):
    first = _post(probe, "pl-1", "k")
    retry = _post(probe, "pl-1", "k")

    assert first.status_code == retry.status_code == 201
    assert json_of(retry) == json_of(first) == {"placement_id": "pl-1",
                                                "photo_id": "photo-1"}


def test_the_same_key_and_body_on_another_object_is_another_request(probe):
    on_first = _post(probe, "pl-1", "k")
    on_second = _post(probe, "pl-2", "k")

    assert json_of(on_first)["placement_id"] == "pl-1"
    assert json_of(on_second) == {"placement_id": "pl-2", "photo_id": "photo-2"}


def test_without_a_key_every_request_runs(probe):
    assert json_of(_post(probe, "pl-1", None))["photo_id"] == "photo-1"
    assert json_of(_post(probe, "pl-1", None))["photo_id"] == "photo-2"


def test_another_users_same_key_is_another_request(probe):
    _post(probe, "pl-1", "k", user="aurora-dealer-1")

    theirs = _post(probe, "pl-1", "k", user="aurora-dealer-2")

    assert json_of(theirs)["photo_id"] == "photo-2"


def test_a_key_longer_than_255_characters_is_refused(probe):
    response = _post(probe, "pl-1", "k" * 256)

    assert response.status_code == 400
    assert json_of(response)["code"] == "invalid_request"


@pytest.fixture
def failing_inside(aws):
    """A probe app whose inner middleware fails after the view ran."""
    app = Chalice(app_name="probe")
    api = Api(app, Gateway(identify=lambda token: caller(user_id=token),
                           idempotency=wiring.idempotency,
                           web_origins=lambda: ()))

    @api.route("/v1/me", "GET", summary="The caller")
    def me(request):
        return {"user_id": request.caller.user_id}

    @api.route("/health", "GET", summary="Liveness", public=True)
    def health(request):
        raise RuntimeError("health check broke")

    @app.middleware("http")
    def break_after_the_view(request, get_response):
        response = get_response(request)
        if request.context["resourcePath"] == "/v1/me":
            raise RuntimeError("a middleware broke")
        return response

    with Client(app) as client:
        yield client


def test_a_failure_around_the_route_answers_in_our_shape_and_leaks_no_caller(
    failing_inside, logged
):
    broken = failing_inside.http.get("/v1/me",
                                     headers={"Authorization": "Bearer aurora-x"})
    failing_inside.http.get("/health")

    assert broken.status_code == 500
    assert json_of(broken)["code"] == "internal_error"
    errors = [line for line in logged() if line["level"] == "ERROR"]
    assert [line["message"] for line in errors] == [
        "unhandled error around the route", "unhandled error"]
    assert "user_id" not in errors[1]
