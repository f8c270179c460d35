"""Marketing channels of a brand and the proof a report on each one needs."""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from chalicelib.errors import NotFound, RuleViolated


class ProofKind(StrEnum):
    PHOTO = "photo"
    SCREENSHOT = "screenshot"
    INVOICE = "invoice"


class ChannelNotFound(NotFound):
    """The brand's catalogue has no channel with this id."""

    code = "channel_not_found"

    def __init__(self, channel_id: str) -> None:
        super().__init__(f"Channel {channel_id!r} was not found.", channel=channel_id)
        self.channel_id = channel_id


class UnknownChannel(RuleViolated):
    """A placement or budget names a channel the catalogue lacks or retired."""

    code = "unknown_channel"

    def __init__(self, channel_id: str) -> None:
        super().__init__(
            f"Channel {channel_id!r} is not in the brand's catalogue.",
            channel=channel_id,
        )
        self.channel_id = channel_id


class ChannelNotMandatory(RuleViolated):
    """A placement is marked mandatory on a channel that cannot be mandatory."""

    code = "channel_not_mandatory"

    def __init__(self, channel_id: str) -> None:
        super().__init__(
            f"Placements on channel {channel_id!r} cannot be mandatory.",
            channel=channel_id,
        )
        self.channel_id = channel_id


@dataclass(frozen=True, slots=True)
class Channel:
    brand_id: str
    channel_id: str
    name: str
    proof: Mapping[ProofKind, int] = field(default_factory=dict)
    """The least number of proofs of each kind a report needs."""
    can_be_mandatory: bool = False
    active: bool = True
    version: int = 1

    def changed(self, **changes: object) -> "Channel":
        return replace(self, **changes)  # type: ignore[arg-type]


def missing_proof(
    required: Mapping[ProofKind, int], present: Mapping[ProofKind, int]
) -> dict[str, int]:
    """How many more proofs of each kind a report needs; empty when complete."""
    return {
        kind.value: needed - present.get(kind, 0)
        for kind, needed in sorted(required.items())
        if present.get(kind, 0) < needed
    }
