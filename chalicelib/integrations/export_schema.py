"""The columns of the BI export's parquet tables, written once.

The exporter writes these columns and infra declares the Glue tables from
them, so Athena and BI tools read what is written. Types are in Glue's
(Hive's) terms; nothing here imports a parquet library.
"""

from dataclasses import dataclass

PARTITION_KEYS = ("brand", "period")
"""Hive-style partitions: `<table>/brand=<id>/period=<YYYY-MM>/`."""

MONEY = "decimal(18,2)"
INSTANT = "timestamp"
"""UTC at microseconds."""


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str
    comment: str


@dataclass(frozen=True, slots=True)
class ExportTable:
    name: str
    columns: tuple[Column, ...]
    comment: str


_HIVE = {"string": "string", "decimal(18,2)": MONEY, "int64": "bigint",
         "int32": "int", "bool": "boolean", "date": "date",
         "timestamp[us, UTC]": INSTANT}

_COMMENTS = {
    "dealers": "Every dealer of the brand as it stood at the export.",
    "placements": "Placements of the period, with attributed leads and CPL.",
    "reports": "Photo reports of the period's placements.",
    "photo_flags": "Flags raised on report photos (duplicates, dates).",
    "statements": "The latest statement of each dealer for the period.",
    "statement_lines": "The lines of those statements.",
    "sales": "Sales by dealer, model and day.",
    "traffic": "Traffic by dealer, channel, day and source.",
    "leads": "Calls and requests from call tracking, no personal data.",
}


def _table(name: str) -> ExportTable:
    from chalicelib.integrations.bi_tables import SCHEMAS

    columns = tuple(
        Column(column, _HIVE[kind], column.replace("_", " "))
        for column, kind, _ in SCHEMAS[name]
    )
    return ExportTable(name, columns, _COMMENTS[name])


def _tables() -> tuple[ExportTable, ...]:
    from chalicelib.integrations.bi_tables import TABLES as NAMES

    return tuple(_table(name) for name in NAMES)


# The columns are those the exporter writes (`bi_tables.SCHEMAS`), so Glue
# and the parquet files cannot drift apart.
TABLES: tuple[ExportTable, ...] = _tables()
DEALERS = TABLES[0]
