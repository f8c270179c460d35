import io
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook

from chalicelib.integrations.model import SalesFigure, SalesTarget
from chalicelib.integrations.sheets import ImportKind, check_file

DEALERS = frozenset({"AUR-MSK-01", "AUR-KGD-01"})


def xlsx(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_clean_targets_sheet_gives_one_target_per_dealer_and_period():
    body = xlsx([["dealer_code", "period", "units", "revenue"],
                 ["AUR-MSK-01", "2026-11", 12, 32400000.5],
                 ["AUR-KGD-01", "2026-11", 4, None]])

    checked = check_file(ImportKind.TARGETS, "plan.xlsx", body, DEALERS)

    assert checked.problems == []
    assert checked.figures == [
        SalesTarget("AUR-MSK-01", "2026-11", 12, Decimal("32400000.50")),
        SalesTarget("AUR-KGD-01", "2026-11", 4, None)]


def test_every_bad_row_is_reported_with_its_row_number_and_problem():
    body = xlsx([["Dealer_Code", "Model", "Date", "Units", "Revenue"],
                 ["AUR-MSK-01", "X5", datetime(2026, 11, 2), 2, "5400000.00"],
                 ["AUR-NOPE-01", "X5", datetime(2026, 11, 2), 1, "1.00"],
                 ["AUR-MSK-01", "X5", "31.11.2026", 1, "1.00"],
                 ["AUR-MSK-01", "X3", "2026-11-03", "два", "1.00"],
                 ["AUR-MSK-01", "X3", "2026-11-03", 1, "0.001"],
                 [None, None, None, None, None],
                 ["AUR-MSK-01", "X5", "02.11.2026", 3, "1.00"]])

    checked = check_file(ImportKind.SALES, "sales.xlsx", body, DEALERS)

    assert [(p["row"], p["problem"]) for p in checked.problems] == [
        (3, "unknown_dealer"), (4, "bad_date"), (5, "bad_number"),
        (6, "bad_number"), (8, "duplicate_row")]
    assert checked.rows == 6
    assert checked.figures == [SalesFigure("AUR-MSK-01", "X5", date(2026, 11, 2), 2,
                                           Decimal("5400000.00"))]


def test_a_semicolon_csv_from_russian_excel_is_read():
    body = ("\ufeffdealer_code;channel;date;visits;calls;online_leads\n"
            "AUR-MSK-01;digital;03.11.2026;1 200;14;9\n").encode()

    checked = check_file(ImportKind.TRAFFIC, "traffic.csv", body, DEALERS)

    assert checked.problems == []
    assert checked.figures[0].visits == 1200


def test_a_sheet_without_a_needed_column_is_refused_as_a_whole():
    body = b"dealer_code,units\nAUR-MSK-01,3\n"

    checked = check_file(ImportKind.TARGETS, "plan.csv", body, DEALERS)

    assert [(p["column"], p["problem"]) for p in checked.problems] == [
        ("period", "missing_column")]
    assert checked.figures == []


def test_a_file_that_is_not_a_workbook_is_reported_unreadable():
    checked = check_file(ImportKind.SALES, "sales.xlsx", b"not a zip", DEALERS)

    assert checked.problems[0]["problem"] == "unreadable_file"
