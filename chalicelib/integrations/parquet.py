"""Parquet files of the BI export, with pyarrow (the parquet layer only).

NOTE: imported only by the export job's code path. pyarrow is about 165 MB
and lives in a layer attached to the export function alone (the design);
no module the API function loads may import this one.
"""

import io

import pyarrow as pa
import pyarrow.parquet as pq

from chalicelib.integrations.bi_tables import (
    COUNT,
    DAY,
    FLAG,
    INSTANT,
    MONEY,
    SCHEMAS,
    SMALL,
    TEXT,
    Row,
)

_TYPES = {
    TEXT: pa.string(), MONEY: pa.decimal128(18, 2), COUNT: pa.int64(),
    SMALL: pa.int32(), FLAG: pa.bool_(), DAY: pa.date32(),
    INSTANT: pa.timestamp("us", tz="UTC"),
}


def schema_of(table: str) -> pa.Schema:
    return pa.schema([pa.field(name, _TYPES[kind], nullable=nullable)
                      for name, kind, nullable in SCHEMAS[table]])


def parquet_bytes(table: str, rows: list[Row]) -> bytes:
    schema = schema_of(table)
    columns = {field.name: [row[field.name] for row in rows] for field in schema}
    arrow = pa.Table.from_pydict(columns, schema=schema)
    out = io.BytesIO()
    pq.write_table(arrow, out, compression="snappy")
    return out.getvalue()
