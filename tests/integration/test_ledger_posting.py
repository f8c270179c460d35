"""The budgets ledger on the emulator: a budget's new entries in one
transaction, more than DynamoDB's 100 items per transaction in chunks, and a
retry after an earlier post that stored some of them."""

from datetime import UTC, datetime
from decimal import Decimal

from chalicelib.budgets.dynamo import DynamoLedger, LedgerEntryModel
from chalicelib.budgets.model import EntryKind, LedgerEntry

AT = datetime(2026, 11, 30, 21, 0, tzinfo=UTC)


def entry(number: int, dealer: str = "AUR-KZN-01") -> LedgerEntry:
    return LedgerEntry("aurora", dealer, "2026-11", f"run-1:{dealer}:{number}",
                       EntryKind.COMPENSATION, "outdoor", Decimal("10.50"), "RUB",
                       "bonus line", AT)


def test_more_than_a_transaction_of_entries_posts_each_once_after_a_partial_post(aws):
    ledger = DynamoLedger()
    entries = [entry(number) for number in range(130)]
    others = [entry(number, "AUR-KZN-02") for number in range(3)]

    first = ledger.post(entries[40:90])
    second = ledger.post([*entries, *others])
    again = ledger.post([*entries, *others])

    assert (first, second, again) == (50, 83, 0)
    ids = [item.entry_id for item in LedgerEntryModel.scan()]
    assert len(ids) == len(set(ids)) == 133


def test_an_entry_named_twice_in_one_post_is_posted_once(aws):
    ledger = DynamoLedger()

    posted = ledger.post([entry(1), entry(1), entry(2)])

    assert posted == 2
    assert sorted(item.entry_id for item in LedgerEntryModel.scan()) == [
        "run-1:AUR-KZN-01:1", "run-1:AUR-KZN-01:2"]
