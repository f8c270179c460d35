"""What the bonus use cases need from the rest of the system.

Contract of the inputs (for the features that feed them)
--------------------------------------------------------
`BonusInputs.for_period(brand_id, period)` returns the `DealerFacts` of
every dealer that has any fact in the period, by dealer code;
`for_dealers(brand_id, period, codes)` returns facts for exactly the codes
asked (a dealer with nothing stored gets an empty `DealerFacts`, every
section None = "not in yet"). Money is Decimal, instants are aware.

`FactsRecorder` is how later features write those facts: each owns one
section and replaces it whole, so writers never overwrite each other:
- sales sync: `record_sales` (units and revenue by model, plan units);
- placements: `record_placements` (every placement of the period with cost,
  approved amount, mandatory flag, report state, `due_at`, `submitted_at`,
  and the dealer's budget plan);
- call tracking / distributor platform: `record_leads` (leads, lead cost);
- duplicate photo detection: `record_duplicate_photos` (confirmed flags);
- surveys: `record_survey` (answered or not).
Recording is idempotent: the same call twice leaves the same facts.

`PeriodReadiness` is implemented by placements: the reports that keep a
period from closing. `LedgerPoster` is implemented by the budget ledger of
placements: it must be idempotent by `LedgerEntry.entry_id`.
"""

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from chalicelib.bonus.facts import DealerFacts, ModelSales, PlacementFacts
from chalicelib.bonus.model import (
    BonusRun,
    CloseBlocker,
    DealerBatch,
    LedgerEntry,
    RunKind,
    StoredStatement,
)
from chalicelib.bonus.program import Program
from chalicelib.network.model import Brand
from chalicelib.paging import Page


class BonusInputs(Protocol):
    def for_period(self, brand_id: str, period: str) -> dict[str, DealerFacts]: ...

    def for_dealers(
        self, brand_id: str, period: str, codes: Sequence[str]
    ) -> dict[str, DealerFacts]: ...


class FactsRecorder(Protocol):
    def record_sales(
        self, brand_id: str, period: str, dealer_code: str,
        sales: Sequence[ModelSales], plan_units: int | None,
    ) -> None: ...

    def record_placements(
        self, brand_id: str, period: str, dealer_code: str,
        placements: Sequence[PlacementFacts], budget_plan: Decimal | None,
    ) -> None: ...

    def record_leads(
        self, brand_id: str, period: str, dealer_code: str,
        leads: int, lead_cost: Decimal | None,
    ) -> None: ...

    def record_duplicate_photos(
        self, brand_id: str, period: str, dealer_code: str, confirmed: int
    ) -> None: ...

    def record_survey(
        self, brand_id: str, period: str, dealer_code: str, answered: bool
    ) -> None: ...


class ProgramRepository(Protocol):
    def get(self, brand_id: str, program_id: str) -> Program | None: ...

    def list(
        self, brand_id: str, period: str | None, limit: int, cursor: str | None
    ) -> Page[Program]: ...

    def save(self, program: Program, expected_version: int | None) -> Program:
        """Store if the stored version is `expected_version` (None: new)."""
        ...

    def publish(self, program: Program, expected_version: int) -> Program:
        """Store the published program and make it its period's current one,
        both or neither."""
        ...

    def published_for(self, brand_id: str, period: str) -> Program | None: ...


class PeriodRepository(Protocol):
    def closed_at(self, brand_id: str, period: str) -> datetime | None: ...

    def close(self, brand_id: str, period: str, at: datetime, by: str) -> bool:
        """Record the close; False when it was closed already."""
        ...


class PeriodReadiness(Protocol):
    def blockers(
        self, brand_id: str, period: str, now: datetime
    ) -> list[CloseBlocker]:
        """Reports of the period not yet past due, or late ones awaiting a
        decision; an empty list means the period may close."""
        ...


class RunRepository(Protocol):
    def get(self, brand_id: str, run_id: str) -> BonusRun | None: ...

    def create(self, run: BonusRun) -> BonusRun:
        """Store a new run; raise AlreadyExists if the id is taken."""
        ...

    def next_run_version(self, brand_id: str, period: str, kind: RunKind) -> int: ...

    def save_statements(self, statements: Sequence[StoredStatement]) -> None:
        """Write statements by (run, dealer): writing again replaces, never adds."""
        ...

    def record_batch(
        self, brand_id: str, run_id: str, batch_no: int,
        totals: dict[str, Decimal], statements: int,
    ) -> BonusRun | None:
        """Count a batch in, once; None when it was counted before."""
        ...

    def complete(self, brand_id: str, run_id: str, at: datetime) -> bool:
        """Mark the run completed if every batch is in and it is still
        running; True only for the one call that did it."""
        ...

    def running_since_before(self, moment: datetime) -> list[BonusRun]:
        """Runs of every brand still running that started before `moment`."""
        ...

    def fail(self, brand_id: str, run_id: str, reason: str) -> None:
        """Mark a running run failed; a run no longer running is left as is."""
        ...

    def mark_published(self, brand_id: str, run_id: str, at: datetime) -> bool: ...

    def statement(self, run_id: str, dealer_code: str) -> StoredStatement | None: ...

    def statements(self, run_id: str) -> list[StoredStatement]: ...

    def published_final(self, brand_id: str, period: str) -> str | None:
        """The id of the period's last published final run."""
        ...

    def set_published_final(self, brand_id: str, period: str, run_id: str) -> None: ...

    def latest_completed_preview(self, brand_id: str, period: str
                                 ) -> BonusRun | None:
        """The period's preview run that started last among the completed."""
        ...

    def claim_announcement(self, brand_id: str, run_id: str, at: datetime) -> bool:
        """Mark the published run as announced (analytics, BI export); True
        only for the one call that marked it."""
        ...

    def release_announcement(self, brand_id: str, run_id: str) -> None:
        """Undo a claim whose announcement failed, so a retry announces."""
        ...


class BatchQueue(Protocol):
    def send(self, batches: Sequence[DealerBatch]) -> None: ...


class LedgerPoster(Protocol):
    def post(self, entries: Sequence[LedgerEntry]) -> None:
        """Post each entry once: an `entry_id` already posted is skipped, so
        posting the same entries again changes nothing."""
        ...


class ExportStore(Protocol):
    def link(self, key: str, content: bytes, file_name: str) -> str:
        """Store the file and return a presigned download link."""
        ...


class BrandDirectory(Protocol):
    def all_brands(self) -> list[Brand]: ...


class StatementAnnouncer(Protocol):
    def published(
        self, brand_id: str, run_id: str, period: str, dealer_codes: Sequence[str]
    ) -> None:
        """Tell each dealer's users that its statement of the final run
        `run_id` is published. Called on every publish of the run (a repeat
        too): the adapter tells each user once per run and dealer."""
        ...


class NoAnnouncements:
    def published(
        self, brand_id: str, run_id: str, period: str, dealer_codes: Sequence[str]
    ) -> None:
        return None
