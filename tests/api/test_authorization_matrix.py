"""Every operation of the route table, called by every role on its own
dealer's object, another dealer's and another brand's: the outcome is the
one the matrix (`tests/api/authorization_matrix.py`) expects.

One seeded world serves the module, and one test calls every cell (a reset
per cell would take many minutes, and one test keeps `pytest -n` from
building the world on two workers): reads run before writes, and versioned
writes carry a stale version, so no cell depends on the cells before it.
"""

import io
import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from typing import Any

import pytest
import requests
from chalice.test import Client
from PIL import Image

from chalicelib import wiring
from chalicelib.bonus.facts import ModelSales
from chalicelib.bonus.memory import FakeReadiness
from chalicelib.media.model import Flag, FlagKind, FlagState
from chalicelib.notifications.model import Notification
from devstack.keys import mint
from tests.api.authorization_matrix import (
    DEALER_OF,
    ENTRIES,
    OTHER_BRAND,
    OTHER_DEALER,
    OWN,
    ROLE_USERS,
    ROLES,
    Entry,
    Sight,
    World,
    path_params,
)
from tests.api.placements_helpers import FixedClock
from tests.api.test_bonus import drain
from tests.api.test_creatives import run_uploads_queue
from tests.unit.bonus.conftest import STANDARD_PROGRAM

JSON = {"Content-Type": "application/json"}
BONUS_PERIOD = "2026-04"
NOT_AUTHORISED = {400, 401, 403, 404}
"""An authorised cell is answered by the rules, never refused as a caller:
400 is here too, since every sample body is valid (a 400 would mean the
cell never reached the view and proved nothing)."""
BRAND_OF = {OWN: "aurora", OTHER_DEALER: "aurora", OTHER_BRAND: "taiga"}
DEALER_USER_OF = {OWN: "aurora-dealer-1", OTHER_DEALER: "aurora-dealer-5",
                  OTHER_BRAND: "taiga-dealer-1"}
MANAGER_OF = {"aurora": "aurora-manager-1", "taiga": "taiga-manager-1"}
ADMIN_OF = {"aurora": "aurora-admin-1", "taiga": "taiga-admin-1"}
PARTICIPATION = {
    "aurora": {"cities": ["Калининград"], "include": [DEALER_OF[OTHER_DEALER]]},
    "taiga": {"include": [DEALER_OF[OTHER_BRAND]], "cities": ["Москва"]},
}
"""A few dealers take part in the world's bonus runs: statements of 80
dealers would cost the module many seconds and prove nothing more."""


def test_every_operation_of_the_route_table_has_one_entry_and_no_more():
    import app

    routes = {(op.method, op.path): op for op in app.api.operations}
    entries = [entry.operation for entry in ENTRIES]

    missing = sorted(set(routes) - set(entries))
    unknown = sorted(set(entries) - set(routes))
    twice = sorted({op for op in entries if entries.count(op) > 1})
    public_mismatch = sorted(
        entry.operation for entry in ENTRIES if entry.operation in routes
        and routes[entry.operation].public != (entry.sight is Sight.PUBLIC))

    assert missing == [], f"operations without a matrix entry: {missing}"
    assert unknown == [], f"entries naming no operation: {unknown}"
    assert twice == [], f"operations with two entries: {twice}"
    assert public_mismatch == [], f"public in one table only: {public_mismatch}"


def test_every_role_and_scope_of_every_operation_gets_the_expected_answer(
    world, call
):
    # Reads first: a write that succeeds then cannot change what they see.
    cells = sorted(_cells(), key=lambda cell: cell[0].method != "GET")

    mismatches = _mismatches(cells, world, call)

    assert mismatches == [], _report(mismatches, len(cells))


def test_no_operation_answers_a_request_without_a_token_with_anything_but_401(
    call,
):
    nowhere = _placeholder_world()
    protected = [entry for entry in ENTRIES if entry.sight is not Sight.PUBLIC]

    answers = {entry.operation: call(entry.method,
                                     entry.call(nowhere, ROLES[0], OWN), None)
               for entry in protected}

    assert {op: s for op, s in answers.items() if s != 401} == {}


# --- cells --------------------------------------------------------------------


Cell = tuple[Entry, str, str]


def _cells() -> list[Cell]:
    return [(entry, role, scope) for entry in ENTRIES for role in ROLES
            for scope in entry.sight.scopes]


def _mismatches(cells: list[Cell], world: World,
                call: Callable[..., int]) -> list[tuple[str, str, str, str, int]]:
    public: dict[tuple[str, str], set[int]] = {}
    found = []
    for entry, role, scope in cells:
        status = call(entry.method, entry.call(world, role, scope),
                      ROLE_USERS[role])
        expected = entry.expected(role, scope)
        if expected == "public":
            public.setdefault(entry.operation, set()).add(status)
            ok = status < 500
        elif expected == "authorised":
            ok = status not in NOT_AUTHORISED and status < 500
        else:
            ok = status == int(expected)
        if not ok:
            found.append((f"{entry.method} {entry.path}", role, scope, expected,
                          status))
    found += [(f"{method} {path}", "every role", OWN, "one answer", -1)
              for (method, path), statuses in public.items() if len(statuses) > 1]
    return found


def _placeholder_world() -> World:
    """Ids that name nothing: without a token no request gets that far."""
    names = {name for entry in ENTRIES for name in path_params(entry.path)}
    ids = {name: dict.fromkeys((OWN, OTHER_DEALER, OTHER_BRAND), "nothing")
           for name in names}
    return World(ids=ids, notifications=dict.fromkeys(ROLE_USERS.values(),
                                                      "nothing"))


def _report(mismatches: list[tuple[str, str, str, str, int]], cells: int) -> str:
    lines = [f"{len(mismatches)} of {cells} cells differ from the matrix:",
             f"{'operation':58} {'role':28} {'scope':15} {'expected':11} got"]
    lines += [f"{op:58} {role:28} {scope:15} {expected:11} {got}"
              for op, role, scope, expected, got in mismatches]
    return "\n".join(lines)


# --- the world ---------------------------------------------------------------


@cache
def _bearer(user_id: str) -> str:
    """One token per user for the module: minting one costs tens of
    milliseconds, and the matrix makes hundreds of calls."""
    return f"Bearer {mint(user_id)}"



@pytest.fixture(scope="module")
def seeded_client(emulator: str) -> Iterator[Client]:
    """The demo brands on a fresh emulator, once for the module, and a test
    client of the app; the clock stands at 4 May 2026, 09:00 UTC."""
    import app

    requests.post(f"{emulator}/moto-api/reset", timeout=10).raise_for_status()
    from devstack import bootstrap
    from devstack.seed import seed

    bootstrap.create_all()
    wiring.reset()
    seed()
    wiring.use(clock=FixedClock(), period_readiness=FakeReadiness())
    with Client(app.app, stage_name="test") as test_client:
        yield test_client
    wiring.reset()


@pytest.fixture(scope="module")
def call(seeded_client: Client) -> Callable[..., int]:
    def send(method: str, request: Any, user_id: str | None) -> int:
        headers = dict(JSON)
        if user_id is not None:
            headers["Authorization"] = _bearer(user_id)
        body = b"" if request.body is None else json.dumps(request.body).encode()
        response = seeded_client.http.request(method, request.path, body=body,
                                       headers=headers)
        return int(response.status_code)

    return send


@pytest.fixture(scope="module")
def world(seeded_client: Client) -> World:
    return _Builder(seeded_client).build()


class _Builder:
    """Builds, through the API where it can, the objects the ids point at:
    own (aurora's AUR-KGD-01), another dealer's (aurora's AUR-MSK-01) and
    another brand's (taiga's TAI-MSK-01)."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.world = World()

    def build(self) -> World:
        scopes = (OWN, OTHER_DEALER, OTHER_BRAND)
        for scope in scopes:
            self._placement_and_photo(scope)
        self._by_brand("run_id", self._published_run)
        self._by_brand("program_id", self._program_of_run)
        for scope in scopes:
            self._creative(scope)
            self._survey(scope)
        self._by_brand("job_id", self._sync_job)
        self._by_brand("import_id", self._import)
        self._by_brand("export_id", self._export)
        self.world.ids["channel_id"] = {OWN: "outdoor",
                                        OTHER_BRAND: self._taiga_channel()}
        self.world.ids["user_id"] = {OWN: "aurora-dealer-7",
                                     OTHER_BRAND: "taiga-dealer-4"}
        self._notifications()
        return self.world

    # calls

    def ok(self, method: str, path: str, user_id: str, body: Any = None,
           status: int = 200) -> Any:
        headers = {**JSON, "Authorization": _bearer(user_id)}
        sent = b"" if body is None else json.dumps(body).encode()
        response = self.client.http.request(method, path, body=sent,
                                            headers=headers)
        assert response.status_code == status, (path, response.body)
        return json.loads(response.body)

    def _set(self, name: str, scope: str, value: str) -> None:
        self.world.ids.setdefault(name, {})[scope] = value

    def _by_brand(self, name: str, make: Callable[[str], str]) -> None:
        aurora = make("aurora")
        self.world.ids[name] = {OWN: aurora, OTHER_DEALER: aurora,
                                OTHER_BRAND: make("taiga")}

    # placements, reports, photos

    def _placement_and_photo(self, scope: str) -> None:
        code, dealer = DEALER_OF[scope], DEALER_USER_OF[scope]
        manager = MANAGER_OF[BRAND_OF[scope]]
        body = {"dealer_code": code, "channel_id": "outdoor",
                "title": "Билборды на проспекте", "starts_on": "2026-05-10",
                "ends_on": "2026-05-26",
                "cost": {"amount": "125000.50", "currency": "RUB"}}
        placement = self.ok("POST", "/v1/placements", dealer, body, 201)
        path = f"/v1/placements/{placement['placement_id']}"
        placement = self.ok("POST", f"{path}/submit", dealer,
                            {"version": placement["version"]})
        placement = self.ok("POST", f"{path}/approve", manager,
                            {"version": placement["version"],
                             "approved_amount": placement["cost"]})
        self._set("placement_id", scope, placement["placement_id"])
        plan = {"lines": [{"channel_id": "outdoor",
                           "plan": {"amount": "300000.00", "currency": "RUB"}}]}
        self.ok("PUT", f"/v1/dealers/{code}/budgets/2026-05", dealer, plan)
        photo = {"file_name": "щит.jpg", "content_type": "image/jpeg",
                 "size": 100_000}
        ticket = self.ok("POST", f"{path}/report/photos", dealer, photo, 201)
        self._set("photo_id", scope, ticket["photo_id"])
        self._flag(BRAND_OF[scope], ticket["photo_id"])

    def _flag(self, brand: str, photo_id: str) -> None:
        """A duplicate flag awaiting review, as photo processing leaves it."""
        photos = wiring.photos()
        photo = photos.get(brand, photo_id)
        assert photo is not None
        flag = Flag(kind=FlagKind.DUPLICATE, state=FlagState.UNDER_REVIEW,
                    raised_at=datetime(2026, 5, 4, 9, 0, tzinfo=UTC))
        photos.save(replace(photo, flags=(flag,)), expected_version=photo.version)

    # motivation programs and bonus runs

    def _published_run(self, brand: str) -> str:
        import app

        manager = MANAGER_OF[brand]
        code = DEALER_OF[OWN if brand == "aurora" else OTHER_BRAND]
        wiring.bonus_facts().record_sales(
            brand, BONUS_PERIOD, code,
            [ModelSales("Aurora X5", 9, Decimal("27000000"))], 10)
        program = self.ok("POST", "/v1/programs", manager,
                          {"period": BONUS_PERIOD, "name": "Апрель",
                           "rules": {**STANDARD_PROGRAM,
                                     "participation": PARTICIPATION[brand]}},
                          201)
        self.ok("POST", f"/v1/programs/{program['program_id']}/publish", manager,
                {"version": program["version"]})
        self.ok("POST", f"/v1/periods/{BONUS_PERIOD}/close", manager)
        job = self.ok("POST", "/v1/bonus-runs", manager,
                      {"period": BONUS_PERIOD, "kind": "final"}, 202)
        drain(app)
        finished = self.ok("GET", f"/v1/jobs/{job['job_id']}", manager)
        run_id = str(finished["result"]["run_id"])
        self.ok("POST", f"/v1/bonus-runs/{run_id}/publish", manager)
        return run_id

    def _program_of_run(self, brand: str) -> str:
        page = self.ok("GET", f"/v1/programs?period={BONUS_PERIOD}",
                       MANAGER_OF[brand])
        return str(page["items"][0]["program_id"])

    # creatives and surveys

    def _creative(self, scope: str) -> None:
        manager = MANAGER_OF[BRAND_OF[scope]]
        category = {OWN: "standard", OTHER_DEALER: "flagship",
                    OTHER_BRAND: "flagship"}[scope]
        body = {"title": "Летний баннер", "channel": "outdoor",
                "audience": {"kind": "category", "values": [category]},
                "file": {"file_name": "Баннер.jpg", "content_type": "image/jpeg",
                         "size": 50_000}}
        registered = self.ok("POST", "/v1/creatives", manager, body, 201)
        form = registered["upload"]
        posted = requests.post(form["url"], data=form["fields"],
                               files={"file": ("b.jpg", _jpeg(), "image/jpeg")},
                               timeout=10)
        assert posted.status_code in (200, 204)
        run_uploads_queue()
        self._set("creative_id", scope, registered["creative"]["creative_id"])

    def _survey(self, scope: str) -> None:
        body = {"title": "Удовлетворённость май",
                "questions": [{"question_id": "nps", "kind": "rating",
                               "text": "Оцените поддержку"}],
                "audience": {"kind": "dealers", "values": [DEALER_OF[scope]]},
                "opens_at": "2026-05-04T08:00:00+00:00",
                "closes_at": "2026-05-11T08:00:00+00:00"}
        created = self.ok("POST", "/v1/surveys", MANAGER_OF[BRAND_OF[scope]],
                          body, 201)
        self._set("survey_id", scope, created["survey_id"])

    # jobs, imports, exports, channels, notifications

    def _sync_job(self, brand: str) -> str:
        started = self.ok("POST", "/v1/integrations/distributor/sync",
                          MANAGER_OF[brand], {"period": BONUS_PERIOD}, 202)
        return str(started["job_id"])

    def _import(self, brand: str) -> str:
        started = self.ok("POST", "/v1/imports", MANAGER_OF[brand],
                          {"kind": "sales", "file_name": "продажи.xlsx"}, 201)
        return str(started["import_id"])

    def _export(self, brand: str) -> str:
        started = self.ok("POST", "/v1/exports", MANAGER_OF[brand],
                          {"period": BONUS_PERIOD}, 202)
        return str(started["export_id"])

    def _taiga_channel(self) -> str:
        body = {"channel_id": "taiga-tv", "name": "ТВ Тайга", "proof": {"photo": 1}}
        self.ok("POST", "/v1/channels", ADMIN_OF["taiga"], body, 201)
        return "taiga-tv"

    def _notifications(self) -> None:
        feed = wiring.feed()
        users = {*ROLE_USERS.values(), "aurora-dealer-5", "taiga-dealer-1"}
        for user_id in sorted(users):
            brand = user_id.split("-", 1)[0]
            notification = Notification(
                notification_id=f"matrix-{user_id}", user_id=user_id,
                brand_id=brand, event_id=f"matrix-event-{user_id}",
                kind="placement_status_changed", entity="placement:matrix",
                dealer_code=DEALER_OF[OWN if brand == "aurora" else OTHER_BRAND],
                created_at=datetime(2026, 5, 4, 9, 0, tzinfo=UTC))
            assert feed.add_once(notification)
            self.world.notifications[user_id] = notification.notification_id


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 628), "orange").save(out, format="JPEG")
    return out.getvalue()
