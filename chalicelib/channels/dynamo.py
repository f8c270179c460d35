"""Channels in DynamoDB. Table `channels`: key `brand_id` + `channel_id`; a
brand's catalogue is one partition."""

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.models import Model

from chalicelib.channels.model import Channel, ProofKind
from chalicelib.dynamo import save_versioned, table_meta


class ChannelModel(Model):
    Meta = table_meta("channels")

    brand_id = UnicodeAttribute(hash_key=True)
    channel_id = UnicodeAttribute(range_key=True)
    name = UnicodeAttribute()
    proof = JSONAttribute(default=dict)
    can_be_mandatory = BooleanAttribute(default=False)
    active = BooleanAttribute(default=True)
    version = VersionAttribute()


class DynamoChannels:
    def get(self, brand_id: str, channel_id: str) -> Channel | None:
        try:
            return _channel(ChannelModel.get(brand_id, channel_id))
        except ChannelModel.DoesNotExist:
            return None

    def list(self, brand_id: str) -> list[Channel]:
        return [_channel(item) for item in ChannelModel.query(brand_id)]

    def save(self, channel: Channel, expected_version: int | None) -> Channel:
        item = channel_item(channel)
        save_versioned(item, expected_version)
        return _channel(item)


def channel_item(channel: Channel) -> ChannelModel:
    return ChannelModel(
        channel.brand_id,
        channel.channel_id,
        name=channel.name,
        proof={kind.value: count for kind, count in channel.proof.items()},
        can_be_mandatory=channel.can_be_mandatory,
        active=channel.active,
        version=channel.version,
    )


def _channel(item: ChannelModel) -> Channel:
    proof = item.proof or {}
    return Channel(
        brand_id=item.brand_id,
        channel_id=item.channel_id,
        name=item.name,
        proof={ProofKind(kind): int(count) for kind, count in proof.items()},
        can_be_mandatory=bool(item.can_be_mandatory),
        active=bool(item.active),
        version=int(item.version),
    )
