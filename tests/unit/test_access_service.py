"""Who is calling, and the brand's users: identification, invitation, changes."""

import pytest

from chalicelib.access import service as access
from chalicelib.access.model import Role
from chalicelib.access.service import (
    InvalidScope,
    UnknownUser,
    UserDisabled,
    UserNotFound,
)
from chalicelib.errors import Forbidden, StaleVersion
from tests.builders import caller, dealer, user
from tests.fakes import FakeDirectory, InMemoryDealers, InMemoryUsers

ADMIN = caller(Role.IMPORTER_ADMIN)


class NamingVerifier:
    """A verifier whose tokens are the subject they name."""

    def subject_of(self, token: str) -> str:
        return token


@pytest.fixture
def users() -> InMemoryUsers:
    return InMemoryUsers(
        user("aurora-admin-1"),
        user("aurora-dealer-1", Role.DEALER_USER, dealer_codes=("AUR-KGD-01",)),
        user("aurora-gone-1", Role.ANALYST, disabled=True),
        user("taiga-admin-1", brand_id="taiga"),
    )


@pytest.fixture
def dealers() -> InMemoryDealers:
    return InMemoryDealers(dealer("AUR-KGD-01"), dealer("AUR-MSK-01"),
                           dealer("TAI-MSK-01", brand_id="taiga"))


@pytest.fixture
def directory() -> FakeDirectory:
    return FakeDirectory()


def test_the_caller_comes_from_the_users_table(users):
    who = access.identify(users, NamingVerifier(), "aurora-dealer-1")

    assert who.brand_id == "aurora"
    assert who.role is Role.DEALER_USER
    assert who.dealer_codes == ("AUR-KGD-01",)


def test_a_valid_token_of_an_unregistered_user_is_unauthenticated(users):
    with pytest.raises(UnknownUser):
        access.identify(users, NamingVerifier(), "stranger")


def test_a_disabled_user_is_forbidden(users):
    with pytest.raises(UserDisabled):
        access.identify(users, NamingVerifier(), "aurora-gone-1")


def test_an_admin_lists_its_brands_users_only_in_pages(users):
    first = access.list_users(users, ADMIN, 2, None)
    rest = access.list_users(users, ADMIN, 2, first.next_cursor)

    listed = [u.user_id for u in first.items + rest.items]
    assert listed == ["aurora-admin-1", "aurora-dealer-1", "aurora-gone-1"]
    assert rest.next_cursor is None


@pytest.mark.parametrize("role", [Role.IMPORTER_MANAGER, Role.ANALYST,
                                  Role.DEALER_USER])
def test_only_an_admin_reads_users(users, role):
    with pytest.raises(Forbidden):
        access.list_users(users, caller(role), 10, None)
    with pytest.raises(Forbidden):
        access.get_user(users, caller(role), "aurora-admin-1")


def test_another_brands_user_is_not_found_before_permission(users):
    with pytest.raises(UserNotFound):
        access.get_user(users, ADMIN, "taiga-admin-1")
    with pytest.raises(UserNotFound):
        access.get_user(users, caller(Role.DEALER_USER), "taiga-admin-1")


def test_an_invited_user_belongs_to_the_admins_brand_with_the_directorys_id(
    users, dealers, directory
):
    invited = user("", Role.DEALER_USER, brand_id="", email="new@example.com",
                   dealer_codes=("AUR-KGD-01", "AUR-MSK-01"))

    saved = access.invite_user(users, dealers, directory, ADMIN, invited)

    assert saved.user_id == "sub-1"
    assert saved.brand_id == "aurora"
    assert saved.version == 1
    assert users.get("sub-1") == saved
    assert directory.invited == ["new@example.com"]


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        (Role.DEALER_USER, {}),
        (Role.DEALER_USER, {"dealer_codes": ("AUR-NONE-01",)}),
        (Role.DEALER_USER, {"dealer_codes": ("TAI-MSK-01",)}),
        (Role.IMPORTER_MANAGER, {"dealer_codes": ("AUR-KGD-01",)}),
        (Role.ANALYST, {"regions": ("Москва",)}),
        (Role.IMPORTER_ADMIN, {"regions": ("Москва",)}),
    ],
    ids=["dealer-without-dealers", "unknown-dealer", "other-brands-dealer",
         "manager-with-dealers", "analyst-with-regions", "admin-with-regions"],
)
def test_a_scope_that_does_not_fit_the_role_invites_nobody(
    users, dealers, directory, role, scope
):
    invited = user("", role, brand_id="", email="new@example.com", **scope)

    with pytest.raises(InvalidScope):
        access.invite_user(users, dealers, directory, ADMIN, invited)

    assert directory.invited == []


def test_an_unknown_dealer_code_is_named_in_the_refusal(users, dealers, directory):
    invited = user("", Role.DEALER_USER, brand_id="", email="new@example.com",
                   dealer_codes=("AUR-KGD-01", "AUR-NONE-01"))

    with pytest.raises(InvalidScope) as refused:
        access.invite_user(users, dealers, directory, ADMIN, invited)

    assert refused.value.details == {"dealers": ["AUR-NONE-01"]}


def test_a_regional_manager_may_be_invited(users, dealers, directory):
    invited = user("", Role.IMPORTER_MANAGER, brand_id="", email="m@example.com",
                   regions=("Москва",))

    saved = access.invite_user(users, dealers, directory, ADMIN, invited)

    assert saved.regions == ("Москва",)


def test_only_an_admin_invites(users, dealers, directory):
    invited = user("", Role.ANALYST, brand_id="", email="new@example.com")

    with pytest.raises(Forbidden):
        access.invite_user(users, dealers, directory, caller(Role.IMPORTER_MANAGER),
                           invited)

    assert directory.invited == []


def test_disabling_a_user_also_disables_its_sign_in(users, dealers, directory):
    target = users.get("aurora-dealer-1")

    saved = access.update_user(users, dealers, directory, ADMIN, "aurora-dealer-1",
                               {"disabled": True}, target.version)

    assert saved.disabled
    assert directory.enabled == {target.email: False}
    with pytest.raises(UserDisabled):
        access.identify(users, NamingVerifier(), "aurora-dealer-1")


def test_a_change_that_keeps_the_status_leaves_the_sign_in_alone(users, dealers,
                                                                 directory):
    access.update_user(users, dealers, directory, ADMIN, "aurora-dealer-1",
                       {"name": "Андрей Янтарев"}, 1)

    assert directory.enabled == {}


def test_a_role_change_must_bring_a_fitting_scope(users, dealers, directory):
    with pytest.raises(InvalidScope):
        access.update_user(users, dealers, directory, ADMIN, "aurora-dealer-1",
                           {"role": Role.ANALYST}, 1)

    promoted = access.update_user(users, dealers, directory, ADMIN,
                                  "aurora-dealer-1",
                                  {"role": Role.ANALYST, "dealer_codes": ()}, 1)

    assert promoted.role is Role.ANALYST
    assert users.get("aurora-dealer-1").role is Role.ANALYST


def test_a_user_change_on_a_stale_version_loses(users, dealers, directory):
    access.update_user(users, dealers, directory, ADMIN, "aurora-dealer-1",
                       {"name": "Первое имя"}, 1)

    with pytest.raises(StaleVersion):
        access.update_user(users, dealers, directory, ADMIN, "aurora-dealer-1",
                           {"name": "Второе имя"}, 1)

    assert users.get("aurora-dealer-1").name == "Первое имя"


def test_another_brands_user_cannot_be_changed(users, dealers, directory):
    with pytest.raises(UserNotFound):
        access.update_user(users, dealers, directory, ADMIN, "taiga-admin-1",
                           {"disabled": True}, 1)

    assert not users.get("taiga-admin-1").disabled
