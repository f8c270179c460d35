"""The BI export read back as a BI tool would: manifests, then DuckDB."""

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import boto3
import duckdb
import pytest

from chalicelib import resources, wiring
from chalicelib.access.model import Role
from chalicelib.integrations.exports import manifest_key
from chalicelib.integrations.model import SalesFigure, TrafficFigure, Utm
from chalicelib.integrations.upstream import (
    PhotoFlag,
    PlacementCost,
    ReportState,
    Statement,
    StatementLine,
)
from chalicelib.jobs import service as jobs
from tests.api.conftest import json_of
from tests.fake_sources.upstream import FakeUpstream

NOV = "2026-11"
JSON = {"Content-Type": "application/json"}
AT = datetime(2026, 12, 6, 9, 30, 15, 123456, tzinfo=UTC)


@pytest.fixture
def period_data(demo):
    upstream = FakeUpstream()
    upstream.placements[("aurora", NOV)] = [
        PlacementCost("p1", "AUR-MSK-01", "digital", "approved",
                      Decimal("90000.00"), date(2026, 11, 1), date(2026, 11, 30),
                      utm=Utm("yandex", "cpc", "winter"), created_at=AT),
        PlacementCost("p2", "AUR-KGD-01", "radio", "approved", Decimal("30000.10"),
                      date(2026, 11, 5), date(2026, 11, 20))]
    upstream.reports[("aurora", NOV)] = [
        ReportState("r1", "p1", "AUR-MSK-01", "accepted", AT, AT, True, 3)]
    upstream.flags[("aurora", NOV)] = [
        PhotoFlag("ph1", "r1", "AUR-MSK-01", "duplicate", "under_review", AT)]
    upstream.statements[("aurora", NOV)] = [Statement(
        "run-1", "AUR-MSK-01", True, Decimal("45000.00"), AT, lines=(
            StatementLine(1, "reward", "sales_plan", Decimal("50000.00")),
            StatementLine(2, "penalty", "late_report", Decimal("-5000.00"))))]
    wiring.use(upstream=upstream)
    wiring.sales_and_traffic().save_sales("aurora", [
        SalesFigure("AUR-MSK-01", "Aurora X5", date(2026, 11, 2), 4,
                    Decimal("10800000.00")),
        SalesFigure("AUR-KGD-01", "Aurora X3", date(2026, 11, 3), 1,
                    Decimal("1900000.55"))])
    wiring.sales_and_traffic().save_traffic("aurora", [TrafficFigure(
        "AUR-KGD-01", "radio", date(2026, 11, 2), 300, 2, 1)])
    wiring.refresh_analytics("aurora", NOV)
    return upstream


def export(client, headers, period=NOV):
    started = client.http.post("/v1/exports", headers={**headers, **JSON},
                               body=json.dumps({"period": period}))
    reply = json_of(started)
    done = jobs.run_job(wiring.jobs(), wiring.export_job_runners(), wiring.clock(),
                        reply["job_id"])
    return started, reply, done


def fetch_current(tmp_path: Path, table: str, period: str = NOV) -> list[str]:
    """Follow the table's manifest and download the files it names."""
    s3 = boto3.client("s3")
    bucket = resources.BI.name
    manifest = json.loads(s3.get_object(
        Bucket=bucket, Key=manifest_key("aurora", period, table))["Body"].read())
    local = []
    for url in manifest["files"]:
        key = url.removeprefix(f"s3://{bucket}/")
        path = tmp_path / key
        path.parent.mkdir(parents=True, exist_ok=True)
        s3.download_file(bucket, key, str(path))
        local.append(str(path))
    return local


def read(files: list[str], sql: str) -> list[tuple]:
    relation = f"read_parquet({files!r}, hive_partitioning = true)"
    return duckdb.sql(sql.format(t=relation)).fetchall()


def test_an_export_is_read_back_by_duckdb_with_its_types_and_totals(
    client, auth, period_data, tmp_path
):
    headers = auth(Role.ANALYST)

    started, _, done = export(client, headers)

    analytics = json_of(client.http.get(f"/v1/analytics/network?period={NOV}",
                                        headers=headers))
    sales = fetch_current(tmp_path, "sales")
    types = dict(read(sales, "select column_name, column_type from "
                             "(describe select * from {t})"))
    assert started.status_code == 202 and done.status == "succeeded"
    assert types["revenue"] == "DECIMAL(18,2)" and types["day"] == "DATE"
    assert (types["brand"], types["period"]) == ("VARCHAR", "VARCHAR")
    [(units, revenue, brands)] = read(
        sales, "select sum(units), sum(revenue), count(distinct brand) from {t}")
    assert units == analytics["totals"]["sales_units"] == 5
    assert str(revenue) == analytics["totals"]["sales_revenue"]["amount"]
    assert brands == 1

    placements = fetch_current(tmp_path, "placements")
    # Instants compared as epoch microseconds (DuckDB hands aware
    # timestamps to Python only through pytz, which this project does not use).
    [(cost, created)] = read(placements,
                             "select sum(cost), epoch_us(max(created_at)) from {t}")
    assert str(cost) == "120000.10"
    assert created == int(AT.timestamp()) * 1_000_000 + AT.microsecond
    ptypes = dict(read(placements, "select column_name, column_type from "
                                   "(describe select * from {t})"))
    assert ptypes["created_at"] == "TIMESTAMP WITH TIME ZONE"
    lines = fetch_current(tmp_path, "statement_lines")
    assert read(lines, "select sum(amount) from {t}") == [(Decimal("45000.00"),)]
    dealers = fetch_current(tmp_path, "dealers")
    dealer_count = analytics["totals"]["dealers"]
    assert read(dealers, "select count(*) from {t}") == [(dealer_count,)]
    for table in ("reports", "photo_flags", "statements", "traffic", "leads"):
        assert fetch_current(tmp_path, table)


def test_exporting_a_period_again_replaces_what_readers_see(
    client, auth, period_data, tmp_path
):
    headers = auth(Role.IMPORTER_MANAGER)
    _, first, _ = export(client, headers)
    wiring.sales_and_traffic().save_sales("aurora", [SalesFigure(
        "AUR-MSK-01", "Aurora X5", date(2026, 11, 2), 7, Decimal("18900000.00"))])

    _, second, _ = export(client, headers)

    files = fetch_current(tmp_path, "sales")
    assert second["export_id"] in files[0] and first["export_id"] not in files[0]
    assert read(files, "select sum(units) from {t}") == [(8,)]
    listed = json_of(client.http.get("/v1/exports", headers=headers))["items"]
    assert [e["export_id"] for e in listed[:2]] == [second["export_id"],
                                                    first["export_id"]]
    assert {e["status"] for e in listed[:2]} == {"published"}


def test_an_older_export_finishing_late_does_not_switch_readers_back(
    client, auth, period_data, tmp_path
):
    headers = auth(Role.ANALYST)
    older = json_of(client.http.post("/v1/exports", headers={**headers, **JSON},
                                     body=json.dumps({"period": NOV})))
    _, newer, _ = export(client, headers)

    late = jobs.run_job(wiring.jobs(), wiring.export_job_runners(), wiring.clock(),
                        older["job_id"])

    assert late.result["status"] == "superseded"
    assert newer["export_id"] in fetch_current(tmp_path, "sales")[0]


def test_an_export_is_not_found_for_other_brands_and_dealers(
    client, auth, period_data
):
    _, reply, _ = export(client, auth(Role.ANALYST))
    path = f"/v1/exports/{reply['export_id']}"

    own = client.http.get(path, headers=auth(Role.ANALYST))
    other_brand = client.http.get(path, headers=auth(Role.ANALYST, brand="taiga"))
    dealer_headers = auth(Role.DEALER_USER, dealer="AUR-MSK-01")
    dealer = client.http.get(path, headers=dealer_headers)
    dealer_start = client.http.post("/v1/exports", headers={**dealer_headers, **JSON},
                                    body=json.dumps({"period": NOV}))

    assert own.status_code == 200 and json_of(own)["status"] == "published"
    assert other_brand.status_code == dealer.status_code == 404
    assert dealer_start.status_code == 403
