"""The photo feature's view of placements and reports, on the placements
package: who may add photos to which report, counting an accepted photo
towards the report's proof rule, and taking a confirmed flagged photo out of
it (the report goes back to the dealer)."""

from collections.abc import Callable

from chalicelib.access.model import Caller
from chalicelib.channels.model import ProofKind
from chalicelib.media.model import PlacementForPhotos
from chalicelib.placements import service as placements
from chalicelib.placements.model import ReportNotFound
from chalicelib.placements.service import Ports


class ReportsGate:
    """`PlacementGate` over real placements: a dealer user of the placement's
    dealer may add photos while its report is open, or overdue after an
    explanation (`placements.ensure_report_editable` decides)."""

    def __init__(self, ports: Callable[[], Ports]) -> None:
        self._ports = ports

    def placement_for_photos(
        self, caller: Caller, placement_id: str
    ) -> PlacementForPhotos:
        ports = self._ports()
        report = placements.ensure_report_editable(ports, caller, placement_id)
        placement = placements.get_placement(ports, caller, placement_id)
        return PlacementForPhotos(
            brand_id=placement.brand_id,
            placement_id=placement.placement_id,
            dealer_code=placement.dealer_code,
            starts_on=placement.starts_on,
            ends_on=placement.ends_on,
            due_at=report.due_at,
        )


def count_as_proof(ports: Ports, placement_id: str, photo_id: str,
                   proof: ProofKind = ProofKind.PHOTO) -> None:
    """A processed image counts once towards its report's proof of its kind.
    A placement without a report (cancelled since the upload was presigned)
    has nothing to count it for: the photo stays stored and hashed."""
    try:
        placements.attach_proof(ports, placement_id, proof, photo_id)
    except ReportNotFound:
        return


def reject_as_proof(
    ports: Ports, caller: Caller, placement_id: str, photo_id: str, flag: str,
    reason: str,
) -> None:
    """A manager confirmed a flag on the photo: it no longer counts as proof
    and a sent report goes back to the dealer (`placements.reject_report_photo`)."""
    placements.reject_report_photo(ports, caller, placement_id, photo_id, flag,
                                   reason)
