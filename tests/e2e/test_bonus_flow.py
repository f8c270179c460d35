"""The monthly bonus cycle on the demo brand, through the running local stack
(issue 5, "Done when"): the manager prepares next month's program from last
month's and closes last month; the final run fans out through the bonus
batch queue; the dealer reads why each amount is what it is.

The period is the one the demo seed gives facts for (last month, Moscow
time): its demo reports are all decided, so closing it is legitimate.
"""

import io
import json
import time
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
import requests
from openpyxl import load_workbook

from chalicelib.bonus.model import next_period
from devstack.bonus_demo import last_period
from tests.e2e.bi import current_tables, query
from tests.e2e.client import Client, every_dealer_code, wait_for

pytestmark = pytest.mark.e2e

PERIOD = last_period()
NEXT = next_period(PERIOD)
KGD = "AUR-KGD-01"
CENT = Decimal("0.01")

LAST_MONTHS_RULES: dict[str, Any] = json.loads(
    (Path(__file__).parents[2] / "demo" / "program-rules.json").read_text())
"""The README's example program: what the demo's last month is run with."""


@pytest.fixture(scope="module")
def manager(running_stack) -> Client:
    return Client(running_stack, "--role", "importer_manager")


@pytest.fixture(scope="module")
def dealer(running_stack) -> Client:
    return Client(running_stack, "--role", "dealer_user", "--dealer", KGD,
                  **{"Accept-Language": "en"})


def published_program(manager: Client, period: str, name: str) -> dict[str, Any]:
    """What the manager published for `period`, as last month's program."""
    drafted = manager.post("/v1/programs", {"period": period, "name": name,
                                            "rules": LAST_MONTHS_RULES})
    assert drafted.status_code == 201, drafted.text
    published = manager.post(f"/v1/programs/{drafted.json()['program_id']}/publish",
                             {"version": drafted.json()["version"]})
    assert published.status_code == 200, published.text
    return dict(published.json())


def test_manager_prepares_next_months_program_from_last_months_and_replays_it(
    running_stack, manager, dealer
):
    # given: last month's published program
    last_month = published_program(manager, PERIOD, "Бонус дилеров")
    richer = {**LAST_MONTHS_RULES, "rewards": [
        {**LAST_MONTHS_RULES["rewards"][0], "amount": "12000"}]}

    # when: copied to the next period, edited with its version, replayed on
    # last month's data, then published
    copied = manager.post(f"/v1/programs/{last_month['program_id']}/copy", {})
    draft = copied.json()
    hidden_draft = dealer.get(f"/v1/programs/{draft['program_id']}")
    edited = manager.put(f"/v1/programs/{draft['program_id']}",
                         {"version": draft["version"], "rules": richer,
                          "name": "Бонус дилеров: больше за автомобиль"})
    stale = manager.put(f"/v1/programs/{draft['program_id']}",
                        {"version": draft["version"], "name": "Потерянная правка"})
    backtest = manager.job_result(manager.post(
        f"/v1/programs/{draft['program_id']}/backtest", {"period": PERIOD}))
    published = manager.post(f"/v1/programs/{draft['program_id']}/publish",
                             {"version": edited.json()["version"]})
    frozen = manager.put(f"/v1/programs/{draft['program_id']}",
                         {"version": published.json()["version"], "name": "Позже"})
    seen_by_dealer = dealer.get(f"/v1/programs/{draft['program_id']}")

    # then
    assert copied.status_code == 201, copied.text
    assert (draft["period"], draft["status"]) == (NEXT, "draft")
    assert draft["copied_from"] == last_month["program_id"]
    assert draft["rules"] == last_month["rules"]
    assert hidden_draft.status_code == 404
    assert edited.status_code == 200, edited.text
    assert edited.json()["version"] == draft["version"] + 1
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"

    assert backtest["compared_with"] == last_month["program_id"]
    assert backtest["dealers"] == len(backtest["items"]) == len(
        every_dealer_code(manager))
    assert backtest["new_total"] == str(sum(
        Decimal(row["new_total"]) for row in backtest["items"]))
    assert backtest["old_total"] == str(sum(
        Decimal(row["old_total"]) for row in backtest["items"]))
    changed = [row for row in backtest["items"] if row["changed"]]
    assert backtest["dealers_changed"] == len(changed) > 0
    for row in changed:
        # A richer reward per car never lowers a total; only the reward and
        # the gate that cuts a share of it move.
        assert Decimal(row["new_total"]) > Decimal(row["old_total"])
        assert {line["rule"] for line in row["changed_lines"]} <= {
            "rewards.per_car", "gates.reports"}

    assert published.status_code == 200, published.text
    assert published.json()["status"] == "published"
    assert published.json()["rules"]["rewards"][0]["amount"] == "12000"
    assert frozen.status_code == 422 and frozen.json()["code"] == "program_frozen"
    assert seen_by_dealer.status_code == 200
    assert seen_by_dealer.json()["period"] == NEXT


def test_month_end_closes_runs_and_publishes_and_the_dealer_sees_why(
    running_stack, manager, dealer, record_property, tmp_path
):
    # given: last month's published program, and a dealer elsewhere and
    # another brand's manager who must see nothing of it
    program = published_program(manager, PERIOD, "Бонус дилеров")
    other_dealer = Client(running_stack, "--role", "dealer_user",
                          "--dealer", "AUR-KGD-02")
    other_brand = Client(running_stack, "--role", "importer_manager",
                         "--brand", "taiga")

    # when: the manager closes the period and starts the final run
    closed = manager.post(f"/v1/periods/{PERIOD}/close")
    closed_again = manager.post(f"/v1/periods/{PERIOD}/close")
    started_at = time.monotonic()
    begun = manager.job_result(manager.post("/v1/bonus-runs",
                                            {"period": PERIOD, "kind": "final"}))
    run_id = begun["run_id"]
    run = wait_for(lambda: manager.get(f"/v1/bonus-runs/{run_id}").json(),
                   lambda run: run["status"] != "running", f"bonus run {run_id}")
    record_property("bonus_run_seconds", round(time.monotonic() - started_at, 2))
    record_property("bonus_run_dealers", run["dealers"])

    # then: the run completed once every batch was in, and the dealer sees
    # nothing of it before publication
    assert closed.status_code == 200, closed.text
    assert closed_again.status_code == 409
    assert closed_again.json()["code"] == "period_already_closed"
    assert run["status"] == "completed", run
    assert (run["program_id"], run["program_version"]) == (
        program["program_id"], program["version"])
    assert run["batches_done"] == run["batches_total"] == begun["batches"] > 1
    assert run["statements_done"] == run["dealers"] == begun["dealers"]
    hidden = dealer.get(f"/v1/bonus-runs/{run_id}/statements/{KGD}")
    assert hidden.status_code == 404
    assert dealer.get(f"/v1/bonus-runs/{run_id}").status_code == 404

    # when: the manager publishes it, and by mistake once more
    publish_started = time.monotonic()
    # NOTE: a longer wait than the client's: in the API tests publishing takes
    # about 0.1 s, but here it shares one local process, and the DynamoDB
    # write lock, with the jobs the run's completion started (25-28 s seen).
    published = manager.post(f"/v1/bonus-runs/{run_id}/publish", timeout=120)
    record_property("publish_seconds", round(time.monotonic() - publish_started, 2))
    published_again = manager.post(f"/v1/bonus-runs/{run_id}/publish", timeout=120)
    statement = dealer.get(f"/v1/bonus-runs/{run_id}/statements/{KGD}")
    checklist = dealer.get(f"/v1/dealers/{KGD}/checklist", period=PERIOD)

    # then: the run's spreadsheet adds up to the run, and the dealer's
    # statement explains every amount and adds up to its totals
    assert published.status_code == 200, published.text
    assert published.json()["run"]["status"] == "published"
    assert published_again.status_code == 200, published_again.text
    assert published_again.json()["run"]["published_at"] is not None
    run_sheet = summary_of_run_workbook(manager, run_id)
    assert len(run_sheet) == run["dealers"]
    for kind, money in run["totals"].items():
        assert sum(row[kind] for row in run_sheet.values()) == Decimal(
            money["amount"]), kind
    assert sum(row["total"] for row in run_sheet.values()) == Decimal(
        run["total"]["amount"])

    assert statement.status_code == 200, statement.text
    lines = statement.json()["lines"]
    assert {line["rule"] for line in lines} >= {"rewards.per_car",
                                               "compensations.media"}
    for line in lines:
        assert line["rule"] and line["formula"] and line["inputs"], line
        assert Decimal(line["amount"]["amount"]) == amount_from_inputs(line), line
    by_kind: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines:
        by_kind[line["kind"]] += Decimal(line["amount"]["amount"])
    totals = {kind: Decimal(money["amount"])
              for kind, money in statement.json()["totals"].items()}
    assert {kind: amount for kind, amount in totals.items() if amount} == {
        kind: amount for kind, amount in by_kind.items() if amount}
    statement_total = Decimal(statement.json()["total"]["amount"])
    assert statement_total == sum(by_kind.values()) == run_sheet[KGD]["total"]

    assert checklist.status_code == 200, checklist.text
    items = checklist.json()["items"]
    assert [item["rule"] for item in items] == [
        "kpis.sales", "kpis.on_time", "gates.reports"]
    for item in items:
        # Every fact of a closed period is in: no condition is still unknown.
        assert item["state"] in ("met", "not_met"), item
        assert item["value"] is not None and item["target"] is not None, item
        assert item["missing"] if item["state"] == "not_met" else True, item
    assert Decimal(checklist.json()["estimate"]["total"]["amount"]) == \
        statement_total

    # then: nobody else sees the dealer's statement or the run
    assert other_dealer.get(
        f"/v1/bonus-runs/{run_id}/statements/{KGD}").status_code == 404
    assert other_dealer.get(f"/v1/dealers/{KGD}/checklist",
                            period=PERIOD).status_code == 404
    assert other_brand.get(f"/v1/bonus-runs/{run_id}").status_code == 404
    assert other_brand.get(
        f"/v1/bonus-runs/{run_id}/statements/{KGD}").status_code == 404
    assert other_brand.post(f"/v1/bonus-runs/{run_id}/publish").status_code == 404

    # then: publication posted the compensations and penalties to the
    # dealer's budget once, although it was published twice
    budget = dealer.get(f"/v1/dealers/{KGD}/budgets/{PERIOD}")
    assert budget.status_code == 200, budget.text
    booked = budget.json()["total"]
    assert Decimal(booked["compensated"]["amount"]) == by_kind["compensation"] > 0
    # The ledger books a penalty as the amount taken back (its own direction
    # is positive); the statement shows it negative.
    assert Decimal(booked["penalized"]["amount"]) == -by_kind["penalty"] > 0
    compensated_by_channel = {
        line["channel_id"]: Decimal(line["compensated"]["amount"])
        for line in budget.json()["lines"] if Decimal(line["compensated"]["amount"])}
    assert set(compensated_by_channel) <= {"outdoor", "radio"}

    # then: the network view shows the final bonus (a job refreshes it after
    # the publication), and the BI bucket gets the month's statements,
    # exported after the publication
    def row_of_kaliningrad(view: dict[str, Any]) -> dict[str, Any]:
        return next(row for row in view["dealers"] if row["dealer"] == KGD)

    view = wait_for(lambda: manager.get("/v1/analytics/network", period=PERIOD).json(),
                    lambda view: all(row["bonus_kind"] == "final"
                                     for row in view["dealers"]),
                    "the final bonus of every dealer in the network view",
                    seconds=120)
    kaliningrad = row_of_kaliningrad(view)
    assert Decimal(kaliningrad["bonus"]["amount"]) == statement_total
    assert Decimal(view["totals"]["bonus"]["amount"]) == Decimal(
        run["total"]["amount"])
    published_at = published.json()["run"]["published_at"]
    export = wait_for(lambda: latest_export(manager, PERIOD),
                      lambda export: export is not None
                      and export["created_at"] >= published_at
                      and export["status"] == "published",
                      f"an export of {PERIOD} after the publication", seconds=60)
    assert export is not None
    tables = current_tables(running_stack, export["manifest"], tmp_path)
    [(lines_total,)] = query("select sum(amount) from {lines} where bonus_run_id = ?",
                             run_id, lines=tables["statement_lines"])
    [(statements, final, total)] = query(
        "select count(*), bool_and(final), sum(total) from {statements}"
        " where bonus_run_id = ?", run_id, statements=tables["statements"])
    assert lines_total == total == Decimal(run["total"]["amount"])
    assert (statements, final) == (run["dealers"], True)


def latest_export(manager: Client, period: str) -> dict[str, Any] | None:
    exports = manager.get("/v1/exports", limit="10").json()["items"]
    return next((e for e in exports if e["period"] == period), None)


def amount_from_inputs(line: dict[str, Any]) -> Decimal:
    """A line's amount worked out again from the inputs it shows, by the
    rules of LAST_MONTHS_RULES, to the kopeck (half up)."""
    given = {name: Decimal(value) for name, value in line["inputs"].items()
             if name not in ("kpi", "placement_id")}
    worked_out = {
        "rewards.per_car": lambda: (given["units"] * given["per_car"]
                                    * given["tier_rate"]),
        "gates.reports": lambda: -given["rewards"] * given["cut_pct"] / 100,
        "compensations.media": lambda: (given["approved_amount"]
                                        * given["share_pct"] / 100),
        "penalties.late": lambda: -given["count"] * given["per_case"],
    }[line["rule"]]()
    return worked_out.quantize(CENT, rounding=ROUND_HALF_UP)


def summary_of_run_workbook(manager: Client, run_id: str
                            ) -> dict[str, dict[str, Decimal]]:
    """The whole run's spreadsheet as a manager downloads it: per dealer,
    the amounts by kind and the total."""
    link = manager.get(f"/v1/bonus-runs/{run_id}/export")
    assert link.status_code == 200, link.text
    download = requests.get(link.json()["url"], timeout=30)
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(download.content), read_only=True)["summary"]
    rows = sheet.iter_rows(values_only=True)
    header = [str(name) for name in next(rows)][:-1]
    return {str(row[0]): {name: Decimal(str(value)).quantize(CENT)
                          for name, value in zip(header[1:], row[1:], strict=False)}
            for row in rows}
