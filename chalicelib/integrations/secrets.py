"""Credentials of the outside systems in Secrets Manager.

One secret per kind, as infra declares them (`dmm/<stage>/integrations/<kind>`),
each a JSON object:
- `distributor`: brand id → `{"base_url", "token"}`;
- `calltouch`: dealer code → `{"brand_id", "site_id", "token",
  "webhook_secret"}` (and `"base_url"` only for a stand-in, e.g. a fake);
- `personal-data`: `{"key": "<64 hex digits>"}`, the HMAC key callers'
  numbers are hashed with.
Values are kept for a few minutes per container and never logged.
"""

import json
import time
from collections.abc import Callable
from typing import Any

from chalicelib.integrations.calltouch import CalltouchAccess
from chalicelib.integrations.distributor import DistributorAccess
from chalicelib.settings import stage

DISTRIBUTOR, CALLTOUCH, PERSONAL_DATA = "distributor", "calltouch", "personal-data"


def secret_name(kind: str) -> str:
    return f"dmm/{stage()}/integrations/{kind}"


class SecretsManagerSecrets:
    """Reads each secret at most once per `max_age_seconds`, so a rotated
    token or a dealer's new cabinet is seen within that time (a missing
    secret, too, is looked up again)."""

    def __init__(self, client: Any, max_age_seconds: float = 300,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._client = client
        self._max_age = max_age_seconds
        self._monotonic = monotonic
        self._values: dict[str, tuple[float, dict[str, Any]]] = {}

    def distributor_access(self, brand_id: str) -> DistributorAccess | None:
        value = self._read(DISTRIBUTOR).get(brand_id)
        if value is None:
            return None
        return DistributorAccess(base_url=value["base_url"], token=value["token"])

    def calltouch_access(self, dealer_code: str) -> CalltouchAccess | None:
        value = self._read(CALLTOUCH).get(dealer_code)
        if value is None:
            return None
        return CalltouchAccess(
            brand_id=value["brand_id"], dealer_code=dealer_code,
            site_id=str(value["site_id"]), token=value["token"],
            webhook_secret=value["webhook_secret"],
            base_url=value.get("base_url"),
        )

    def calltouch_dealers(self, brand_id: str) -> list[str]:
        cabinets = self._read(CALLTOUCH)
        return sorted(code for code, value in cabinets.items()
                      if value.get("brand_id") == brand_id)

    def personal_data_key(self) -> bytes:
        value = self._read(PERSONAL_DATA)
        if "key" not in value:
            raise LookupError(f"Secret {secret_name(PERSONAL_DATA)!r} has no key.")
        return bytes.fromhex(value["key"])

    def _read(self, kind: str) -> dict[str, Any]:
        now = self._monotonic()
        cached = self._values.get(kind)
        if cached is None or now - cached[0] >= self._max_age:
            cached = (now, self._fetch(kind))
            self._values[kind] = cached
        return cached[1]

    def _fetch(self, kind: str) -> dict[str, Any]:
        try:
            reply = self._client.get_secret_value(SecretId=secret_name(kind))
        except self._client.exceptions.ResourceNotFoundException:
            return {}
        return dict(json.loads(reply["SecretString"]))


def merged_secret(client: Any, kind: str, entries: dict[str, Any]) -> None:
    """Add or replace `entries` in the secret of `kind` (local stack, tests)."""
    name = secret_name(kind)
    try:
        current = json.loads(client.get_secret_value(SecretId=name)["SecretString"])
    except client.exceptions.ResourceNotFoundException:
        client.create_secret(Name=name, SecretString=json.dumps(entries))
        return
    client.put_secret_value(SecretId=name,
                            SecretString=json.dumps({**current, **entries}))
