"""Use cases of budgets: the dealer plans, a manager approves, everyone in
scope reads the balances; the bonus runs post compensations and penalties."""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from chalicelib.access.model import Caller
from chalicelib.access.policy import Action, ensure_permitted
from chalicelib.budgets.model import (
    Budget,
    BudgetNotFound,
    ChannelBalance,
    LedgerEntry,
    Writer,
    balances,
    ensure_writer,
    total,
)
from chalicelib.budgets.ports import BudgetRepository, Ledger
from chalicelib.channels.ports import ChannelRepository
from chalicelib.channels.service import active_channel
from chalicelib.clock import Clock
from chalicelib.errors import InvalidInput, RuleViolated, StaleVersion
from chalicelib.network.model import BrandNotFound
from chalicelib.network.ports import BrandRepository, DealerRepository
from chalicelib.network.service import visible_dealer
from chalicelib.periods import ClosedPeriods, NeverClosed, ensure_open

PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class InvalidPeriod(InvalidInput):
    """A period is a calendar month written `YYYY-MM`."""

    code = "invalid_period"

    def __init__(self, period: str) -> None:
        super().__init__(f"Period {period!r} is not a month (YYYY-MM).", period=period)


class NegativePlan(RuleViolated):
    """A planned amount must not be negative."""

    code = "invalid_amount"


class PlanCurrencyMismatch(RuleViolated):
    """A plan line in another currency than the brand's."""

    code = "currency_mismatch"

    def __init__(self, currency: str, expected: str) -> None:
        super().__init__(f"Currency {currency!r} is not the brand's {expected!r}.",
                         currency=currency, expected=expected)
        self.currency = currency
        self.expected = expected


@dataclass(frozen=True, slots=True)
class BudgetPorts:
    budgets: BudgetRepository
    ledger: Ledger
    dealers: DealerRepository
    brands: BrandRepository
    channels: ChannelRepository
    clock: Clock
    closed_periods: ClosedPeriods = field(default_factory=NeverClosed)
    after_change: Callable[[str, str, str], None] = field(
        default=lambda brand_id, dealer_code, period: None)
    """Told (brand, dealer, period) after a plan is stored: the bonus facts
    follow the budget plan."""


@dataclass(frozen=True, slots=True)
class BudgetView:
    dealer_code: str
    period: str
    currency: str
    budget: Budget | None
    lines: list[ChannelBalance]
    total: ChannelBalance


def get_budget(ports: BudgetPorts, caller: Caller, dealer_code: str, period: str
               ) -> BudgetView:
    dealer = visible_dealer(ports.dealers, caller, dealer_code)
    ensure_permitted(caller, Action.READ_BUDGETS)
    _check_period(period)
    return _view(ports, caller.brand_id, dealer.code, period,
                 ports.budgets.get(caller.brand_id, dealer.code, period))


# Limitation: proposing and approving a plan are versioned but not written to
# the audit log (placements and reports are); adding it takes an audit writer
# port beside `BudgetRepository`, written in the same transaction.
# Limitation: a placement over the available budget is not refused; the
# balance then shows a negative `available` for the manager to see.
def plan_budget(
    ports: BudgetPorts,
    caller: Caller,
    dealer_code: str,
    period: str,
    plan: Mapping[str, Decimal],
    version: int | None,
    currencies: frozenset[str] = frozenset(),
) -> BudgetView:
    """The dealer proposes (or revises) its plan; a revision needs a new
    approval. `version` None creates the budget. `currencies` are those the
    plan's lines were given in: each must be the brand's."""
    dealer = visible_dealer(ports.dealers, caller, dealer_code)
    ensure_permitted(caller, Action.PLAN_BUDGETS)
    _check_period(period)
    for channel_id, amount in plan.items():
        active_channel(ports.channels, caller.brand_id, channel_id)
        if amount < 0:
            raise NegativePlan(f"Plan {str(amount)!r} for {channel_id!r} is negative.",
                               channel=channel_id)

    brand_currency = _currency(ports, caller.brand_id)
    for currency in sorted(currencies - {brand_currency}):
        raise PlanCurrencyMismatch(currency, brand_currency)
    ensure_open(ports.closed_periods, caller.brand_id, period)
    stored = ports.budgets.get(caller.brand_id, dealer.code, period)
    current = stored or Budget(caller.brand_id, dealer.code, dealer.region, period,
                               _currency(ports, caller.brand_id))
    _ensure_version(current, version)
    saved = ports.budgets.save(current.proposed(plan, caller.user_id))
    ports.after_change(caller.brand_id, dealer.code, period)
    return _view(ports, caller.brand_id, dealer.code, period, saved)


def approve_budget(
    ports: BudgetPorts, caller: Caller, dealer_code: str, period: str, version: int
) -> BudgetView:
    dealer = visible_dealer(ports.dealers, caller, dealer_code)
    ensure_permitted(caller, Action.APPROVE_BUDGETS)
    _check_period(period)
    budget = ports.budgets.get(caller.brand_id, dealer.code, period)
    if budget is None:
        raise BudgetNotFound(dealer.code, period)
    ensure_open(ports.closed_periods, caller.brand_id, period)
    _ensure_version(budget, version)
    saved = ports.budgets.save(budget.approved(caller.user_id, ports.clock()))
    ports.after_change(caller.brand_id, dealer.code, period)
    return _view(ports, caller.brand_id, dealer.code, period, saved)


def post_bonus_entries(ledger: Ledger, entries: list[LedgerEntry]) -> int:
    """For the publication of a final bonus run: post its compensations and
    penalties once (their ids name the run and the line)."""
    ensure_writer(entries, Writer.BONUS_RUNS)
    return ledger.post(entries)


def _view(ports: BudgetPorts, brand_id: str, dealer_code: str, period: str,
          budget: Budget | None) -> BudgetView:
    entries = ports.ledger.entries(brand_id, dealer_code, period)
    lines = balances(budget.plan if budget else {}, entries)
    currency = budget.currency if budget else _currency(ports, brand_id)
    return BudgetView(dealer_code, period, currency, budget, lines, total(lines))


def _currency(ports: BudgetPorts, brand_id: str) -> str:
    brand = ports.brands.get(brand_id)
    if brand is None:
        raise BrandNotFound(f"Brand {brand_id!r} has no settings.")
    return brand.currency


def _ensure_version(budget: Budget, version: int | None) -> None:
    if (version or 0) != budget.version:
        raise StaleVersion(f"The budget changed since version {version!r}.",
                           version=version, current=budget.version)


def _check_period(period: str) -> None:
    if not PERIOD.fullmatch(period):
        raise InvalidPeriod(period)
