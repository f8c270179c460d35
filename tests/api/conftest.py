"""API tests: the Chalice app through its test client, on the emulator."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from chalice.test import Client

from chalicelib.access.model import Role
from devstack.demo import find_user
from devstack.keys import mint

Headers = dict[str, str]


@pytest.fixture
def client(demo: dict) -> Iterator[Client]:
    import app

    # The "test" stage has no config of its own, so Chalice keeps the
    # environment set in tests/conftest.py (DMM_STAGE=test) instead of
    # the dev stage's, and queue and bucket names match the emulator's.
    with Client(app.app, stage_name="test") as test_client:
        yield test_client


@pytest.fixture
def auth() -> Callable[..., Headers]:
    """Headers with a token for a demo user: `auth(Role.ANALYST)`,
    `auth(Role.DEALER_USER, dealer="AUR-KGD-01")`, `auth(user_id="...")`."""

    def headers(
        role: Role | None = None,
        brand: str = "aurora",
        dealer: str | None = None,
        user_id: str | None = None,
        **extra: str,
    ) -> Headers:
        if user_id is None:
            assert role is not None
            user_id = find_user(role, brand, dealer).user_id
        return {"Authorization": f"Bearer {mint(user_id)}", **extra}

    return headers


def json_of(response: Any) -> Any:
    import json

    return json.loads(response.body)


@pytest.fixture
def desk(client: Client, auth: Callable[..., Headers]) -> Any:
    """A dealer in Kaliningrad and the brand's manager, the demo catalogue
    (`outdoor` needs two photos) and a clock the test sets (4 May 2026,
    09:00 UTC)."""
    from chalicelib import wiring
    from tests.api.placements_helpers import Desk, FixedClock

    clock = FixedClock()
    wiring.use(clock=clock)
    return Desk(client, auth, clock)
