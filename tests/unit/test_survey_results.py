from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from chalicelib.audience import Audience
from chalicelib.surveys.model import (
    Answer,
    InvalidAnswer,
    Question,
    QuestionKind,
    Survey,
    SurveyResponse,
    checked_answers,
)
from chalicelib.surveys.results import average, survey_results
from tests.builders import dealer

OPENS = datetime(2026, 6, 1, tzinfo=UTC)
KGD_1 = dealer("AUR-KGD-01", region="Калининградская область", category="standard")
KGD_2 = dealer("AUR-KGD-02", region="Калининградская область", category="boutique")
MSK_1 = dealer("AUR-MSK-01", city="Москва", region="Москва", category="flagship")
MSK_2 = dealer("AUR-MSK-02", city="Москва", region="Москва", category="flagship")
DEALERS = [KGD_1, KGD_2, MSK_1, MSK_2]


def survey(*questions: Question) -> Survey:
    return Survey(
        brand_id="aurora", survey_id="sv-1", title="Удовлетворённость",
        questions=questions or (
            Question("nps", QuestionKind.RATING, "Оцените работу импортёра"),
            Question("channel", QuestionKind.CHOICE, "Лучший канал",
                     ("radio", "digital")),
            Question("comment", QuestionKind.TEXT, "Комментарий", required=False),
        ),
        audience=Audience(), dealer_codes=tuple(d.code for d in DEALERS),
        opens_at=OPENS, closes_at=OPENS + timedelta(days=14),
        created_at=OPENS, created_by="manager",
    )


def response(dealer_code: str, rating: int, choice: str = "digital",
             comment: str | None = None, user_id: str | None = None) -> SurveyResponse:
    answers = [Answer("nps", rating=rating), Answer("channel", choice=choice)]
    if comment:
        answers.append(Answer("comment", text=comment))
    return SurveyResponse(
        brand_id="aurora", survey_id="sv-1", user_id=user_id or f"u-{dealer_code}",
        dealer_code=dealer_code, answers=tuple(answers),
        submitted_at=OPENS, updated_at=OPENS,
    )


def question(group, question_id):
    return next(q for q in group.questions if q.question_id == question_id)


@pytest.mark.parametrize(("ratings", "expected"), [
    ([], None),
    ([10], Decimal("10.00")),
    ([7, 8], Decimal("7.50")),
    ([1, 2, 2], Decimal("1.67")),
    ([9, 9, 8], Decimal("8.67")),
    ([1, 1, 2, 2, 2, 2, 2, 2], Decimal("1.75")),
])
def test_average_rating_has_two_decimals_rounded_half_up(ratings, expected):
    assert average(ratings) == expected


def test_results_add_up_over_the_whole_survey():
    responses = [
        response("AUR-KGD-01", 9, comment="Спасибо за креативы"),
        response("AUR-KGD-01", 7, choice="radio", user_id="second-user"),
        response("AUR-MSK-01", 4, comment="Поздно приходят макеты"),
    ]

    overall = survey_results(survey(), responses, DEALERS).overall

    rating = question(overall, "nps")
    assert (overall.invited_dealers, overall.responding_dealers,
            overall.responses) == (4, 2, 3)
    assert overall.response_rate_pct == Decimal("50.0")
    assert rating.average == Decimal("6.67")
    assert rating.distribution == {**{str(n): 0 for n in range(1, 11)},
                                   "4": 1, "7": 1, "9": 1}
    assert sum(rating.distribution.values()) == rating.answers == 3
    assert question(overall, "channel").distribution == {"radio": 1, "digital": 2}
    assert [c.text for c in question(overall, "comment").comments] == [
        "Спасибо за креативы", "Поздно приходят макеты"]


def test_results_are_given_by_region_and_by_category():
    responses = [response("AUR-KGD-01", 8), response("AUR-MSK-01", 4),
                 response("AUR-MSK-02", 6)]

    results = survey_results(survey(), responses, DEALERS)

    kaliningrad = results.by_region["Калининградская область"]
    moscow = results.by_region["Москва"]
    assert (kaliningrad.response_rate_pct, moscow.response_rate_pct) == (
        Decimal("50.0"), Decimal("100.0"))
    assert question(moscow, "nps").average == Decimal("5.00")
    assert set(results.by_category) == {"standard", "boutique", "flagship"}
    assert results.by_category["boutique"].responses == 0
    assert question(results.by_category["boutique"], "nps").average is None


def test_a_response_of_a_dealer_the_reader_does_not_see_is_left_out():
    responses = [response("AUR-KGD-01", 10), response("AUR-MSK-01", 2)]

    results = survey_results(survey(), responses, [KGD_1, KGD_2])

    assert results.overall.responses == 1
    assert question(results.overall, "nps").average == Decimal("10.00")
    assert set(results.by_region) == {"Калининградская область"}


def test_no_invited_dealer_gives_no_response_rate():
    assert survey_results(survey(), [], []).overall.response_rate_pct is None


@pytest.mark.parametrize(("answers", "problem_of"), [
    ([Answer("nps", rating=0), Answer("channel", choice="radio")], "nps"),
    ([Answer("nps", rating=11), Answer("channel", choice="radio")], "nps"),
    ([Answer("nps", rating=5), Answer("channel", choice="tv")], "channel"),
    ([Answer("nps", rating=5)], "channel"),
    ([Answer("nps", rating=5), Answer("channel", choice="radio"),
      Answer("nps", rating=6)], "nps"),
    ([Answer("nps", rating=5, text="и текст"), Answer("channel", choice="radio")],
     "nps"),
    ([Answer("nps", rating=5), Answer("channel", choice="radio"),
      Answer("extra", text="?")], "extra"),
    ([Answer("nps", rating=5), Answer("channel", choice="radio"),
      Answer("comment", text="")], "comment"),
])
def test_answers_that_do_not_fit_their_question_are_refused(answers, problem_of):
    with pytest.raises(InvalidAnswer) as refused:
        checked_answers(survey(), answers)

    assert refused.value.details["question_id"] == problem_of


def test_an_optional_question_may_be_left_out():
    answers = [Answer("channel", choice="radio"), Answer("nps", rating=10)]

    checked = checked_answers(survey(), answers)

    assert [a.question_id for a in checked] == ["nps", "channel"]
