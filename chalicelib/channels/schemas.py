"""Request and response models of the channel catalogue."""

from typing import Annotated

from pydantic import Field

from chalicelib.budgets.schemas import ChannelId
from chalicelib.channels.model import Channel, ProofKind
from chalicelib.web.schemas import Body, Reply, Text, Versioned

Count = Annotated[int, Field(ge=0, le=50)]


class ProofRule(Body):
    """The least number of proofs of each kind a report on the channel needs."""

    photo: Count = 0
    screenshot: Count = 0
    invoice: Count = 0

    def counts(self) -> dict[ProofKind, int]:
        return {ProofKind(kind): n for kind, n in self.model_dump().items() if n}


class ProofRuleReply(Reply):
    photo: int
    screenshot: int
    invoice: int


class NewChannel(Body):
    channel_id: ChannelId
    name: Text
    proof: ProofRule = Field(default_factory=ProofRule)
    can_be_mandatory: bool = False

    def channel(self) -> Channel:
        return Channel(brand_id="", channel_id=self.channel_id, name=self.name,
                       proof=self.proof.counts(),
                       can_be_mandatory=self.can_be_mandatory)


class ChannelUpdate(Versioned):
    name: Text | None = None
    proof: ProofRule | None = None
    can_be_mandatory: bool | None = None
    active: bool | None = None

    def changes(self) -> dict:
        changes = super().changes()
        if self.proof is not None:
            changes["proof"] = self.proof.counts()
        return changes


class ChannelReply(Reply):
    channel_id: str
    name: str
    proof: ProofRuleReply
    can_be_mandatory: bool
    active: bool
    version: int

    @classmethod
    def of(cls, channel: Channel) -> "ChannelReply":
        proof = {kind.value: channel.proof.get(kind, 0) for kind in ProofKind}
        return cls(channel_id=channel.channel_id, name=channel.name,
                   proof=ProofRuleReply(**proof),
                   can_be_mandatory=channel.can_be_mandatory,
                   active=channel.active, version=channel.version)


class ChannelList(Reply):
    items: list[ChannelReply]
    next_cursor: str | None = None
