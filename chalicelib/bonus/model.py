"""Bonus runs, stored statements, ledger entries and period closing, as
the domain sees them. Pure data and the rules on it."""

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from chalicelib.bonus.engine import LEDGER_KINDS, Line, Statement

ZERO = Decimal(0)


class RunKind(StrEnum):
    PREVIEW = "preview"
    FINAL = "final"


class RunStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    PUBLISHED = "published"


@dataclass(frozen=True, slots=True)
class BonusRun:
    run_id: str
    brand_id: str
    period: str
    kind: RunKind
    run_version: int
    program_id: str
    program_version: int
    inputs_fingerprint: str
    trigger: str
    started_by: str
    started_at: datetime
    batches_total: int
    dealer_count: int
    status: RunStatus = RunStatus.RUNNING
    batches_done: int = 0
    statements_done: int = 0
    totals: dict[str, Decimal] = field(default_factory=dict)
    completed_at: datetime | None = None
    published_at: datetime | None = None
    failure: str | None = None

    @property
    def is_complete(self) -> bool:
        return self.batches_done >= self.batches_total

    @property
    def total(self) -> Decimal:
        return sum(self.totals.values(), ZERO)

    def changed(self, **changes: Any) -> "BonusRun":
        return replace(self, **changes)


@dataclass(frozen=True, slots=True)
class StoredStatement:
    """One dealer's statement as a run stored it."""

    run_id: str
    dealer_code: str
    facts_fingerprint: str
    statement: Statement

    @property
    def totals(self) -> dict[str, Decimal]:
        return {kind.value: amount for kind, amount in self.statement.totals.items()}


@dataclass(frozen=True, slots=True)
class DealerBatch:
    """A run's share of dealers for one worker: their codes and the digest of
    each one's facts when the run started."""

    brand_id: str
    run_id: str
    batch_no: int
    fingerprints: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """A money movement on a dealer's budget ledger from a published run.

    `entry_id` is stable: the same run and line always give the same id, so
    posting twice posts once."""

    entry_id: str
    brand_id: str
    dealer_code: str
    period: str
    kind: str
    rule: str
    amount: Decimal
    currency: str
    run_id: str
    reverses: str | None = None
    placement_id: str | None = None
    """The placement a per-placement compensation repays; None for lines
    not tied to one (penalties, caps)."""


@dataclass(frozen=True, slots=True)
class CloseBlocker:
    """A report that keeps a period open."""

    dealer_code: str
    placement_id: str
    reason: str
    """`not_past_due` or `awaits_decision`."""
    due_at: datetime | None = None


def run_id_for(brand_id: str, trigger: str) -> str:
    """The same trigger always names the same run, so a redelivered trigger
    finds the run it already started."""
    digest = hashlib.sha256(f"{brand_id}#{trigger}".encode()).hexdigest()[:24]
    return f"run-{digest}"


def inputs_fingerprint(program_id: str, program_version: int,
                       fingerprints: Mapping[str, str]) -> str:
    text = "|".join(f"{code}={digest}" for code, digest in sorted(fingerprints.items()))
    source = f"{program_id}@{program_version}|{text}"
    return hashlib.sha256(source.encode()).hexdigest()[:32]


def batches(codes: Iterable[str], size: int) -> list[list[str]]:
    ordered = sorted(codes)
    return [ordered[start:start + size] for start in range(0, len(ordered), size)]


def ledger_entries(run: BonusRun, statements: Iterable[StoredStatement],
                   currency: str) -> list[LedgerEntry]:
    """The compensation and penalty lines of a run, as ledger entries."""
    entries = []
    for stored in statements:
        for number, line in enumerate(stored.statement.lines):
            if line.kind in LEDGER_KINDS and line.amount != 0:
                entries.append(_entry(run, stored.dealer_code, number, line, currency))
    return entries


def reversals(entries: Iterable[LedgerEntry], by_run: BonusRun) -> list[LedgerEntry]:
    """Entries that undo `entries` when a later final run replaces theirs."""
    return [
        replace(entry, entry_id=f"{entry.entry_id}:reversed-by:{by_run.run_id}",
                amount=-entry.amount, run_id=by_run.run_id, reverses=entry.entry_id)
        for entry in entries
    ]


def _entry(run: BonusRun, dealer_code: str, number: int, line: Line,
           currency: str) -> LedgerEntry:
    return LedgerEntry(
        entry_id=f"{run.run_id}:{dealer_code}:{number}",
        brand_id=run.brand_id, dealer_code=dealer_code, period=run.period,
        kind=line.kind.value, rule=line.rule, amount=line.amount,
        currency=currency, run_id=run.run_id,
        placement_id=line.inputs.get("placement_id"),
    )


def period_bounds(period: str) -> tuple[date, date]:
    """First day of the period and first day of the next."""
    year, month = (int(part) for part in period.split("-"))
    start = date(year, month, 1)
    after = date(year + month // 12, month % 12 + 1, 1)
    return start, after


def next_period(period: str) -> str:
    _, after = period_bounds(period)
    return f"{after.year:04d}-{after.month:02d}"


def previous_period(period: str) -> str:
    year, month = (int(part) for part in period.split("-"))
    if month == 1:
        return f"{year - 1:04d}-12"
    return f"{year:04d}-{month - 1:02d}"

