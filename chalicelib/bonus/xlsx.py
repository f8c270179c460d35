"""Statements as spreadsheets (xlsx), built in memory with openpyxl.

Amounts are written as numbers with two decimals from their exact decimal
text; the workbook is bytes for the export store to keep. No storage here.
"""

import io
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from chalicelib.bonus.model import BonusRun, StoredStatement

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

MONEY_FORMAT = "#,##0.00"


def statement_workbook(run: BonusRun, stored: StoredStatement, currency: str) -> bytes:
    from openpyxl import Workbook  # NOTE: here, off the API's import path.

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = stored.dealer_code[:31]
    _statement_sheet(sheet, run, stored, currency)
    return _bytes(book)


def run_workbook(run: BonusRun, statements: Iterable[StoredStatement],
                 currency: str) -> bytes:
    from openpyxl import Workbook  # NOTE: here, off the API's import path.

    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "summary"
    summary.append(["dealer", "reward", "gate", "compensation", "penalty",
                    "adjustment", "total", currency])
    for stored in statements:
        kinds = ("reward", "gate", "compensation", "penalty", "adjustment")
        amounts = [stored.totals.get(kind, Decimal(0)) for kind in kinds]
        amounts.append(stored.statement.total)
        summary.append([stored.dealer_code, *(_money(value) for value in amounts)])
        _statement_sheet(book.create_sheet(stored.dealer_code[:31]), run, stored,
                         currency)
    return _bytes(book)


def _statement_sheet(sheet: "Worksheet", run: BonusRun, stored: StoredStatement,
                     currency: str) -> None:
    sheet.append(["period", run.period, "run", run.run_id, "version",
                  run.run_version, "kind", run.kind.value])
    sheet.append(["program", run.program_id, "program version", run.program_version])
    sheet.append([])
    sheet.append(["rule", "kind", "name", "inputs", "formula", f"amount, {currency}"])
    for line in stored.statement.lines:
        inputs = "; ".join(f"{key}={value}" for key, value in line.inputs.items())
        sheet.append([line.rule, line.kind.value, line.name, inputs, line.formula,
                      _money(line.amount)])
    sheet.append(["total", "", "", "", "", _money(stored.statement.total)])
    for row in sheet.iter_rows(min_row=5, min_col=6, max_col=6):
        for cell in row:
            cell.number_format = MONEY_FORMAT


def _money(value: Decimal) -> Decimal:
    # openpyxl writes a Decimal cell from its exact text.
    return value.quantize(Decimal("0.01"))


def _bytes(book: "Workbook") -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
