"""Builders for placement API tests: a channel catalogue, a fixed clock and
short calls for each step of the lifecycle."""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from chalice.test import Client

from chalicelib import wiring
from chalicelib.access.model import Role
from chalicelib.channels.model import ProofKind
from chalicelib.placements import service as placements
from tests.api.conftest import json_of

JSON = {"Content-Type": "application/json"}


@dataclass
class FixedClock:
    now: datetime = field(default_factory=lambda: datetime(2026, 5, 4, 9, 0,
                                                           tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: datetime) -> None:
        self.now = moment.astimezone(UTC)

    def advance(self, **delta: float) -> None:
        self.now = self.now + timedelta(**delta)


@dataclass
class Desk:
    """One dealer and one manager of a brand working through the API."""

    client: Client
    auth: Callable[..., dict[str, str]]
    clock: FixedClock
    dealer_code: str = "AUR-KGD-01"
    brand: str = "aurora"

    @property
    def dealer(self) -> dict[str, str]:
        return self.auth(Role.DEALER_USER, brand=self.brand, dealer=self.dealer_code)

    @property
    def manager(self) -> dict[str, str]:
        return self.auth(Role.IMPORTER_MANAGER, brand=self.brand)

    @property
    def admin(self) -> dict[str, str]:
        return self.auth(Role.IMPORTER_ADMIN, brand=self.brand)

    def call(self, method: str, path: str, headers: dict[str, str],
             body: Any = None) -> Any:
        send = getattr(self.client.http, method.lower())
        if body is None:
            return send(path, headers=headers)
        return send(path, headers={**headers, **JSON}, body=json.dumps(body))

    def ok(self, method: str, path: str, headers: dict[str, str],
           body: Any = None, status: int = 200) -> Any:
        response = self.call(method, path, headers, body)
        assert response.status_code == status, (response.status_code,
                                                response.body)
        return json_of(response)

    def channel(self, channel_id: str = "outdoor", photos: int = 2,
                can_be_mandatory: bool = True, **proof: int) -> dict:
        body = {"channel_id": channel_id, "name": channel_id.title(),
                "proof": {"photo": photos, **proof},
                "can_be_mandatory": can_be_mandatory}
        return self.ok("POST", "/v1/channels", self.admin, body, status=201)

    def placement(self, starts_on: str = "2026-05-10", ends_on: str = "2026-05-26",
                  cost: str = "125000.50", channel_id: str = "outdoor",
                  headers: dict[str, str] | None = None) -> dict:
        body = {"dealer_code": self.dealer_code, "channel_id": channel_id,
                "title": "Билборды на Московском проспекте",
                "starts_on": starts_on, "ends_on": ends_on,
                "cost": {"amount": cost, "currency": "RUB"}}
        return self.ok("POST", "/v1/placements", headers or self.dealer, body,
                       status=201)

    def act(self, placement: dict, action: str, headers: dict[str, str],
            **body: Any) -> Any:
        path = f"/v1/placements/{placement['placement_id']}/{action}"
        return self.call("POST", path, headers,
                         {"version": placement["version"], **body})

    def step(self, placement: dict, action: str, headers: dict[str, str],
             **body: Any) -> dict:
        response = self.act(placement, action, headers, **body)
        assert response.status_code == 200, (response.status_code, response.body)
        return json_of(response)

    def approved(self, **placement_args: Any) -> dict:
        placement = self.placement(**placement_args)
        placement = self.step(placement, "submit", self.dealer)
        amount = placement["cost"]
        return self.step(placement, "approve", self.manager, approved_amount=amount)

    def report(self, placement: dict, headers: dict[str, str] | None = None) -> dict:
        path = f"/v1/placements/{placement['placement_id']}/report"
        return self.ok("GET", path, headers or self.dealer)

    def report_step(self, report: dict, action: str, headers: dict[str, str],
                    **body: Any) -> Any:
        path = f"/v1/placements/{report['placement_id']}/report/{action}"
        return self.call("POST", path, headers, {"version": report["version"], **body})

    def photos(self, placement: dict, count: int) -> None:
        """What the photo feature does when uploads arrive."""
        for n in range(count):
            placements.attach_proof(wiring.placement_ports(),
                                    placement["placement_id"], ProofKind.PHOTO,
                                    f"photo-{placement['placement_id']}-{n}")
