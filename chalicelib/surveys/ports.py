"""What the survey use cases need from storage and from the file store."""

from datetime import datetime
from typing import Protocol

from chalicelib.surveys.model import Survey, SurveyResponse


class SurveyRepository(Protocol):
    def get(self, brand_id: str, survey_id: str) -> Survey | None: ...

    def of_brand(self, brand_id: str) -> list[Survey]: ...

    def save(self, survey: Survey, expected_version: int | None) -> Survey: ...


class ResponseRepository(Protocol):
    def get(
        self, brand_id: str, survey_id: str, dealer_code: str, user_id: str
    ) -> SurveyResponse | None: ...

    def of_survey(self, brand_id: str, survey_id: str) -> list[SurveyResponse]: ...

    def save(
        self, response: SurveyResponse, expected_version: int | None
    ) -> SurveyResponse: ...


class ExportFiles(Protocol):
    def publish(
        self, key: str, body: bytes, content_type: str, file_name: str
    ) -> tuple[str, datetime]:
        """Store the file and return a presigned link to it and its expiry."""
        ...


class SurveyFacts(Protocol):
    """The bonus fact an answer sets (`bonus.ports.FactsRecorder`)."""

    def record_survey(
        self, brand_id: str, period: str, dealer_code: str, answered: bool
    ) -> None: ...
