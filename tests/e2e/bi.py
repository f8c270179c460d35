"""Reading the stack's BI export as a BI tool does: the manifest first,
then the parquet files it names, with DuckDB."""

import json
from pathlib import Path
from typing import Any

import boto3
import duckdb

from devstack.local import REGION, STAGE
from tests.e2e.conftest import Stack

BUCKET = f"dmm-{STAGE}-bi"  # as the integrations README names it


def emulator_client(stack: Stack, service: str) -> Any:
    return boto3.client(service, region_name=REGION,
                        endpoint_url=f"http://127.0.0.1:{stack.emulator_port}")


def current_tables(stack: Stack, manifest_key: str, folder: Path
                   ) -> dict[str, list[str]]:
    """Follow a period's manifest of every table and download the parquet
    files it names; never list prefixes."""
    s3 = emulator_client(stack, "s3")
    manifest = json.loads(s3.get_object(Bucket=BUCKET, Key=manifest_key)
                          ["Body"].read())
    tables: dict[str, list[str]] = {}
    for table, current in manifest["tables"].items():
        tables[table] = []
        for url in current["files"]:
            key = url.removeprefix(f"s3://{BUCKET}/")
            path = folder / key
            path.parent.mkdir(parents=True, exist_ok=True)
            s3.download_file(BUCKET, key, str(path))
            tables[table].append(str(path))
    return tables


def query(sql: str, *params: object, **tables: list[str]) -> list[tuple[Any, ...]]:
    """`sql` with `{name}` for each table's files, read hive-partitioned,
    and `?` for each of `params`."""
    relations = {name: f"read_parquet({files!r}, hive_partitioning = true)"
                 for name, files in tables.items()}
    return duckdb.execute(sql.format(**relations), list(params)).fetchall()


def column_types(files: list[str]) -> dict[str, str]:
    described = query("select column_name, column_type from "
                      "(describe select * from {t})", t=files)
    return {str(name): str(kind) for name, kind in described}
