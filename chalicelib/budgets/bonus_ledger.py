"""The bonus `LedgerPoster` on the dealers' budget ledger: a published final
run's compensation and penalty lines become budget ledger entries.

Mapping (pure, `budget_entries`):
- a per-placement compensation (its line names `placement_id`) is booked on
  that placement's channel, taken from the period's bonus facts the run was
  computed from;
- every line not tied to a placement (penalties, compensation caps), and a
  placement the facts no longer name, is booked on `BONUS_CHANNEL`. That id
  cannot clash with a channel of the catalogue, whose ids start with a
  letter;
- the entry id is the bonus entry's (run, dealer, line number; a reversal
  has its own), so posting again stores nothing new;
- signs follow the budget ledger (a kind's own direction is positive): a
  compensation as the statement shows it, a penalty as the amount taken
  back (the statement's -5000.00 is a penalty entry of 5000.00). A
  reversal of either is the same entry negated, so a replaced run nets to
  zero.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime

from chalicelib.bonus.model import LedgerEntry as BonusEntry
from chalicelib.bonus.ports import BonusInputs
from chalicelib.budgets.model import EntryKind, LedgerEntry
from chalicelib.budgets.ports import Ledger
from chalicelib.budgets.service import post_bonus_entries
from chalicelib.clock import Clock

BONUS_CHANNEL = "_bonus"
"""Where a line not tied to a placement is booked (penalties, caps)."""

_KINDS = {"compensation": EntryKind.COMPENSATION, "penalty": EntryKind.PENALTY}


def budget_entries(
    entries: Sequence[BonusEntry], channel_of: Mapping[str, str], at: datetime
) -> list[LedgerEntry]:
    """`channel_of` maps a placement id to its channel id."""
    return [_entry(entry, channel_of, at) for entry in entries]


class BudgetLedgerPoster:
    def __init__(self, ledger: Ledger, inputs: BonusInputs, clock: Clock) -> None:
        self._ledger = ledger
        self._inputs = inputs
        self._clock = clock

    def post(self, entries: Sequence[BonusEntry]) -> None:
        channel_of = self._channels(entries)
        post_bonus_entries(self._ledger, budget_entries(entries, channel_of,
                                                        self._clock()))

    def _channels(self, entries: Sequence[BonusEntry]) -> dict[str, str]:
        """One BatchGetItem of facts per 100 dealers of each brand and period."""
        dealers: dict[tuple[str, str], set[str]] = {}
        for entry in entries:
            if entry.placement_id is not None:
                key = (entry.brand_id, entry.period)
                dealers.setdefault(key, set()).add(entry.dealer_code)
        channels: dict[str, str] = {}
        for (brand_id, period), codes in dealers.items():
            facts = self._inputs.for_dealers(brand_id, period, sorted(codes))
            for dealer_facts in facts.values():
                for placement in dealer_facts.placements or ():
                    channels[placement.placement_id] = placement.channel
        return channels


def _entry(entry: BonusEntry, channel_of: Mapping[str, str],
           at: datetime) -> LedgerEntry:
    kind = _KINDS[entry.kind]
    placement = entry.placement_id
    channel = channel_of.get(placement, BONUS_CHANNEL) if placement else BONUS_CHANNEL
    amount = -entry.amount if kind is EntryKind.PENALTY else entry.amount
    reason = f"bonus run {entry.run_id}: {entry.rule}"
    if entry.reverses:
        reason = f"bonus run {entry.run_id} replaces {entry.reverses}"
    return LedgerEntry(
        brand_id=entry.brand_id, dealer_code=entry.dealer_code, period=entry.period,
        entry_id=entry.entry_id, kind=kind, channel_id=channel, amount=amount,
        currency=entry.currency, reason=reason, at=at, placement_id=placement,
    )
