"""Adapter tests on the emulator. Repository contract tests run against the
in-memory fake and the DynamoDB adapter alike (`store` fixture param), so the
fakes the unit tests use keep the real adapters' behaviour."""

import pytest


@pytest.fixture(params=["memory", "dynamo"])
def store(request) -> str:
    if request.param == "dynamo":
        request.getfixturevalue("aws")
    return str(request.param)
