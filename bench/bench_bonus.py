"""Benchmark of the bonus engine and of a bonus run; prints JSON.

1. Engine throughput in-process: statements per second for 10,000 dealers
   and a program with 20 KPIs (tiers, thresholds, formulas, gates, rewards,
   compensations, penalties).
2. A final run for 1,000 dealers on the emulator (moto's server on loopback,
   started here on a free port): wall time from the run's start to its
   completion with batches consumed from SQS one after another in this
   process, and DynamoDB requests per dealer, counted at botocore.

Run: `make bench`, or `PYTHONPATH=. .venv/bin/python bench/bench_bonus.py
[--dealers N] [--engine-dealers N]`.
"""

import argparse
import json
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


import loopback

PORT = loopback.point_app_here()

from chalicelib.bonus.engine import statement  # noqa: E402
from chalicelib.bonus.facts import (  # noqa: E402
    DealerFacts,
    ModelSales,
    PlacementFacts,
    ReportState,
)
from chalicelib.bonus.program import ProgramRules  # noqa: E402
from chalicelib.network.model import Dealer  # noqa: E402

PERIOD = "2026-11"
DUE = datetime(2026, 12, 5, 21, tzinfo=UTC)
CATEGORIES = ("flagship", "standard", "boutique")
MODELS = ("Aurora X3", "Aurora X5", "Aurora X7", "Aurora E")


def program_with_20_kpis() -> ProgramRules:
    tiers = [{"from_pct": str(p), "rate": str(r)}
             for p, r in ((80, "0.5"), (95, "0.9"), (100, "1"), (110, "1.2"))]
    kpis: list[dict[str, Any]] = [
        {"id": "sales", "name": "Продажи", "metric": "sales_units",
         "target": {"kind": "plan"}, "tiers": tiers},
        {"id": "revenue", "name": "Выручка", "metric": "sales_revenue",
         "target": {"kind": "per_category", "by_category": {
             "flagship": "90000000", "standard": "40000000", "boutique": "20000000"}},
         "threshold_pct": "90"},
        {"id": "budget", "name": "Бюджет", "metric": "budget_spent_share",
         "target": {"kind": "fixed", "value": "80"}},
        {"id": "on_time", "name": "Вовремя", "metric": "mandatory_on_time_share",
         "target": {"kind": "fixed", "value": "100"}},
        {"id": "late", "name": "Опоздания", "metric": "late_reports",
         "direction": "at_most", "target": {"kind": "fixed", "value": "1"}},
        {"id": "leads", "name": "Лиды", "metric": "leads",
         "target": {"kind": "fixed", "value": "150"}, "tiers": tiers},
        {"id": "cpl", "name": "CPL", "metric": "cpl", "direction": "at_most",
         "target": {"kind": "fixed", "value": "3000"}},
        {"id": "survey", "name": "Опрос", "metric": "survey_answered",
         "target": {"kind": "fixed", "value": "1"}},
        {"id": "dups", "name": "Дубликаты", "metric": "duplicate_photos",
         "direction": "at_most", "target": {"kind": "fixed", "value": "0"}},
    ]
    for model in MODELS:
        slug = model.lower().replace(" ", "_")
        kpis.append({"id": slug, "name": model, "metric": "sales_units_of_model",
                     "model": model, "target": {"kind": "plan"}, "tiers": tiers})
    formulas = [
        "sales_pct * 0.7 + leads_pct * 0.3",
        "if(sales_units > 0, sales_revenue / sales_units, 0)",
        "min(budget_spent / 1000, 500)",
        "max(leads - 100, 0) * 2",
        "on_time * 2 + survey * 10",
        "round(revenue_pct / 10, 1)",
        "if(late == 0 and dups == 0, 1, 0)",
    ]
    for number, text in enumerate(formulas):
        kpis.append({"id": f"score_{number}", "name": f"Оценка {number}",
                     "metric": "formula", "formula": text,
                     "target": {"kind": "fixed", "value": "50"}})
    assert len(kpis) == 20
    return ProgramRules.model_validate({
        "kpis": kpis,
        "gates": [{"id": "g_on_time", "kpi": "on_time", "effect": "cut",
                   "cut_pct": "30"},
                  {"id": "g_survey", "kpi": "survey", "effect": "void"}],
        "rewards": [
            {"id": "per_car", "name": "За авто", "kind": "per_car",
             "amount": "15000", "kpi": "sales"},
            {"id": "share", "name": "Доля", "kind": "revenue_share",
             "share_pct": "0.5", "kpi": "revenue"},
            {"id": "leads_bonus", "name": "Лиды", "kind": "fixed",
             "amount": "50000", "kpi": "leads"},
            {"id": "custom", "name": "Формула", "kind": "formula",
             "formula": "score_0 * 1000 + score_6 * 20000"},
        ],
        "compensations": [{"id": "media", "name": "Компенсация", "share_pct": "50",
                           "cap_per_placement": "150000", "cap_per_dealer": "400000"}],
        "penalties": [
            {"id": "late_fine", "name": "Опоздание", "kind": "per_late_report",
             "amount": "10000"},
            {"id": "missing", "name": "Нет обязательного",
             "kind": "per_missing_mandatory", "amount": "25000"},
            {"id": "dups_fine", "name": "Дубликаты", "kind": "per_duplicate_photo",
             "amount": "5000", "cap": "20000"},
        ],
        "limits": {"reward_cap": "2000000", "total_floor": "-200000"},
    })


def dealers_and_facts(count: int, brand_id: str) -> list[tuple[Dealer, DealerFacts]]:
    states = list(ReportState)
    pairs = []
    for n in range(count):
        code = f"BEN-{n:05d}"
        dealer = Dealer(brand_id=brand_id, code=code, name=f"Дилер {n}",
                        city=f"Город {n % 40}", region=f"Регион {n % 12}",
                        time_zone="Europe/Moscow", category=CATEGORIES[n % 3])
        sales = tuple(
            ModelSales(model=model, units=(n * 7 + i * 3) % 25,
                       revenue=Decimal((n * 7 + i * 3) % 25) * Decimal("3100000.50"),
                       plan_units=5 + (n + i) % 15)
            for i, model in enumerate(MODELS))
        placements = tuple(
            PlacementFacts(
                placement_id=f"pl-{n}-{k}",
                channel=("outdoor", "radio", "digital")[k % 3],
                cost=Decimal(80000 + 1000 * k),
                approved_amount=Decimal(75000 + 900 * k),
                mandatory=k % 2 == 0, report_state=states[(n + k) % len(states)],
                due_at=DUE, submitted_at=DUE - timedelta(days=(n + k) % 3 - 1))
            for k in range(4))
        facts = DealerFacts(
            dealer_code=code, sales=sales, sales_plan_units=40 + n % 20,
            budget_plan=Decimal(400000), placements=placements,
            leads=80 + n % 120, lead_cost=Decimal(250000 + n % 50 * 1000),
            duplicate_photos=n % 4, survey_answered=n % 5 != 0)
        pairs.append((dealer, facts))
    return pairs


def engine_throughput(count: int) -> dict[str, Any]:
    rules = program_with_20_kpis()
    pairs = dealers_and_facts(count, "bench")
    statement(rules, *pairs[0])  # warm the formula cache
    started = time.perf_counter()
    lines = sum(len(statement(rules, dealer, facts).lines)  # type: ignore[union-attr]
                for dealer, facts in pairs)
    elapsed = time.perf_counter() - started
    return {"dealers": count, "kpis": len(rules.kpis), "seconds": round(elapsed, 3),
            "statements_per_second": round(count / elapsed, 1), "lines": lines}


class CallCounter:
    """Counts every botocore API call by service and operation."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.paused = False

    def install(self) -> None:
        import botocore.client

        original = botocore.client.BaseClient._make_api_call
        counter = self

        def counted(client: Any, operation: str, params: Any) -> Any:
            if not counter.paused:
                service = client.meta.service_model.service_name
                counter.calls[f"{service}:{operation}"] += 1
            return original(client, operation, params)

        botocore.client.BaseClient._make_api_call = counted  # type: ignore[method-assign]

    def total(self, service: str) -> int:
        return sum(n for key, n in self.calls.items() if key.startswith(f"{service}:"))


def run_on_emulator(count: int) -> dict[str, Any]:
    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    server = loopback.start_emulator(PORT)
    try:
        return _run(count)
    finally:
        server.stop()


def _run(count: int) -> dict[str, Any]:
    import boto3

    import app
    from chalicelib import resources, wiring
    from chalicelib.access.model import Caller, Role, User
    from chalicelib.bonus import service
    from chalicelib.bonus.model import RunKind
    from chalicelib.network.dynamo import DealerModel, dealer_item
    from devstack import bootstrap
    from devstack.events import QueueSource, deliver_batch

    bootstrap.create_all()
    pairs = dealers_and_facts(count, "bench")
    with DealerModel.batch_write() as batch:
        for dealer, _ in pairs:
            batch.save(dealer_item(dealer))
    recorder = wiring.bonus_facts()
    for dealer, facts in pairs:
        _record(recorder, dealer.code, facts)
    ports = wiring.bonus()
    manager = Caller(User(user_id="bench-manager", brand_id="bench", email="b@x",
                          name="B", role=Role.IMPORTER_MANAGER))
    draft = service.create_program(ports, manager, PERIOD, "Бенчмарк",
                                   program_with_20_kpis())
    service.publish_program(ports, manager, draft.program_id, draft.version)
    ports.periods.close("bench", PERIOD, datetime.now(UTC), "bench")

    sqs = boto3.client("sqs")
    source = QueueSource("run_bonus_batches", resources.BONUS_BATCHES.name, 5)
    url = sqs.get_queue_url(QueueName=source.queue)["QueueUrl"]
    counter = CallCounter()
    counter.install()
    started = time.perf_counter()
    run = service.begin_run(ports, "bench", PERIOD, RunKind.FINAL, "bench-1", "bench")
    while _running(ports, counter, run.run_id):
        deliver_batch(sqs, url, source, app.run_bonus_batches, 0)
    elapsed = time.perf_counter() - started
    done = ports.runs.get("bench", run.run_id)
    assert done is not None
    dynamo = counter.total("dynamodb")
    return {
        "measured_on": "emulator (moto server on loopback; one process consuming "
                       "batches sequentially; not AWS)",
        "dealers": count, "status": done.status.value,
        "batches": done.batches_total, "statements": done.statements_done,
        "wall_seconds": round(elapsed, 2),
        "dynamodb_requests": dynamo,
        "dynamodb_requests_per_dealer": round(dynamo / count, 3),
        "sqs_requests": counter.total("sqs"),
        "requests_by_operation": dict(sorted(counter.calls.items())),
    }


def _running(ports: Any, counter: CallCounter, run_id: str) -> bool:
    """The benchmark's own polling is not part of the run: not counted."""
    counter.paused = True
    try:
        return str(ports.runs.get("bench", run_id).status.value) == "running"
    finally:
        counter.paused = False


def _record(recorder: Any, code: str, facts: DealerFacts) -> None:
    assert facts.sales is not None and facts.placements is not None
    recorder.record_sales("bench", PERIOD, code, facts.sales, facts.sales_plan_units)
    recorder.record_placements("bench", PERIOD, code, facts.placements,
                               facts.budget_plan)
    recorder.record_leads("bench", PERIOD, code, facts.leads, facts.lead_cost)
    recorder.record_duplicate_photos("bench", PERIOD, code, facts.duplicate_photos)
    recorder.record_survey("bench", PERIOD, code, bool(facts.survey_answered))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine-dealers", type=int, default=10_000)
    parser.add_argument("--dealers", type=int, default=1_000)
    arguments = parser.parse_args()
    result = {
        "engine": engine_throughput(arguments.engine_dealers),
        "bonus_run": run_on_emulator(arguments.dealers),
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
