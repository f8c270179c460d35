"""Shared test setup.

The environment is fixed here, before any app module loads: table models read
the stage when they are imported. Nothing points at a real AWS account.
AWS-backed tests share one moto server (real HTTP, as in the local stack),
emptied before each test (tests/emulator.py).
"""

import os
import socket
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


EMULATOR_PORT = _free_port()
STATE_DIR = Path(tempfile.mkdtemp(prefix="dmm-tests-"))
WEB_ORIGIN = "https://marketing.aurora.example"

os.environ.update(
    {
        "DMM_STAGE": "test",
        "DMM_STATE_DIR": str(STATE_DIR),
        "DMM_WEB_ORIGINS": WEB_ORIGIN,
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{EMULATOR_PORT}",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_REGION": "eu-central-1",
        "AWS_DEFAULT_REGION": "eu-central-1",
        "POWERTOOLS_DEV": "false",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
    }
)
for _leaked in ("AWS_PROFILE", "DMM_COGNITO_ISSUER", "DMM_COGNITO_CLIENT_IDS"):
    os.environ.pop(_leaked, None)

from devstack.keys import public_key_pem  # noqa: E402

os.environ["DMM_DEV_PUBLIC_KEY"] = public_key_pem()


@pytest.fixture(scope="session")
def emulator() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    from devstack.atomic_moto import make_writes_atomic

    make_writes_atomic()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=EMULATOR_PORT,
                                verbose=False)
    server.start()
    yield os.environ["AWS_ENDPOINT_URL"]
    server.stop()


@pytest.fixture
def aws(emulator: str) -> Iterator[str]:
    """An empty emulator with every table and queue of the app created."""
    import requests

    from chalicelib import wiring
    from devstack import bootstrap
    from tests import emulator as in_process

    if in_process.empty():
        bootstrap.create_secrets()
        bootstrap.create_mail_identity()
    else:
        requests.post(f"{emulator}/moto-api/reset", timeout=10).raise_for_status()
        bootstrap.create_all()
        in_process.remember()
    wiring.reset()
    yield emulator
    wiring.reset()


_seeded: dict[str, Any] = {}
"""The demo brands' items as `seed()` stored them, and its counts."""


@pytest.fixture
def demo(aws: str) -> dict[str, int]:
    """The emulator with the demo brands loaded, as `make run` has them.
    Seeded once per test process, then copied back into the emptied tables."""
    from devstack.seed import seed
    from tests import emulator as in_process

    if not _seeded:
        _seeded["counts"] = seed()
        _seeded["items"] = in_process.items()
    else:
        in_process.restore(_seeded["items"])
    return dict(_seeded["counts"])



@pytest.fixture
def logged() -> Iterator[Callable[[], list[dict]]]:
    """`logged()`: the app's structured log lines written so far in a test."""
    import io
    import json
    import logging

    from chalicelib.logs import logger

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    logger.addHandler(handler)

    def lines() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield lines
    logger._logger.removeHandler(handler)
