"""Short calls for the scenario modules, all over HTTP as a client makes them:
the API of the running stack, the admin setting up dealers and users, photo
uploads by presigned POST to the emulator's S3, the mail the emulator's SES
recorded, and bounded polling for what the event runner does meanwhile."""

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests

from tests.e2e.conftest import Stack

JSON = {"Content-Type": "application/json"}
POLL_SECONDS = 0.2


@dataclass(frozen=True)
class Person:
    """A user of the running stack and the headers it calls with."""

    user_id: str
    email: str
    headers: dict[str, str]


class Api:
    """The running stack's REST API."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack

    def user(self, role: str, user_id: str, email: str = "") -> Person:
        headers = self.stack.headers("--role", role, "--user", user_id)
        return Person(user_id, email, headers)

    def call(self, method: str, path: str, who: Person, body: Any = None,
             **params: str) -> requests.Response:
        headers = {**who.headers, **(JSON if body is not None else {})}
        return requests.request(method, f"{self.stack.url}{path}", headers=headers,
                                json=body, params=params or None, timeout=30)

    def ok(self, method: str, path: str, who: Person, body: Any = None,
           status: int = 200, **params: str) -> Any:
        reply = self.call(method, path, who, body, **params)
        assert reply.status_code == status, (method, path, reply.status_code,
                                             reply.text[:500])
        return reply.json()

    # --- setting up -------------------------------------------------------

    def add_dealer(self, admin: Person, code: str, name: str, city: str,
                   region: str, time_zone: str, category: str) -> dict:
        body = {"code": code, "name": name, "city": city, "region": region,
                "time_zone": time_zone, "category": category}
        return self.ok("POST", "/v1/dealers", admin, body, status=201)

    def add_dealer_user(self, admin: Person, email: str, name: str,
                        *codes: str) -> Person:
        return self.add_user(admin, "dealer_user", email, name,
                             dealer_codes=list(codes))

    def add_user(self, admin: Person, role: str, email: str, name: str,
                 **scope: list[str]) -> Person:
        body = {"email": email, "name": name, "role": role, **scope}
        invited = self.ok("POST", "/v1/users", admin, body, status=201)
        return self.user(role, invited["user_id"], email)

    # --- reading ----------------------------------------------------------

    def feed(self, who: Person) -> list[dict]:
        return list(self.ok("GET", "/v1/notifications", who, limit="100")["items"])

    def audit(self, who: Person, entity: str) -> list[dict]:
        return list(self.ok("GET", "/v1/audit", who, entity=entity,
                            limit="100")["items"])

    # --- photos -----------------------------------------------------------

    def upload_photo(self, dealer: Person, placement_id: str, content: bytes,
                     file_name: str = "Щит на Ленинском.jpg") -> str:
        """Ask for a presigned POST and send the photo to S3 with it."""
        body = {"file_name": file_name, "content_type": "image/jpeg",
                "size": len(content)}
        ticket = self.ok("POST", f"/v1/placements/{placement_id}/report/photos",
                         dealer, body, status=201)
        post_form(ticket["upload"], content, file_name)
        return str(ticket["photo_id"])

    def processed_photo(self, who: Person, photo_id: str) -> dict:
        """The photo once the stack's photo handler has dealt with it."""
        return eventually(
            lambda: self.ok("GET", f"/v1/photos/{photo_id}", who),
            lambda photo: photo["status"] != "pending",
            what=f"photo {photo_id} processed")


def post_form(form: dict, content: bytes, file_name: str,
              content_type: str = "image/jpeg") -> None:
    """What a browser or the mobile app does with a presigned POST."""
    sent = requests.post(form["url"], data=form["fields"],
                         files={"file": (file_name, content, content_type)},
                         timeout=30)
    assert sent.status_code in (200, 201, 204), (sent.status_code, sent.text[:300])


def eventually[T](read: Callable[[], T], done: Callable[[T], bool],
                  seconds: float = 20.0, what: str = "the condition") -> T:
    """`read()` again until `done` holds of its value, for at most `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        value = read()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {seconds} s; last {value!r}")
        time.sleep(POLL_SECONDS)


def mail_to(stack: Stack, address: str) -> list[dict]:
    """Every e-mail the emulator's SES accepted for `address`.

    moto in server mode keeps what was sent in memory and lists its models,
    sent messages included, at `/moto-api/data.json`.
    """
    url = f"http://127.0.0.1:{stack.emulator_port}/moto-api/data.json"
    models = requests.get(url, timeout=60).json()
    sent = models.get("ses", {}).get("Message", [])
    return [mail for mail in sent
            if address in mail["destinations"].get("ToAddresses", [])]
