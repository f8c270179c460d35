"""Use cases of authentication and of the brand's users."""

from chalicelib.access.model import Caller, Role, User
from chalicelib.access.policy import Action, ensure_permitted
from chalicelib.access.ports import Directory, UserRepository
from chalicelib.access.tokens import TokenVerifier
from chalicelib.errors import Forbidden, NotFound, RuleViolated, Unauthenticated
from chalicelib.network.ports import DealerRepository
from chalicelib.paging import Page


class UnknownUser(Unauthenticated):
    """The token is valid but names no user of this app."""

    code = "unknown_user"


class UserDisabled(Forbidden):
    """The user exists but an admin disabled it."""

    code = "user_disabled"


class UserNotFound(NotFound):
    """No user of the caller's brand has this id."""

    code = "user_not_found"

    def __init__(self, user_id: str) -> None:
        super().__init__(f"User {user_id!r} was not found.", user_id=user_id)


class InvalidScope(RuleViolated):
    """A role's scope does not fit it: a dealer user without dealers, unknown codes."""

    code = "invalid_scope"


def identify(users: UserRepository, verifier: TokenVerifier, token: str) -> Caller:
    """The caller behind a bearer token, from the app's own users table."""
    user_id = verifier.subject_of(token)
    user = users.get(user_id)
    if user is None:
        raise UnknownUser(f"No user {user_id!r} is registered.")
    if user.disabled:
        raise UserDisabled(f"User {user_id!r} is disabled.")
    return Caller(user)


def list_users(
    users: UserRepository, caller: Caller, limit: int, cursor: str | None
) -> Page[User]:
    ensure_permitted(caller, Action.READ_USERS)
    return users.list(caller.brand_id, limit, cursor)


def get_user(users: UserRepository, caller: Caller, user_id: str) -> User:
    user = users.get(user_id)
    if user is None or user.brand_id != caller.brand_id:
        raise UserNotFound(user_id)
    ensure_permitted(caller, Action.READ_USERS)
    return user


def invite_user(
    users: UserRepository,
    dealers: DealerRepository,
    directory: Directory,
    caller: Caller,
    invited: User,
) -> User:
    """Create the sign-in account and the user's record with its role and scope."""
    ensure_permitted(caller, Action.WRITE_USERS)
    invited = invited.changed(brand_id=caller.brand_id)
    _check_scope(dealers, invited)
    user_id = directory.invite(invited.email, invited.name)
    return users.save(invited.changed(user_id=user_id), expected_version=None)


def update_user(
    users: UserRepository,
    dealers: DealerRepository,
    directory: Directory,
    caller: Caller,
    user_id: str,
    changes: dict,
    version: int,
) -> User:
    user = get_user(users, caller, user_id)
    ensure_permitted(caller, Action.WRITE_USERS)
    updated = user.changed(**changes)
    _check_scope(dealers, updated)
    saved = users.save(updated, expected_version=version)
    if saved.disabled != user.disabled:
        directory.set_enabled(saved.email, not saved.disabled)
    return saved


def _check_scope(dealers: DealerRepository, user: User) -> None:
    if user.role is Role.DEALER_USER:
        if not user.dealer_codes:
            raise InvalidScope("A dealer user needs at least one dealer code.")
        known = dealers.get_many(user.brand_id, sorted(set(user.dealer_codes)))
        unknown = sorted(set(user.dealer_codes) - {dealer.code for dealer in known})
        if unknown:
            raise InvalidScope(f"Unknown dealer codes: {unknown!r}.", dealers=unknown)
    elif user.dealer_codes:
        raise InvalidScope("Only a dealer user works for dealers.")
    if user.regions and user.role is not Role.IMPORTER_MANAGER:
        raise InvalidScope("Only a manager is limited to regions.")
