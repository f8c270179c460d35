"""Placements and their reports as the domain sees them, with the rules of
every transition. Pure: each transition returns a new value or raises.

Statuses and transitions of reports are those of the API contract; deadline arithmetic
lives in `deadlines`.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from chalicelib.channels.model import ProofKind, missing_proof
from chalicelib.errors import InvalidInput, NotFound, RuleViolated
from chalicelib.placements.deadlines import is_late, next_reminder_at


class PlacementStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class ReportStatus(StrEnum):
    OPEN = "open"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    OVERDUE = "overdue"
    LATE_SUBMITTED = "late_submitted"
    ACCEPTED_LATE = "accepted_late"


class ReportDecision(StrEnum):
    ACCEPT = "accept"
    # NOTE: the decision carries no amount: the bonus run applies the penalty
    # the motivation program of the period sets for a report accepted late.
    ACCEPT_WITH_PENALTY = "accept_with_penalty"
    REJECT = "reject"
    RETURN = "return"


class ExtensionState(StrEnum):
    PENDING = "pending"
    GRANTED = "granted"
    REFUSED = "refused"


# Reports nothing was sent for yet: the placement can still be cancelled.
UNREPORTED = frozenset({ReportStatus.OPEN, ReportStatus.OVERDUE})
SETTLED = frozenset({ReportStatus.ACCEPTED, ReportStatus.ACCEPTED_LATE,
                     ReportStatus.DECLINED})


# --- errors -----------------------------------------------------------------


class PlacementNotFound(NotFound):
    """No placement the caller sees has this id."""

    code = "placement_not_found"

    def __init__(self, placement_id: str) -> None:
        super().__init__(f"Placement {placement_id!r} was not found.",
                         placement_id=placement_id)
        self.placement_id = placement_id


class ReportNotFound(NotFound):
    """The placement has no report (it is not approved, or was cancelled)."""

    code = "report_not_found"

    def __init__(self, placement_id: str) -> None:
        super().__init__(f"Placement {placement_id!r} has no report.",
                         placement_id=placement_id)
        self.placement_id = placement_id


class InvalidTransition(RuleViolated):
    """The object's current state does not allow the action."""

    code = "invalid_transition"

    def __init__(self, entity: str, action: str, state: str) -> None:
        super().__init__(f"Cannot {action!r} a {entity} that is {state!r}.",
                         entity=entity, action=action, state=state)


class UnknownCreative(RuleViolated):
    """A placement names a creative its dealer does not see, or none at all."""

    code = "unknown_creative"

    def __init__(self, creative_id: str, dealer_code: str) -> None:
        super().__init__(
            f"Creative {creative_id!r} is not in the library of dealer "
            f"{dealer_code!r}.",
            creative=creative_id, dealer=dealer_code,
        )
        self.creative_id = creative_id
        self.dealer_code = dealer_code


class DeadlinePassed(RuleViolated):
    """A dealer's change to a report came at or after its deadline."""

    code = "deadline_passed"

    def __init__(self, due_at: datetime, explanation_required: bool) -> None:
        super().__init__(
            f"The report was due before {due_at.isoformat()!r}.",
            due_at=due_at.isoformat(),
            explanation_required=explanation_required,
        )


class ProofMissing(RuleViolated):
    """The report lacks proof its channel requires."""

    code = "proof_missing"

    def __init__(self, missing: dict[str, int]) -> None:
        listed = ", ".join(f"{kind}: {count}" for kind, count in missing.items())
        super().__init__(f"The report still needs {missing!r}.", missing=missing,
                         missing_list=listed)


class ExplanationNotNeeded(RuleViolated):
    """An explanation is only for a report past its deadline."""

    code = "explanation_not_needed"


class ReasonRequired(InvalidInput):
    """Returning or rejecting needs a reason."""

    code = "reason_required"


class NewDueDateRequired(RuleViolated):
    """Returning a report after its deadline needs a new due date."""

    code = "new_due_date_required"


class InvalidDueDate(RuleViolated):
    """A new deadline must lie in the future and after the current one."""

    code = "invalid_due_date"

    def __init__(self, due_at: datetime) -> None:
        super().__init__(f"The deadline {due_at.isoformat()!r} is not acceptable.",
                         due_at=due_at.isoformat())


class ExtensionConflict(RuleViolated):
    """An extension is asked while one is pending, or decided while none is."""

    code = "extension_conflict"


class InvalidAmount(RuleViolated):
    """An approved amount must be positive and at most the placement's cost."""

    code = "invalid_amount"


class InvalidDates(InvalidInput):
    """A placement must not end before it starts."""

    code = "invalid_dates"


# --- placements -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Placement:
    placement_id: str
    brand_id: str
    dealer_code: str
    region: str
    """The dealer's region when the placement was created (for visibility).

    Limitation: a dealer moved to another region later keeps its existing
    placements and reports visible to the managers of the old region; moving
    them would take a re-write of the dealer's placements when its region
    changes.
    """
    channel_id: str
    title: str
    starts_on: date
    ends_on: date
    cost: Decimal
    currency: str
    created_by: str
    created_at: datetime
    updated_at: datetime
    mandatory: bool = False
    creative_id: str | None = None
    status: PlacementStatus = PlacementStatus.DRAFT
    approved_amount: Decimal | None = None
    reason: str | None = None
    utm_source: str | None = None
    utm_medium: str | None = None
    utm_campaign: str | None = None
    """What the placement's links carry, so leads can be attributed to it."""
    tracked_phone: str | None = None
    """The call-tracking number the placement advertises."""
    version: int = 0
    """0: not stored yet."""

    def __post_init__(self) -> None:
        if self.ends_on < self.starts_on:
            raise InvalidDates(
                f"The placement ends {self.ends_on.isoformat()!r}, before it"
                f" starts {self.starts_on.isoformat()!r}."
            )

    @property
    def period(self) -> str:
        """A placement belongs to the period of its start date."""
        return self.starts_on.strftime("%Y-%m")

    def edited(self, changes: Mapping[str, object], now: datetime) -> "Placement":
        self._expect("edit", PlacementStatus.DRAFT, PlacementStatus.RETURNED)
        return replace(self, updated_at=now, **changes)  # type: ignore[arg-type]

    def submitted(self, now: datetime) -> "Placement":
        self._expect("submit", PlacementStatus.DRAFT, PlacementStatus.RETURNED)
        return self._moved(PlacementStatus.SUBMITTED, now, reason=None)

    def approved(self, amount: Decimal, now: datetime) -> "Placement":
        self._expect("approve", PlacementStatus.SUBMITTED)
        if not Decimal(0) < amount <= self.cost:
            raise InvalidAmount(
                f"Approved amount {str(amount)!r} must be above 0 and at most"
                f" {str(self.cost)!r}.",
                approved_amount=str(amount), cost=str(self.cost),
            )
        return self._moved(PlacementStatus.APPROVED, now, approved_amount=amount,
                           reason=None)

    def returned(self, reason: str, now: datetime) -> "Placement":
        self._expect("return", PlacementStatus.SUBMITTED)
        return self._moved(PlacementStatus.RETURNED, now, reason=_reason(reason))

    def rejected(self, reason: str, now: datetime) -> "Placement":
        self._expect("reject", PlacementStatus.SUBMITTED)
        return self._moved(PlacementStatus.REJECTED, now, reason=_reason(reason))

    def cancelled(
        self, report_status: ReportStatus | None, reason: str | None, now: datetime
    ) -> "Placement":
        """Possible until the placement is reported: once a report was sent,
        the manager's decision on it settles the placement."""
        self._expect("cancel", PlacementStatus.DRAFT, PlacementStatus.SUBMITTED,
                     PlacementStatus.RETURNED, PlacementStatus.APPROVED)
        if report_status is not None and report_status not in UNREPORTED:
            raise InvalidTransition("placement", "cancel", f"report {report_status}")
        return self._moved(PlacementStatus.CANCELLED, now, reason=reason)

    def _moved(self, status: PlacementStatus, now: datetime, **changes: object
               ) -> "Placement":
        return replace(self, status=status, updated_at=now,
                       **changes)  # type: ignore[arg-type]

    def _expect(self, action: str, *allowed: PlacementStatus) -> None:
        if self.status not in allowed:
            raise InvalidTransition("placement", action, self.status.value)


# --- reports ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Extension:
    due_at: datetime
    """The deadline asked for (exclusive, dealer's zone)."""
    reason: str
    requested_by: str
    requested_at: datetime
    state: ExtensionState = ExtensionState.PENDING
    decision_reason: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Report:
    placement_id: str
    brand_id: str
    dealer_code: str
    region: str
    channel_id: str
    currency: str
    due_at: datetime
    """Exclusive deadline, aware in the dealer's zone."""
    time_zone: str
    required_proof: Mapping[ProofKind, int]
    """The channel's rule when the report was opened."""
    reminder_days: tuple[int, ...]
    """The brand's reminder rule when the report was opened."""
    status: ReportStatus = ReportStatus.OPEN
    comment: str | None = None
    actual_cost: Decimal | None = None
    proofs: Mapping[ProofKind, tuple[str, ...]] = field(default_factory=dict)
    """Proof ids by kind. The photo feature adds photos as they are uploaded."""
    rejected_photos: tuple[str, ...] = ()
    """Photos a manager confirmed a flag on: they never count as proof."""
    explanation: str | None = None
    explained_at: datetime | None = None
    submitted_at: datetime | None = None
    return_reason: str | None = None
    decision: ReportDecision | None = None
    decision_reason: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    extension: Extension | None = None
    reminders_sent: tuple[int, ...] = ()
    version: int = 0
    """0: not stored yet."""

    @property
    def report_id(self) -> str:
        """One report per placement: it shares the placement's id."""
        return self.placement_id

    @property
    def proof_counts(self) -> dict[ProofKind, int]:
        return {kind: len(ids) for kind, ids in self.proofs.items()}

    @property
    def photo_count(self) -> int:
        return len(self.proofs.get(ProofKind.PHOTO, ()))

    @property
    def missing_proof(self) -> dict[str, int]:
        return missing_proof(self.required_proof, self.proof_counts)

    @property
    def next_reminder_at(self) -> datetime | None:
        """When the lock job next reminds the dealer; only open reports remind."""
        if self.status is not ReportStatus.OPEN:
            return None
        return next_reminder_at(self.due_at, self.reminder_days, self.reminders_sent)

    def status_at(self, now: datetime) -> ReportStatus:
        """The status as the API decides it at `now`: an open report past its
        deadline is overdue even before the lock job has run."""
        if self.status is ReportStatus.OPEN and is_late(now, self.due_at):
            return ReportStatus.OVERDUE
        return self.status

    def is_editable_by_dealer(self, now: datetime) -> bool:
        status = self.status_at(now)
        if status is ReportStatus.OPEN:
            return True
        return status is ReportStatus.OVERDUE and self.explanation is not None

    def ensure_editable_by_dealer(self, now: datetime) -> None:
        """Fields, photos and submission: refused once the deadline passed
        unless the dealer explained the delay."""
        status = self.status_at(now)
        if status not in UNREPORTED:
            raise InvalidTransition("report", "edit", status.value)
        if not self.is_editable_by_dealer(now):
            raise DeadlinePassed(self.due_at, explanation_required=True)

    def edited(self, changes: Mapping[str, object], now: datetime) -> "Report":
        self.ensure_editable_by_dealer(now)
        return self._with(**changes)

    def with_proof(self, kind: ProofKind, proof_id: str) -> "Report":
        """Adding the same proof twice keeps one (uploads are redelivered).
        Proofs are kept sorted: a report does not depend on the order its
        uploads were processed in."""
        present = self.proofs.get(kind, ())
        if proof_id in present or proof_id in self.rejected_photos:
            return self
        kept = tuple(sorted((*present, proof_id)))
        return replace(self, proofs={**self.proofs, kind: kept})

    def without_proof(self, kind: ProofKind, proof_id: str) -> "Report":
        present = self.proofs.get(kind, ())
        if proof_id not in present:
            return self
        kept = tuple(ident for ident in present if ident != proof_id)
        return replace(self, proofs={**self.proofs, kind: kept})

    def submitted(self, now: datetime) -> "Report":
        self.ensure_editable_by_dealer(now)
        missing = self.missing_proof
        if missing:
            raise ProofMissing(missing)
        late = self.status_at(now) is ReportStatus.OVERDUE
        status = ReportStatus.LATE_SUBMITTED if late else ReportStatus.SUBMITTED
        return self._with(status=status, submitted_at=now)

    def explained(self, explanation: str, now: datetime) -> "Report":
        status = self.status_at(now)
        if status in (ReportStatus.OPEN,):
            raise ExplanationNotNeeded(
                f"The report is due before {self.due_at.isoformat()!r}; no"
                " explanation is needed.", due_at=self.due_at.isoformat())
        if status is not ReportStatus.OVERDUE:
            raise InvalidTransition("report", "explain", status.value)
        return self._with(status=ReportStatus.OVERDUE,
                        explanation=explanation, explained_at=now)

    def locked(self, now: datetime) -> "Report":
        """The lock job's transition: past due and never sent."""
        if self.status_at(now) is not ReportStatus.OVERDUE or (
            self.status is ReportStatus.OVERDUE
        ):
            raise InvalidTransition("report", "lock", self.status.value)
        return replace(self, status=ReportStatus.OVERDUE)

    def decided(
        self,
        decision: ReportDecision,
        reason: str | None,
        new_due_at: datetime | None,
        user_id: str,
        now: datetime,
    ) -> "Report":
        target = _DECISIONS.get((self.status, decision))
        if target is None:
            raise InvalidTransition("report", decision.value, self.status.value)
        if decision in (ReportDecision.REJECT, ReportDecision.RETURN):
            reason = _reason(reason)
        decided = self._with(status=target, decision=decision,
                           decision_reason=reason, decided_by=user_id,
                           decided_at=now)
        if decision is ReportDecision.RETURN:
            return decided._reopened(reason, new_due_at, now)
        return decided

    def extension_asked(
        self, due_at: datetime, reason: str, user_id: str, now: datetime
    ) -> "Report":
        self.ensure_editable_by_dealer(now)
        if self.status_at(now) is not ReportStatus.OPEN:
            raise DeadlinePassed(self.due_at, explanation_required=True)
        if self.extension and self.extension.state is ExtensionState.PENDING:
            raise ExtensionConflict("An extension is already waiting for a decision.")
        if due_at <= self.due_at:
            raise InvalidDueDate(due_at)
        extension = Extension(due_at=due_at, reason=_reason(reason),
                              requested_by=user_id, requested_at=now)
        return self._with(extension=extension)

    def extension_decided(
        self,
        grant: bool,
        reason: str | None,
        due_at: datetime | None,
        user_id: str,
        now: datetime,
    ) -> "Report":
        """A grant moves the deadline; it must come before the deadline passes
        (afterwards the dealer explains the delay instead)."""
        asked = self.extension
        if asked is None or asked.state is not ExtensionState.PENDING:
            raise ExtensionConflict("No extension is waiting for a decision.")
        decided = replace(asked, decision_reason=reason, decided_by=user_id,
                          decided_at=now)
        if not grant:
            refused = replace(decided, state=ExtensionState.REFUSED,
                              decision_reason=_reason(reason))
            return self._with(extension=refused)
        if self.status_at(now) is not ReportStatus.OPEN:
            raise DeadlinePassed(self.due_at, explanation_required=True)
        new_due_at = due_at or asked.due_at
        if new_due_at <= self.due_at:
            raise InvalidDueDate(new_due_at)
        granted = replace(decided, state=ExtensionState.GRANTED, due_at=new_due_at)
        return self._with(extension=granted, due_at=new_due_at,
                        reminders_sent=())

    def photo_rejected(
        self,
        photo_id: str,
        reason: str,
        due_at_if_late: datetime,
        user_id: str,
        now: datetime,
    ) -> "Report":
        """A manager confirmed a flag on one of the report's photos: the photo
        stops counting as proof, and a sent report goes back to the dealer
        (`open`, with the reason; with `due_at_if_late` as its new deadline
        when the old one has passed).

        A report still with the dealer (`open`, `overdue`) keeps its status:
        the dealer replaces the photo. A settled report (`accepted`,
        `accepted_late`, `declined`) is not reopened: the manager's decision
        on it stands, and the photo only counts against the dealer in the
        bonus (see the program's penalty for confirmed duplicates).
        """
        if photo_id in self.rejected_photos:
            return self
        rejected = replace(self, rejected_photos=(*self.rejected_photos, photo_id))
        if self.status in SETTLED:
            return rejected
        for kind in ProofKind:
            rejected = rejected.without_proof(kind, photo_id)
        if self.status in UNREPORTED:
            return rejected._with(return_reason=_reason(reason))
        late = is_late(now, self.due_at)
        return rejected.decided(ReportDecision.RETURN, reason,
                                due_at_if_late if late else None, user_id, now)

    def reminded(self, sent: tuple[int, ...]) -> "Report":
        return replace(self, reminders_sent=sent)

    def _reopened(
        self, reason: str | None, new_due_at: datetime | None, now: datetime
    ) -> "Report":
        if new_due_at is None and is_late(now, self.due_at):
            raise NewDueDateRequired(
                "The report's deadline has passed: give it a new due date.",
                due_at=self.due_at.isoformat())
        if new_due_at is not None and is_late(now, new_due_at):
            raise InvalidDueDate(new_due_at)
        due_at = new_due_at or self.due_at
        moved = due_at != self.due_at
        return self._with(status=ReportStatus.OPEN, return_reason=reason,
                        due_at=due_at, explanation=None, explained_at=None,
                        reminders_sent=() if moved else self.reminders_sent)

    def _with(self, **changes: object) -> "Report":
        return replace(self, **changes)  # type: ignore[arg-type]


_DECISIONS: Mapping[tuple[ReportStatus, ReportDecision], ReportStatus] = {
    (ReportStatus.SUBMITTED, ReportDecision.ACCEPT): ReportStatus.ACCEPTED,
    (ReportStatus.SUBMITTED, ReportDecision.REJECT): ReportStatus.DECLINED,
    (ReportStatus.SUBMITTED, ReportDecision.RETURN): ReportStatus.OPEN,
    (ReportStatus.LATE_SUBMITTED, ReportDecision.ACCEPT): ReportStatus.ACCEPTED,
    (ReportStatus.LATE_SUBMITTED, ReportDecision.ACCEPT_WITH_PENALTY):
        ReportStatus.ACCEPTED_LATE,
    (ReportStatus.LATE_SUBMITTED, ReportDecision.REJECT): ReportStatus.DECLINED,
    (ReportStatus.LATE_SUBMITTED, ReportDecision.RETURN): ReportStatus.OPEN,
}


def _reason(reason: str | None) -> str:
    if reason is None or not reason.strip():
        raise ReasonRequired("A reason is required.")
    return reason.strip()
