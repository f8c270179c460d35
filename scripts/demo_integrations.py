"""The integrations through a running local stack, as the issue's "done when"
describes: prints JSON with what each step gave.

Start the stack (`make run`, or `dmm up --port P --emulator-port E`), then:

    PYTHONPATH=. .venv/bin/python scripts/demo_integrations.py [--port P] \
        [--emulator-port E]

The script starts a fake distributor platform and a fake Calltouch on
127.0.0.1 (the fakes the tests use), stores their addresses and tokens as the
demo brand's secrets in the emulator, then over HTTP: syncs both sources,
imports an xlsx of targets, reads the network analytics and exports the
period, and reads the export back with DuckDB.
"""

import argparse
import io
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

from devstack import local

PERIOD = "2026-11"
MSK, KGD = "AUR-MSK-01", "AUR-KGD-01"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int)
    parser.add_argument("--emulator-port", type=int)
    parser.add_argument("--fake-ports", type=int, nargs=2, default=(18741, 18742),
                        help="fixed ports of the two fakes: the stack caches "
                             "the secrets naming them")
    args = parser.parse_args()
    defaults = local.Ports.from_env()
    ports = local.Ports(api=args.port or defaults.api,
                        emulator=args.emulator_port or defaults.emulator)
    local.configure(ports)
    api = f"http://{local.HOST}:{ports.api}"

    from tests.fake_sources.calltouch import FakeCalltouch, Site
    from tests.fake_sources.distributor import FakeDistributor

    distributor = FakeDistributor(port=args.fake_ports[0])
    calltouch = FakeCalltouch(port=args.fake_ports[1])
    _fill(distributor, calltouch, Site)
    with distributor.server, calltouch.server:
        _store_secrets(distributor.server.url, distributor.token,
                       calltouch.server.url)
        headers = {"Authorization": f"Bearer {_token('importer_manager')}"}
        admin = {"Authorization": f"Bearer {_token('importer_admin')}"}
        requests.put(f"{api}/v1/dealers/{MSK}/lead-source", headers=admin,
                     json={"lead_source": "calltouch"}, timeout=10
                     ).raise_for_status()
        shown = _walk(api, headers)
    json.dump(shown, sys.stdout, indent=2, ensure_ascii=False, default=str)
    print()


def _walk(api: str, headers: dict[str, str]) -> dict[str, Any]:
    shown: dict[str, Any] = {}
    shown["distributor_sync"] = _job(api, headers, _post(
        api, "/v1/integrations/distributor/sync", headers, {"period": PERIOD}))
    parent = _job(api, headers, _post(api, "/v1/integrations/calltouch/sync",
                                      headers, {"period": PERIOD}))
    shown["calltouch_sync"] = [_job(api, headers, {"job_id": job_id})
                               for job_id in parent["result"]["dealer_jobs"]]
    shown["targets_import"] = _import_targets(api, headers)
    analytics = requests.get(f"{api}/v1/analytics/network?period={PERIOD}",
                             headers=headers, timeout=30).json()
    shown["analytics_totals"] = analytics["totals"]
    shown["analytics_moscow"] = next(d for d in analytics["dealers"]
                                     if d["dealer"] == MSK)
    shown["export"] = _export(api, headers, analytics["totals"])
    return shown


def _fill(distributor: Any, calltouch: Any, site: Any) -> None:
    from tests.fake_sources.calls import call, request

    distributor.sales = [
        {"dealer_code": MSK, "model": "Aurora X5", "date": "2026-11-02",
         "units": 4, "revenue": "10800000.00"},
        {"dealer_code": KGD, "model": "Aurora X3", "date": "2026-11-03",
         "units": 2, "revenue": "3800000.50"},
        {"dealer_code": "ZZZ-01", "model": "Aurora X3", "date": "2026-11-03",
         "units": 1, "revenue": "1.00"},
    ]
    distributor.traffic = [
        {"dealer_code": KGD, "channel": "digital", "date": "2026-11-03",
         "visits": 800, "calls": 6, "online_leads": 4}]
    calltouch.sites["4401"] = site("demo-ct-msk", calls=[
        call(1, "2026-11-03T10:00:00"), call(2, "2026-11-03T11:00:00", target=False),
    ], requests=[request(3, "2026-11-04T12:00:00")])
    calltouch.sites["4402"] = site("demo-ct-kgd", calls=[
        call(4, "2026-11-05T10:00:00")])


def _store_secrets(distributor_url: str, token: str, calltouch_url: str) -> None:
    import boto3

    from chalicelib.integrations.secrets import (
        CALLTOUCH,
        DISTRIBUTOR,
        merged_secret,
    )

    client = boto3.client("secretsmanager")
    merged_secret(client, DISTRIBUTOR, {"aurora": {"base_url": distributor_url,
                                                   "token": token}})
    merged_secret(client, CALLTOUCH, {
        MSK: {"brand_id": "aurora", "site_id": "4401", "token": "demo-ct-msk",
              "webhook_secret": "demo-msk", "base_url": calltouch_url},
        KGD: {"brand_id": "aurora", "site_id": "4402", "token": "demo-ct-kgd",
              "webhook_secret": "demo-kgd", "base_url": calltouch_url},
    })
    # NOTE: the stack's containers cache secrets; a fresh `dmm up` reads these.


def _import_targets(api: str, headers: dict[str, str]) -> dict[str, Any]:
    from openpyxl import Workbook

    book = Workbook()
    for row in (["dealer_code", "period", "units"], [MSK, PERIOD, 5], [KGD, PERIOD, 3]):
        book.active.append(row)
    body = io.BytesIO()
    book.save(body)
    started = _post(api, "/v1/imports", headers,
                    {"kind": "targets", "file_name": "targets-2026-11.xlsx"})
    upload = started["upload"]
    requests.post(upload["url"], data=upload["fields"], timeout=30,
                  files={"file": ("targets.xlsx", body.getvalue())}).raise_for_status()
    for _ in range(60):
        found = requests.get(f"{api}/v1/imports/{started['import_id']}",
                             headers=headers, timeout=10).json()
        if found["job_id"]:
            return _job(api, headers, found)
        time.sleep(1)
    raise TimeoutError("the upload did not start an import job")


def _export(api: str, headers: dict[str, str], totals: dict) -> dict[str, Any]:
    import boto3
    import duckdb

    from chalicelib import resources

    started = _post(api, "/v1/exports", headers, {"period": PERIOD})
    export = _until(lambda: requests.get(f"{api}/v1/exports/{started['export_id']}",
                                         headers=headers, timeout=10).json(),
                    lambda e: e["status"] in ("published", "superseded", "failed"))
    s3 = boto3.client("s3")
    manifest = json.loads(s3.get_object(Bucket=resources.BI.name,
                                        Key=export["manifest"])["Body"].read())
    folder = Path(tempfile.mkdtemp(prefix="dmm-demo-export-"))
    files = []
    for url in manifest["tables"]["sales"]["files"]:
        key = url.removeprefix(f"s3://{resources.BI.name}/")
        path = folder / key
        path.parent.mkdir(parents=True, exist_ok=True)
        s3.download_file(resources.BI.name, key, str(path))
        files.append(str(path))
    [(units, revenue)] = duckdb.sql(
        f"select sum(units), sum(revenue) from read_parquet({files!r}, "
        "hive_partitioning = true)").fetchall()
    return {"export": export, "duckdb_sales_units": units,
            "duckdb_sales_revenue": str(revenue),
            "matches_analytics": units == totals["sales_units"]
            and str(revenue) == totals["sales_revenue"]["amount"]}


def _post(api: str, path: str, headers: dict[str, str], body: dict) -> Any:
    response = requests.post(f"{api}{path}", json=body, headers=headers, timeout=30)
    if response.status_code >= 400:
        raise RuntimeError(f"{path}: {response.status_code} {response.text}")
    return response.json()


def _job(api: str, headers: dict[str, str], started: dict) -> Any:
    return _until(lambda: requests.get(f"{api}/v1/jobs/{started['job_id']}",
                                       headers=headers, timeout=10).json(),
                  lambda job: job["status"] in ("succeeded", "failed"))


def _until(read: Any, done: Any, seconds: int = 120) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = read()
        if done(value):
            return value
        time.sleep(0.5)
    raise TimeoutError("gave up waiting")


def _token(role: str) -> str:
    dmm = str(Path(sys.executable).parent / "dmm")
    return subprocess.run([dmm, "token", "--role", role], check=True,
                          capture_output=True, text=True).stdout.strip()


if __name__ == "__main__":
    main()
