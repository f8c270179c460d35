"""Duplicate detection between report photos: pure rules and the in-memory index.

A new photo matches a stored one when its SHA-256 is the same (an exact
copy), or when, for some pair of views, both perceptual hashes are within the
brand's thresholds (a near copy). The views compared are:
- each of the new photo's eight orientations (as is, rotated by 90, 180,
  270 degrees, and mirrored) against the stored photo as it is and against
  its centre and corner crops (so a rotated, mirrored or cropped copy of an
  older photo is found);
- the new photo's crops against the stored photo as it is (so an older
  photo that was itself a crop of the new one is found too).
Only hashes of one `version` (algorithm, library and normalisation) are ever
compared. Uninformative photos never match by their perceptual hashes.

`PhotoIndex` holds one brand's stored hashes in compact arrays and answers
`find` with exactly the matches of `brute_force`, which states the rule
plainly and is what the tests compare it with.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chalicelib.media.fingerprints import Fingerprint, hamming


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Most differing bits, of 64, for a near copy; both must hold. The
    defaults come from the benchmark (`make bench`)."""

    phash_bits: int = 12
    dhash_bits: int = 16


@dataclass(frozen=True, slots=True)
class StoredHashes:
    """What the index keeps of one stored photo: enough to match it and to
    tell the manager whose it is, without reading anything else."""

    photo_id: str
    dealer_code: str
    placement_id: str
    uploaded_at: datetime
    taken_at: str | None
    sha256: str
    version: str
    views: tuple[tuple[int, int], ...]
    """(phash, dhash) as it is first, then its crops."""
    uninformative: bool

    @property
    def order(self) -> tuple[datetime, str]:
        """Which of two photos is the later upload (ties by id)."""
        return (self.uploaded_at, self.photo_id)


@dataclass(frozen=True, slots=True)
class Match:
    photo_id: str
    exact: bool
    phash_bits: int
    dhash_bits: int


def stored_hashes(
    fingerprint: Fingerprint,
    *,
    photo_id: str,
    dealer_code: str,
    placement_id: str,
    uploaded_at: datetime,
) -> StoredHashes:
    taken = fingerprint.taken.isoformat() if fingerprint.taken else None
    views = ((fingerprint.phash, fingerprint.dhash), *fingerprint.crops)
    return StoredHashes(
        photo_id=photo_id, dealer_code=dealer_code, placement_id=placement_id,
        uploaded_at=uploaded_at, taken_at=taken, sha256=fingerprint.sha256,
        version=fingerprint.version, views=views,
        uninformative=fingerprint.uninformative,
    )


def compare(
    probe: Fingerprint, stored: StoredHashes, thresholds: Thresholds
) -> Match | None:
    """The rule of the module docstring for one pair of photos."""
    if stored.version != probe.version:
        return None
    if stored.uninformative or probe.uninformative:
        return None
    if stored.sha256 == probe.sha256:
        return Match(stored.photo_id, exact=True, phash_bits=0, dhash_bits=0)
    best: tuple[int, int] | None = None
    for mine, theirs in _pairs(probe, stored):
        bits = (hamming(mine[0], theirs[0]), hamming(mine[1], theirs[1]))
        within = bits[0] <= thresholds.phash_bits and bits[1] <= thresholds.dhash_bits
        if within and (best is None or _closer(bits, best)):
            best = bits
    if best is None:
        return None
    return Match(stored.photo_id, exact=False, phash_bits=best[0], dhash_bits=best[1])


def brute_force(
    probe: Fingerprint, stored: list[StoredHashes], thresholds: Thresholds,
    exclude: str | None = None,
) -> list[Match]:
    found = [compare(probe, each, thresholds) for each in stored
             if each.photo_id != exclude]
    return sorted((match for match in found if match), key=_match_order)


@dataclass
class PhotoIndex:
    """One brand's stored hashes of one version: one row per view of each
    stored photo, in growable arrays (`chalicelib.media.rows`). A lookup is a
    few vectorised XOR and popcount passes over them; adding a photo appends."""

    version: str
    _photos: dict[str, StoredHashes] = field(default_factory=dict)
    _by_sha: dict[str, set[str]] = field(default_factory=dict)
    _rows: Any = None

    def __len__(self) -> int:
        return len(self._photos)

    def __contains__(self, photo_id: str) -> bool:
        return photo_id in self._photos

    def get(self, photo_id: str) -> StoredHashes | None:
        return self._photos.get(photo_id)

    def photos(self) -> list[StoredHashes]:
        return list(self._photos.values())

    def add(self, stored: StoredHashes) -> None:
        """Add a photo once; hashes of another version are not comparable and
        are left out."""
        if stored.version != self.version or stored.photo_id in self._photos:
            return
        self._photos[stored.photo_id] = stored
        if stored.uninformative:
            return
        self._by_sha.setdefault(stored.sha256, set()).add(stored.photo_id)
        rows = self._view_rows()
        for position, (phash, dhash) in enumerate(stored.views):
            rows.append(stored.photo_id, phash, dhash, position == 0)

    def find(
        self, probe: Fingerprint, thresholds: Thresholds, exclude: str | None = None
    ) -> list[Match]:
        if probe.version != self.version or probe.uninformative:
            return []
        best: dict[str, Match] = {
            photo_id: Match(photo_id, exact=True, phash_bits=0, dhash_bits=0)
            for photo_id in self._by_sha.get(probe.sha256, set())
        }
        for photo_id, bits in self._near(probe, thresholds).items():
            if photo_id not in best:
                best[photo_id] = Match(photo_id, False, bits[0], bits[1])
        best.pop(exclude or "", None)
        return sorted(best.values(), key=_match_order)

    # Limitation: the distances are measured one way, from the probe's eight
    # orientations to the stored photo's views, so two near copies processed
    # in the other order can record other bit counts on their flag (the same
    # flag, on the same photo, naming the same match). Symmetric evidence
    # would need every orientation of the stored photo kept in the index.
    def _near(
        self, probe: Fingerprint, thresholds: Thresholds
    ) -> dict[str, tuple[int, int]]:
        rows = self._rows
        if rows is None or rows.count == 0:
            return {}
        found: dict[str, tuple[int, int]] = {}
        probes = [(view, False) for view in probe.orientations]
        probes += [(view, True) for view in probe.crops]
        for (mine_p, mine_d), whole_only in probes:
            hits = rows.within(mine_p, mine_d, thresholds.phash_bits,
                               thresholds.dhash_bits, whole_only)
            for owner, bits_p, bits_d in hits:
                bits = (bits_p, bits_d)
                if owner not in found or _closer(bits, found[owner]):
                    found[owner] = bits
        return found

    def _view_rows(self) -> Any:
        if self._rows is None:
            from chalicelib.media.rows import ViewRows

            self._rows = ViewRows()
        return self._rows


def _pairs(
    probe: Fingerprint, stored: StoredHashes
) -> Iterator[tuple[tuple[int, int], tuple[int, int]]]:
    for mine in probe.orientations:
        for theirs in stored.views:
            yield mine, theirs
    for mine in probe.crops:
        yield mine, stored.views[0]


def _closer(bits: tuple[int, int], than: tuple[int, int]) -> bool:
    return (sum(bits), bits[0]) < (sum(than), than[0])


def _match_order(match: Match) -> tuple[bool, int, str]:
    return (not match.exact, match.phash_bits + match.dhash_bits, match.photo_id)
