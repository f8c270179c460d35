"""What feeding the bonus facts from placements costs on the emulator: the
follower after one change, and the close's recomputation of a period."""

from chalicelib import wiring
from chalicelib.access.model import Role
from chalicelib.placements import service
from chalicelib.placements.ports import EveryFollower
from tests.integration.counting import dynamodb_requests
from tests.integration.test_placement_store import (  # noqa: F401  (fixture)
    _approved,
    _caller,
    clock,
)


def test_the_follower_costs_five_requests_whatever_the_dealer_has(clock):  # noqa: F811
    for _ in range(3):
        _approved()
    placement = _approved()
    transactions = wiring.placement_store()._connection.client  # type: ignore[attr-defined]
    dealer = _caller(Role.DEALER_USER, "AUR-KGD-01")

    with dynamodb_requests(transactions) as follower:
        wiring.bonus_facts_follower().changed("aurora", "AUR-KGD-01",
                                              placement.placement_id)
    report = wiring.placement_store().report(placement.placement_id)
    assert report is not None
    # The analytics follower's own cost (one dealer's refresh) is measured
    # by bench/bench_analytics_refresh.py; this counts the bonus facts only.
    wiring.use(placement_followers=EveryFollower((wiring.bonus_facts_follower(),)))
    with dynamodb_requests(transactions) as change:
        service.update_report(wiring.placement_ports(), dealer,
                              placement.placement_id, {"comment": "Щиты стоят"},
                              report.version)

    print("follower:", dict(follower), "report edit:", dict(change))
    # The placement by key, the dealer's placements of the period (one
    # query), their reports (one batch), the budget, one facts update.
    assert dict(follower) == {"GetItem": 2, "Query": 1, "BatchGetItem": 1,
                              "UpdateItem": 1}
    # A dealer's report edit in all: the report, the closed-period check
    # (placement and period), one transaction, and the follower.
    assert dict(change) == {"GetItem": 1 + 2 + 2, "TransactWriteItems": 1,
                            "Query": 1, "BatchGetItem": 1, "UpdateItem": 1}
    facts = wiring.bonus_facts().for_dealers("aurora", "2026-05", ["AUR-KGD-01"])
    assert len(facts["AUR-KGD-01"].placements or ()) == 4


def test_the_close_recomputes_a_period_in_one_query_and_a_batch_per_dealer(clock):  # noqa: F811
    for code in ("AUR-KGD-01", "AUR-KGD-02", "AUR-MSK-01"):
        _approved(code)
        _approved(code)

    with dynamodb_requests() as requests:
        dealers = wiring.placement_facts().period_refreshed("aurora", "2026-05")

    print("period refresh:", dealers, dict(requests))
    # The period's placements (one query), the facts already recorded (one
    # query), then per dealer: its reports, its budget, one facts update.
    assert dealers == 3
    assert dict(requests) == {"Query": 2, "BatchGetItem": 3, "GetItem": 3,
                              "UpdateItem": 3}
