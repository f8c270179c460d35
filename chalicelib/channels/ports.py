"""What the channel use cases need from storage."""

from typing import Protocol

from chalicelib.channels.model import Channel


class ChannelRepository(Protocol):
    def get(self, brand_id: str, channel_id: str) -> Channel | None: ...

    def list(self, brand_id: str) -> list[Channel]:
        """Every channel of the brand, retired ones included, by id."""
        ...

    def save(self, channel: Channel, expected_version: int | None) -> Channel:
        """Store `channel` if the stored version is `expected_version` (None: new)."""
        ...
