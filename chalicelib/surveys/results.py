"""Results of a survey: pure arithmetic over its responses.

Per question: a rating's average (two decimals, half up) and distribution
over 1 to 10, a choice's counts per option, a text's comments. The response
rate is the share of invited dealers with at least one response, in percent
with one decimal; no invited dealer gives no rate. Each figure is given for
the whole survey and again by region and by dealer category.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from chalicelib.network.model import Dealer
from chalicelib.surveys.model import (
    RATING_MAX,
    RATING_MIN,
    QuestionKind,
    Survey,
    SurveyResponse,
)

CENT = Decimal("0.01")
TENTH = Decimal("0.1")


@dataclass(frozen=True, slots=True)
class Comment:
    dealer_code: str
    text: str


@dataclass(frozen=True, slots=True)
class QuestionResult:
    question_id: str
    kind: QuestionKind
    answers: int
    average: Decimal | None = None
    distribution: dict[str, int] | None = None
    """Rating ("1".."10") or option to the number of answers choosing it."""
    comments: tuple[Comment, ...] = ()


@dataclass(frozen=True, slots=True)
class GroupResult:
    invited_dealers: int
    responding_dealers: int
    responses: int
    response_rate_pct: Decimal | None
    questions: tuple[QuestionResult, ...]


@dataclass(frozen=True, slots=True)
class SurveyResults:
    survey_id: str
    overall: GroupResult
    by_region: dict[str, GroupResult]
    by_category: dict[str, GroupResult]


def survey_results(
    survey: Survey, responses: list[SurveyResponse], dealers: list[Dealer]
) -> SurveyResults:
    """Results over the invited `dealers` (those the reader may see); a
    response of a dealer not among them does not count."""
    invited = {d.code: d for d in dealers if d.code in survey.dealer_codes}
    counted = [r for r in responses if r.dealer_code in invited]
    return SurveyResults(
        survey_id=survey.survey_id,
        overall=group_result(survey, counted, list(invited.values())),
        by_region=_grouped(survey, counted, invited, lambda d: d.region),
        by_category=_grouped(survey, counted, invited, lambda d: d.category),
    )


def group_result(
    survey: Survey, responses: list[SurveyResponse], dealers: list[Dealer]
) -> GroupResult:
    responding = {r.dealer_code for r in responses}
    return GroupResult(
        invited_dealers=len(dealers),
        responding_dealers=len(responding),
        responses=len(responses),
        response_rate_pct=_percent(len(responding), len(dealers)),
        questions=tuple(_question_result(survey, q.question_id, responses)
                        for q in survey.questions),
    )


def average(ratings: list[int]) -> Decimal | None:
    if not ratings:
        return None
    return (Decimal(sum(ratings)) / len(ratings)).quantize(CENT, ROUND_HALF_UP)


def _question_result(
    survey: Survey, question_id: str, responses: list[SurveyResponse]
) -> QuestionResult:
    question = survey.question(question_id)
    assert question is not None
    answers = [a for r in responses if (a := r.answer_to(question_id)) is not None]
    if question.kind is QuestionKind.RATING:
        ratings = [a.rating for a in answers if a.rating is not None]
        counts = Counter(ratings)
        distribution = {str(n): counts[n] for n in range(RATING_MIN, RATING_MAX + 1)}
        return QuestionResult(question_id, question.kind, len(ratings),
                              average=average(ratings), distribution=distribution)
    if question.kind is QuestionKind.CHOICE:
        chosen = Counter(a.choice for a in answers)
        distribution = {option: chosen[option] for option in question.options}
        return QuestionResult(question_id, question.kind, len(answers),
                              distribution=distribution)
    comments = tuple(
        Comment(r.dealer_code, a.text)
        for r in sorted(responses, key=lambda r: (r.dealer_code, r.user_id))
        if (a := r.answer_to(question_id)) is not None and a.text
    )
    return QuestionResult(question_id, question.kind, len(comments),
                          comments=comments)


def _grouped(
    survey: Survey,
    responses: list[SurveyResponse],
    invited: dict[str, Dealer],
    key: Callable[[Dealer], str],
) -> dict[str, GroupResult]:
    groups: dict[str, list[Dealer]] = {}
    for dealer in invited.values():
        groups.setdefault(key(dealer), []).append(dealer)
    return {
        name: group_result(
            survey,
            [r for r in responses if key(invited[r.dealer_code]) == name],
            members,
        )
        for name, members in sorted(groups.items())
    }


def _percent(part: int, whole: int) -> Decimal | None:
    if whole == 0:
        return None
    return (Decimal(part) * 100 / whole).quantize(TENTH, ROUND_HALF_UP)
