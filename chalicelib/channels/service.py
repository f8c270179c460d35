"""Use cases of the channel catalogue: the admin keeps it, everyone reads it."""

from chalicelib.access.model import Caller
from chalicelib.access.policy import Action, ensure_permitted
from chalicelib.channels.model import Channel, ChannelNotFound, UnknownChannel
from chalicelib.channels.ports import ChannelRepository


def list_channels(channels: ChannelRepository, caller: Caller) -> list[Channel]:
    ensure_permitted(caller, Action.READ_CHANNELS)
    return channels.list(caller.brand_id)


def create_channel(
    channels: ChannelRepository, caller: Caller, channel: Channel
) -> Channel:
    ensure_permitted(caller, Action.WRITE_CHANNELS)
    return channels.save(channel.changed(brand_id=caller.brand_id),
                         expected_version=None)


def update_channel(
    channels: ChannelRepository,
    caller: Caller,
    channel_id: str,
    changes: dict,
    version: int,
) -> Channel:
    channel = channels.get(caller.brand_id, channel_id)
    if channel is None:
        raise ChannelNotFound(channel_id)
    ensure_permitted(caller, Action.WRITE_CHANNELS)
    return channels.save(channel.changed(**changes), expected_version=version)


def active_channel(channels: ChannelRepository, brand_id: str, channel_id: str
                   ) -> Channel:
    """The channel a new placement or plan may use: known and not retired."""
    channel = channels.get(brand_id, channel_id)
    if channel is None or not channel.active:
        raise UnknownChannel(channel_id)
    return channel
