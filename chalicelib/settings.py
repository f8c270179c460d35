"""Settings read from the environment, once per container.

Only this module reads `os.environ` for the app; everything else receives a
`Settings` value.
"""

import os
from dataclasses import dataclass
from functools import cache

DEV_ISSUER = "https://dmm.local/dev"
DEV_CLIENT_ID = "dmm-local"


@dataclass(frozen=True, slots=True)
class Settings:
    stage: str
    region: str
    web_origins: tuple[str, ...]
    cognito_issuer: str | None
    cognito_client_ids: tuple[str, ...]
    dev_public_key_pem: str | None
    secrets_max_age_seconds: float = 300
    """How long a container keeps a secret's value before reading it again."""

    @property
    def accepts_dev_issuer(self) -> bool:
        """A prod stage never trusts development tokens, whatever is configured."""
        return self.stage != "prod" and self.dev_public_key_pem is not None

    @classmethod
    def from_env(cls) -> "Settings":
        return cls(
            stage=stage(),
            region=os.environ.get("AWS_REGION", "eu-central-1"),
            web_origins=_split(os.environ.get("DMM_WEB_ORIGINS", "")),
            cognito_issuer=os.environ.get("DMM_COGNITO_ISSUER") or None,
            cognito_client_ids=_split(os.environ.get("DMM_COGNITO_CLIENT_IDS", "")),
            dev_public_key_pem=os.environ.get("DMM_DEV_PUBLIC_KEY") or None,
            secrets_max_age_seconds=float(
                os.environ.get("DMM_SECRETS_MAX_AGE_SECONDS", "300")),
        )


@cache
def stage() -> str:
    """The deployment stage; names of tables, queues and buckets derive from it.

    NOTE: read once per process. Table models fix their names when they load,
    and every later name (queues, the idempotency table) must agree with them
    even if the environment changes afterwards (Chalice's test client applies
    the stage's config variables per request).
    """
    return os.environ.get("DMM_STAGE", "dev")


def resource_name(kind: str) -> str:
    """Stage-qualified name of a table, queue or bucket: `dmm-dev-dealers`."""
    return f"dmm-{stage()}-{kind}"


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def bucket_name(kind: str) -> str:
    """Name of a bucket: stage-qualified, plus a suffix in AWS.

    Bucket names are global across accounts, so infra sets `DMM_BUCKET_SUFFIX`
    (the account and region); locally it is empty: `dmm-dev-photos`.
    """
    return resource_name(kind) + os.environ.get("DMM_BUCKET_SUFFIX", "")
