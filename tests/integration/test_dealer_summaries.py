"""Dealer summaries in their chunks: merges keep the other dealers."""

from datetime import UTC, datetime
from decimal import Decimal

from chalicelib.integrations.analytics import DealerSummary
from chalicelib.integrations.dynamo import DynamoSummaries

NOW = datetime(2026, 12, 1, 6, tzinfo=UTC)


def summary(code: str, region: str = "Москва", leads: int = 0) -> DealerSummary:
    return DealerSummary("aurora", "2026-11", code, f"Дилер {code}", "Москва",
                         region, "standard", NOW, leads=leads,
                         placement_cost=Decimal("1000.50"), bonus=None)


def test_refreshing_one_dealer_keeps_every_other_dealers_summary(aws):
    store = DynamoSummaries()
    store.save([summary(f"AUR-{n:03d}") for n in range(40)])

    store.save([summary("AUR-007", leads=9)])
    store.save([summary("AUR-007", leads=11)])

    stored = {s.dealer_code: s for s in store.summaries_of("aurora", "2026-11")}
    assert len(stored) == 40
    assert stored["AUR-007"].leads == 11
    assert stored["AUR-008"].placement_cost == Decimal("1000.50")
    assert stored["AUR-008"].refreshed_at == NOW


def test_summaries_are_filtered_by_region_and_kept_apart_by_brand(aws):
    store = DynamoSummaries()
    store.save([summary("AUR-001"), summary("AUR-002", region="Камчатский край")])

    kamchatka = store.summaries_of("aurora", "2026-11", ("Камчатский край",))

    assert [s.dealer_code for s in kamchatka] == ["AUR-002"]
    assert store.summaries_of("taiga", "2026-11") == []
