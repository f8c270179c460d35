"""The authorization matrix: for every operation of the route table, which
roles may act, and whose object each scope names.

Written by hand from API.md and the access policy, on purpose not derived
from `PERMISSIONS`: a matrix computed from the code it checks would agree
with any mistake in it. The test beside this module checks that the table
and the app's route table name the same operations, then calls every cell.

The expected outcome of a cell follows the API contract, visibility first:
an object outside the caller's brand or scope is 404 (as if it did not
exist), then a role that may not act is 403, otherwise the caller is
authorised and the answer is whatever the rules make of the request (a 2xx,
or a 409 or 422), but never 401, 403, 404 or 500, nor 400: every sample
body here is valid, so a 400 would mean the view was never reached.

Limitation: the matrix checks status codes, not the content of lists: that
a dealer's list of placements holds only its own is checked by each area's
tests. Authorised versioned writes carry a stale version, so a cell shows
that the caller passed visibility and permission (409), not that the write
succeeds (the area tests show that). "Another dealer" is a dealer outside
the regional manager's regions; a dealer user serving several dealers and
another dealer inside the manager's regions are not scopes of their own.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

# --- who calls ---------------------------------------------------------------

ADMIN = "importer_admin"
MANAGER = "importer_manager"
REGIONAL = "importer_manager_of_regions"
ANALYST = "analyst"
DEALER = "dealer_user"

ROLES = (ADMIN, MANAGER, REGIONAL, ANALYST, DEALER)

ROLE_USERS: Mapping[str, str] = {
    ADMIN: "aurora-admin-1",
    MANAGER: "aurora-manager-1",
    REGIONAL: "aurora-manager-2",
    ANALYST: "aurora-analyst-1",
    DEALER: "aurora-dealer-1",
}
"""Demo users of brand aurora. The regional manager's regions include the
own dealer's (Kaliningrad) and not the other dealer's (Moscow); the dealer
user serves the own dealer only."""

EVERYONE = frozenset(ROLES)
IMPORTER = frozenset({ADMIN, MANAGER, REGIONAL, ANALYST})
MANAGERS = frozenset({ADMIN, MANAGER, REGIONAL})
WHOLE_BRAND_MANAGERS = frozenset({ADMIN, MANAGER})
"""Actions on the whole brand at once: not for a manager of some regions."""
WHOLE_BRAND_IMPORTER = frozenset({ADMIN, MANAGER, ANALYST})
ADMIN_ONLY = frozenset({ADMIN})
DEALER_ONLY = frozenset({DEALER})

# --- whose object -------------------------------------------------------------

OWN = "own"
OTHER_DEALER = "another_dealer"
OTHER_BRAND = "another_brand"

OWN_DEALER = "AUR-KGD-01"
OTHER_DEALER_CODE = "AUR-MSK-01"
OTHER_BRAND_DEALER = "TAI-MSK-01"
DEALER_OF = {OWN: OWN_DEALER, OTHER_DEALER: OTHER_DEALER_CODE,
             OTHER_BRAND: OTHER_BRAND_DEALER}


class Sight(Enum):
    """Who sees the object an operation names, by scope."""

    NONE = "names no object"
    """A collection or the caller's own settings: one scope, always seen."""
    PUBLIC = "public"
    """No token needed: the token must not change the answer."""
    BRAND = "the brand's"
    """Seen by everyone of the brand (own), by no one of another brand."""
    DEALER = "a dealer's"
    """The own dealer's object is seen by everyone; another dealer's by the
    importer roles of the whole brand, not by the dealer user nor by a
    manager of regions without that dealer's region."""
    AUDIENCE = "for an audience of dealers"
    """Seen by the brand's importer roles, and by the dealers in its
    audience (own: the own dealer is in it; another dealer: it is not)."""
    IMPORTER = "the brand's importer staff's"
    """Seen by the brand's importer roles only (jobs, BI exports): a dealer
    user sees no brand-wide job or export."""
    IMPORT_STAFF = "the brand's managers'"
    """Seen by the roles that may import, as if it did not exist for
    anyone else (spreadsheet imports)."""
    CALLER = "the caller's own"
    """The caller's own (a notification in its feed); another user's and
    another brand's user's are not seen."""

    @property
    def scopes(self) -> tuple[str, ...]:
        if self in (Sight.NONE, Sight.PUBLIC):
            return (OWN,)
        if self in (Sight.BRAND, Sight.IMPORTER, Sight.IMPORT_STAFF):
            return (OWN, OTHER_BRAND)
        return (OWN, OTHER_DEALER, OTHER_BRAND)

    def sees(self, role: str, scope: str) -> bool:
        if scope == OTHER_BRAND:
            return False
        if self is Sight.IMPORTER:
            return role in IMPORTER
        if self is Sight.IMPORT_STAFF:
            return role in MANAGERS
        if scope == OWN:
            return True
        if self is Sight.DEALER:
            return role in WHOLE_BRAND_IMPORTER
        if self is Sight.AUDIENCE:
            return role in IMPORTER
        return False


# --- the world the ids point at --------------------------------------------------


@dataclass
class World:
    """Ids of the objects the fixture built, by path parameter and scope."""

    ids: dict[str, dict[str, str]] = field(default_factory=dict)
    notifications: dict[str, str] = field(default_factory=dict)
    """Notification id by user id: each caller has one in its feed."""

    def id_of(self, name: str, scope: str) -> str:
        return self.ids[name][scope]


@dataclass(frozen=True, slots=True)
class Call:
    path: str
    body: Any = None


STALE = 987_654
"""A version no stored object has: an authorised versioned write is refused
with 409 and changes nothing, so the matrix's cells stay independent."""

Builder = Callable[[World, str, str], Call]
"""(world, role, scope) → the request of one cell."""


@dataclass(frozen=True, slots=True)
class Entry:
    method: str
    path: str
    allowed: frozenset[str]
    sight: Sight
    build: Builder | None = None
    """None: the path's ids filled from the world, no body."""
    note: str = ""

    @property
    def operation(self) -> tuple[str, str]:
        return (self.method, self.path)

    def expected(self, role: str, scope: str) -> str:
        if self.sight is Sight.PUBLIC:
            return "public"
        if not self.sight.sees(role, scope):
            return "404"
        if role not in self.allowed:
            return "403"
        return "authorised"

    def call(self, world: World, role: str, scope: str) -> Call:
        if self.build is not None:
            return self.build(world, role, scope)
        return Call(fill(self.path, world, scope))


FIXED_PARAMS = {
    "period": "2026-05",
    "kind": "duplicate",
    "source": "distributor",
    "language": "ru",
    "name": "swagger-ui.css",
}


def fill(path: str, world: World, scope: str, **given: str) -> str:
    """The path template with each id taken from the world for `scope`."""
    values: dict[str, str] = {}
    for name in path_params(path):
        if name in given:
            values[name] = given[name]
        elif name == "code":
            values[name] = DEALER_OF[scope]
        elif name in world.ids:
            values[name] = world.id_of(name, scope)
        else:
            values[name] = FIXED_PARAMS[name]
    return path.format(**values)


def path_params(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


def entry(method: str, path: str, allowed: frozenset[str], sight: Sight,
          body: Callable[[str], Any] | None = None, query: str = "",
          build: Builder | None = None, **given: str) -> Entry:
    """An entry whose path ids come from the world; `body(code)` builds its
    body for the scope's dealer, `query` is appended (formatted with `code`)."""
    if build is None and (body is not None or query or given):
        def build(world: World, role: str, scope: str) -> Call:
            filled = fill(path, world, scope, **given)
            suffix = query.format(code=DEALER_OF[scope]) if query else ""
            return Call(filled + suffix, body(DEALER_OF[scope]) if body else None)
    return Entry(method, path, allowed, sight, build)


def versioned(**fields: Any) -> Callable[[str], Any]:
    return lambda _code: {"version": STALE, **fields}


def constant(value: Any) -> Callable[[str], Any]:
    return lambda _code: value


def _placement_body(code: str) -> dict:
    return {"dealer_code": code, "channel_id": "outdoor",
            "title": "Билборды на Ленинском проспекте",
            "starts_on": "2026-05-12", "ends_on": "2026-05-20",
            "cost": {"amount": "50000.00", "currency": "RUB"}}


def _audit_query(world: World, role: str, scope: str) -> Call:
    placement_id = world.id_of("placement_id", scope)
    return Call(f"/v1/audit?entity=placement:{placement_id}")


def _statement(suffix: str = "") -> Builder:
    def build(world: World, role: str, scope: str) -> Call:
        run_id = world.id_of("run_id", scope)
        return Call(f"/v1/bonus-runs/{run_id}/statements/{DEALER_OF[scope]}{suffix}")

    return build


def _read_notification(world: World, role: str, scope: str) -> Call:
    user = {OWN: ROLE_USERS[role], OTHER_DEALER: "aurora-dealer-5",
            OTHER_BRAND: "taiga-dealer-1"}[scope]
    return Call(f"/v1/notifications/{world.notifications[user]}/read")


def _webhook(world: World, role: str, scope: str) -> Call:
    return Call(f"/v1/webhooks/calltouch/{OWN_DEALER}", {"callId": "matrix-1"})


MONEY = {"amount": "1000.00", "currency": "RUB"}
REASON = "Нужны другие даты."
ANSWERS = {"answers": [{"question_id": "nps", "rating": 8}]}
NEW_FILE = {"file_name": "Баннер.jpg", "content_type": "image/jpeg", "size": 40_000}
SURVEY = {
    "title": "Удовлетворённость май",
    "questions": [{"question_id": "nps", "kind": "rating", "text": "Оценка"}],
    "audience": {"kind": "dealers", "values": [OWN_DEALER]},
    "opens_at": "2026-05-04T08:00:00+00:00",
    "closes_at": "2026-05-11T08:00:00+00:00",
}

ENTRIES: tuple[Entry, ...] = (
    # service routes
    entry("GET", "/health", EVERYONE, Sight.PUBLIC),
    entry("GET", "/openapi.json", EVERYONE, Sight.PUBLIC),
    entry("GET", "/docs", EVERYONE, Sight.PUBLIC),
    entry("GET", "/docs/assets/{name}", EVERYONE, Sight.PUBLIC),
    entry("POST", "/v1/webhooks/{source}/{code}", EVERYONE, Sight.PUBLIC,
          build=_webhook),
    entry("GET", "/v1/me", EVERYONE, Sight.NONE),
    # brand, dealers, users, channels
    entry("GET", "/v1/brand", EVERYONE, Sight.NONE),
    entry("PUT", "/v1/brand", ADMIN_ONLY, Sight.NONE,
          body=versioned(name="Aurora Motors Rus")),
    entry("GET", "/v1/dealers", EVERYONE, Sight.NONE),
    entry("POST", "/v1/dealers", ADMIN_ONLY, Sight.NONE, body=constant({
        "code": "AUR-TST-01", "name": "Аврора Тест", "city": "Тверь",
        "region": "Тверская область", "time_zone": "Europe/Moscow",
        "category": "standard"})),
    entry("GET", "/v1/dealers/{code}", EVERYONE, Sight.DEALER),
    entry("PATCH", "/v1/dealers/{code}", ADMIN_ONLY, Sight.DEALER,
          body=versioned(name="Аврора Переименованная")),
    entry("GET", "/v1/users", ADMIN_ONLY, Sight.NONE),
    entry("POST", "/v1/users", ADMIN_ONLY, Sight.NONE, body=constant({
        "email": "matrix.analyst@example.com", "name": "Аналитик Матрицы",
        "role": "analyst"})),
    entry("GET", "/v1/users/{user_id}", ADMIN_ONLY, Sight.BRAND),
    entry("PATCH", "/v1/users/{user_id}", ADMIN_ONLY, Sight.BRAND,
          body=versioned(name="Другое Имя")),
    entry("GET", "/v1/channels", EVERYONE, Sight.NONE),
    entry("POST", "/v1/channels", ADMIN_ONLY, Sight.NONE, body=constant({
        "channel_id": "matrix-tv", "name": "ТВ", "proof": {"photo": 1}})),
    entry("PATCH", "/v1/channels/{channel_id}", ADMIN_ONLY, Sight.BRAND,
          body=versioned(name="Наружка")),
    entry("GET", "/v1/jobs/{job_id}", EVERYONE, Sight.IMPORTER),
    # budgets
    entry("GET", "/v1/dealers/{code}/budgets/{period}", EVERYONE, Sight.DEALER),
    entry("PUT", "/v1/dealers/{code}/budgets/{period}", DEALER_ONLY, Sight.DEALER,
          body=versioned(lines=[{"channel_id": "outdoor", "plan": MONEY}])),
    entry("POST", "/v1/dealers/{code}/budgets/{period}/approve", MANAGERS,
          Sight.DEALER, body=versioned()),
    # placements
    entry("POST", "/v1/placements", DEALER_ONLY, Sight.DEALER, body=_placement_body),
    entry("GET", "/v1/placements", EVERYONE, Sight.DEALER, query="?dealer={code}"),
    entry("GET", "/v1/placements/{placement_id}", EVERYONE, Sight.DEALER),
    entry("PATCH", "/v1/placements/{placement_id}", DEALER_ONLY, Sight.DEALER,
          body=versioned(title="Билборды")),
    entry("POST", "/v1/placements/{placement_id}/submit", DEALER_ONLY,
          Sight.DEALER, body=versioned()),
    entry("POST", "/v1/placements/{placement_id}/approve", MANAGERS, Sight.DEALER,
          body=versioned(approved_amount=MONEY)),
    entry("POST", "/v1/placements/{placement_id}/return", MANAGERS, Sight.DEALER,
          body=versioned(reason=REASON)),
    entry("POST", "/v1/placements/{placement_id}/reject", MANAGERS, Sight.DEALER,
          body=versioned(reason=REASON)),
    entry("POST", "/v1/placements/{placement_id}/cancel", DEALER_ONLY,
          Sight.DEALER, body=versioned()),
    # reports and photos
    entry("GET", "/v1/placements/{placement_id}/report", EVERYONE, Sight.DEALER),
    entry("PUT", "/v1/placements/{placement_id}/report", DEALER_ONLY, Sight.DEALER,
          body=versioned(comment="Все щиты на месте.")),
    entry("POST", "/v1/placements/{placement_id}/report/submit", DEALER_ONLY,
          Sight.DEALER, body=versioned()),
    entry("POST", "/v1/placements/{placement_id}/report/explanation", DEALER_ONLY,
          Sight.DEALER, body=versioned(explanation="Подрядчик опоздал.")),
    entry("POST", "/v1/placements/{placement_id}/report/decision", MANAGERS,
          Sight.DEALER, body=versioned(decision="accept")),
    entry("POST", "/v1/placements/{placement_id}/report/extension", DEALER_ONLY,
          Sight.DEALER, body=versioned(due_on="2026-06-10", reason=REASON)),
    entry("POST", "/v1/placements/{placement_id}/report/extension/decision",
          MANAGERS, Sight.DEALER, body=versioned(decision="grant")),
    entry("POST", "/v1/placements/{placement_id}/report/photos", DEALER_ONLY,
          Sight.DEALER, body=constant({"file_name": "щит.jpg",
                                       "content_type": "image/jpeg",
                                       "size": 100_000})),
    entry("GET", "/v1/photos/{photo_id}", EVERYONE, Sight.DEALER),
    entry("POST", "/v1/photos/{photo_id}/flags/{kind}/decision", MANAGERS,
          Sight.DEALER, body=constant({"decision": "dismiss",
                                       "comment": "Другой щит."})),
    # audit and notifications
    entry("GET", "/v1/audit", MANAGERS, Sight.DEALER, build=_audit_query),
    entry("GET", "/v1/notifications", EVERYONE, Sight.NONE),
    entry("POST", "/v1/notifications/{notification_id}/read", EVERYONE,
          Sight.CALLER, build=_read_notification),
    entry("GET", "/v1/me/notification-preferences", EVERYONE, Sight.NONE),
    entry("PUT", "/v1/me/notification-preferences", EVERYONE, Sight.NONE,
          body=versioned(language="ru")),
    entry("GET", "/v1/notification-templates", ADMIN_ONLY, Sight.NONE),
    entry("PUT", "/v1/notification-templates/{kind}/{language}", ADMIN_ONLY,
          Sight.NONE, body=constant({"subject": None, "body": None}),
          kind="placement_status_changed"),
    # motivation programs, periods, bonus runs, checklists
    entry("GET", "/v1/programs", EVERYONE, Sight.NONE),
    entry("POST", "/v1/programs", WHOLE_BRAND_MANAGERS, Sight.NONE,
          body=constant({"period": "2026-06", "name": "Июнь",
                         "rules": {"kpis": []}})),
    entry("GET", "/v1/programs/{program_id}", EVERYONE, Sight.BRAND),
    entry("PUT", "/v1/programs/{program_id}", WHOLE_BRAND_MANAGERS, Sight.BRAND,
          body=versioned(name="Апрель")),
    entry("POST", "/v1/programs/{program_id}/publish", WHOLE_BRAND_MANAGERS,
          Sight.BRAND, body=versioned()),
    entry("POST", "/v1/programs/{program_id}/copy", WHOLE_BRAND_MANAGERS,
          Sight.BRAND, body=constant({"period": "2026-07"})),
    entry("POST", "/v1/programs/{program_id}/backtest", WHOLE_BRAND_MANAGERS,
          Sight.BRAND, body=constant({"period": "2026-04"})),
    entry("POST", "/v1/periods/{period}/close", WHOLE_BRAND_MANAGERS, Sight.NONE,
          period="2026-04"),
    entry("POST", "/v1/bonus-runs", WHOLE_BRAND_MANAGERS, Sight.NONE,
          body=constant({"period": "2026-04", "kind": "preview"})),
    entry("GET", "/v1/bonus-runs/{run_id}", IMPORTER, Sight.BRAND),
    entry("GET", "/v1/bonus-runs/{run_id}/export", WHOLE_BRAND_IMPORTER,
          Sight.BRAND),
    entry("GET", "/v1/bonus-runs/{run_id}/statements/{code}", EVERYONE,
          Sight.DEALER, build=_statement()),
    entry("POST", "/v1/bonus-runs/{run_id}/publish", WHOLE_BRAND_MANAGERS,
          Sight.BRAND),
    entry("GET", "/v1/dealers/{code}/checklist", EVERYONE, Sight.DEALER,
          query="?period=2026-04"),
    # creatives
    entry("GET", "/v1/creatives", EVERYONE, Sight.NONE),
    entry("POST", "/v1/creatives", MANAGERS, Sight.NONE, body=constant({
        "title": "Осенний баннер", "file": NEW_FILE})),
    entry("GET", "/v1/creatives/{creative_id}", EVERYONE, Sight.AUDIENCE),
    entry("PATCH", "/v1/creatives/{creative_id}", MANAGERS, Sight.AUDIENCE,
          body=versioned(title="Летний баннер")),
    entry("POST", "/v1/creatives/{creative_id}/versions", MANAGERS,
          Sight.AUDIENCE, body=constant(NEW_FILE)),
    entry("GET", "/v1/creatives/{creative_id}/download", EVERYONE,
          Sight.AUDIENCE),
    # surveys
    entry("GET", "/v1/surveys", EVERYONE, Sight.NONE),
    entry("POST", "/v1/surveys", MANAGERS, Sight.NONE, body=constant(SURVEY)),
    entry("GET", "/v1/surveys/{survey_id}", EVERYONE, Sight.AUDIENCE),
    entry("POST", "/v1/surveys/{survey_id}/responses", DEALER_ONLY,
          Sight.AUDIENCE, body=constant(ANSWERS)),
    entry("GET", "/v1/surveys/{survey_id}/results", IMPORTER, Sight.AUDIENCE),
    # integrations, analytics, imports, BI exports
    entry("POST", "/v1/integrations/{source}/sync", WHOLE_BRAND_MANAGERS,
          Sight.NONE, body=constant({"period": "2026-04"})),
    entry("GET", "/v1/dealers/{code}/lead-source", EVERYONE, Sight.DEALER),
    entry("PUT", "/v1/dealers/{code}/lead-source", ADMIN_ONLY, Sight.DEALER,
          body=constant({"lead_source": "distributor"})),
    entry("GET", "/v1/analytics/network", IMPORTER, Sight.NONE,
          query="?period=2026-04"),
    entry("POST", "/v1/imports", WHOLE_BRAND_MANAGERS, Sight.NONE,
          body=constant({"kind": "sales", "file_name": "продажи.xlsx"})),
    entry("GET", "/v1/imports/{import_id}", MANAGERS, Sight.IMPORT_STAFF),
    entry("POST", "/v1/exports", WHOLE_BRAND_IMPORTER, Sight.NONE,
          body=constant({"period": "2026-04"})),
    entry("GET", "/v1/exports", IMPORTER, Sight.NONE),
    entry("GET", "/v1/exports/{export_id}", IMPORTER, Sight.IMPORTER),
)
