"""Per-stage settings of a deployment, from CDK context (`-c key=value`)."""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
REGION = "eu-central-1"


@dataclass(frozen=True, slots=True)
class StageSettings:
    name: str
    region: str
    web_origins: tuple[str, ...]
    """Origins of the web client: CORS of the API and of browser uploads."""
    alarm_email: str | None
    sender_domain: str | None
    """Domain the app and Cognito send e-mail from (an SES identity)."""
    log_retention_days: int
    layer_placeholders: bool
    """Empty stand-ins for layers: template tests only (see `layers.layer`)."""

    @property
    def is_prod(self) -> bool:
        return self.name == "prod"


class UnknownStage(Exception):
    """The stage is not one of `.chalice/config.json`'s stages."""


class MissingSetting(Exception):
    """A setting the stage cannot do without was not given."""


def chalice_stages() -> list[str]:
    config = json.loads((REPO / ".chalice" / "config.json").read_text())
    return sorted(config.get("stages", {}))


def stage_settings(context: dict[str, Any]) -> StageSettings:
    """Settings of the stage named in context `stage`.

    `chalice.cdk` takes the Chalice stage from the construct's scope, so the
    stack's id is the stage name and the stage must exist in Chalice's config,
    or its settings would be silently ignored.
    """
    name = context.get("stage") or "dev"
    if name not in chalice_stages():
        raise UnknownStage(
            f"Stage {name!r} is not in .chalice/config.json; known: {chalice_stages()}."
        )
    origins = context.get("web_origins") or ""
    if not origins.strip():
        raise MissingSetting(
            "Context `web_origins` (the web client's origins) is empty."
        )
    return StageSettings(
        name=name,
        region=context.get("region") or REGION,
        web_origins=tuple(o.strip() for o in origins.split(",") if o.strip()),
        alarm_email=context.get("alarm_email") or None,
        sender_domain=context.get("sender_domain") or None,
        log_retention_days=int(context.get("log_retention_days") or 90),
        layer_placeholders=str(context.get("layer_placeholders")).lower() == "true",
    )
