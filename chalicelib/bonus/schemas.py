"""Request and response models of the programs, periods, bonus runs and
checklist routes. Money leaves as `{"amount": "125000.50", "currency"}`."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel

from chalicelib.bonus.checklist import Checklist, ChecklistItem
from chalicelib.bonus.engine import KpiResult, Line, Statement
from chalicelib.bonus.model import BonusRun, RunKind, StoredStatement
from chalicelib.bonus.program import PERIOD_PATTERN, Program, ProgramRules
from chalicelib.web.schemas import Body, ListQuery, Reply

Period = Annotated[str, Field(pattern=PERIOD_PATTERN, examples=["2026-11"])]
ProgramName = Annotated[str, Field(min_length=1, max_length=200)]


class Money(Reply):
    amount: str
    currency: str

    @classmethod
    def of(cls, amount: Decimal, currency: str) -> "Money":
        return cls(amount=str(amount.quantize(Decimal("0.01"))), currency=currency)


def _text(value: Decimal | None) -> str | None:
    if value is None:
        return None
    text = format(value.quantize(Decimal("0.0001")), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# programs


class NewProgram(Body):
    period: Period
    name: ProgramName
    rules: ProgramRules


class ProgramUpdate(Body):
    version: int = Field(ge=1, description="The version the client last read.")
    name: ProgramName | None = None
    rules: ProgramRules | None = None

    def changes(self) -> dict[str, Any]:
        changes: dict[str, Any] = {}
        if self.name is not None:
            changes["name"] = self.name
        if self.rules is not None:
            changes["rules"] = self.rules
        return changes


class VersionBody(Body):
    version: int = Field(ge=1)


class CopyBody(Body):
    period: Period | None = None


class BacktestBody(Body):
    period: Period


class ProgramListQuery(ListQuery):
    period: Period | None = None


class ProgramReply(Reply):
    program_id: str
    period: str
    name: str
    status: str
    rules: dict[str, Any]
    version: int
    updated_at: datetime
    updated_by: str
    published_at: datetime | None
    copied_from: str | None

    @classmethod
    def of(cls, program: Program) -> "ProgramReply":
        return cls(
            program_id=program.program_id, period=program.period, name=program.name,
            status=program.status.value, rules=program.rules.model_dump(mode="json"),
            version=program.version, updated_at=program.updated_at,
            updated_by=program.updated_by, published_at=program.published_at,
            copied_from=program.copied_from,
        )


class ProgramPage(Reply):
    items: list[ProgramReply]
    next_cursor: str | None


# periods


class PeriodClosed(Reply):
    period: str
    closed_at: datetime


# bonus runs


class NewBonusRun(Body):
    period: Period
    kind: RunKind


class BonusRunReply(Reply):
    run_id: str
    period: str
    kind: str
    run_version: int
    status: str
    program_id: str
    program_version: int
    inputs_fingerprint: str
    dealers: int
    batches_total: int
    batches_done: int
    statements_done: int
    totals: dict[str, Money]
    total: Money
    started_at: datetime
    completed_at: datetime | None
    published_at: datetime | None
    failure: str | None

    @classmethod
    def of(cls, run: BonusRun, currency: str) -> "BonusRunReply":
        return cls(
            run_id=run.run_id, period=run.period, kind=run.kind.value,
            run_version=run.run_version, status=run.status.value,
            program_id=run.program_id, program_version=run.program_version,
            inputs_fingerprint=run.inputs_fingerprint, dealers=run.dealer_count,
            batches_total=run.batches_total, batches_done=run.batches_done,
            statements_done=run.statements_done,
            totals={kind: Money.of(amount, currency)
                    for kind, amount in sorted(run.totals.items())},
            total=Money.of(run.total, currency), started_at=run.started_at,
            completed_at=run.completed_at, published_at=run.published_at,
            failure=run.failure,
        )


class PublishedRun(Reply):
    run: BonusRunReply
    ledger_entries: int


class StatementQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    format: Literal["json", "xlsx"] = "json"


class ExportLink(Reply):
    url: str
    expires_in_seconds: int


class LineReply(Reply):
    rule: str
    kind: str
    name: str
    inputs: dict[str, str]
    formula: str
    amount: Money

    @classmethod
    def of(cls, line: Line, currency: str) -> "LineReply":
        return cls(rule=line.rule, kind=line.kind.value, name=line.name,
                   inputs=line.inputs, formula=line.formula,
                   amount=Money.of(line.amount, currency))


class KpiReply(Reply):
    kpi_id: str
    value: str | None
    target: str | None
    pct: str | None
    met: bool | None
    tier: int | None
    tier_rate: str | None

    @classmethod
    def of(cls, result: KpiResult) -> "KpiReply":
        return cls(kpi_id=result.kpi_id, value=_text(result.value),
                   target=_text(result.target), pct=_text(result.pct),
                   met=result.met, tier=result.tier, tier_rate=_text(result.rate))


class StatementReply(Reply):
    run_id: str
    dealer: str
    period: str
    kind: str
    run_version: int
    program_id: str
    program_version: int
    kpis: list[KpiReply]
    lines: list[LineReply]
    totals: dict[str, Money]
    total: Money

    @classmethod
    def of(cls, run: BonusRun, stored: StoredStatement,
           currency: str) -> "StatementReply":
        return cls(
            run_id=run.run_id, dealer=stored.dealer_code, period=run.period,
            kind=run.kind.value, run_version=run.run_version,
            program_id=run.program_id, program_version=run.program_version,
            kpis=[KpiReply.of(result) for result in stored.statement.kpis],
            **_money_lines(stored.statement, currency),
        )


def _money_lines(statement: Statement, currency: str) -> dict[str, Any]:
    return {
        "lines": [LineReply.of(line, currency) for line in statement.lines],
        "totals": {kind.value: Money.of(amount, currency)
                   for kind, amount in statement.totals.items()},
        "total": Money.of(statement.total, currency),
    }


# checklist


class ChecklistQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    period: Period


class NextTierReply(Reply):
    tier: int
    from_pct: str
    rate: str
    needs: str | None


class ChecklistItemReply(Reply):
    rule: str
    kind: str
    name: str
    state: str
    value: str | None
    target: str | None
    pct: str | None
    missing: str | None
    tier: int | None
    tier_rate: str | None
    next_tier: NextTierReply | None

    @classmethod
    def of(cls, item: ChecklistItem) -> "ChecklistItemReply":
        following = item.next_tier
        next_tier = None if following is None else NextTierReply(
            tier=following.tier, from_pct=_text(following.from_pct) or "0",
            rate=_text(following.rate) or "0", needs=_text(following.needs))
        return cls(rule=item.rule, kind=item.kind, name=item.name,
                   state=item.state.value, value=_text(item.value),
                   target=_text(item.target), pct=_text(item.pct),
                   missing=item.missing, tier=item.tier,
                   tier_rate=_text(item.tier_rate), next_tier=next_tier)


class EstimateReply(Reply):
    lines: list[LineReply]
    totals: dict[str, Money]
    total: Money


class ChecklistReply(Reply):
    dealer: str
    period: str
    takes_part: bool
    items: list[ChecklistItemReply]
    estimate: EstimateReply | None

    @classmethod
    def of(cls, checklist: Checklist, currency: str) -> "ChecklistReply":
        estimate = None if checklist.estimate is None else EstimateReply(
            **_money_lines(checklist.estimate, currency))
        return cls(dealer=checklist.dealer_code, period=checklist.period,
                   takes_part=checklist.takes_part,
                   items=[ChecklistItemReply.of(item) for item in checklist.items],
                   estimate=estimate)


class StatementAnswer(RootModel[StatementReply | ExportLink]):
    """The statement, or with `?format=xlsx` a link to it as a workbook."""
