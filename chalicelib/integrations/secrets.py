"""Credentials of the outside systems in Secrets Manager.

Secret names are stage-qualified (`dmm-dev-distributor-aurora`), values are
JSON objects. Values are read once per container and never logged.
"""

import json
from functools import cache
from typing import Any

from chalicelib.integrations.distributor import DistributorAccess
from chalicelib.settings import resource_name


class SecretsManagerSecrets:
    def __init__(self, client: Any) -> None:
        self._client = client
        self._read = cache(self._fetch)

    def distributor_access(self, brand_id: str) -> DistributorAccess | None:
        value = self._read(resource_name(f"distributor-{brand_id}"))
        if value is None:
            return None
        return DistributorAccess(base_url=value["base_url"], token=value["token"])

    def _fetch(self, name: str) -> dict[str, Any] | None:
        try:
            reply = self._client.get_secret_value(SecretId=name)
        except self._client.exceptions.ResourceNotFoundException:
            return None
        return dict(json.loads(reply["SecretString"]))
