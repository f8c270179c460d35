"""Budgets and their ledger: the plan a dealer proposes, and balances that are
the sum of ledger entries. Pure: no storage.

Money pools (the design): placements post reservations and approvals; the
publication of a final bonus run posts compensations and penalties. Each
kind of entry has one writer, and an entry's id is fixed by what caused it,
so posting it twice stores it once.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from chalicelib.errors import NotFound, RuleViolated

ZERO = Decimal("0")


class EntryKind(StrEnum):
    RESERVATION = "reservation"
    """Cost of a submitted placement, held until a manager decides."""
    APPROVAL = "approval"
    """Approved amount of a placement."""
    COMPENSATION = "compensation"
    """Part of a placement's cost the final bonus run repays."""
    PENALTY = "penalty"
    """What the final bonus run takes back (late or missing reports)."""


class Writer(StrEnum):
    PLACEMENTS = "placements"
    BONUS_RUNS = "bonus_runs"


WRITER_OF: Mapping[EntryKind, Writer] = {
    EntryKind.RESERVATION: Writer.PLACEMENTS,
    EntryKind.APPROVAL: Writer.PLACEMENTS,
    EntryKind.COMPENSATION: Writer.BONUS_RUNS,
    EntryKind.PENALTY: Writer.BONUS_RUNS,
}


class BudgetStatus(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"


class BudgetNotFound(NotFound):
    """The dealer has no budget for the period yet."""

    code = "budget_not_found"

    def __init__(self, dealer_code: str, period: str) -> None:
        super().__init__(
            f"Dealer {dealer_code!r} has no budget for {period!r}.",
            dealer=dealer_code, period=period,
        )


class NotTheWriter(RuleViolated):
    """An area tried to post a kind of ledger entry another area owns."""

    code = "ledger_writer_mismatch"

    def __init__(self, kind: EntryKind, writer: Writer) -> None:
        super().__init__(
            f"{writer.value!r} may not post {kind.value!r} entries.",
            kind=kind.value, writer=writer.value,
        )


class BudgetAlreadyApproved(RuleViolated):
    """The budget's current plan is approved already."""

    code = "budget_already_approved"


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    brand_id: str
    dealer_code: str
    period: str
    entry_id: str
    """Fixed by the cause (placement and version, bonus run and line)."""
    kind: EntryKind
    channel_id: str
    amount: Decimal
    """Signed: a release of a reservation is a negative reservation."""
    currency: str
    reason: str
    at: datetime
    placement_id: str | None = None


@dataclass(frozen=True, slots=True)
class Budget:
    brand_id: str
    dealer_code: str
    region: str
    period: str
    currency: str
    plan: Mapping[str, Decimal] = field(default_factory=dict)
    """Planned spend by channel id."""
    status: BudgetStatus = BudgetStatus.PROPOSED
    proposed_by: str | None = None
    approved_by: str | None = None
    approved_at: datetime | None = None
    version: int = 0
    """0: not stored yet."""

    def changed(self, **changes: object) -> "Budget":
        return replace(self, **changes)  # type: ignore[arg-type]

    def proposed(self, plan: Mapping[str, Decimal], user_id: str) -> "Budget":
        """A new plan needs a new approval."""
        return self.changed(plan=dict(plan), status=BudgetStatus.PROPOSED,
                            proposed_by=user_id, approved_by=None, approved_at=None)

    def approved(self, user_id: str, at: datetime) -> "Budget":
        if self.status is BudgetStatus.APPROVED:
            raise BudgetAlreadyApproved("The budget is approved already.")
        return self.changed(status=BudgetStatus.APPROVED, approved_by=user_id,
                            approved_at=at)


@dataclass(frozen=True, slots=True)
class ChannelBalance:
    channel_id: str
    plan: Decimal = ZERO
    reserved: Decimal = ZERO
    approved: Decimal = ZERO
    compensated: Decimal = ZERO
    penalized: Decimal = ZERO

    @property
    def available(self) -> Decimal:
        """What is left to plan: the plan less what is held and approved."""
        return self.plan - self.reserved - self.approved


def ensure_writer(entries: Iterable[LedgerEntry], writer: Writer) -> None:
    for entry in entries:
        if WRITER_OF[entry.kind] is not writer:
            raise NotTheWriter(entry.kind, writer)


def balances(
    plan: Mapping[str, Decimal], entries: Iterable[LedgerEntry]
) -> list[ChannelBalance]:
    """Per channel, in channel order: every planned channel and every channel
    an entry names."""
    sums: dict[str, dict[EntryKind, Decimal]] = {}
    for entry in entries:
        by_kind = sums.setdefault(entry.channel_id, {})
        by_kind[entry.kind] = by_kind.get(entry.kind, ZERO) + entry.amount
    channels = sorted(set(plan) | set(sums))
    return [_balance(channel, plan.get(channel, ZERO), sums.get(channel, {}))
            for channel in channels]


def total(lines: Iterable[ChannelBalance]) -> ChannelBalance:
    result = ChannelBalance("total")
    for line in lines:
        result = replace(
            result,
            plan=result.plan + line.plan,
            reserved=result.reserved + line.reserved,
            approved=result.approved + line.approved,
            compensated=result.compensated + line.compensated,
            penalized=result.penalized + line.penalized,
        )
    return result


def _balance(
    channel_id: str, plan: Decimal, sums: Mapping[EntryKind, Decimal]
) -> ChannelBalance:
    return ChannelBalance(
        channel_id=channel_id,
        plan=plan,
        reserved=sums.get(EntryKind.RESERVATION, ZERO),
        approved=sums.get(EntryKind.APPROVAL, ZERO),
        compensated=sums.get(EntryKind.COMPENSATION, ZERO),
        penalized=sums.get(EntryKind.PENALTY, ZERO),
    )
