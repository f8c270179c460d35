"""Which functions infra deploys, and that none goes out without declared access."""

import sys
from pathlib import Path

import pytest
from chalice import Chalice

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "infra"))

from dmm_infra.functions import (
    API_HANDLER,
    FUNCTIONS,
    UndeclaredFunction,
    app_functions,
)


def test_every_handler_of_the_app_is_declared_with_its_event_source() -> None:
    import app

    functions = {function.name: function for function in app_functions(app.app)}

    assert set(functions) == set(FUNCTIONS)
    assert functions["run_jobs"].queue == "dmm-test-jobs"
    assert functions["fail_abandoned_jobs"].schedule == "rate(15 minutes)"
    assert functions[API_HANDLER].logical_id == "APIHandler"
    assert functions[API_HANDLER].role_logical_id == "ApiHandlerRole"


def test_a_new_handler_without_declared_access_stops_synthesis() -> None:
    app = Chalice(app_name="dmm")

    @app.route("/health")
    def health() -> dict:
        return {}

    @app.on_sqs_message(queue="dmm-test-photos", batch_size=5)
    def process_photos(event: object) -> None:
        return None

    with pytest.raises(UndeclaredFunction, match="process_photos"):
        app_functions(app)


def test_a_handler_subscribed_to_a_bucket_directly_is_refused() -> None:
    app = Chalice(app_name="dmm")

    @app.on_s3_event(bucket="dmm-test-photos")
    def on_photo(event: object) -> None:
        return None

    with pytest.raises(UndeclaredFunction, match="one owner"):
        app_functions(app)


def test_only_a_function_that_writes_the_bi_catalog_reaches_the_bi_bucket() -> None:
    from chalicelib import resources

    reaching = {name for name, spec in FUNCTIONS.items()
                if any(grant.bucket is resources.BI for grant in spec.access.buckets)}

    assert reaching <= {name for name, spec in FUNCTIONS.items()
                        if spec.access.writes_catalog}
    assert API_HANDLER not in reaching
