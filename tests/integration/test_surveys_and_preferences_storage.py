from datetime import UTC, datetime, timedelta

import boto3
import pytest
import requests
from openpyxl import load_workbook

from chalicelib import resources
from chalicelib.audience import Audience, AudienceKind
from chalicelib.errors import AlreadyExists, StaleVersion
from chalicelib.notification_prefs.dynamo import DynamoPreferences, DynamoTemplates
from chalicelib.notification_prefs.kinds import Channel, NotificationKind
from chalicelib.notification_prefs.templates import Template
from chalicelib.notifications.dynamo import DynamoOutbox
from chalicelib.notifications.service import named_event
from chalicelib.surveys.dynamo import DynamoResponses, DynamoSurveys
from chalicelib.surveys.model import (
    Answer,
    Question,
    QuestionKind,
    Survey,
    SurveyResponse,
)
from chalicelib.surveys.s3 import S3ExportFiles

OPENS = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def survey() -> Survey:
    return Survey(
        brand_id="aurora", survey_id="sv-1", title="Оценка поддержки",
        questions=(Question("nps", QuestionKind.RATING, "Оценка"),
                   Question("best", QuestionKind.CHOICE, "Лучшее", ("a", "b"), False)),
        audience=Audience(AudienceKind.CATEGORY, ("standard",)),
        dealer_codes=("AUR-KGD-01", "AUR-SPB-01"),
        opens_at=OPENS, closes_at=OPENS + timedelta(days=7),
        created_at=OPENS, created_by="aurora-manager-1",
    )


def test_a_survey_reads_back_as_saved(aws):
    surveys = DynamoSurveys()

    saved = surveys.save(survey(), expected_version=None)

    assert surveys.get("aurora", "sv-1") == saved
    assert surveys.of_brand("aurora") == [saved]
    assert surveys.of_brand("taiga") == []
    with pytest.raises(AlreadyExists):
        surveys.save(survey(), expected_version=None)


def test_a_response_changes_in_place_and_a_stale_change_loses(aws):
    responses = DynamoResponses()
    first = SurveyResponse(
        brand_id="aurora", survey_id="sv-1", user_id="u-1", dealer_code="AUR-KGD-01",
        answers=(Answer("nps", rating=7),), submitted_at=OPENS, updated_at=OPENS)

    saved = responses.save(first, expected_version=None)
    changed = responses.save(
        saved.changed((Answer("nps", rating=9), Answer("best", choice="b")),
                      OPENS + timedelta(hours=1)), saved.version)

    assert responses.of_survey("aurora", "sv-1") == [changed]
    assert responses.get("aurora", "sv-1", "AUR-KGD-01", "u-1") == changed
    assert changed.submitted_at == OPENS
    with pytest.raises(StaleVersion):
        responses.save(saved, saved.version)


def test_preferences_default_until_saved_then_read_back(aws):
    preferences = DynamoPreferences()
    default = preferences.get("u-1")

    saved = preferences.save(
        default.with_language("en").with_choices(
            {NotificationKind.SURVEY_PUBLISHED: {Channel.EMAIL: False}}),
        expected_version=0)

    assert default.version == 0
    assert preferences.get("u-1") == saved
    assert saved.version == 1
    assert not saved.allows(NotificationKind.SURVEY_PUBLISHED, Channel.EMAIL)
    with pytest.raises(AlreadyExists):
        preferences.save(default, expected_version=0)


def test_brand_templates_are_kept_per_brand_kind_and_language(aws):
    templates = DynamoTemplates()
    kind = NotificationKind.CREATIVE_PUBLISHED

    templates.put("aurora", kind, "ru", Template("Аврора: {title}", "{title}"))
    templates.put("aurora", kind, "en", Template("Aurora: {title}", "{title}"))
    templates.remove("aurora", kind, "en")

    assert templates.of_brand("aurora") == {
        (kind, "ru"): Template("Аврора: {title}", "{title}")}
    assert templates.of_brand("taiga") == {}


def test_the_outbox_keeps_the_first_recording_of_a_notified_event(aws):
    outbox = DynamoOutbox()
    kind = NotificationKind.CREATIVE_PUBLISHED
    first = named_event("creative:aurora:cr-1:v1", "aurora", ["u-1"], kind,
                        {"title": "A", "creative_id": "cr-1"}, OPENS)
    again = named_event("creative:aurora:cr-1:v1", "aurora", ["u-1", "u-2"], kind,
                        {"title": "B", "creative_id": "cr-1"},
                        OPENS + timedelta(hours=3))

    stored = outbox.record_once(first)
    redelivered = outbox.record_once(again)
    outbox.delivered(first.event_id)
    after_delivery = outbox.record_once(again)

    assert stored == first
    assert redelivered == first
    assert redelivered is not None and redelivered.recipients == ("u-1",)
    assert redelivered.entity == "creative:cr-1"
    assert after_delivery is None


def test_an_export_is_a_presigned_link_to_the_stored_workbook(aws):
    import io

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Итого", 5])
    out = io.BytesIO()
    book.save(out)
    exports = S3ExportFiles(boto3.client("s3"), resources.EXPORTS.name,
                            lambda: OPENS)

    url, expires_at = exports.publish("surveys/aurora/sv-1/results.xlsx",
                                      out.getvalue(), "application/xlsx",
                                      "Оценка поддержки.xlsx")
    got = requests.get(url, timeout=10)

    assert got.status_code == 200
    assert "filename*=UTF-8''" in got.headers["Content-Disposition"]
    assert load_workbook(io.BytesIO(got.content)).active["A1"].value == "Итого"
    assert expires_at > OPENS
