"""Request and response models of the photo routes."""

from datetime import datetime
from typing import Annotated

from pydantic import Field

from chalicelib.channels.model import ProofKind
from chalicelib.media.model import Flag, Outcome, Photo
from chalicelib.media.reasons import reject_message
from chalicelib.media.service import PhotoView, UploadTicket
from chalicelib.web.schemas import Body, FileName, Reply


class NewPhoto(Body):
    file_name: FileName
    content_type: Annotated[str, Field(min_length=3, max_length=100)]
    size: Annotated[int, Field(ge=1, description="Bytes the dealer will upload.")]
    proof: ProofKind = Field(
        ProofKind.PHOTO,
        description="What the image proves: a photo of the placement, a "
                    "screenshot, or an invoice scanned or photographed (an "
                    "image, like every proof).")


class UploadForm(Reply):
    url: str
    fields: dict[str, str]


class UploadReply(Reply):
    photo_id: str
    upload: UploadForm
    expires_at: datetime

    @classmethod
    def of(cls, ticket: UploadTicket) -> "UploadReply":
        return cls(photo_id=ticket.photo.photo_id,
                   upload=UploadForm(url=ticket.url, fields=ticket.fields),
                   expires_at=ticket.expires_at)


class MatchReply(Reply):
    photo_id: str
    dealer: str
    placement_id: str
    taken_at: str | None
    exact: bool
    link: str | None


class DecisionReply(Reply):
    outcome: str
    user_id: str
    decided_at: datetime
    comment: str


class FlagReply(Reply):
    kind: str
    state: str
    match: MatchReply | None = None
    decision: DecisionReply | None = None


class PhotoReply(Reply):
    photo_id: str
    placement_id: str
    dealer: str
    file_name: str
    status: str
    reject_reason: str | None
    reject_message: str | None = Field(
        None, description="Why, for the dealer, in the request's language.")
    proof: str
    taken_at: str | None
    flags: list[FlagReply]
    link: str | None = None
    version: int

    @classmethod
    def of(cls, view: PhotoView, language: str = "ru") -> "PhotoReply":
        photo = view.photo
        return cls(
            photo_id=photo.photo_id, placement_id=photo.placement_id,
            dealer=photo.dealer_code, file_name=photo.file_name,
            status=photo.status.value, reject_reason=photo.reject_reason,
            reject_message=reject_message(photo.reject_reason, language),
            proof=photo.proof.value, taken_at=photo.taken_at,
            flags=[_flag(flag, view) for flag in photo.flags],
            link=view.links.get(photo.photo_id), version=photo.version,
        )

    @classmethod
    def of_photo(cls, photo: Photo) -> "PhotoReply":
        return cls.of(PhotoView(photo=photo, shows_matches=True, links={}))


def _flag(flag: Flag, view: PhotoView) -> FlagReply:
    if not view.shows_matches:
        return FlagReply(kind=flag.kind.value, state=flag.state.value)
    match = None
    if flag.match is not None:
        match = MatchReply(
            photo_id=flag.match.photo_id, dealer=flag.match.dealer_code,
            placement_id=flag.match.placement_id, taken_at=flag.match.taken_at,
            exact=flag.match.exact, link=view.links.get(flag.match.photo_id),
        )
    decision = None
    if flag.decision is not None:
        decision = DecisionReply(
            outcome=flag.decision.outcome.value, user_id=flag.decision.user_id,
            decided_at=flag.decision.decided_at, comment=flag.decision.comment,
        )
    return FlagReply(kind=flag.kind.value, state=flag.state.value, match=match,
                     decision=decision)


class FlagDecision(Body):
    decision: Outcome
    comment: Annotated[str, Field(min_length=1, max_length=2000)]
