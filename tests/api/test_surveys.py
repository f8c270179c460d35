"""Surveys through the API: create, answer, change the answer, results."""

import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from openpyxl import load_workbook

from chalicelib import wiring
from chalicelib.access.model import Role
from chalicelib.notification_prefs.kinds import NotificationKind
from tests.api.conftest import json_of
from tests.media_fakes import RecordingNotifier

INVITED = ["AUR-KGD-01", "AUR-KGD-02", "AUR-MSK-01", "AUR-PKC-01"]
QUESTIONS = [
    {"question_id": "nps", "kind": "rating", "text": "Оцените поддержку импортёра"},
    {"question_id": "best", "kind": "choice", "text": "Что полезнее?",
     "options": ["креативы", "обучение"]},
    {"question_id": "comment", "kind": "text", "text": "Комментарий",
     "required": False},
]


@pytest.fixture
def told(demo) -> RecordingNotifier:
    notifier = RecordingNotifier()
    wiring.use(notifier=notifier)
    return notifier


class Surveys:
    def __init__(self, client: Any, auth: Any) -> None:
        self.client = client
        self.auth = auth
        self.manager = {**auth(Role.IMPORTER_MANAGER),
                        "Content-Type": "application/json"}

    def dealer(self, code: str) -> dict:
        return {**self.auth(Role.DEALER_USER, dealer=code),
                "Content-Type": "application/json"}

    def create(self, **fields: Any) -> dict:
        now = datetime.now(UTC)
        body = {"title": "Удовлетворённость июнь", "questions": QUESTIONS,
                "audience": {"kind": "dealers", "values": INVITED},
                "opens_at": (now - timedelta(hours=1)).isoformat(),
                "closes_at": (now + timedelta(days=7)).isoformat(), **fields}
        reply = self.client.http.post("/v1/surveys", headers=self.manager,
                                      body=json.dumps(body))
        assert reply.status_code == 201, reply.body
        return json_of(reply)

    def answer(self, survey_id: str, code: str, rating: int, best: str = "креативы",
               comment: str | None = None) -> Any:
        answers: list[dict] = [{"question_id": "nps", "rating": rating},
                               {"question_id": "best", "choice": best}]
        if comment:
            answers.append({"question_id": "comment", "text": comment})
        return self.client.http.post(f"/v1/surveys/{survey_id}/responses",
                                     headers=self.dealer(code),
                                     body=json.dumps({"answers": answers}))

    def results(self, survey_id: str, headers: dict | None = None,
                query: str = "") -> Any:
        return self.client.http.get(f"/v1/surveys/{survey_id}/results{query}",
                                    headers=headers or self.manager)


@pytest.fixture
def surveys(client, auth, told) -> Surveys:
    return Surveys(client, auth)


def test_a_survey_is_answered_and_its_results_add_up(surveys, told):
    survey_id = surveys.create()["survey_id"]

    surveys.answer(survey_id, "AUR-KGD-01", 9, comment="Больше макетов")
    surveys.answer(survey_id, "AUR-MSK-01", 6, best="обучение")
    surveys.answer(survey_id, "AUR-PKC-01", 5)
    changed = surveys.answer(survey_id, "AUR-PKC-01", 10)
    results = json_of(surveys.results(survey_id))

    overall = results["overall"]
    nps = overall["questions"][0]
    assert changed.status_code == 200 and json_of(changed)["version"] == 2
    assert (overall["invited_dealers"], overall["responding_dealers"],
            overall["responses"]) == (4, 3, 3)
    assert overall["response_rate_pct"] == "75.0"
    assert nps["average"] == "8.33"
    assert nps["distribution"]["10"] == 1 and nps["distribution"]["5"] == 0
    assert sum(nps["distribution"].values()) == 3
    assert overall["questions"][1]["distribution"] == {"креативы": 2, "обучение": 1}
    assert overall["questions"][2]["comments"] == [
        {"dealer": "AUR-KGD-01", "text": "Больше макетов"}]
    assert results["by_region"]["Калининградская область"]["response_rate_pct"] == (
        "50.0")
    assert results["by_category"]["flagship"]["questions"][0]["average"] == "6.00"
    invited_users = told.recipients_of(NotificationKind.SURVEY_PUBLISHED)
    assert {"aurora-dealer-1", "aurora-dealer-2"} <= invited_users


def test_the_results_export_is_an_xlsx_download_link(surveys):
    survey_id = surveys.create()["survey_id"]
    surveys.answer(survey_id, "AUR-KGD-01", 8, comment="=HYPERLINK(\"x\")")

    reply = surveys.results(survey_id, query="?format=xlsx")
    book = load_workbook(io.BytesIO(requests.get(json_of(reply)["url"],
                                                 timeout=10).content))

    assert reply.status_code == 200
    summary = list(book["Summary"].iter_rows(values_only=True))
    assert summary[3][:6] == ("all", None, 4, 1, 1, 25)
    assert summary[3][8] == 8
    assert list(book["Comments"].iter_rows(values_only=True))[1][2].startswith("'=")


def test_a_closed_survey_takes_no_answer(surveys):
    now = datetime.now(UTC)
    survey_id = surveys.create(
        opens_at=(now + timedelta(days=1)).isoformat(),
        closes_at=(now + timedelta(days=2)).isoformat())["survey_id"]

    reply = surveys.answer(survey_id, "AUR-KGD-01", 7)

    assert reply.status_code == 422
    assert json_of(reply)["code"] == "survey_not_open"


def test_an_answer_that_does_not_fit_is_refused_and_nothing_is_stored(surveys):
    survey_id = surveys.create()["survey_id"]

    reply = surveys.answer(survey_id, "AUR-KGD-01", 11)
    results = json_of(surveys.results(survey_id))

    assert reply.status_code == 400
    assert json_of(reply)["code"] == "invalid_answer"
    assert results["overall"]["responses"] == 0


def test_dealers_list_only_the_surveys_they_are_invited_to(surveys):
    invited = surveys.create()["survey_id"]
    surveys.create(audience={"kind": "dealers", "values": ["AUR-MSK-02"]})

    mine = json_of(surveys.client.http.get("/v1/surveys",
                                           headers=surveys.dealer("AUR-KGD-01")))
    everything = json_of(surveys.client.http.get("/v1/surveys",
                                                 headers=surveys.manager))

    assert [s["survey_id"] for s in mine["items"]] == [invited]
    assert mine["items"][0]["dealers"] is None
    assert len(everything["items"]) == 2


def test_dealers_may_not_read_results_nor_managers_answer(surveys):
    survey_id = surveys.create()["survey_id"]

    results = surveys.results(survey_id, surveys.dealer("AUR-KGD-01"))
    answered = surveys.client.http.post(
        f"/v1/surveys/{survey_id}/responses", headers=surveys.manager,
        body=json.dumps({"answers": []}))

    assert results.status_code == 403
    assert answered.status_code == 403


@pytest.mark.parametrize("route", ["", "/results", "/responses"])
def test_another_dealers_and_another_brands_token_get_not_found(surveys, route):
    survey_id = surveys.create()["survey_id"]
    url = f"/v1/surveys/{survey_id}{route}"
    body = json.dumps({"answers": [{"question_id": "nps", "rating": 5},
                                   {"question_id": "best", "choice": "обучение"}]})

    def call(headers: dict) -> int:
        if route == "/responses":
            return int(surveys.client.http.post(url, headers=headers,
                                                body=body).status_code)
        return int(surveys.client.http.get(url, headers=headers).status_code)

    other_dealer = call(surveys.dealer("AUR-SPB-01"))
    other_brand = call({**surveys.auth(Role.IMPORTER_ADMIN, brand="taiga"),
                        "Content-Type": "application/json"})

    assert other_dealer == other_brand == 404


def test_a_regional_manager_reads_results_of_its_regions_only(surveys):
    survey_id = surveys.create()["survey_id"]
    surveys.answer(survey_id, "AUR-KGD-01", 9)
    surveys.answer(survey_id, "AUR-MSK-01", 3)

    regional = json_of(surveys.results(survey_id, surveys.auth(
        user_id="aurora-manager-2")))

    assert regional["overall"]["invited_dealers"] == 2
    assert regional["overall"]["questions"][0]["average"] == "9.00"
    assert set(regional["by_region"]) == {"Калининградская область"}


def test_a_survey_must_close_after_it_opens(surveys):
    now = datetime.now(UTC)
    body = {"title": "Опрос", "questions": QUESTIONS,
            "opens_at": now.isoformat(),
            "closes_at": (now - timedelta(days=1)).isoformat()}

    reply = surveys.client.http.post("/v1/surveys", headers=surveys.manager,
                                     body=json.dumps(body))

    assert reply.status_code == 422
    assert json_of(reply)["code"] == "invalid_survey_period"


def test_an_answer_counts_for_the_dealers_bonus_of_the_surveys_period(surveys):
    opens = datetime(2026, 5, 31, 22, 30, tzinfo=UTC)   # 1 June in Moscow
    survey_id = surveys.create(opens_at=opens.isoformat())["survey_id"]

    first = surveys.answer(survey_id, "AUR-KGD-01", 8)
    changed = surveys.answer(survey_id, "AUR-KGD-01", 9)

    assert first.status_code == changed.status_code == 200
    facts = wiring.bonus_facts().for_dealers("aurora", "2026-06",
                                             ["AUR-KGD-01", "AUR-MSK-01"])
    assert facts["AUR-KGD-01"].survey_answered is True
    assert facts["AUR-MSK-01"].survey_answered is None
