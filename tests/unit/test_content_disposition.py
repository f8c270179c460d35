from urllib.parse import unquote

import pytest

from chalicelib.media.disposition import attachment


def extended_name(header):
    """The name as an RFC 6266 client reads it: `filename*` wins."""
    value = header.split("filename*=", 1)[1].split(";", 1)[0]
    charset, _, encoded = value.split("'", 2)
    assert charset == "UTF-8"
    return unquote(encoded, encoding="utf-8", errors="strict")


@pytest.mark.parametrize("file_name", [
    "Баннер лето 2026.jpg",
    "Aurora X5 — осень.mp4",
    "naïve café.png",
    "план;рекламы,final.pdf",
    "100% «новинка».pdf",
])
def test_the_exact_name_round_trips_through_the_extended_parameter(file_name):
    header = attachment(file_name)

    assert extended_name(header) == file_name


def test_the_header_is_plain_ascii_with_a_quoted_fallback():
    header = attachment("Баннер лето.jpg")

    assert header.isascii()
    assert header.startswith('attachment; filename="')
    assert "filename*=UTF-8''%D0%91%D0%B0%D0%BD%D0%BD%D0%B5%D1%80%20" in header
    assert header.split('"')[1].endswith(".jpg")


@pytest.mark.parametrize(("file_name", "fallback"), [
    ("café.png", "cafe.png"),
    ("Баннер лето 2026.jpg", "Banner leto 2026.jpg"),
    ("Щит «Ёлка».pdf", "Shchit _Elka_.pdf"),
    ("海报.png", "__.png"),
])
def test_the_fallback_name_is_readable_ascii(file_name, fallback):
    assert f'filename="{fallback}"' in attachment(file_name)


@pytest.mark.parametrize("file_name", [
    'evil".jpg; filename="x.exe',
    "../../etc/passwd",
    "line\r\nSet-Cookie: a=b.jpg",
])
def test_quotes_separators_and_line_breaks_cannot_escape_the_header(file_name):
    header = attachment(file_name)

    fallback = header.split('filename="', 1)[1].split('"', 1)[0]
    extended = extended_name(header)
    assert "\r" not in header and "\n" not in header
    assert header.count('"') == 2
    assert "/" not in fallback and "/" not in extended


def test_an_empty_name_still_downloads():
    assert 'filename="download"' in attachment("  ")
