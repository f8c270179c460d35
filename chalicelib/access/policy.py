"""The one access policy every route goes through.

Visibility first, then permission (the API contract): an object outside the caller's
brand or scope is reported as not found, exactly as if it did not exist; a
visible object with an action the caller's role may not take is forbidden.
"""

from enum import StrEnum
from typing import Protocol

from chalicelib.access.model import Caller, Role
from chalicelib.errors import Forbidden, NotFound

ADMIN = frozenset({Role.IMPORTER_ADMIN})
MANAGERS = frozenset({Role.IMPORTER_ADMIN, Role.IMPORTER_MANAGER})
IMPORTER = frozenset({Role.IMPORTER_ADMIN, Role.IMPORTER_MANAGER, Role.ANALYST})
EVERYONE = frozenset(Role)
DEALERS = frozenset({Role.DEALER_USER})


class Action(StrEnum):
    READ_BRAND = "brand.read"
    UPDATE_BRAND = "brand.update"
    READ_USERS = "users.read"
    WRITE_USERS = "users.write"
    READ_DEALER = "dealer.read"
    LIST_DEALERS = "dealers.list"
    WRITE_DEALERS = "dealers.write"
    READ_JOB = "job.read"
    READ_PLACEMENTS = "placements.read"
    WRITE_PLACEMENTS = "placements.write"
    DECIDE_PLACEMENTS = "placements.decide"
    READ_REPORTS = "reports.read"
    WRITE_REPORTS = "reports.write"
    DECIDE_REPORTS = "reports.decide"
    READ_BUDGETS = "budgets.read"
    PLAN_BUDGETS = "budgets.plan"
    APPROVE_BUDGETS = "budgets.approve"
    READ_CHANNELS = "channels.read"
    WRITE_CHANNELS = "channels.write"
    READ_AUDIT = "audit.read"
    READ_NOTIFICATIONS = "notifications.read"
    READ_PROGRAMS = "programs.read"
    WRITE_PROGRAMS = "programs.write"
    CLOSE_PERIOD = "periods.close"
    START_BONUS_RUN = "bonus_runs.start"
    READ_BONUS_RUN = "bonus_runs.read"
    PUBLISH_BONUS_RUN = "bonus_runs.publish"
    READ_STATEMENT = "statements.read"
    READ_CHECKLIST = "checklist.read"
    READ_CREATIVES = "creatives.read"
    WRITE_CREATIVES = "creatives.write"
    DOWNLOAD_CREATIVES = "creatives.download"
    READ_SURVEYS = "surveys.read"
    WRITE_SURVEYS = "surveys.write"
    ANSWER_SURVEYS = "surveys.answer"
    READ_SURVEY_RESULTS = "surveys.results"
    MANAGE_NOTIFICATION_TEMPLATES = "notification_templates.manage"
    SYNC_INTEGRATIONS = "integrations.sync"
    IMPORT_FILES = "imports.start"
    READ_NETWORK_ANALYTICS = "analytics.network.read"
    EXPORT_BI = "exports.write"
    READ_EXPORTS = "exports.read"
    UPLOAD_PHOTO = "photo.upload"
    READ_PHOTO = "photo.read"
    DECIDE_PHOTO_FLAG = "photo.flag.decide"


PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.READ_BRAND: EVERYONE,
    Action.UPDATE_BRAND: ADMIN,
    Action.READ_USERS: ADMIN,
    Action.WRITE_USERS: ADMIN,
    Action.READ_DEALER: EVERYONE,
    Action.LIST_DEALERS: EVERYONE,
    Action.WRITE_DEALERS: ADMIN,
    Action.READ_JOB: EVERYONE,
    Action.READ_PLACEMENTS: EVERYONE,
    Action.WRITE_PLACEMENTS: DEALERS,
    Action.DECIDE_PLACEMENTS: MANAGERS,
    Action.READ_REPORTS: EVERYONE,
    Action.WRITE_REPORTS: DEALERS,
    Action.DECIDE_REPORTS: MANAGERS,
    Action.READ_BUDGETS: EVERYONE,
    Action.PLAN_BUDGETS: DEALERS,
    Action.APPROVE_BUDGETS: MANAGERS,
    Action.READ_CHANNELS: EVERYONE,
    Action.WRITE_CHANNELS: ADMIN,
    Action.READ_AUDIT: MANAGERS,
    Action.READ_NOTIFICATIONS: EVERYONE,
    Action.READ_PROGRAMS: EVERYONE,
    Action.WRITE_PROGRAMS: MANAGERS,
    Action.CLOSE_PERIOD: MANAGERS,
    Action.START_BONUS_RUN: MANAGERS,
    Action.READ_BONUS_RUN: IMPORTER,
    Action.PUBLISH_BONUS_RUN: MANAGERS,
    Action.READ_STATEMENT: EVERYONE,
    Action.READ_CHECKLIST: EVERYONE,
    Action.READ_CREATIVES: EVERYONE,
    Action.WRITE_CREATIVES: MANAGERS,
    Action.DOWNLOAD_CREATIVES: EVERYONE,
    Action.READ_SURVEYS: EVERYONE,
    Action.WRITE_SURVEYS: MANAGERS,
    Action.ANSWER_SURVEYS: frozenset({Role.DEALER_USER}),
    Action.READ_SURVEY_RESULTS: IMPORTER,
    Action.MANAGE_NOTIFICATION_TEMPLATES: ADMIN,
    Action.SYNC_INTEGRATIONS: MANAGERS,
    Action.IMPORT_FILES: MANAGERS,
    Action.READ_NETWORK_ANALYTICS: IMPORTER,
    Action.EXPORT_BI: IMPORTER,
    Action.READ_EXPORTS: IMPORTER,
    Action.UPLOAD_PHOTO: frozenset({Role.DEALER_USER}),
    Action.READ_PHOTO: EVERYONE,
    Action.DECIDE_PHOTO_FLAG: MANAGERS,
}


class BrandOwned(Protocol):
    @property
    def brand_id(self) -> str: ...


class DealerOwned(BrandOwned, Protocol):
    """Anything that belongs to one dealer: the dealer itself, its placements."""

    @property
    def dealer_code(self) -> str: ...

    @property
    def region(self) -> str: ...


def ensure_allowed(caller: Caller, action: Action, target: BrandOwned) -> None:
    """Raise unless the caller sees `target` and its role may take `action`."""
    ensure_visible(caller, target)
    ensure_permitted(caller, action)


BRAND_WIDE: frozenset[Action] = frozenset({
    Action.WRITE_PROGRAMS,
    Action.CLOSE_PERIOD,
    Action.START_BONUS_RUN,
    Action.PUBLISH_BONUS_RUN,
    Action.SYNC_INTEGRATIONS,
    Action.IMPORT_FILES,
    Action.EXPORT_BI,
})
"""Actions on the whole brand at once: a manager limited to some regions may
not take them, since they act on (and report about) every region's dealers."""


def ensure_permitted(caller: Caller, action: Action) -> None:
    """Raise unless the role may take `action`; for actions on no single object."""
    if caller.role not in PERMISSIONS[action]:
        raise Forbidden(
            f"Role {caller.role.value!r} may not {action.value!r}.",
            action=action.value,
        )
    if action in BRAND_WIDE and caller.regions:
        raise Forbidden(
            f"A manager of some regions may not {action.value!r}: it acts on "
            "the whole brand.",
            action=action.value,
        )


def ensure_visible(caller: Caller, target: BrandOwned) -> None:
    if not can_see(caller, target):
        raise NotFound("The object is not visible to the caller.")


def can_see(caller: Caller, target: BrandOwned) -> bool:
    if target.brand_id != caller.brand_id:
        return False
    dealer_code = getattr(target, "dealer_code", None)
    if dealer_code is None:
        return True
    if caller.is_dealer:
        return dealer_code in caller.dealer_codes
    if caller.regions:
        return getattr(target, "region", None) in caller.regions
    return True
