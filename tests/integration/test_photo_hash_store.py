"""The hash store and the snapshot store on the emulator: the contract the
in-memory fakes of the unit tests keep too."""

from datetime import UTC, datetime, timedelta

import boto3

from chalicelib.media.dynamo import DynamoHashes
from chalicelib.media.hashing import fingerprint
from chalicelib.media.matching import stored_hashes
from chalicelib.media.s3 import S3HashSnapshots
from devstack.photo_samples import sample_bytes

START = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


class Stepping:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=10)
        return self.now


def stored(name: str):
    return stored_hashes(fingerprint(sample_bytes(name)), photo_id=f"ph-{name}",
                         dealer_code="AUR-KGD-01", placement_id="pl-1",
                         uploaded_at=START)


def test_hashes_are_stored_once_and_read_back_in_the_order_stored(aws):
    hashes = DynamoHashes(Stepping())
    coins, rocket = stored("coins"), stored("rocket")

    hashes.put("aurora", coins)
    hashes.put("aurora", coins)
    everything, position = hashes.added_since("aurora", coins.version, None)
    hashes.put("aurora", rocket)
    later, _ = hashes.added_since("aurora", coins.version, position)

    assert everything == [coins]
    # Re-read within the margin (REREAD_MARGIN) and ignored by the index.
    assert later == [coins, rocket]
    assert hashes.added_since("taiga", coins.version, None) == ([], None)


def test_a_snapshot_reads_back_exactly_what_was_saved(aws):
    from chalicelib import resources

    snapshots = S3HashSnapshots(boto3.client("s3"), resources.PHOTOS.name)
    saved = [stored("coins"), stored("chelsea")]

    snapshots.save("aurora", saved[0].version, saved, "2026-05-01T12:10:00#ph-x")

    assert snapshots.load("aurora", saved[0].version) == (
        saved, "2026-05-01T12:10:00#ph-x")
    assert snapshots.load("taiga", saved[0].version) is None
