"""Spreadsheets of targets, sales and traffic: rows in, checked figures out.

Pure: takes the file's bytes, returns typed rows and one problem per bad
row (unknown dealer, bad number, bad date, duplicate row, missing column).
The import applies a file only when it has no problem at all
(all-or-nothing per file, see README.md), so nothing is half-imported.
"""

import csv
import io
import itertools
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any
from xml.parsers import expat

from chalicelib.integrations.model import (
    PERIOD_PATTERN,
    SalesFigure,
    SalesTarget,
    TrafficFigure,
)

MAX_ROWS = 50_000
MAX_READ_ROWS = 2 * MAX_ROWS
"""Rows read at most, blank ones included: a sheet may declare a million
empty rows in a few bytes."""
MAX_COLUMNS = 32
"""Columns read of each row (the widest kind has six): a sheet may declare
16,384."""
MAX_LINE_SEPARATORS = 1_000
"""Separators on one line of a CSV at most (the widest kind has six columns;
a quoted comment may hold more)."""
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
"""What an xlsx may unpack to, all its parts together: 50,000 rows take about
15 MB; a zip bomb of a few hundred KB unpacks to gigabytes."""
MAX_PARTS = 1_000
MAX_ROW_CELLS = 16_384
"""Cells in one row at most: Excel's last column is XFD, the 16,384th."""
MAX_SIDE_PART_BYTES = 8 * 1024 * 1024
"""What any part besides the worksheets may unpack to. openpyxl reads the
shared strings whole before the first row: 60 MB of one-letter strings (a
150 KB upload) took a minute and 220 MB, past a default Lambda's 128 MB and
60 s. An import's strings (dealer codes, periods, models) repeat; 50,000
rows of six unique strings each take about 8 MB."""


class ImportKind(StrEnum):
    TARGETS = "targets"
    SALES = "sales"
    TRAFFIC = "traffic"


COLUMNS: dict[ImportKind, tuple[str, ...]] = {
    ImportKind.TARGETS: ("dealer_code", "period", "units", "revenue"),
    ImportKind.SALES: ("dealer_code", "model", "date", "units", "revenue"),
    ImportKind.TRAFFIC: ("dealer_code", "channel", "date", "visits", "calls",
                         "online_leads"),
}
OPTIONAL = {"revenue"}


class Problem(StrEnum):
    UNKNOWN_DEALER = "unknown_dealer"
    BAD_NUMBER = "bad_number"
    BAD_DATE = "bad_date"
    DUPLICATE_ROW = "duplicate_row"
    MISSING_COLUMN = "missing_column"
    TOO_MANY_ROWS = "too_many_rows"
    UNREADABLE_FILE = "unreadable_file"
    TOO_LARGE_UNPACKED = "too_large_unpacked"


class _TooLargeUnpacked(ValueError):
    """The xlsx would unpack to more than `MAX_UNPACKED_BYTES`."""


@dataclass(slots=True)
class Checked:
    """A file's rows after checking."""

    kind: ImportKind
    rows: int = 0
    figures: list[Any] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    """`row` (1-based, the header is row 1), `column`, `problem`, `value`."""


class _RowError(Exception):
    def __init__(self, problem: Problem, column: str, value: Any) -> None:
        super().__init__(problem.value)
        self.problem, self.column, self.value = problem, column, value


def check_file(kind: ImportKind, file_name: str, body: bytes,
               known_dealers: frozenset[str]) -> Checked:
    checked = Checked(kind)
    try:
        rows = list(itertools.islice(_rows_of(file_name, body), MAX_READ_ROWS + 1))
    except _TooLargeUnpacked as exc:
        checked.problems.append({"row": 0, "column": None,
                                 "problem": Problem.TOO_LARGE_UNPACKED.value,
                                 "value": str(exc)})
        return checked
    except (ValueError, KeyError, OSError, UnicodeDecodeError, EOFError,
            zipfile.BadZipFile, csv.Error, expat.ExpatError) as exc:
        checked.problems.append({"row": 0, "column": None,
                                 "problem": Problem.UNREADABLE_FILE.value,
                                 "value": type(exc).__name__})
        return checked
    if not rows:
        checked.problems.append({"row": 1, "column": None,
                                 "problem": Problem.MISSING_COLUMN.value,
                                 "value": None})
        return checked
    header = [str(cell or "").strip().lower() for cell in rows[0]]
    missing = [c for c in COLUMNS[kind] if c not in header and c not in OPTIONAL]
    if missing:
        checked.problems.extend({"row": 1, "column": column,
                                 "problem": Problem.MISSING_COLUMN.value,
                                 "value": None} for column in missing)
        return checked
    body_rows = [row for row in rows[1:] if any(_blank(c) is not None for c in row)]
    if len(body_rows) > MAX_ROWS or len(rows) > MAX_READ_ROWS:
        checked.problems.append({"row": MAX_ROWS + 2, "column": None,
                                 "problem": Problem.TOO_MANY_ROWS.value,
                                 "value": max(len(body_rows), len(rows) - 1)})
        return checked
    seen: dict[tuple, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        cells = dict(zip(header, row, strict=False))
        if all(_blank(value) is None for value in cells.values()):
            continue
        checked.rows += 1
        try:
            figure = _figure(kind, cells, known_dealers)
        except _RowError as error:
            checked.problems.append({"row": number, "column": error.column,
                                     "problem": error.problem.value,
                                     "value": _shown(error.value)})
            continue
        identity = _identity(figure)
        if identity in seen:
            checked.problems.append({"row": number, "column": None,
                                     "problem": Problem.DUPLICATE_ROW.value,
                                     "value": f"same as row {seen[identity]}"})
            continue
        seen[identity] = number
        checked.figures.append(figure)
    return checked


def _rows_of(file_name: str, body: bytes) -> Iterator[tuple[Any, ...]]:
    if file_name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        _check_unpacked_size(body)
        book = load_workbook(io.BytesIO(body), read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            # The sheet's own <dimension> may lie both ways: too small
            # would drop rows silently, too large pads every row.
            sheet.reset_dimensions()
            yield from sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        finally:
            book.close()
        return
    text = body.decode("utf-8-sig")
    # Russian Excel writes CSV with semicolons; others with commas.
    delimiter = ";" if text.split("\n", 1)[0].count(";") > text.split(
        "\n", 1)[0].count(",") else ","
    _check_line_widths(text, delimiter)
    # The columns read as of an xlsx: every row is kept until the end.
    yield from (tuple(row[:MAX_COLUMNS])
                for row in csv.reader(io.StringIO(text), delimiter=delimiter))


def _check_line_widths(text: str, delimiter: str) -> None:
    """The csv reader builds a whole row before it is cut to MAX_COLUMNS:
    19 MB of commas on one line took 280 MB. A line of more separators than
    MAX_LINE_SEPARATORS is refused (counted as written, quoted or not)."""
    for number, line in enumerate(io.StringIO(text), start=1):
        if line.count(delimiter) > MAX_LINE_SEPARATORS:
            raise ValueError(f"line {number} has over {MAX_LINE_SEPARATORS} "
                             f"{delimiter!r} separators")


def _check_unpacked_size(body: bytes) -> None:
    """Refuse a zip bomb before anything unpacks it. The sizes the archive
    declares bound what unpacking yields: Python's zipfile stops at the
    declared size (and a short part fails its CRC check)."""
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        parts = archive.infolist()
        unpacked = sum(part.file_size for part in parts)
    if len(parts) > MAX_PARTS or unpacked > MAX_UNPACKED_BYTES:
        raise _TooLargeUnpacked(f"{len(parts)} parts, {unpacked} bytes unpacked")
    for part in parts:
        side = not part.filename.lower().startswith("xl/worksheets/")
        if side and part.file_size > MAX_SIDE_PART_BYTES:
            raise _TooLargeUnpacked(
                f"{part.filename!r} unpacks to {part.file_size} bytes")
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        for part in parts:
            name = part.filename.lower()
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                _check_row_widths(archive, part)


def _check_row_widths(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> None:
    """openpyxl holds a whole row before it hands out its first cells: one
    row of a million cells (a 56 KB upload) took 570 MB. Count the cells of
    each row with expat, which keeps no tree, and refuse a row wider than
    Excel's own last column."""
    cells = 0

    def start(tag: str, _attributes: dict[str, str]) -> None:
        nonlocal cells
        local = tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]
        if local == "row":
            cells = 0
        elif local == "c":
            cells += 1
            if cells > MAX_ROW_CELLS:
                raise _TooLargeUnpacked(
                    f"a row of {part.filename!r} has over {MAX_ROW_CELLS} cells")

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = start
    with archive.open(part) as stream:
        while chunk := stream.read(1 << 20):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)


def _figure(kind: ImportKind, cells: dict[str, Any],
            known: frozenset[str]) -> Any:
    dealer = _text(cells, "dealer_code")
    if dealer not in known:
        raise _RowError(Problem.UNKNOWN_DEALER, "dealer_code", dealer)
    if kind is ImportKind.TARGETS:
        period = _text(cells, "period")
        if not PERIOD_PATTERN.match(period):
            raise _RowError(Problem.BAD_DATE, "period", period)
        revenue = _money(cells, "revenue") if _blank(cells.get("revenue")) else None
        return SalesTarget(dealer, period, _count(cells, "units"), revenue)
    day = _day(cells, "date")
    if kind is ImportKind.SALES:
        return SalesFigure(dealer, _text(cells, "model"), day,
                           _count(cells, "units"), _money(cells, "revenue"))
    return TrafficFigure(dealer, _text(cells, "channel"), day,
                         _count(cells, "visits"), _count(cells, "calls"),
                         _count(cells, "online_leads"))


def _identity(figure: Any) -> tuple:
    if isinstance(figure, SalesTarget):
        return (figure.dealer_code, figure.period)
    if isinstance(figure, SalesFigure):
        return (figure.dealer_code, figure.model, figure.day)
    return (figure.dealer_code, figure.channel, figure.day)


def _blank(value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return value


def _text(cells: dict[str, Any], column: str) -> str:
    value = _blank(cells.get(column))
    if value is None:
        raise _RowError(Problem.MISSING_COLUMN, column, None)
    return str(value).strip()


def _count(cells: dict[str, Any], column: str) -> int:
    value = _blank(cells.get(column))
    try:
        number = Decimal(str(value).strip().replace(" ", "").replace("\u00a0", ""))
    except (InvalidOperation, ValueError):
        raise _RowError(Problem.BAD_NUMBER, column, value) from None
    if not number.is_finite() or number != number.to_integral_value() or number < 0:
        raise _RowError(Problem.BAD_NUMBER, column, value)
    return int(number)


def _money(cells: dict[str, Any], column: str) -> Decimal:
    value = _blank(cells.get(column))
    if isinstance(value, float):
        # openpyxl reads numeric cells as float; a money cell goes through
        # its shortest repr, which is what the sheet shows.
        value = repr(value)
    text = str(value).strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
    try:
        amount = Decimal(text)
    except (InvalidOperation, ValueError):
        raise _RowError(Problem.BAD_NUMBER, column, value) from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(
            Decimal("0.01")):
        raise _RowError(Problem.BAD_NUMBER, column, value)
    return amount.quantize(Decimal("0.01"))


def _day(cells: dict[str, Any], column: str) -> date:
    value = _blank(cells.get(column))
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise _RowError(Problem.BAD_DATE, column, value)


def _shown(value: Any) -> Any:
    if value is None or isinstance(value, int | str):
        return value
    return str(value)
