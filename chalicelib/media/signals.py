"""What photo flags set off beyond the photo records: the managers who see
the dealer hear of a new flag; a confirmed flag sends the photo's report back
to the dealer (through the placements package) and, for duplicates, recounts
the dealer's confirmed duplicates of the period for the bonus.

Every step here may run again for the same flag (redelivered uploads,
repeated decision requests) and then changes nothing.
"""

from typing import Protocol

from chalicelib.access.model import Caller
from chalicelib.access.ports import UserRepository
from chalicelib.audience import every_user, managers_seeing
from chalicelib.media.model import Flag, FlagKind, FlagState, Photo
from chalicelib.media.ports import PhotoRepository
from chalicelib.media.reports_gate import reject_as_proof
from chalicelib.network.ports import DealerRepository
from chalicelib.notification_prefs.kinds import NotificationKind
from chalicelib.notification_prefs.notifier import Notifier
from chalicelib.placements.model import PlacementNotFound, ReportNotFound
from chalicelib.placements.service import Ports as PlacementPorts


class DuplicateFacts(Protocol):
    """The bonus facts a confirmed duplicate changes (`bonus.ports.FactsRecorder`)."""

    def record_duplicate_photos(
        self, brand_id: str, period: str, dealer_code: str, confirmed: int
    ) -> None: ...


def tell_flagged(
    notifier: Notifier,
    users: UserRepository,
    dealers: DealerRepository,
    photo: Photo,
    flag: Flag,
) -> None:
    """The managers who see the photo's dealer hear of the flag, once."""
    dealer = dealers.get(photo.brand_id, photo.dealer_code)
    if dealer is None:
        return
    recipients = managers_seeing(every_user(users, photo.brand_id), dealer)
    if not recipients:
        return
    # One notice per photo and kind, however many earlier photos it matches.
    event_id = f"photo:{photo.brand_id}:{photo.photo_id}:{flag.kind.value}"
    params = {"photo_id": photo.photo_id, "placement_id": photo.placement_id,
              "dealer": photo.dealer_code, "flag": flag.kind.value}
    notifier.notify(event_id, photo.brand_id, recipients,
                    NotificationKind.PHOTO_FLAGGED, params)


def flag_decided(
    placement_ports: PlacementPorts,
    photos: PhotoRepository,
    facts: DuplicateFacts,
    caller: Caller,
    photo: Photo,
    flag: Flag,
) -> None:
    """After a manager's decision: a confirmed flag returns the report (see
    `reports_gate.reject_as_proof`); a dismissed one changes nothing."""
    if flag.state is not FlagState.CONFIRMED:
        return
    if flag.kind is FlagKind.DUPLICATE:
        confirmed = photos.confirmed_duplicates(photo.brand_id, photo.dealer_code,
                                                photo.period)
        facts.record_duplicate_photos(photo.brand_id, photo.period,
                                      photo.dealer_code, confirmed)
    if photo.archived:
        return
    try:
        reject_as_proof(placement_ports, caller, photo.placement_id, photo.photo_id,
                        flag.kind.value, rejection_reason(photo, flag))
    except (ReportNotFound, PlacementNotFound):
        # NOTE: nothing to return when the placement was cancelled before it
        # was reported (its report is gone), or when the placements package
        # does not hold the photo's placement (the listed stand-in gate of
        # `chalicelib.media.placements`); the decision on the flag stands.
        return


REASONS = {
    FlagKind.DUPLICATE: (
        "Фото {photo_id} — подтверждённый дубликат {match_ru}. / "
        "Photo {photo_id} is a confirmed duplicate {match_en}."),
    FlagKind.TAKEN_OUTSIDE_PERIOD: (
        "Фото {photo_id} снято вне дат размещения. / "
        "Photo {photo_id} was taken outside the placement's dates."),
    FlagKind.UNINFORMATIVE: (
        "Фото {photo_id} ничего не показывает. / "
        "Photo {photo_id} shows nothing to check."),
}


def rejection_reason(photo: Photo, flag: Flag) -> str:
    """The reason the dealer reads. It names the duplicate, and the earlier
    photo only when it is the same dealer's: a dealer learns nothing of
    another dealer's photos."""
    match_ru, match_en = "фото другого дилера", "of another dealer's photo"
    if flag.match and flag.match.dealer_code == photo.dealer_code:
        match_ru = f"фото {flag.match.photo_id}"
        match_en = f"of photo {flag.match.photo_id}"
    return REASONS[flag.kind].format(photo_id=photo.photo_id, match_ru=match_ru,
                                     match_en=match_en)
