"""In-memory adapters of every bonus port, for tests and the benchmark.

They keep the same contracts as the DynamoDB adapters: versioned saves,
idempotent batch counting, a run completing once, ledger entries posted once.
"""

import threading
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from chalicelib.bonus.facts import DealerFacts, ModelSales, PlacementFacts
from chalicelib.bonus.model import (
    BonusRun,
    CloseBlocker,
    DealerBatch,
    LedgerEntry,
    RunKind,
    RunStatus,
    StoredStatement,
)
from chalicelib.bonus.program import Program, ProgramStatus
from chalicelib.errors import AlreadyExists, StaleVersion
from chalicelib.paging import Page


class MemoryFacts:
    """Implements BonusInputs and FactsRecorder."""

    def __init__(self) -> None:
        self.facts: dict[tuple[str, str, str], DealerFacts] = {}

    def put(self, brand_id: str, period: str, facts: DealerFacts) -> None:
        self.facts[(brand_id, period, facts.dealer_code)] = facts

    def for_period(self, brand_id: str, period: str) -> dict[str, DealerFacts]:
        return {
            code: facts for (brand, when, code), facts in sorted(self.facts.items())
            if brand == brand_id and when == period
        }

    def for_dealers(
        self, brand_id: str, period: str, codes: Sequence[str]
    ) -> dict[str, DealerFacts]:
        return {
            code: self.facts.get((brand_id, period, code), DealerFacts(code))
            for code in codes
        }

    def _update(self, brand_id: str, period: str, code: str, **changes: object) -> None:
        current = self.facts.get((brand_id, period, code), DealerFacts(code))
        self.facts[(brand_id, period, code)] = replace(current, **changes)  # type: ignore[arg-type]

    def record_sales(self, brand_id: str, period: str, dealer_code: str,
                     sales: Sequence[ModelSales], plan_units: int | None) -> None:
        self._update(brand_id, period, dealer_code, sales=tuple(sales),
                     sales_plan_units=plan_units)

    def record_placements(self, brand_id: str, period: str, dealer_code: str,
                          placements: Sequence[PlacementFacts],
                          budget_plan: Decimal | None) -> None:
        self._update(brand_id, period, dealer_code, placements=tuple(placements),
                     budget_plan=budget_plan)

    def record_leads(self, brand_id: str, period: str, dealer_code: str,
                     leads: int, lead_cost: Decimal | None) -> None:
        self._update(brand_id, period, dealer_code, leads=leads, lead_cost=lead_cost)

    def record_duplicate_photos(self, brand_id: str, period: str, dealer_code: str,
                                confirmed: int) -> None:
        self._update(brand_id, period, dealer_code, duplicate_photos=confirmed)

    def record_survey(self, brand_id: str, period: str, dealer_code: str,
                      answered: bool) -> None:
        self._update(brand_id, period, dealer_code, survey_answered=answered)


class MemoryPrograms:
    def __init__(self) -> None:
        self.programs: dict[tuple[str, str], Program] = {}
        self.current: dict[tuple[str, str], str] = {}

    def get(self, brand_id: str, program_id: str) -> Program | None:
        return self.programs.get((brand_id, program_id))

    def list(self, brand_id: str, period: str | None, limit: int,
             cursor: str | None) -> Page[Program]:
        found = sorted(
            (p for (brand, _), p in self.programs.items()
             if brand == brand_id and period in (None, p.period)),
            key=lambda p: (p.period, p.program_id),
        )
        start = int(cursor or 0)
        page = found[start:start + limit]
        more = start + limit < len(found)
        return Page(items=page, next_cursor=str(start + limit) if more else None)

    def save(self, program: Program, expected_version: int | None) -> Program:
        key = (program.brand_id, program.program_id)
        stored = self.programs.get(key)
        if expected_version is None and stored is not None:
            raise AlreadyExists("The program already exists.")
        if expected_version is not None and (
            stored is None or stored.version != expected_version
        ):
            raise StaleVersion("The program changed.", version=expected_version)
        saved = program.changed(version=(expected_version or 0) + 1)
        self.programs[key] = saved
        return saved

    def publish(self, program: Program, expected_version: int) -> Program:
        saved = self.save(program.changed(status=ProgramStatus.PUBLISHED),
                          expected_version)
        self.current[(program.brand_id, program.period)] = program.program_id
        return saved

    def published_for(self, brand_id: str, period: str) -> Program | None:
        program_id = self.current.get((brand_id, period))
        return None if program_id is None else self.get(brand_id, program_id)


class MemoryPeriods:
    def __init__(self) -> None:
        self.closed: dict[tuple[str, str], datetime] = {}

    def closed_at(self, brand_id: str, period: str) -> datetime | None:
        return self.closed.get((brand_id, period))

    def close(self, brand_id: str, period: str, at: datetime, by: str) -> bool:
        if (brand_id, period) in self.closed:
            return False
        self.closed[(brand_id, period)] = at
        return True


class FakeReadiness:
    """Decides in tests which reports keep a period open."""

    def __init__(self) -> None:
        self.blocking: dict[tuple[str, str], list[CloseBlocker]] = {}

    def blockers(self, brand_id: str, period: str, now: datetime) -> list[CloseBlocker]:
        return list(self.blocking.get((brand_id, period), []))


class MemoryRuns:
    def __init__(self) -> None:
        self.runs: dict[tuple[str, str], BonusRun] = {}
        self.stored: dict[tuple[str, str], StoredStatement] = {}
        self.counted: dict[str, set[int]] = {}
        self.versions: dict[tuple[str, str, str], int] = {}
        self.finals: dict[tuple[str, str], str] = {}
        self.announced: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def get(self, brand_id: str, run_id: str) -> BonusRun | None:
        return self.runs.get((brand_id, run_id))

    def create(self, run: BonusRun) -> BonusRun:
        with self._lock:
            if (run.brand_id, run.run_id) in self.runs:
                raise AlreadyExists("The bonus run already exists.")
            self.runs[(run.brand_id, run.run_id)] = run
            return run

    def next_run_version(self, brand_id: str, period: str, kind: RunKind) -> int:
        with self._lock:
            key = (brand_id, period, kind.value)
            self.versions[key] = self.versions.get(key, 0) + 1
            return self.versions[key]

    def save_statements(self, statements: Sequence[StoredStatement]) -> None:
        for stored in statements:
            self.stored[(stored.run_id, stored.dealer_code)] = stored

    def record_batch(self, brand_id: str, run_id: str, batch_no: int,
                     totals: dict[str, Decimal], statements: int) -> BonusRun | None:
        with self._lock:
            counted = self.counted.setdefault(run_id, set())
            if batch_no in counted:
                return None
            counted.add(batch_no)
            run = self.runs[(brand_id, run_id)]
            summed = dict(run.totals)
            for kind, amount in totals.items():
                summed[kind] = summed.get(kind, Decimal(0)) + amount
            run = run.changed(batches_done=len(counted), totals=summed,
                              statements_done=run.statements_done + statements)
            self.runs[(brand_id, run_id)] = run
            return run

    def complete(self, brand_id: str, run_id: str, at: datetime) -> bool:
        with self._lock:
            run = self.runs[(brand_id, run_id)]
            if run.status is not RunStatus.RUNNING or not run.is_complete:
                return False
            self.runs[(brand_id, run_id)] = run.changed(
                status=RunStatus.COMPLETED, completed_at=at)
            return True

    def running_since_before(self, moment: datetime) -> list[BonusRun]:
        return [run for run in self.runs.values()
                if run.status is RunStatus.RUNNING and run.started_at < moment]

    def fail(self, brand_id: str, run_id: str, reason: str) -> None:
        run = self.runs[(brand_id, run_id)]
        if run.status is RunStatus.RUNNING:
            self.runs[(brand_id, run_id)] = run.changed(status=RunStatus.FAILED,
                                                        failure=reason)

    def mark_published(self, brand_id: str, run_id: str, at: datetime) -> bool:
        with self._lock:
            run = self.runs[(brand_id, run_id)]
            if run.status is not RunStatus.COMPLETED:
                return False
            self.runs[(brand_id, run_id)] = run.changed(
                status=RunStatus.PUBLISHED, published_at=at)
            return True

    def statement(self, run_id: str, dealer_code: str) -> StoredStatement | None:
        return self.stored.get((run_id, dealer_code))

    def statements(self, run_id: str) -> list[StoredStatement]:
        return [s for (run, _), s in sorted(self.stored.items()) if run == run_id]

    def published_final(self, brand_id: str, period: str) -> str | None:
        return self.finals.get((brand_id, period))

    def set_published_final(self, brand_id: str, period: str, run_id: str) -> None:
        self.finals[(brand_id, period)] = run_id

    def latest_completed_preview(self, brand_id: str, period: str
                                 ) -> BonusRun | None:
        done = [run for run in self.runs.values()
                if (run.brand_id, run.period, run.kind) == (brand_id, period,
                                                            RunKind.PREVIEW)
                and run.status is RunStatus.COMPLETED]
        return max(done, key=lambda run: run.started_at, default=None)

    def claim_announcement(self, brand_id: str, run_id: str, at: datetime) -> bool:
        with self._lock:
            if (brand_id, run_id) in self.announced:
                return False
            self.announced.add((brand_id, run_id))
            return True

    def release_announcement(self, brand_id: str, run_id: str) -> None:
        self.announced.discard((brand_id, run_id))


class MemoryBatchQueue:
    def __init__(self) -> None:
        self.sent: list[DealerBatch] = []

    def send(self, batches: Sequence[DealerBatch]) -> None:
        self.sent.extend(batches)


class MemoryLedger:
    def __init__(self) -> None:
        self.entries: dict[str, LedgerEntry] = {}

    def post(self, entries: Sequence[LedgerEntry]) -> None:
        for entry in entries:
            self.entries.setdefault(entry.entry_id, entry)

    def balance(self, dealer_code: str) -> Decimal:
        return sum((e.amount for e in self.entries.values()
                    if e.dealer_code == dealer_code), Decimal(0))


class MemoryExports:
    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def link(self, key: str, content: bytes, file_name: str) -> str:
        self.files[key] = content
        return f"memory://exports/{key}"
