"""Request models: exact JSON types, no unknown fields, known values only."""

import json

import pytest
from pydantic import ValidationError

from chalicelib.access.model import Role
from chalicelib.access.schemas import Invitation, UserUpdate
from chalicelib.network.schemas import BrandUpdate, DealerUpdate, NewDealer
from chalicelib.paging import DEFAULT_LIMIT, MAX_LIMIT
from chalicelib.web.schemas import ListQuery

NEW_DEALER = {"code": "AUR-TVR-01", "name": "Аврора Тверь", "city": "Тверь",
              "region": "Тверская область", "time_zone": "Europe/Moscow",
              "category": "standard"}
INVITATION = {"email": "new.marketer@example.com", "name": "Мария Новикова",
              "role": "dealer_user", "dealer_codes": ["AUR-KGD-01"]}


def _problems(model, body) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as invalid:
        model.model_validate_json(json.dumps(body))
    return [(".".join(map(str, e["loc"])), e["type"]) for e in invalid.value.errors()]


def test_a_complete_new_dealer_is_accepted():
    assert NewDealer.model_validate_json(json.dumps(NEW_DEALER)).dealer().code == (
        "AUR-TVR-01")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"version": "5", "report_due_days": 7}, "version"),
        ({"version": 1, "report_due_days": "7"}, "report_due_days"),
        ({"version": 1, "report_due_days": 7.0}, "report_due_days"),
        ({"version": True}, "version"),
        ({"version": 1, "reminder_days": ["3"]}, "reminder_days.0"),
    ],
)
def test_a_number_sent_as_another_json_type_is_refused(body, field):
    assert field in [location for location, _ in _problems(BrandUpdate, body)]


def test_a_boolean_sent_as_a_string_is_refused():
    assert ("disabled", "bool_type") in _problems(
        UserUpdate, {"version": 1, "disabled": "true"})


@pytest.mark.parametrize("model, body", [
    (NewDealer, {**NEW_DEALER, "dealer_secret": "x"}),
    (BrandUpdate, {"version": 1, "brand_id": "taiga"}),
    (UserUpdate, {"version": 1, "brand_id": "taiga"}),
    (Invitation, {**INVITATION, "user_id": "chosen-by-client"}),
    (DealerUpdate, {"version": 1, "code": "AUR-OTHER-01"}),
])
def test_unknown_fields_are_refused_not_ignored(model, body):
    assert any(kind == "extra_forbidden" for _, kind in _problems(model, body))


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_every_role_of_api_md_may_be_invited(role):
    scope = {"dealer_codes": ["AUR-KGD-01"]} if role == "dealer_user" else {}
    body = {**INVITATION, "role": role, "dealer_codes": [], **scope}

    assert Invitation.model_validate_json(json.dumps(body)).role is Role(role)


@pytest.mark.parametrize("role", ["superuser", "Importer_Admin", "", 1])
def test_a_role_outside_api_md_is_refused(role):
    assert ("role", "enum") in _problems(Invitation, {**INVITATION, "role": role})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("time_zone", "Europe/Tver"),
        ("time_zone", "MSK"),
        ("code", "aur-tvr-01"),
        ("code", "A"),
        ("category", "Flagship"),
        ("name", ""),
    ],
)
def test_a_new_dealer_with_a_bad_value_names_the_field(field, value):
    problems = _problems(NewDealer, {**NEW_DEALER, field: value})

    assert field in [location for location, _ in problems]


@pytest.mark.parametrize("zone", ["Europe/Kaliningrad", "Asia/Kamchatka",
                                  "Asia/Srednekolymsk", "UTC"])
def test_iana_zones_of_the_bundled_database_are_accepted(zone):
    assert NewDealer.model_validate_json(
        json.dumps({**NEW_DEALER, "time_zone": zone})).time_zone == zone


@pytest.mark.parametrize("email", ["no-at-sign", "two@@example.com", "a b@example.com",
                                   "user@localhost"])
def test_an_invitation_needs_an_e_mail_address(email):
    assert "email" in [loc for loc, _ in _problems(Invitation, {**INVITATION,
                                                                "email": email})]


def test_a_partial_update_changes_only_the_fields_sent():
    update = BrandUpdate.model_validate_json(
        json.dumps({"version": 3, "reminder_days": [1, 3, 3], "name": None}))

    assert update.version == 3
    assert update.changes() == {"reminder_days": (1, 3)}


@pytest.mark.parametrize("body", [{}, {"version": 0}, {"report_due_days": 3}])
def test_a_partial_update_needs_the_version_it_applies_to(body):
    assert "version" in [location for location, _ in _problems(BrandUpdate, body)]


@pytest.mark.parametrize(("field", "value"), [
    ("period_close_day", 29), ("max_photo_mb", 21), ("report_due_days", -1),
    ("reminder_days", [0]), ("reminder_days", [1, 2, 3, 4, 5, 6]),
    ("currency", "rub"),
])
def test_brand_settings_stay_within_their_bounds(field, value):
    problems = _problems(BrandUpdate, {"version": 1, field: value})

    assert any(location.startswith(field) for location, _ in problems)


def test_list_query_parameters_arrive_as_strings_and_are_converted():
    query = ListQuery.model_validate({"limit": "30", "cursor": "abc"})

    assert (query.limit, query.cursor) == (30, "abc")
    assert ListQuery.model_validate({}).limit == DEFAULT_LIMIT


@pytest.mark.parametrize("limit", ["0", str(MAX_LIMIT + 1), "ten", "-5"])
def test_a_limit_outside_the_page_bounds_is_refused(limit):
    with pytest.raises(ValidationError):
        ListQuery.model_validate({"limit": limit})
