"""Surveys and their responses in DynamoDB.

Tables:
- `surveys`: key `brand_id` + `survey_id`.
- `survey-responses`: key `survey_key` (`brand#survey`) + `responder_key`
  (`dealer#user`): one response per dealer user, changed in place.
"""

from datetime import datetime
from typing import Any, cast

from pynamodb.attributes import (
    JSONAttribute,
    ListAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.models import Model

from chalicelib.audience import Audience, AudienceKind
from chalicelib.dynamo import save_versioned, table_meta
from chalicelib.surveys.model import (
    Answer,
    Question,
    QuestionKind,
    Survey,
    SurveyResponse,
)


class SurveyModel(Model):
    Meta = table_meta("surveys")

    brand_id = UnicodeAttribute(hash_key=True)
    survey_id = UnicodeAttribute(range_key=True)
    title = UnicodeAttribute()
    questions = JSONAttribute()
    audience = JSONAttribute()
    dealer_codes = ListAttribute(of=UnicodeAttribute)
    opens_at = UnicodeAttribute()
    closes_at = UnicodeAttribute()
    created_at = UnicodeAttribute()
    created_by = UnicodeAttribute()
    version = VersionAttribute()


class SurveyResponseModel(Model):
    Meta = table_meta("survey-responses")

    survey_key = UnicodeAttribute(hash_key=True)
    responder_key = UnicodeAttribute(range_key=True)
    brand_id = UnicodeAttribute()
    survey_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    dealer_code = UnicodeAttribute()
    answers = JSONAttribute()
    submitted_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()


class DynamoSurveys:
    def get(self, brand_id: str, survey_id: str) -> Survey | None:
        try:
            return _survey(SurveyModel.get(brand_id, survey_id))
        except SurveyModel.DoesNotExist:
            return None

    def of_brand(self, brand_id: str) -> list[Survey]:
        return [_survey(item) for item in SurveyModel.query(brand_id)]

    def save(self, survey: Survey, expected_version: int | None) -> Survey:
        item = SurveyModel(
            survey.brand_id,
            survey.survey_id,
            title=survey.title,
            questions=[_question_data(q) for q in survey.questions],
            audience={"kind": survey.audience.kind.value,
                      "values": list(survey.audience.values)},
            dealer_codes=list(survey.dealer_codes),
            opens_at=survey.opens_at.isoformat(),
            closes_at=survey.closes_at.isoformat(),
            created_at=survey.created_at.isoformat(),
            created_by=survey.created_by,
            version=survey.version,
        )
        save_versioned(item, expected_version)
        return _survey(item)


class DynamoResponses:
    def get(
        self, brand_id: str, survey_id: str, dealer_code: str, user_id: str
    ) -> SurveyResponse | None:
        try:
            item = SurveyResponseModel.get(
                f"{brand_id}#{survey_id}", f"{dealer_code}#{user_id}",
                consistent_read=True,
            )
        except SurveyResponseModel.DoesNotExist:
            return None
        return _response(item)

    def of_survey(self, brand_id: str, survey_id: str) -> list[SurveyResponse]:
        items = SurveyResponseModel.query(f"{brand_id}#{survey_id}")
        return [_response(item) for item in items]

    def save(
        self, response: SurveyResponse, expected_version: int | None
    ) -> SurveyResponse:
        item = SurveyResponseModel(
            f"{response.brand_id}#{response.survey_id}",
            f"{response.dealer_code}#{response.user_id}",
            brand_id=response.brand_id,
            survey_id=response.survey_id,
            user_id=response.user_id,
            dealer_code=response.dealer_code,
            answers=[{"question_id": a.question_id, "rating": a.rating,
                      "choice": a.choice, "text": a.text} for a in response.answers],
            submitted_at=response.submitted_at.isoformat(),
            updated_at=response.updated_at.isoformat(),
            version=response.version,
        )
        save_versioned(item, expected_version)
        return _response(item)


def _question_data(question: Question) -> dict[str, Any]:
    return {"question_id": question.question_id, "kind": question.kind.value,
            "text": question.text, "options": list(question.options),
            "required": question.required}


def _survey(item: SurveyModel) -> Survey:
    questions = cast(list[dict[str, Any]], item.questions)
    audience = cast(dict[str, Any], item.audience)
    return Survey(
        brand_id=item.brand_id,
        survey_id=item.survey_id,
        title=item.title,
        questions=tuple(
            Question(q["question_id"], QuestionKind(q["kind"]), q["text"],
                     tuple(q["options"]), bool(q["required"]))
            for q in questions
        ),
        audience=Audience(AudienceKind(audience["kind"]), tuple(audience["values"])),
        dealer_codes=tuple(cast(list[str], item.dealer_codes)),
        opens_at=datetime.fromisoformat(item.opens_at),
        closes_at=datetime.fromisoformat(item.closes_at),
        created_at=datetime.fromisoformat(item.created_at),
        created_by=item.created_by,
        version=int(item.version),
    )


def _response(item: SurveyResponseModel) -> SurveyResponse:
    answers = cast(list[dict[str, Any]], item.answers)
    return SurveyResponse(
        brand_id=item.brand_id,
        survey_id=item.survey_id,
        user_id=item.user_id,
        dealer_code=item.dealer_code,
        answers=tuple(Answer(**answer) for answer in answers),
        submitted_at=datetime.fromisoformat(item.submitted_at),
        updated_at=datetime.fromisoformat(item.updated_at),
        version=int(item.version),
    )
