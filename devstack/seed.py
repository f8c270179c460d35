"""Loads the demo brands into the local tables. Run again, it writes the
same items again: demo records return to their fixture state."""

from chalicelib.access.dynamo import UserModel, user_item
from chalicelib.channels.dynamo import ChannelModel, channel_item
from chalicelib.network.dynamo import (
    BrandModel,
    DealerModel,
    brand_item,
    dealer_item,
)
from devstack.demo import load_all


def seed() -> dict[str, int]:
    counts = {"brands": 0, "dealers": 0, "users": 0}
    for demo in load_all():
        # NOTE: a batch write, not save(): save() always writes the next
        # version (2), even without its condition, so the brand would not
        # come back to its fixture state.
        with BrandModel.batch_write() as batch:
            batch.save(brand_item(demo.brand))
        with DealerModel.batch_write() as batch:
            for dealer in demo.dealers:
                batch.save(dealer_item(dealer))
        with UserModel.batch_write() as batch:
            for user in demo.users:
                batch.save(user_item(user))
        with ChannelModel.batch_write() as batch:
            for channel in demo.channels:
                batch.save(channel_item(channel))
        counts["brands"] += 1
        counts["dealers"] += len(demo.dealers)
        counts["users"] += len(demo.users)
    return counts
