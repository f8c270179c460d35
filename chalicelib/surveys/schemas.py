"""Request and response models of the survey routes."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    model_validator,
)

from chalicelib.audience import AudienceKind
from chalicelib.audience_schemas import AudienceBody
from chalicelib.surveys.model import (
    MAX_COMMENT_CHARS,
    Answer,
    Question,
    QuestionKind,
    Survey,
    SurveyResponse,
)
from chalicelib.surveys.results import GroupResult, QuestionResult, SurveyResults
from chalicelib.surveys.service import SurveyDraft
from chalicelib.web.schemas import Body, DealerCode, Reply, Text

QuestionId = Annotated[str, Field(pattern=r"^[a-z0-9_-]{1,40}$")]
Option = Annotated[str, Field(min_length=1, max_length=200)]


class QuestionBody(Body):
    question_id: QuestionId
    kind: QuestionKind
    text: Annotated[str, Field(min_length=1, max_length=1000)]
    options: list[Option] = Field(default_factory=list, max_length=20)
    required: bool = True

    @model_validator(mode="after")
    def _options_fit_kind(self) -> "QuestionBody":
        choice = self.kind is QuestionKind.CHOICE
        if choice and len(set(self.options)) < 2:
            raise ValueError("a choice question needs two or more distinct options")
        if not choice and self.options:
            raise ValueError("only a choice question takes options")
        return self

    def question(self) -> Question:
        return Question(self.question_id, self.kind, self.text,
                        tuple(self.options), self.required)


class NewSurvey(Body):
    title: Text
    questions: list[QuestionBody] = Field(min_length=1, max_length=50)
    audience: AudienceBody = Field(
        default_factory=lambda: AudienceBody(kind=AudienceKind.ALL))
    opens_at: AwareDatetime
    closes_at: AwareDatetime

    @model_validator(mode="after")
    def _distinct_ids(self) -> "NewSurvey":
        ids = [q.question_id for q in self.questions]
        if len(ids) != len(set(ids)):
            raise ValueError("question ids must be distinct")
        return self

    def draft(self) -> SurveyDraft:
        return SurveyDraft(
            title=self.title,
            questions=tuple(q.question() for q in self.questions),
            audience=self.audience.audience(),
            opens_at=self.opens_at,
            closes_at=self.closes_at,
        )


class AnswerBody(Body):
    question_id: QuestionId
    rating: int | None = None
    choice: str | None = Field(None, max_length=200)
    text: str | None = Field(None, max_length=MAX_COMMENT_CHARS)

    def answer(self) -> Answer:
        return Answer(self.question_id, self.rating, self.choice, self.text)


class ResponseBody(Body):
    dealer: DealerCode | None = Field(
        None, description="Needed only by a user serving several invited dealers.")
    answers: list[AnswerBody] = Field(max_length=50)

    def answer_list(self) -> list[Answer]:
        return [answer.answer() for answer in self.answers]


class QuestionReply(Reply):
    question_id: str
    kind: str
    text: str
    options: list[str]
    required: bool


class SurveyReply(Reply):
    survey_id: str
    title: str
    questions: list[QuestionReply]
    dealers: list[str] | None = Field(description="Invited; not shown to dealers.")
    opens_at: datetime
    closes_at: datetime
    created_at: datetime
    version: int

    @classmethod
    def of(cls, survey: Survey, for_dealer: bool) -> "SurveyReply":
        return cls(
            survey_id=survey.survey_id,
            title=survey.title,
            questions=[QuestionReply(question_id=q.question_id, kind=q.kind.value,
                                     text=q.text, options=list(q.options),
                                     required=q.required) for q in survey.questions],
            dealers=None if for_dealer else list(survey.dealer_codes),
            opens_at=survey.opens_at,
            closes_at=survey.closes_at,
            created_at=survey.created_at,
            version=survey.version,
        )


class SurveyPage(Reply):
    items: list[SurveyReply]
    next_cursor: str | None


class AnswerReply(Reply):
    question_id: str
    rating: int | None
    choice: str | None
    text: str | None


class ResponseReply(Reply):
    survey_id: str
    dealer: str
    answers: list[AnswerReply]
    submitted_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def of(cls, response: SurveyResponse) -> "ResponseReply":
        return cls(
            survey_id=response.survey_id,
            dealer=response.dealer_code,
            answers=[AnswerReply(question_id=a.question_id, rating=a.rating,
                                 choice=a.choice, text=a.text)
                     for a in response.answers],
            submitted_at=response.submitted_at,
            updated_at=response.updated_at,
            version=response.version,
        )


class CommentReply(Reply):
    dealer: str
    text: str


class QuestionResultReply(Reply):
    question_id: str
    kind: str
    answers: int
    average: str | None = Field(description="A decimal string, two places.")
    distribution: dict[str, int] | None
    comments: list[CommentReply]


class GroupReply(Reply):
    invited_dealers: int
    responding_dealers: int
    responses: int
    response_rate_pct: str | None
    questions: list[QuestionResultReply]

    @classmethod
    def of(cls, group: GroupResult) -> "GroupReply":
        return cls(
            invited_dealers=group.invited_dealers,
            responding_dealers=group.responding_dealers,
            responses=group.responses,
            response_rate_pct=_text(group.response_rate_pct),
            questions=[_question(q) for q in group.questions],
        )


class ResultsReply(Reply):
    survey_id: str
    overall: GroupReply
    by_region: dict[str, GroupReply]
    by_category: dict[str, GroupReply]

    @classmethod
    def of(cls, results: SurveyResults) -> "ResultsReply":
        return cls(
            survey_id=results.survey_id,
            overall=GroupReply.of(results.overall),
            by_region={k: GroupReply.of(v) for k, v in results.by_region.items()},
            by_category={k: GroupReply.of(v) for k, v in results.by_category.items()},
        )


class ExportReply(Reply):
    url: str
    expires_at: datetime


def _question(result: QuestionResult) -> QuestionResultReply:
    return QuestionResultReply(
        question_id=result.question_id,
        kind=result.kind.value,
        answers=result.answers,
        average=_text(result.average),
        distribution=result.distribution,
        comments=[CommentReply(dealer=c.dealer_code, text=c.text)
                  for c in result.comments],
    )


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


class ResultsQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    format: Literal["json", "xlsx"] = "json"


class ResultsAnswer(RootModel[ResultsReply | ExportReply]):
    """The results, or with `?format=xlsx` a link to them as a workbook."""
