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


DEALERS = ExportTable(
    "dealers",
    (
        Column("dealer_code", "string", "The dealer's code, e.g. AUR-MSK-01."),
        Column("city", "string", "City of the dealership."),
        Column("region", "string", "Region of the brand's network."),
        Column("time_zone", "string", "IANA time zone of the dealer."),
        Column("category", "string", "Dealer category, e.g. flagship."),
        Column("exported_at", INSTANT, "When this export was written."),
    ),
    "Every dealer of the brand as it stood at the export.",
)

# Limitation: only the dealers table is declared. Placements, reports, photo
# flags, statements and their lines, sales and traffic get their columns
# when the export that writes them is built; until then Glue has no table
# for them and BI tools cannot query them.
TABLES: tuple[ExportTable, ...] = (DEALERS,)
