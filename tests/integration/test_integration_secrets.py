"""The integrations' secrets as a container reads them from Secrets Manager."""

import boto3

from chalicelib.integrations.secrets import (
    DISTRIBUTOR,
    SecretsManagerSecrets,
    merged_secret,
)


class Ticking:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_brands_new_credentials_are_seen_once_the_kept_value_is_old_enough(aws):
    client = boto3.client("secretsmanager")
    clock = Ticking()
    secrets = SecretsManagerSecrets(client, max_age_seconds=60, monotonic=clock)
    before = secrets.distributor_access("aurora")

    merged_secret(client, DISTRIBUTOR, {"aurora": {
        "base_url": "https://platform.example", "token": "t-1"}})
    clock.now += 59
    kept = secrets.distributor_access("aurora")
    clock.now += 1
    seen = secrets.distributor_access("aurora")

    assert before is None and kept is None
    assert seen is not None and seen.token == "t-1"


def test_a_rotated_token_is_seen_at_once_with_no_kept_age(aws):
    client = boto3.client("secretsmanager")
    merged_secret(client, DISTRIBUTOR, {"aurora": {
        "base_url": "https://platform.example", "token": "t-1"}})
    secrets = SecretsManagerSecrets(client, max_age_seconds=0)
    first = secrets.distributor_access("aurora")

    merged_secret(client, DISTRIBUTOR, {"aurora": {
        "base_url": "https://platform.example", "token": "t-2"}})

    assert first is not None and first.token == "t-1"
    rotated = secrets.distributor_access("aurora")
    assert rotated is not None and rotated.token == "t-2"
