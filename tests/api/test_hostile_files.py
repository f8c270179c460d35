"""Hostile file names and files through the API and its upload handlers: a
name is data only (never part of an object key, safe in a download's
Content-Disposition), text with hidden characters is refused, and a file
that cannot be what it says ends in a clear stored outcome. Also deeply
nested JSON into authenticated bodies."""

import io
import unicodedata
import zipfile
from urllib.parse import parse_qs, unquote, urlparse

import pytest
import requests

from chalicelib.access.model import Role
from chalicelib.media.disposition import attachment
from tests.api.conftest import json_of
from tests.api.test_creatives import Library, run_uploads_queue
from tests.api.test_imports import deliver_uploads, run_import, start, upload, xlsx
from tests.api.test_photos import KGD, ask, listed_placements, photos_bucket

__all__ = ["listed_placements", "photos_bucket"]  # autouse fixtures, used here

JSON = {"Content-Type": "application/json"}

NFC = unicodedata.normalize("NFC", "Ёлка у салона.jpg")
NFD = unicodedata.normalize("NFD", NFC)
STORED_AS_DATA = {
    "parent-dirs": "../../../etc/passwd.jpg",
    "absolute": "/etc/passwd.jpg",
    "backslashes": "..\\..\\Windows\\System32\\drivers.jpg",
    "drive": "C:\\Users\\dealer\\IMG_0001.jpg",
    "windows-reserved": "CON.jpg",
    "windows-reserved-device": "LPT1",
    "trailing-dot-space": "photo.jpg. ",
    "quotes-semicolons": 'a"; filename="evil.html.jpg',
    "percent-escapes": "%2e%2e%2fetc%2fpasswd.jpg",
    "nfc": NFC,
    "nfd": NFD,
    "longest": "щ" * 251 + ".jpg",
}
REFUSED = {
    "nul": "IMG\x00.jpg",
    "right-to-left-override": "IMG_\u202egpj.exe",
    "line-break": "IMG\r\nSet-Cookie: a=b.jpg",
    "too-long": "a" * 256,
}


@pytest.mark.parametrize("name", STORED_AS_DATA.values(), ids=STORED_AS_DATA.keys())
def test_a_photo_name_with_path_tricks_is_kept_as_data_and_not_in_the_key(
    client, auth, name
):
    reply = ask(client, auth, KGD, "AUR-KGD-01", file_name=name)

    body = json_of(reply)
    dealer = auth(Role.DEALER_USER, dealer="AUR-KGD-01")
    photo = json_of(client.http.get(f"/v1/photos/{body['photo_id']}",
                                    headers=dealer))
    key = body["upload"]["fields"]["key"]
    assert reply.status_code == 201
    assert key == f"aurora/AUR-KGD-01/{KGD}/{body['photo_id']}"
    assert photo["file_name"] == name


@pytest.mark.parametrize("name", REFUSED.values(), ids=REFUSED.keys())
def test_a_photo_name_with_hidden_characters_or_too_long_is_refused(
    client, auth, name
):
    reply = ask(client, auth, KGD, "AUR-KGD-01", file_name=name)

    assert reply.status_code == 400
    assert json_of(reply)["details"]["errors"][0]["field"] == "file_name"


def test_nfc_and_nfd_spellings_of_one_name_are_two_uploads_under_their_own_keys(
    client, auth
):
    first = json_of(ask(client, auth, KGD, "AUR-KGD-01", file_name=NFC))
    second = json_of(ask(client, auth, KGD, "AUR-KGD-01", file_name=NFD))

    assert NFC != NFD
    assert first["upload"]["fields"]["key"] != second["upload"]["fields"]["key"]


# --- creatives ----------------------------------------------------------------


@pytest.fixture
def library(client, auth, demo):
    from chalicelib import wiring
    from tests.media_fakes import RecordingNotifier

    wiring.use(notifier=RecordingNotifier())
    return Library(client, auth)


IN_DISPOSITIONS = {key: STORED_AS_DATA[key] for key in (
    "parent-dirs", "backslashes", "windows-reserved", "trailing-dot-space",
    "quotes-semicolons", "percent-escapes", "nfd")}


@pytest.mark.parametrize("name", IN_DISPOSITIONS.values(), ids=IN_DISPOSITIONS.keys())
def test_a_creative_name_with_path_tricks_downloads_under_a_safe_disposition(
    library, name
):
    creative_id = library.publish(file={"file_name": name,
                                        "content_type": "image/jpeg",
                                        "size": 50_000})
    dealer = library.dealer("AUR-KGD-01")

    link = json_of(library.client.http.get(f"/v1/creatives/{creative_id}/download",
                                           headers=dealer))
    served = requests.get(link["url"], timeout=10)
    disposition = served.headers["Content-Disposition"]
    query = parse_qs(urlparse(link["url"]).query)

    assert link["file_name"] == name
    assert "/original" in urlparse(link["url"]).path
    assert disposition == query["response-content-disposition"][0]
    assert disposition.startswith('attachment; filename="')
    fallback = disposition.split('filename="')[1].split('"; filename*=')[0]
    assert all(" " <= ch <= "~" for ch in fallback)
    assert not set(fallback) & set('/\\"\r\n')
    encoded = disposition.split("filename*=UTF-8''")[1]
    assert not set(encoded) & set(' "/\\;\r\n')
    assert unquote(encoded) == name.strip().replace("/", "_").replace(
        "\\", "_").replace('"', "_")


def test_a_name_with_bidirectional_marks_never_reaches_a_disposition_unchanged():
    # The API refuses such names; the disposition drops them all the same.
    header = attachment("IMG_\u202egpj.exe")

    assert "\u202e" not in unquote(header.split("filename*=UTF-8''")[1])
    assert "%E2%80%AE" not in header


def _png_declaring(width: int, height: int) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


EPS = (b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 100 100\n"
       b"(/etc/passwd) (r) file\nshowpage\n")
SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9">'
       b"<script>alert(1)</script></svg>")


@pytest.mark.parametrize("content", [
    _png_declaring(50_000, 50_000), _png_declaring(9_000, 9_000), EPS, SVG,
    b"\xff\xd8\xff\xe0" + b"\x00" * 100,
], ids=["png-50000x50000", "png-9000x9000", "eps-as-jpeg", "svg-as-jpeg",
        "truncated-jpeg"])
def test_a_creative_image_that_cannot_be_previewed_is_published_without_previews(
    library, content
):
    registered = library.register(file={"file_name": "banner.jpg",
                                        "content_type": "image/jpeg",
                                        "size": len(content)})
    form = registered["upload"]
    posted = requests.post(form["url"], data=form["fields"],
                           files={"file": ("banner.jpg", content, "image/jpeg")},
                           timeout=10)
    run_uploads_queue()

    creative_id = registered["creative"]["creative_id"]
    shown = json_of(library.client.http.get(f"/v1/creatives/{creative_id}",
                                            headers=library.manager))
    assert posted.status_code in (200, 204)
    assert shown["status"] == "published"
    assert shown["current_version"]["preview_urls"] == {}


# --- imports ------------------------------------------------------------------


@pytest.fixture
def manager(auth):
    return auth(Role.IMPORTER_MANAGER)


@pytest.mark.parametrize("name", [
    "../../../uploads/taiga/imp-x/plan.xlsx", "/etc/plan.xlsx",
    "C:\\plans\\..\\plan.xlsx", "CON.xlsx", NFD.replace(".jpg", ".csv"),
])
def test_an_import_name_with_path_tricks_is_data_and_the_key_its_own(
    client, manager, name
):
    reply = start(client, manager, file_name=name)

    body = json_of(reply)
    extension = name.rsplit(".", 1)[1]
    assert reply.status_code == 201
    assert body["file_name"] == name
    assert body["upload"]["fields"]["key"] == (
        f"uploads/aurora/{body['import_id']}/upload.{extension}")


def _rewritten(workbook: bytes, part: str, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(workbook))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info.filename,
                            change(data) if info.filename == part else data)
    return out.getvalue()


PLAN = [["dealer_code", "period", "units"], ["AUR-MSK-01", "2026-11", 12]]
SHEET = "xl/worksheets/sheet1.xml"


def zip_bomb() -> bytes:
    """Under 1 MB packed, 300 MB unpacked (one XML comment of zeros)."""
    padding = b"<!--" + b"0" * 300_000_000 + b"-->"
    return _rewritten(xlsx(PLAN), SHEET,
                      lambda xml: xml.replace(b"<sheetData>", b"<sheetData>" + padding))


def endless_sheet() -> bytes:
    """A few KB declaring the last row and column of Excel: read naively, a
    million rows of 16,384 cells."""
    def change(xml: bytes) -> bytes:
        last = b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row>'
        return xml.replace(b"</sheetData>", last + b"</sheetData>")
    return _rewritten(xlsx(PLAN), SHEET, change)


def shared_strings_bomb() -> bytes:
    """About 150 KB packed: 3.7 million one-letter shared strings (60 MB of
    XML, under the whole file's limit) that openpyxl would read before the
    first row, for a minute and 220 MB."""
    strings = (b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/'
               b'spreadsheetml/2006/main">' + b"<si><t>a</t></si>" * 3_700_000
               + b"</sst>")
    override = (b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
    typed = _rewritten(xlsx(PLAN), "[Content_Types].xml",
                       lambda xml: xml.replace(b"</Types>", override + b"</Types>"))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(typed)) as source, \
            zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != "xl/sharedStrings.xml":
                target.writestr(info.filename, source.read(info.filename))
        target.writestr("xl/sharedStrings.xml", strings)
    return out.getvalue()


def wide_row() -> bytes:
    """About 56 KB packed: one row of a million cells, which openpyxl holds
    whole before it yields a cell (570 MB)."""
    def change(xml: bytes) -> bytes:
        row = b'<row r="3">' + b'<c t="n"><v>1</v></c>' * 1_000_000 + b"</row>"
        return xml.replace(b"</sheetData>", row + b"</sheetData>")
    return _rewritten(xlsx(PLAN), SHEET, change)


@pytest.mark.parametrize(("content", "problem"), [
    (zip_bomb(), "too_large_unpacked"),
    (shared_strings_bomb(), "too_large_unpacked"),
    (wide_row(), "too_large_unpacked"),
    (endless_sheet(), "too_many_rows"),
    (b"PK\x03\x04" + b"\x00" * 200, "unreadable_file"),
    (b"<html><body>not a workbook</body></html>", "unreadable_file"),
], ids=["zip-bomb", "shared-strings-bomb", "wide-row", "endless-sheet",
        "broken-zip", "html-as-xlsx"])
def test_a_hostile_workbook_fails_the_import_with_a_problem_and_applies_nothing(
    client, auth, manager, content, problem
):
    reply = json_of(start(client, manager))
    upload(reply, content)

    deliver_uploads()
    job = run_import(client, manager, reply["import_id"])

    assert job.status == "succeeded"
    assert job.result["applied"] is False
    assert [p["problem"] for p in job.result["problems"]] == [problem]
    view = json_of(client.http.get("/v1/analytics/network?period=2026-11",
                                   headers=auth(Role.ANALYST)))
    assert view["totals"]["sales_plan_units"] == 0


@pytest.mark.parametrize("content", [
    b"dealer_code,period,units\nAUR-MSK-01,2026-11,\"" + b"1" * 200_000 + b"\"\n",
    # A stray quote: the rest of the file becomes one field.
    b"dealer_code,period,units\nAUR-MSK-01,2026-11,\"12\n"
    + b"AUR-MSK-02,2026-11,7\n" * 10_000,
    # One line of a million separators: the reader would build a million fields.
    b"dealer_code,period,units\nAUR-MSK-01,2026-11,12" + b"," * 1_000_000 + b"\n",
], ids=["field-of-200-KB", "unclosed-quote", "million-separators"])
def test_a_csv_past_the_readers_limits_fails_the_import_with_a_problem(
    client, auth, manager, content
):
    reply = json_of(start(client, manager, file_name="plan-2026-11.csv"))
    upload(reply, content)

    deliver_uploads()
    job = run_import(client, manager, reply["import_id"])

    assert job.status == "succeeded", job
    assert job.result["applied"] is False
    assert [p["problem"] for p in job.result["problems"]] == ["unreadable_file"]


# --- deeply nested JSON into authenticated bodies ------------------------------


def _nested(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


@pytest.mark.parametrize(("path", "body"), [
    ("/v1/placements", "[" * 100_000 + "]" * 100_000),
    ("/v1/placements", '{"dealer_code": "AUR-KGD-01", "title": ' + _nested(50_000)
     + "}"),
    ("/v1/creatives", '{"title": "x", "tags": ' + "[" * 20_000 + "]" * 20_000
     + "}"),
    ("/v1/imports", _nested(100_000)),
], ids=["array-100000", "object-in-field-50000", "array-in-list-20000",
        "object-100000"])
def test_deeply_nested_json_in_an_authenticated_body_is_a_bad_request(
    client, auth, path, body
):
    headers = auth(Role.IMPORTER_ADMIN, **JSON)

    response = client.http.post(path, headers=headers, body=body)

    assert response.status_code == 400
    assert json_of(response)["code"] == "malformed_json"
