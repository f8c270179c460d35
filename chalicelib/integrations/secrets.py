"""Credentials of the outside systems in Secrets Manager.

Secret names are stage-qualified (`dmm-dev-distributor-aurora`), values are
JSON objects. Values are read once per container and never logged.
"""

import json
from functools import cache
from typing import Any

from chalicelib.integrations.calltouch import CalltouchAccess
from chalicelib.integrations.distributor import DistributorAccess
from chalicelib.settings import resource_name

PERSONAL_DATA_KEY = resource_name("personal-data-key")
"""A JSON object `{"key": "<64 hex digits>"}`; the bootstrap creates one."""


def calltouch_secret_name(dealer_code: str) -> str:
    """`{"brand_id", "site_id", "token", "webhook_secret"}` of one dealer.

    NOTE: named by dealer code alone, because the webhook URL carries only
    the code; dealer codes are unique across the brands of a deployment
    (they start with the brand's prefix).
    """
    return resource_name(f"calltouch-{dealer_code}")


class SecretsManagerSecrets:
    # Limitation: values are cached for the container's life, so a rotated
    # token or webhook secret is seen by new containers only; a time-bounded
    # cache (Powertools parameters with max_age) would shorten that.
    def __init__(self, client: Any) -> None:
        self._client = client
        self._read = cache(self._fetch)

    def distributor_access(self, brand_id: str) -> DistributorAccess | None:
        value = self._read(resource_name(f"distributor-{brand_id}"))
        if value is None:
            return None
        return DistributorAccess(base_url=value["base_url"], token=value["token"])

    def calltouch_access(self, dealer_code: str) -> CalltouchAccess | None:
        value = self._read(calltouch_secret_name(dealer_code))
        if value is None:
            return None
        return CalltouchAccess(
            brand_id=value["brand_id"], dealer_code=dealer_code,
            site_id=str(value["site_id"]), token=value["token"],
            webhook_secret=value["webhook_secret"],
            base_url=value.get("base_url"),
        )

    def calltouch_dealers(self, brand_id: str) -> list[str]:
        prefix = calltouch_secret_name("")
        codes = []
        paginator = self._client.get_paginator("list_secrets")
        filters = [{"Key": "name", "Values": [prefix]}]
        for page in paginator.paginate(Filters=filters):
            for secret in page["SecretList"]:
                code = secret["Name"].removeprefix(prefix)
                access = self.calltouch_access(code)
                if access is not None and access.brand_id == brand_id:
                    codes.append(code)
        return sorted(codes)

    def personal_data_key(self) -> bytes:
        value = self._read(PERSONAL_DATA_KEY)
        if value is None:
            raise LookupError(f"Secret {PERSONAL_DATA_KEY!r} is missing.")
        return bytes.fromhex(value["key"])

    def _fetch(self, name: str) -> dict[str, Any] | None:
        try:
            reply = self._client.get_secret_value(SecretId=name)
        except self._client.exceptions.ResourceNotFoundException:
            return None
        return dict(json.loads(reply["SecretString"]))
