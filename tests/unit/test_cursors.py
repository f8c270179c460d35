"""List cursors: opaque, and refused unless issued by the same list."""

import base64
import json

import pytest

from chalicelib.dynamo import InvalidCursor, decode_cursor, encode_cursor

LAST_DEALER = {"brand_id": {"S": "aurora"}, "code": {"S": "AUR-KGD-01"}}


def _raw(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


def test_a_cursor_names_the_key_it_was_made_from():
    cursor = encode_cursor(LAST_DEALER)

    assert cursor is not None
    assert "=" not in cursor
    assert decode_cursor(cursor, "brand_id", "aurora",
                         other_keys=("code",)) == LAST_DEALER


def test_no_last_key_means_no_cursor_and_no_cursor_means_the_start():
    assert encode_cursor(None) is None
    assert decode_cursor(None, "brand_id", "aurora") is None
    assert decode_cursor("", "brand_id", "aurora") is None


def test_a_cursor_survives_non_ascii_key_values():
    key = {"brand_id": {"S": "aurora"}, "code": {"S": "Калининград-01"}}

    assert decode_cursor(encode_cursor(key), "brand_id", "aurora") == key


@pytest.mark.parametrize(
    "cursor",
    [
        "%%%not-base64%%%",
        "a",
        _raw("just a string")[:-2],
        _raw(["brand_id", "aurora"]),
        _raw({"brand_id": "aurora", "code": "AUR-KGD-01"}),
        _raw({"brand_id": {"N": "1"}, "code": {"S": "AUR-KGD-01"}}),
        _raw({"brand_id": {"S": "aurora", "N": "1"}}),
        _raw({"brand_id": {"S": 7}}),
        base64.urlsafe_b64encode(b"\xff\xfe{").decode(),
    ],
)
def test_a_malformed_cursor_is_invalid_input(cursor):
    with pytest.raises(InvalidCursor):
        decode_cursor(cursor, "brand_id", "aurora")


def test_a_cursor_of_another_brand_is_refused():
    taiga = encode_cursor({"brand_id": {"S": "taiga"}, "code": {"S": "TAI-MSK-01"}})

    with pytest.raises(InvalidCursor, match="another list"):
        decode_cursor(taiga, "brand_id", "aurora", other_keys=("code",))


def test_a_cursor_of_another_list_of_the_same_brand_is_refused():
    users_cursor = encode_cursor(
        {"brand_id": {"S": "aurora"}, "user_id": {"S": "aurora-admin-1"}})

    with pytest.raises(InvalidCursor, match="another list"):
        decode_cursor(users_cursor, "brand_id", "aurora", other_keys=("code",))


@pytest.mark.parametrize(
    "key",
    [
        {"brand_id": {"S": "aurora"}},
        {**LAST_DEALER, "region": {"S": "Москва"}},
    ],
    ids=["missing-range-key", "extra-attribute"],
)
def test_a_cursor_whose_key_does_not_fit_the_list_is_refused(key):
    with pytest.raises(InvalidCursor):
        decode_cursor(encode_cursor(key), "brand_id", "aurora", other_keys=("code",))
