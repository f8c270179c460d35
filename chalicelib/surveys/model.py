"""Surveys and responses as the domain sees them, and the rules on answers."""

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from chalicelib.audience import Audience
from chalicelib.errors import InvalidInput, NotFound, RuleViolated

RATING_MIN, RATING_MAX = 1, 10
MAX_COMMENT_CHARS = 2000


class SurveyNotFound(NotFound):
    """No survey the caller may see has this id."""

    code = "survey_not_found"

    def __init__(self, survey_id: str) -> None:
        super().__init__(f"Survey {survey_id!r} was not found.", survey_id=survey_id)
        self.survey_id = survey_id


class SurveyNotOpen(RuleViolated):
    """Answers are taken only between the survey's opening and closing."""

    code = "survey_not_open"

    def __init__(self, survey_id: str, opens_at: datetime, closes_at: datetime) -> None:
        super().__init__(
            f"Survey {survey_id!r} takes answers from {opens_at.isoformat()!r} "
            f"until {closes_at.isoformat()!r}.",
            survey_id=survey_id, opens_at=opens_at.isoformat(),
            closes_at=closes_at.isoformat(),
        )


class InvalidSurveyPeriod(RuleViolated):
    """A survey must close after it opens, and after now."""

    code = "invalid_survey_period"


class NoInvitedDealers(RuleViolated):
    """A survey's audience names no dealer the manager sees."""

    code = "no_invited_dealers"


class InvalidAnswer(InvalidInput):
    """An answer does not fit its question."""

    code = "invalid_answer"

    def __init__(self, question_id: str, problem: str) -> None:
        super().__init__(f"Answer to {question_id!r}: {problem}",
                         question_id=question_id, problem=problem)


class DealerNeeded(InvalidInput):
    """A user serving several invited dealers must say which one answers."""

    code = "survey_dealer_needed"


class InvalidSurveyCursor(InvalidInput):
    """The survey list's cursor was not issued by it."""

    code = "invalid_cursor"


class QuestionKind(StrEnum):
    RATING = "rating"
    CHOICE = "choice"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class Question:
    question_id: str
    kind: QuestionKind
    text: str
    options: tuple[str, ...] = ()
    """The choices of a single-choice question."""
    required: bool = True


@dataclass(frozen=True, slots=True)
class Survey:
    brand_id: str
    survey_id: str
    title: str
    questions: tuple[Question, ...]
    audience: Audience
    dealer_codes: tuple[str, ...]
    """The invited dealers, fixed when the survey is created."""
    opens_at: datetime
    closes_at: datetime
    created_at: datetime
    created_by: str
    version: int = 1

    def is_open(self, now: datetime) -> bool:
        return self.opens_at <= now < self.closes_at

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.question_id == question_id), None)


@dataclass(frozen=True, slots=True)
class Answer:
    question_id: str
    rating: int | None = None
    choice: str | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class SurveyResponse:
    brand_id: str
    survey_id: str
    user_id: str
    dealer_code: str
    answers: tuple[Answer, ...]
    submitted_at: datetime
    updated_at: datetime
    version: int = 1

    def answer_to(self, question_id: str) -> Answer | None:
        return next((a for a in self.answers if a.question_id == question_id), None)

    def changed(self, answers: tuple[Answer, ...], at: datetime) -> "SurveyResponse":
        return replace(self, answers=answers, updated_at=at)


def checked_answers(survey: Survey, answers: list[Answer]) -> tuple[Answer, ...]:
    """The answers if each fits its question and every required one is there."""
    given: dict[str, Answer] = {}
    for answer in answers:
        question = survey.question(answer.question_id)
        if question is None:
            raise InvalidAnswer(answer.question_id, "no such question.")
        if answer.question_id in given:
            raise InvalidAnswer(answer.question_id, "answered twice.")
        _check(question, answer)
        given[answer.question_id] = answer
    for question in survey.questions:
        if question.required and question.question_id not in given:
            raise InvalidAnswer(question.question_id, "the question needs an answer.")
    ordered = [q.question_id for q in survey.questions]
    return tuple(given[qid] for qid in ordered if qid in given)


_FIELD_OF = {QuestionKind.RATING: "rating", QuestionKind.CHOICE: "choice",
             QuestionKind.TEXT: "text"}


def _check(question: Question, answer: Answer) -> None:
    qid = question.question_id
    others = [name for name in ("rating", "choice", "text")
              if name != _FIELD_OF[question.kind] and getattr(answer, name) is not None]
    if others:
        kind = question.kind.value
        raise InvalidAnswer(qid, f"a {kind} question takes no {others[0]}.")
    if question.kind is QuestionKind.RATING:
        if answer.rating is None or not RATING_MIN <= answer.rating <= RATING_MAX:
            raise InvalidAnswer(qid, f"a rating from {RATING_MIN} to {RATING_MAX}.")
    elif question.kind is QuestionKind.CHOICE:
        if answer.choice not in question.options:
            raise InvalidAnswer(qid, f"one of {list(question.options)!r}.")
    elif not answer.text or len(answer.text) > MAX_COMMENT_CHARS:
        raise InvalidAnswer(qid, f"a text of 1 to {MAX_COMMENT_CHARS} characters.")
