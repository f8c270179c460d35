"""Motivation programs, periods, stored facts, bonus runs and statements in
DynamoDB: storage shapes and the repositories over them.

Tables (keys are the single source of truth for the bootstrap and infra):
- `bonus-programs`: key `brand_id` + `program_id`; rules as JSON text.
- `bonus-periods`: key `brand_id` + `period`: when it closed, its current
  published program, its last published final run, run version counters.
- `bonus-facts`: key `brand_period` (`aurora#2026-11`) + `dealer_code`; one
  JSON attribute per section, each written by the feature that owns it.
- `bonus-runs`: key `brand_id` + `run_id`; batch counting is one
  conditional update (a number set of counted batches plus the totals).
  Index `by_period` (`brand_period` + `started_at`): a period's runs.
- `bonus-statements`: key `run_id` + `dealer_code`; lines as JSON text.
- `bonus-ledger`: key `entry_id`; compensation and penalty entries of
  published runs, until the placements budget ledger takes them over.
"""

import json
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    NumberSetAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.connection import Connection
from pynamodb.exceptions import PutError, TransactWriteError, UpdateError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.bonus.engine import KpiResult, Line, LineKind, Statement
from chalicelib.bonus.facts import (
    DealerFacts,
    ModelSales,
    PlacementFacts,
    ReportState,
    facts_of_document,
    placement_document,
)
from chalicelib.bonus.model import (
    BonusRun,
    CloseBlocker,
    LedgerEntry,
    RunKind,
    RunStatus,
    StoredStatement,
)
from chalicelib.bonus.program import Program, ProgramRules, ProgramStatus
from chalicelib.dynamo import (
    DecimalAttribute,
    decode_cursor,
    encode_cursor,
    save_versioned,
    table_meta,
)
from chalicelib.errors import AlreadyExists, StaleVersion
from chalicelib.network.dynamo import BrandModel, _brand
from chalicelib.network.model import Brand
from chalicelib.paging import Page

KINDS = tuple(kind.value for kind in LineKind)
BATCH_GET_LIMIT = 100


class ProgramModel(Model):
    Meta = table_meta("bonus-programs")

    brand_id = UnicodeAttribute(hash_key=True)
    program_id = UnicodeAttribute(range_key=True)
    period = UnicodeAttribute()
    name = UnicodeAttribute()
    rules = UnicodeAttribute()
    status = UnicodeAttribute()
    updated_at = UTCDateTimeAttribute()
    updated_by = UnicodeAttribute()
    published_at = UTCDateTimeAttribute(null=True)
    copied_from = UnicodeAttribute(null=True)
    version = VersionAttribute()


class PeriodModel(Model):
    Meta = table_meta("bonus-periods")

    brand_id = UnicodeAttribute(hash_key=True)
    period = UnicodeAttribute(range_key=True)
    closed_at = UTCDateTimeAttribute(null=True)
    closed_by = UnicodeAttribute(null=True)
    program_id = UnicodeAttribute(null=True)
    published_final_run = UnicodeAttribute(null=True)
    preview_runs = NumberAttribute(null=True)
    final_runs = NumberAttribute(null=True)


class FactsModel(Model):
    Meta = table_meta("bonus-facts")

    brand_period = UnicodeAttribute(hash_key=True)
    dealer_code = UnicodeAttribute(range_key=True)
    sales = UnicodeAttribute(null=True)
    placements = UnicodeAttribute(null=True)
    leads = UnicodeAttribute(null=True)
    duplicate_photos = NumberAttribute(null=True)
    survey_answered = BooleanAttribute(null=True)


class RunsByStatus(GlobalSecondaryIndex["RunModel"]):
    class Meta:
        index_name = "by_status"
        projection = AllProjection()

    status = UnicodeAttribute(hash_key=True)
    started_at = UTCDateTimeAttribute(range_key=True)


class RunsByPeriod(GlobalSecondaryIndex["RunModel"]):
    class Meta:
        index_name = "by_period"
        projection = AllProjection()

    brand_period = UnicodeAttribute(hash_key=True)
    started_at = UTCDateTimeAttribute(range_key=True)


class RunModel(Model):
    Meta = table_meta("bonus-runs")

    brand_id = UnicodeAttribute(hash_key=True)
    run_id = UnicodeAttribute(range_key=True)
    period = UnicodeAttribute()
    kind = UnicodeAttribute()
    run_version = NumberAttribute()
    program_id = UnicodeAttribute()
    program_version = NumberAttribute()
    inputs_fingerprint = UnicodeAttribute()
    trigger = UnicodeAttribute()
    started_by = UnicodeAttribute()
    started_at = UTCDateTimeAttribute()
    batches_total = NumberAttribute()
    dealer_count = NumberAttribute()
    status = UnicodeAttribute()
    counted = NumberSetAttribute(null=True)
    batches_done = NumberAttribute(default=0)
    statements_done = NumberAttribute(default=0)
    total_reward = DecimalAttribute(null=True)
    total_gate = DecimalAttribute(null=True)
    total_compensation = DecimalAttribute(null=True)
    total_penalty = DecimalAttribute(null=True)
    total_adjustment = DecimalAttribute(null=True)
    completed_at = UTCDateTimeAttribute(null=True)
    published_at = UTCDateTimeAttribute(null=True)
    failure = UnicodeAttribute(null=True)
    # Limitation: runs stored before this attribute existed are not in
    # `by_period`; their period's estimate shows once a new preview runs.
    brand_period = UnicodeAttribute(null=True)
    announced_at = UTCDateTimeAttribute(null=True)

    by_status = RunsByStatus()
    by_period = RunsByPeriod()


class StatementModel(Model):
    Meta = table_meta("bonus-statements")

    run_id = UnicodeAttribute(hash_key=True)
    dealer_code = UnicodeAttribute(range_key=True)
    facts_fingerprint = UnicodeAttribute()
    body = UnicodeAttribute()


class LedgerEntryModel(Model):
    Meta = table_meta("bonus-ledger")

    entry_id = UnicodeAttribute(hash_key=True)
    brand_id = UnicodeAttribute()
    dealer_code = UnicodeAttribute()
    period = UnicodeAttribute()
    kind = UnicodeAttribute()
    rule = UnicodeAttribute()
    amount = DecimalAttribute()
    currency = UnicodeAttribute()
    run_id = UnicodeAttribute()
    reverses = UnicodeAttribute(null=True)


MODELS: tuple[type[Model], ...] = (
    ProgramModel, PeriodModel, FactsModel, RunModel, StatementModel, LedgerEntryModel,
)


# programs and periods


class DynamoPrograms:
    def get(self, brand_id: str, program_id: str) -> Program | None:
        try:
            return _program(ProgramModel.get(brand_id, program_id))
        except ProgramModel.DoesNotExist:
            return None

    def list(self, brand_id: str, period: str | None, limit: int,
             cursor: str | None) -> Page[Program]:
        start = decode_cursor(cursor, "brand_id", brand_id)
        condition = ProgramModel.period == period if period else None
        results = ProgramModel.query(brand_id, filter_condition=condition,
                                     limit=limit + 1, last_evaluated_key=start)
        items = [_program(item) for item in results]
        if len(items) <= limit:
            return Page(items=items, next_cursor=None)
        last = items[limit - 1]
        key = {"brand_id": {"S": brand_id}, "program_id": {"S": last.program_id}}
        return Page(items=items[:limit], next_cursor=encode_cursor(key))

    def save(self, program: Program, expected_version: int | None) -> Program:
        item = _program_item(program)
        save_versioned(item, expected_version)
        return _program(item)

    def publish(self, program: Program, expected_version: int) -> Program:
        item = _program_item(program)
        item.version = expected_version
        pointer = PeriodModel(program.brand_id, program.period)
        try:
            with TransactWrite(connection=Connection(region=ProgramModel.Meta.region)) \
                    as transaction:
                transaction.save(item)
                transaction.update(pointer, actions=[
                    PeriodModel.program_id.set(program.program_id)])
        except TransactWriteError as exc:
            if not _lost_race(exc):
                raise  # throttling or a lost connection: not a changed program
            raise StaleVersion(
                f"The program changed since version {expected_version!r}.",
                version=expected_version) from exc
        return _program(item)

    def published_for(self, brand_id: str, period: str) -> Program | None:
        pointer = _period(brand_id, period)
        if pointer is None or pointer.program_id is None:
            return None
        return self.get(brand_id, pointer.program_id)


class DynamoPeriods:
    def closed_at(self, brand_id: str, period: str) -> datetime | None:
        found = _period(brand_id, period)
        return None if found is None else found.closed_at

    def close(self, brand_id: str, period: str, at: datetime, by: str) -> bool:
        item = PeriodModel(brand_id, period)
        try:
            item.update(
                actions=[PeriodModel.closed_at.set(at), PeriodModel.closed_by.set(by)],
                condition=PeriodModel.closed_at.does_not_exist(),
            )
        except UpdateError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True


class DynamoBrandDirectory:
    def all_brands(self) -> list[Brand]:
        return [_brand(item) for item in BrandModel.scan()]


# stored facts


class StoredFacts:
    """Implements BonusInputs (reading) and FactsRecorder (writing)."""

    def for_period(self, brand_id: str, period: str) -> dict[str, DealerFacts]:
        items = FactsModel.query(f"{brand_id}#{period}")
        return {item.dealer_code: _facts(item) for item in items}

    def for_dealers(self, brand_id: str, period: str,
                    codes: Sequence[str]) -> dict[str, DealerFacts]:
        found: dict[str, DealerFacts] = {}
        partition = f"{brand_id}#{period}"
        for start in range(0, len(codes), BATCH_GET_LIMIT):
            keys = [(partition, code) for code in codes[start:start + BATCH_GET_LIMIT]]
            for item in FactsModel.batch_get(keys):
                found[item.dealer_code] = _facts(item)
        return {code: found.get(code, DealerFacts(code)) for code in codes}

    def record_sales(self, brand_id: str, period: str, dealer_code: str,
                     sales: Sequence[ModelSales], plan_units: int | None) -> None:
        document = {
            "plan_units": plan_units,
            "models": [{"model": s.model, "units": s.units, "revenue": str(s.revenue),
                        "plan_units": s.plan_units} for s in sales],
        }
        self._set(brand_id, period, dealer_code, FactsModel.sales, _json(document))

    def record_placements(self, brand_id: str, period: str, dealer_code: str,
                          placements: Sequence[PlacementFacts],
                          budget_plan: Decimal | None) -> None:
        document = {
            "budget_plan": None if budget_plan is None else str(budget_plan),
            "items": [placement_document(p) for p in placements],
        }
        self._set(brand_id, period, dealer_code, FactsModel.placements,
                  _json(document))

    def record_leads(self, brand_id: str, period: str, dealer_code: str,
                     leads: int, lead_cost: Decimal | None) -> None:
        document = {"leads": leads,
                    "lead_cost": None if lead_cost is None else str(lead_cost)}
        self._set(brand_id, period, dealer_code, FactsModel.leads, _json(document))

    def record_duplicate_photos(self, brand_id: str, period: str, dealer_code: str,
                                confirmed: int) -> None:
        self._set(brand_id, period, dealer_code, FactsModel.duplicate_photos,
                  confirmed)

    def record_survey(self, brand_id: str, period: str, dealer_code: str,
                      answered: bool) -> None:
        self._set(brand_id, period, dealer_code, FactsModel.survey_answered, answered)

    def _set(self, brand_id: str, period: str, dealer_code: str, attribute: Any,
             value: Any) -> None:
        FactsModel(f"{brand_id}#{period}", dealer_code).update(
            actions=[attribute.set(value)])


class StoredFactsReadiness:
    """PeriodReadiness over the stored placement facts: a report not yet past
    due, or a late one awaiting a decision, keeps the period open. Wiring
    runs it on facts placements has just recomputed
    (`chalicelib.placements.bonus_facts.PlacementsReadiness`)."""

    def __init__(self, facts: StoredFacts) -> None:
        self._facts = facts

    def blockers(self, brand_id: str, period: str, now: datetime) -> list[CloseBlocker]:
        blockers = []
        for code, facts in sorted(self._facts.for_period(brand_id, period).items()):
            for placement in facts.placements or ():
                reason = _blocking_reason(placement, now)
                if reason:
                    blockers.append(CloseBlocker(code, placement.placement_id, reason,
                                                 placement.due_at))
        return blockers


def _blocking_reason(placement: PlacementFacts, now: datetime) -> str | None:
    if placement.report_state is ReportState.LATE_SUBMITTED:
        return "awaits_decision"
    if now < placement.due_at and placement.report_state in (
        ReportState.OPEN, ReportState.RETURNED, ReportState.SUBMITTED,
    ):
        return "not_past_due"
    return None


# runs and statements


class DynamoRuns:
    def get(self, brand_id: str, run_id: str) -> BonusRun | None:
        try:
            return _run(RunModel.get(brand_id, run_id))
        except RunModel.DoesNotExist:
            return None

    def create(self, run: BonusRun) -> BonusRun:
        item = _run_item(run)
        try:
            item.save(condition=RunModel.run_id.does_not_exist())
        except PutError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                raise AlreadyExists(f"Bonus run {run.run_id!r} exists.") from exc
            raise
        return run

    def next_run_version(self, brand_id: str, period: str, kind: RunKind) -> int:
        counter = PeriodModel.final_runs if kind is RunKind.FINAL \
            else PeriodModel.preview_runs
        item = PeriodModel(brand_id, period)
        item.update(actions=[counter.add(1)])
        return int(getattr(item, counter.attr_name))

    def save_statements(self, statements: Sequence[StoredStatement]) -> None:
        unique = {stored.dealer_code: stored for stored in statements}
        with StatementModel.batch_write() as batch:
            for stored in unique.values():
                batch.save(StatementModel(
                    stored.run_id, stored.dealer_code,
                    facts_fingerprint=stored.facts_fingerprint,
                    body=_json(_statement_document(stored.statement)),
                ))

    def record_batch(self, brand_id: str, run_id: str, batch_no: int,
                     totals: dict[str, Decimal], statements: int) -> BonusRun | None:
        item = RunModel(brand_id, run_id)
        actions = [
            RunModel.counted.add({batch_no}),
            RunModel.batches_done.add(1),
            RunModel.statements_done.add(statements),
            *(getattr(RunModel, f"total_{kind}").add(totals.get(kind, Decimal(0)))
              for kind in KINDS),
        ]
        try:
            item.update(actions=actions, condition=(
                RunModel.run_id.exists() & ~RunModel.counted.contains(batch_no)))
        except UpdateError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                return None
            raise
        return _run(item)

    def complete(self, brand_id: str, run_id: str, at: datetime) -> bool:
        run = self.get(brand_id, run_id)
        if run is None or not run.is_complete:
            return False
        return _moved(RunModel(brand_id, run_id), [
            RunModel.status.set(RunStatus.COMPLETED.value),
            RunModel.completed_at.set(at),
        ], (RunModel.status == RunStatus.RUNNING.value)
            & (RunModel.batches_done >= run.batches_total))

    def running_since_before(self, moment: datetime) -> list[BonusRun]:
        results = RunModel.by_status.query(RunStatus.RUNNING.value,
                                           RunModel.started_at < moment)
        return [_run(item) for item in results]

    def fail(self, brand_id: str, run_id: str, reason: str) -> None:
        _moved(RunModel(brand_id, run_id), [
            RunModel.status.set(RunStatus.FAILED.value),
            RunModel.failure.set(reason),
        ], RunModel.status == RunStatus.RUNNING.value)

    def mark_published(self, brand_id: str, run_id: str, at: datetime) -> bool:
        return _moved(RunModel(brand_id, run_id), [
            RunModel.status.set(RunStatus.PUBLISHED.value),
            RunModel.published_at.set(at),
        ], RunModel.status == RunStatus.COMPLETED.value)

    def statement(self, run_id: str, dealer_code: str) -> StoredStatement | None:
        try:
            return _stored(StatementModel.get(run_id, dealer_code))
        except StatementModel.DoesNotExist:
            return None

    def statements(self, run_id: str) -> list[StoredStatement]:
        return [_stored(item) for item in StatementModel.query(run_id)]

    def published_final(self, brand_id: str, period: str) -> str | None:
        found = _period(brand_id, period)
        return None if found is None else found.published_final_run

    def set_published_final(self, brand_id: str, period: str, run_id: str) -> None:
        PeriodModel(brand_id, period).update(
            actions=[PeriodModel.published_final_run.set(run_id)])

    def latest_completed_preview(self, brand_id: str, period: str
                                 ) -> BonusRun | None:
        wanted = ((RunModel.kind == RunKind.PREVIEW.value)
                  & (RunModel.status == RunStatus.COMPLETED.value))
        results = RunModel.by_period.query(f"{brand_id}#{period}",
                                           filter_condition=wanted,
                                           scan_index_forward=False)
        for item in results:
            return _run(item)
        return None

    def claim_announcement(self, brand_id: str, run_id: str, at: datetime) -> bool:
        return _moved(RunModel(brand_id, run_id), [RunModel.announced_at.set(at)],
                      RunModel.run_id.exists() & RunModel.announced_at.does_not_exist())

    def release_announcement(self, brand_id: str, run_id: str) -> None:
        RunModel(brand_id, run_id).update(actions=[RunModel.announced_at.remove()],
                                          condition=RunModel.run_id.exists())


class DynamoLedgerOutbox:
    """LedgerPoster that keeps entries by their id: writing an entry again
    writes the same item, so a repeated publish posts nothing new.

    NOTE: not wired any more: `wiring.ledger_poster()` posts to the dealers'
    budget ledger (`chalicelib.budgets.bonus_ledger`). Kept for the tests of
    the bonus package that need a poster of their own."""

    def post(self, entries: Sequence[LedgerEntry]) -> None:
        # One batch may not name a key twice (a DynamoDB rule).
        unique = {entry.entry_id: entry for entry in reversed(entries)}
        with LedgerEntryModel.batch_write() as batch:
            for entry in unique.values():
                batch.save(LedgerEntryModel(
                    entry.entry_id, brand_id=entry.brand_id,
                    dealer_code=entry.dealer_code, period=entry.period,
                    kind=entry.kind, rule=entry.rule, amount=entry.amount,
                    currency=entry.currency, run_id=entry.run_id,
                    reverses=entry.reverses,
                ))


# mapping


def _moved(item: RunModel, actions: list, condition: Any) -> bool:
    try:
        item.update(actions=actions, condition=condition)
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def _period(brand_id: str, period: str) -> PeriodModel | None:
    try:
        return PeriodModel.get(brand_id, period)
    except PeriodModel.DoesNotExist:
        return None


def _program_item(program: Program) -> ProgramModel:
    return ProgramModel(
        program.brand_id, program.program_id, period=program.period,
        name=program.name, rules=program.rules.model_dump_json(),
        status=program.status.value, updated_at=program.updated_at,
        updated_by=program.updated_by, published_at=program.published_at,
        copied_from=program.copied_from,
    )


def _program(item: ProgramModel) -> Program:
    return Program(
        program_id=item.program_id, brand_id=item.brand_id, period=item.period,
        name=item.name, rules=ProgramRules.model_validate_json(item.rules),
        status=ProgramStatus(item.status), updated_at=item.updated_at,
        updated_by=item.updated_by, published_at=item.published_at,
        copied_from=item.copied_from, version=int(item.version),
    )


def _facts(item: FactsModel) -> DealerFacts:
    sales = json.loads(item.sales) if item.sales else None
    placements = json.loads(item.placements) if item.placements else None
    leads = json.loads(item.leads) if item.leads else None
    return facts_of_document({
        "dealer_code": item.dealer_code,
        "sales": None if sales is None else sales["models"],
        "sales_plan_units": None if sales is None else sales["plan_units"],
        "budget_plan": None if placements is None else placements["budget_plan"],
        "placements": None if placements is None else placements["items"],
        "leads": None if leads is None else leads["leads"],
        "lead_cost": None if leads is None else leads["lead_cost"],
        "duplicate_photos": None if item.duplicate_photos is None
        else int(item.duplicate_photos),
        "survey_answered": item.survey_answered,
    })


def _run_item(run: BonusRun) -> RunModel:
    return RunModel(
        run.brand_id, run.run_id, period=run.period, kind=run.kind.value,
        brand_period=f"{run.brand_id}#{run.period}",
        run_version=run.run_version, program_id=run.program_id,
        program_version=run.program_version,
        inputs_fingerprint=run.inputs_fingerprint, trigger=run.trigger,
        started_by=run.started_by, started_at=run.started_at,
        batches_total=run.batches_total, dealer_count=run.dealer_count,
        status=run.status.value, batches_done=0, statements_done=0,
    )


def _run(item: RunModel) -> BonusRun:
    totals = {kind: getattr(item, f"total_{kind}") for kind in KINDS}
    return BonusRun(
        run_id=item.run_id, brand_id=item.brand_id, period=item.period,
        kind=RunKind(item.kind), run_version=int(item.run_version),
        program_id=item.program_id, program_version=int(item.program_version),
        inputs_fingerprint=item.inputs_fingerprint, trigger=item.trigger,
        started_by=item.started_by, started_at=item.started_at,
        batches_total=int(item.batches_total), dealer_count=int(item.dealer_count),
        status=RunStatus(item.status), batches_done=int(item.batches_done or 0),
        statements_done=int(item.statements_done or 0),
        totals={kind: value for kind, value in totals.items() if value is not None},
        completed_at=item.completed_at, published_at=item.published_at,
        failure=item.failure,
    )


def _statement_document(statement: Statement) -> dict[str, Any]:
    return {
        "dealer_code": statement.dealer_code,
        "kpis": [_kpi_document(result) for result in statement.kpis],
        "lines": [
            {"rule": line.rule, "kind": line.kind.value, "name": line.name,
             "inputs": line.inputs, "formula": line.formula,
             "amount": str(line.amount)}
            for line in statement.lines
        ],
    }


def _kpi_document(result: KpiResult) -> dict[str, Any]:
    def text(value: Decimal | None) -> str | None:
        return None if value is None else str(value)

    return {"kpi_id": result.kpi_id, "value": text(result.value),
            "target": text(result.target), "pct": text(result.pct),
            "met": result.met, "tier": result.tier, "rate": text(result.rate)}


def _stored(item: StatementModel) -> StoredStatement:
    document = json.loads(item.body)
    return StoredStatement(
        run_id=item.run_id, dealer_code=item.dealer_code,
        facts_fingerprint=item.facts_fingerprint,
        statement=Statement(
            dealer_code=document["dealer_code"],
            kpis=tuple(_kpi_result(kpi) for kpi in document["kpis"]),
            lines=tuple(_line(line) for line in document["lines"]),
        ),
    )


def _kpi_result(document: dict[str, Any]) -> KpiResult:
    def number(value: str | None) -> Decimal | None:
        return None if value is None else Decimal(value)

    return KpiResult(kpi_id=document["kpi_id"], value=number(document["value"]),
                     target=number(document["target"]), pct=number(document["pct"]),
                     met=document["met"], tier=document["tier"],
                     rate=number(document["rate"]))


def _line(document: dict[str, Any]) -> Line:
    return Line(rule=document["rule"], kind=LineKind(document["kind"]),
                name=document["name"], inputs=dict(document["inputs"]),
                formula=document["formula"], amount=Decimal(document["amount"]))


def _json(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def _lost_race(exc: TransactWriteError) -> bool:
    """Whether a transaction was cancelled because a condition did not hold
    or another transaction wrote the same item, rather than for capacity."""
    reasons = {reason.code for reason in exc.cancellation_reasons or [] if reason}
    return (exc.cause_response_code == "TransactionCanceledException"
            and bool(reasons & {"ConditionalCheckFailed", "TransactionConflict"}))
