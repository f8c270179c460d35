"""Budgets and ledger entries in DynamoDB.

- `budgets`: key `dealer_key` (`<brand>#<dealer>`) + `period`; the plan by
  channel and its approval, versioned.
- `ledger`: key `budget_key` (`<brand>#<dealer>#<period>`) + `entry_id`.
  An entry is put only if its id is new (`entry_condition`), so a cause
  posts it once; a budget's balance is one query of its partition.
- Both carry `brand_period` (`<brand>#<period>`) with an index `by_period`
  on it: the network analytics read a brand's period in one query each.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any

from pynamodb.attributes import (
    JSONAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.budgets.model import Budget, BudgetStatus, EntryKind, LedgerEntry
from chalicelib.dynamo import DecimalAttribute, save_versioned, table_meta
from chalicelib.errors import StaleVersion

MAX_TRANSACTION_ITEMS = 100


class BudgetsByPeriod(GlobalSecondaryIndex["BudgetModel"]):
    class Meta:
        index_name = "by_period"
        projection = AllProjection()

    brand_period = UnicodeAttribute(hash_key=True)
    dealer_code = UnicodeAttribute(range_key=True)


class BudgetModel(Model):
    Meta = table_meta("budgets")

    dealer_key = UnicodeAttribute(hash_key=True)
    period = UnicodeAttribute(range_key=True)
    # Limitation: budgets stored before this attribute existed are not in
    # `by_period`; re-saving them (or a one-off backfill) adds them.
    brand_period = UnicodeAttribute(null=True)
    brand_id = UnicodeAttribute()
    dealer_code = UnicodeAttribute()
    region = UnicodeAttribute()
    currency = UnicodeAttribute()
    plan = JSONAttribute(default=dict)
    """Channel id to a decimal string: exact, never a float."""
    status = UnicodeAttribute()
    proposed_by = UnicodeAttribute(null=True)
    approved_by = UnicodeAttribute(null=True)
    approved_at = UTCDateTimeAttribute(null=True)
    version = VersionAttribute()

    by_period = BudgetsByPeriod()


class LedgerByPeriod(GlobalSecondaryIndex["LedgerEntryModel"]):
    class Meta:
        index_name = "by_period"
        projection = AllProjection()

    brand_period = UnicodeAttribute(hash_key=True)
    entry_id = UnicodeAttribute(range_key=True)


class LedgerEntryModel(Model):
    Meta = table_meta("ledger")

    budget_key = UnicodeAttribute(hash_key=True)
    entry_id = UnicodeAttribute(range_key=True)
    brand_period = UnicodeAttribute(null=True)
    brand_id = UnicodeAttribute()
    dealer_code = UnicodeAttribute()
    period = UnicodeAttribute()
    kind = UnicodeAttribute()
    channel_id = UnicodeAttribute()
    amount = DecimalAttribute()
    currency = UnicodeAttribute()
    reason = UnicodeAttribute()
    at = UTCDateTimeAttribute()
    placement_id = UnicodeAttribute(null=True)

    by_period = LedgerByPeriod()


class DynamoBudgets:
    def get(self, brand_id: str, dealer_code: str, period: str) -> Budget | None:
        try:
            return _budget(BudgetModel.get(f"{brand_id}#{dealer_code}", period,
                                           consistent_read=True))
        except BudgetModel.DoesNotExist:
            return None

    def save(self, budget: Budget) -> Budget:
        item = BudgetModel(
            f"{budget.brand_id}#{budget.dealer_code}",
            budget.period,
            brand_period=f"{budget.brand_id}#{budget.period}",
            brand_id=budget.brand_id,
            dealer_code=budget.dealer_code,
            region=budget.region,
            currency=budget.currency,
            plan={channel: str(amount) for channel, amount in budget.plan.items()},
            status=budget.status.value,
            proposed_by=budget.proposed_by,
            approved_by=budget.approved_by,
            approved_at=budget.approved_at,
        )
        save_versioned(item, budget.version or None)
        return _budget(item)

    def budgets_of_period(self, brand_id: str, period: str) -> list[Budget]:
        """Every dealer's budget of the brand's period (one index query)."""
        results = BudgetModel.by_period.query(f"{brand_id}#{period}")
        return [_budget(item) for item in results]


class DynamoLedger:
    def entries(self, brand_id: str, dealer_code: str, period: str
                ) -> list[LedgerEntry]:
        key = f"{brand_id}#{dealer_code}#{period}"
        return [_ledger_entry(item) for item in LedgerEntryModel.query(key)]

    def entries_of_period(self, brand_id: str, period: str) -> list[LedgerEntry]:
        """Every dealer's entries of the brand's period (one index query)."""
        results = LedgerEntryModel.by_period.query(f"{brand_id}#{period}")
        return [_ledger_entry(item) for item in results]

    def post(self, entries: list[LedgerEntry]) -> int:
        """Put each entry once; an entry already posted is left as it is.
        A budget's new entries go in one transaction, so its balance shows
        all of them or none, even when a write is cut off. Returns how many
        were new."""
        # An entry named twice is posted once (its first time): a transaction
        # may not write one item twice.
        by_budget: dict[str, dict[str, LedgerEntry]] = {}
        for entry in entries:
            by_budget.setdefault(_budget_key(entry), {}).setdefault(entry.entry_id,
                                                                    entry)
        return sum(self._post_together(key, list(group.values()))
                   for key, group in by_budget.items())

    def _post_together(self, budget_key: str, group: list[LedgerEntry]) -> int:
        for _attempt in range(3):
            stored = LedgerEntryModel.query(budget_key, consistent_read=True,
                                            attributes_to_get=["entry_id"])
            posted = {item.entry_id for item in stored}
            new = [entry for entry in group if entry.entry_id not in posted]
            if not new:
                return 0
            try:
                # Limitation: a budget takes at most 100 new entries per
                # transaction (DynamoDB's limit); beyond that, chunks are
                # posted one after another and a cut-off can split them.
                for start in range(0, len(new), MAX_TRANSACTION_ITEMS):
                    self._transact(new[start:start + MAX_TRANSACTION_ITEMS])
            except TransactWriteError as exc:
                if not _lost_race(exc):
                    raise  # throttled or cut off: not another writer
                continue  # another writer posted some of them: read again
            return len(new)
        raise StaleVersion(f"The ledger of {budget_key!r} kept changing.")

    def _transact(self, entries: list[LedgerEntry]) -> None:
        with TransactWrite(connection=self._connection()) as transaction:
            for entry in entries:
                transaction.save(ledger_item(entry), condition=entry_condition())

    def _connection(self) -> Connection:
        return Connection(region=LedgerEntryModel.Meta.region)


def entry_condition() -> Any:
    return LedgerEntryModel.entry_id.does_not_exist()


def ledger_item(entry: LedgerEntry) -> LedgerEntryModel:
    return LedgerEntryModel(
        _budget_key(entry),
        entry.entry_id,
        brand_period=f"{entry.brand_id}#{entry.period}",
        brand_id=entry.brand_id,
        dealer_code=entry.dealer_code,
        period=entry.period,
        kind=entry.kind.value,
        channel_id=entry.channel_id,
        amount=entry.amount,
        currency=entry.currency,
        reason=entry.reason,
        at=entry.at,
        placement_id=entry.placement_id,
    )


def _lost_race(exc: TransactWriteError) -> bool:
    """Whether the transaction was cancelled because an entry was already
    there or being written, not for capacity (`ThrottlingError` reasons)."""
    reasons = {reason.code for reason in exc.cancellation_reasons or [] if reason}
    return (exc.cause_response_code == "TransactionCanceledException"
            and bool(reasons & {"ConditionalCheckFailed", "TransactionConflict"}))


def _budget_key(entry: LedgerEntry) -> str:
    return f"{entry.brand_id}#{entry.dealer_code}#{entry.period}"


def _ledger_entry(item: LedgerEntryModel) -> LedgerEntry:
    at: datetime = item.at
    return LedgerEntry(
        brand_id=item.brand_id,
        dealer_code=item.dealer_code,
        period=item.period,
        entry_id=item.entry_id,
        kind=EntryKind(item.kind),
        channel_id=item.channel_id,
        amount=item.amount,
        currency=item.currency,
        reason=item.reason,
        at=at,
        placement_id=item.placement_id,
    )


def _budget(item: BudgetModel) -> Budget:
    plan = item.plan or {}
    return Budget(
        brand_id=item.brand_id,
        dealer_code=item.dealer_code,
        region=item.region,
        period=item.period,
        currency=item.currency,
        plan={channel: Decimal(amount) for channel, amount in plan.items()},
        status=BudgetStatus(item.status),
        proposed_by=item.proposed_by,
        approved_by=item.approved_by,
        approved_at=item.approved_at,
        version=int(item.version),
    )
