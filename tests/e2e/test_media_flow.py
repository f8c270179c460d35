"""The media library, its notifications and dealer surveys through the
running local stack (issue 7), over HTTP as the web client calls them.

A manager uploads a creative by presigned POST; the stack's uploads handler
publishes it and tells the dealers it is meant for, in their feed and by
e-mail through the emulator's SES (read back from moto's `/moto-api`).
The dealers and users are this module's own, so what they are told comes
from this module alone.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from devstack.photo_samples import jpeg, sample_image
from tests.e2e.conftest import Stack
from tests.e2e.helpers import Api, Person, eventually, mail_to, post_form

pytestmark = pytest.mark.e2e

SATELLITE, FLAGSHIP, STANDARD = "AUR-OBN-01", "AUR-NMK-01", "AUR-KLU-01"
DEALERS = {
    SATELLITE: ("Аврора Обнинск", "Обнинск", "Калужская область", "satellite"),
    FLAGSHIP: ("Аврора Новомосковск", "Новомосковск", "Тульская область", "flagship"),
    STANDARD: ("Аврора Калуга", "Калуга", "Калужская область", "standard"),
}


@dataclass
class Desk:
    api: Api
    stack: Stack
    manager: Person
    dealers: dict[str, Person]


@pytest.fixture(scope="module")
def desk(running_stack: Stack) -> Desk:
    api = Api(running_stack)
    admin = api.user("importer_admin", "aurora-admin-1")
    dealers = {}
    for code, (name, city, region, category) in DEALERS.items():
        api.add_dealer(admin, code, name, city, region, "Europe/Moscow", category)
        dealers[code] = api.add_dealer_user(
            admin, f"media.{code.lower()}@example.com", f"Маркетолог {city}", code)
    return Desk(api, running_stack, api.user("importer_manager", "aurora-manager-1"),
                dealers)


# --- creatives ----------------------------------------------------------------


def test_a_creative_for_one_category_reaches_its_dealers_and_no_other(desk):
    satellite, flagship = desk.dealers[SATELLITE], desk.dealers[FLAGSHIP]
    title = "Баннер «Зимний сервис» для городов-спутников"

    # given: a manager registers a creative for satellite dealers and uploads it
    content = jpeg(sample_image("coffee"))
    registered = desk.api.ok("POST", "/v1/creatives", desk.manager, {
        "title": title, "description": "Макет для щитов 3×6 у въезда в город",
        "tags": ["зима", "сервис"], "car_model": "Aurora X5", "channel": "outdoor",
        "format": {"width": 1200, "height": 628},
        "audience": {"kind": "category", "values": ["satellite"]},
        "file": {"file_name": "Баннер зима 2026.jpg", "content_type": "image/jpeg",
                 "size": len(content)}}, status=201)
    creative_id = registered["creative"]["creative_id"]
    post_form(registered["upload"], content, "Баннер зима 2026.jpg")
    published = eventually(
        lambda: desk.api.ok("GET", f"/v1/creatives/{creative_id}", desk.manager),
        lambda creative: creative["status"] == "published",
        what="the creative published by the uploads handler")

    # when: the dealers search with another form of the word
    found = desk.api.ok("GET", "/v1/creatives", satellite, q="баннеры")
    not_found = desk.api.ok("GET", "/v1/creatives", flagship, q="баннеры")
    opened = desk.api.call("GET", f"/v1/creatives/{creative_id}", satellite)
    hidden = desk.api.call("GET", f"/v1/creatives/{creative_id}", flagship)

    # then: the satellite dealer finds it, the flagship dealer does not
    assert registered["creative"]["status"] == "pending"
    assert published["current_version"]["preview_urls"]
    assert creative_id in [c["creative_id"] for c in found["items"]]
    assert creative_id not in [c["creative_id"] for c in not_found["items"]]
    assert opened.status_code == 200 and opened.json()["title"] == title
    assert opened.json()["audience"] is None
    assert hidden.status_code == 404
    assert hidden.json()["code"] == "creative_not_found"

    # and: the satellite dealer is told in its feed and by e-mail
    told = eventually(lambda: mentions(desk.api.feed(satellite), creative_id, title),
                      bool, what="the satellite dealer's feed entry")
    mailed = eventually(lambda: mail_about(desk.stack, satellite, title), bool,
                        what="the satellite dealer's e-mail")
    assert len(told) == 1, told
    assert len(mailed) == 1, mailed

    # and: the flagship dealer is told nothing of it
    assert mentions(desk.api.feed(flagship), creative_id, title) == []
    assert mail_about(desk.stack, flagship, title) == []


# --- surveys ------------------------------------------------------------------


QUESTIONS = [
    {"question_id": "support", "kind": "rating",
     "text": "Оцените поддержку импортёра от 1 до 10"},
    {"question_id": "useful", "kind": "choice", "text": "Что полезнее?",
     "options": ["креативы", "обучение"]},
    {"question_id": "comment", "kind": "text", "text": "Что улучшить?",
     "required": False},
]


def test_a_survey_is_answered_by_dealer_users_and_its_results_add_up(desk):
    survey = new_survey(desk, "Удовлетворённость: декабрь")
    survey_id = survey["survey_id"]

    # when: two of the three invited dealers answer, one changes its answer
    answers = {SATELLITE: (9, "креативы", "Больше макетов для щитов"),
               FLAGSHIP: (7, "обучение", None)}
    first = answer(desk, survey_id, FLAGSHIP, 4, "креативы", None)
    replies = {code: answer(desk, survey_id, code, *given)
               for code, given in answers.items()}
    results = desk.api.ok("GET", f"/v1/surveys/{survey_id}/results", desk.manager)

    # then: the results add up from the answers as they stand
    ratings = [rating for rating, _, _ in answers.values()]
    overall = results["overall"]
    support, useful, comment = overall["questions"]
    assert first["version"] == 1
    assert replies[FLAGSHIP]["version"] == 2, "the changed answer replaces the first"
    assert (overall["invited_dealers"], overall["responding_dealers"],
            overall["responses"]) == (3, 2, 2)
    assert overall["response_rate_pct"] == pct(2, 3)
    assert support["average"] == mean(ratings)
    assert sum(support["distribution"].values()) == len(ratings)
    assert {score: n for score, n in support["distribution"].items() if n} == {
        "9": 1, "7": 1}
    assert useful["distribution"] == {"креативы": 1, "обучение": 1}
    assert comment["comments"] == [
        {"dealer": SATELLITE, "text": "Больше макетов для щитов"}]
    by_category = results["by_category"]
    assert by_category["satellite"]["questions"][0]["average"] == mean([9])
    assert by_category["flagship"]["questions"][0]["average"] == mean([7])
    assert by_category["standard"]["response_rate_pct"] == pct(0, 1)
    kaluga = results["by_region"]["Калужская область"]
    assert (kaluga["invited_dealers"], kaluga["responding_dealers"]) == (2, 1)


def test_invited_dealer_users_hear_of_a_new_survey(desk):
    title = "Опрос о работе медиатеки"
    survey_id = new_survey(desk, title)["survey_id"]

    told = eventually(
        lambda: {code: mentions(desk.api.feed(dealer), survey_id, title)
                 for code, dealer in desk.dealers.items()},
        lambda feeds: all(feeds.values()), what="every invited dealer's feed entry")
    mailed = eventually(
        lambda: {code: mail_about(desk.stack, dealer, title)
                 for code, dealer in desk.dealers.items()},
        lambda mailboxes: all(mailboxes.values()), what="every invited dealer's mail")

    assert {code: len(entries) for code, entries in told.items()} == dict.fromkeys(
        DEALERS, 1)
    assert {code: len(mails) for code, mails in mailed.items()} == dict.fromkeys(
        DEALERS, 1)


# --- helpers ------------------------------------------------------------------


def new_survey(desk: Desk, title: str) -> dict:
    now = datetime.now(UTC)
    return dict(desk.api.ok("POST", "/v1/surveys", desk.manager, {
        "title": title, "questions": QUESTIONS,
        "audience": {"kind": "dealers", "values": list(DEALERS)},
        "opens_at": (now - timedelta(minutes=5)).isoformat(),
        "closes_at": (now + timedelta(days=7)).isoformat()}, status=201))


def answer(desk: Desk, survey_id: str, code: str, rating: int, useful: str,
           comment: str | None) -> Any:
    answers: list[dict] = [{"question_id": "support", "rating": rating},
                           {"question_id": "useful", "choice": useful}]
    if comment:
        answers.append({"question_id": "comment", "text": comment})
    return desk.api.ok("POST", f"/v1/surveys/{survey_id}/responses",
                       desk.dealers[code], {"answers": answers})


def mean(ratings: list[int]) -> str:
    average = Decimal(sum(ratings)) / len(ratings)
    return str(average.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def pct(part: int, whole: int) -> str:
    share = Decimal(part) * 100 / whole
    return str(share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def mentions(feed: list[dict], entity_id: str, title: str) -> list[dict]:
    """Feed entries about the creative or survey `entity_id`."""
    return [entry for entry in feed
            if entity_id in entry["entity"] or entity_id in json.dumps(
                entry["facts"], ensure_ascii=False)
            or title in json.dumps(entry["facts"], ensure_ascii=False)]


def mail_about(stack: Stack, person: Person, title: str) -> list[dict]:
    return [mail for mail in mail_to(stack, person.email)
            if title in mail["subject"] or title in mail["body"]]
