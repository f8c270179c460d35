"""Error messages: every code in Russian and English, chosen by Accept-Language."""

import string

import pytest

from chalicelib.errors import DomainError
from chalicelib.web.errors import CHALICE_CODES
from chalicelib.web.messages import LANGUAGES, MESSAGES, language_of, message

# Codes answered directly, not through an exception class.
LITERAL_CODES = {"internal_error", "not_found", "origin_not_allowed",
                 "route_not_found"}


def _domain_error_codes() -> set[str]:
    import app  # noqa: F401  (loads every area's errors)

    found, pending = set(), [DomainError]
    while pending:
        kind = pending.pop()
        if kind.__module__.split(".")[0] in ("chalicelib", "app"):
            found.add(kind.code)
        pending.extend(kind.__subclasses__())
    return found - {DomainError.code}


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_the_error_classes_of_every_area_are_found():
    codes = _domain_error_codes()

    assert {"dealer_not_found", "invalid_token", "job_not_found",
            "idempotency_key_reused", "invalid_cursor", "malformed_json"} <= codes


@pytest.mark.parametrize(
    "code", sorted(_domain_error_codes() | set(CHALICE_CODES.values()) | LITERAL_CODES)
)
def test_every_error_code_has_a_russian_and_an_english_message(code):
    texts = MESSAGES.get(code, {})

    assert set(LANGUAGES) <= set(texts), f"{code!r} lacks a language"
    assert all(texts[language].strip() for language in LANGUAGES)
    assert _placeholders(texts["ru"]) == _placeholders(texts["en"])


def test_placeholders_are_filled_from_the_error_details():
    text = message("dealer_not_found", "en", {"dealer": "AUR-PKC-01"})

    assert text == "Dealer AUR-PKC-01 was not found."


def test_a_missing_detail_does_not_break_the_message():
    assert message("payload_too_large", "ru", {}) == (
        "Тело запроса больше допустимого (? байт).")


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "ru"),
        ("", "ru"),
        ("en", "en"),
        ("EN-us", "en"),
        ("en-GB,en;q=0.9", "en"),
        ("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", "ru"),
        ("de-DE,en;q=0.5", "en"),
        ("de-DE,fr;q=0.8", "ru"),
        ("*", "ru"),
        ("en;q=0.3, ru;q=0.7", "ru"),
        ("ru;q=0.3, en;q=0.7", "en"),
        ("en;q=0", "ru"),
        ("en;q=zero", "ru"),
        ("en, ru", "en"),
        ("ru, en", "ru"),
        (" en ; q=1 ", "en"),
    ],
)
def test_the_best_supported_language_of_accept_language(header, language):
    assert language_of(header) == language
