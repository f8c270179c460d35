"""Use cases of surveys: create, list, answer, and read or export results."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from chalicelib.access.model import Caller
from chalicelib.access.policy import Action, can_see, ensure_permitted
from chalicelib.access.ports import UserRepository
from chalicelib.audience import (
    Audience,
    dealers_in,
    every_dealer,
    every_user,
    users_serving,
)
from chalicelib.clock import Clock
from chalicelib.network.ports import BrandRepository, DealerRepository
from chalicelib.notification_prefs.kinds import NotificationKind
from chalicelib.notification_prefs.notifier import Notifier
from chalicelib.paging import Page
from chalicelib.surveys.model import (
    Answer,
    DealerNeeded,
    InvalidSurveyCursor,
    InvalidSurveyPeriod,
    NoInvitedDealers,
    Question,
    Survey,
    SurveyNotFound,
    SurveyNotOpen,
    SurveyResponse,
    checked_answers,
)
from chalicelib.surveys.ports import (
    ExportFiles,
    ResponseRepository,
    SurveyFacts,
    SurveyRepository,
)
from chalicelib.surveys.results import SurveyResults, survey_results
from chalicelib.surveys.xlsx import results_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True, slots=True)
class SurveyDraft:
    title: str
    questions: tuple[Question, ...]
    audience: Audience
    opens_at: datetime
    closes_at: datetime


def create_survey(
    surveys: SurveyRepository,
    dealers: DealerRepository,
    users: UserRepository,
    notifier: Notifier,
    clock: Clock,
    caller: Caller,
    draft: SurveyDraft,
) -> Survey:
    """A survey for the dealers of `draft.audience` the manager sees; their
    dealer users are told at once."""
    ensure_permitted(caller, Action.WRITE_SURVEYS)
    now = clock()
    if not now < draft.closes_at or not draft.opens_at < draft.closes_at:
        raise InvalidSurveyPeriod(
            f"A survey must close after it opens and after now, not at "
            f"{draft.closes_at.isoformat()!r}.", closes_at=draft.closes_at.isoformat())
    seen = [d for d in every_dealer(dealers, caller.brand_id) if can_see(caller, d)]
    invited = tuple(sorted(d.code for d in dealers_in(draft.audience, seen)))
    if not invited:
        raise NoInvitedDealers("The audience names no dealer you see.")

    survey = Survey(
        brand_id=caller.brand_id,
        survey_id=f"sv-{uuid.uuid4().hex[:20]}",
        title=draft.title,
        questions=draft.questions,
        audience=draft.audience,
        dealer_codes=invited,
        opens_at=draft.opens_at,
        closes_at=draft.closes_at,
        created_at=now,
        created_by=caller.user_id,
    )
    saved = surveys.save(survey, expected_version=None)

    recipients = users_serving(every_user(users, caller.brand_id), invited)
    if recipients:
        params = {"survey_id": saved.survey_id, "title": saved.title,
                  "closes_at": saved.closes_at.isoformat()}
        notifier.notify(f"survey:{saved.brand_id}:{saved.survey_id}", saved.brand_id,
                        recipients, NotificationKind.SURVEY_PUBLISHED, params)
    return saved


def list_surveys(
    surveys: SurveyRepository, caller: Caller, limit: int, cursor: str | None
) -> Page[Survey]:
    """Newest first; a dealer user lists the surveys its dealers are invited to."""
    ensure_permitted(caller, Action.READ_SURVEYS)
    found = [s for s in surveys.of_brand(caller.brand_id) if _sees(caller, s)]
    found.sort(key=lambda s: (s.opens_at, s.survey_id), reverse=True)
    offset = _offset_of(cursor)
    end = offset + limit
    next_offset = str(end) if end < len(found) else None
    return Page(items=found[offset:end], next_cursor=next_offset)


def get_survey(surveys: SurveyRepository, caller: Caller, survey_id: str) -> Survey:
    ensure_permitted(caller, Action.READ_SURVEYS)
    survey = surveys.get(caller.brand_id, survey_id)
    if survey is None or not _sees(caller, survey):
        raise SurveyNotFound(survey_id)
    return survey


def answer_survey(
    surveys: SurveyRepository,
    responses: ResponseRepository,
    clock: Clock,
    caller: Caller,
    survey_id: str,
    dealer_code: str | None,
    answers: list[Answer],
    answered: Callable[[Survey, SurveyResponse], None] = lambda _s, _r: None,
) -> SurveyResponse:
    """The caller's answer for one of its dealers: the first one, or a change
    of it while the survey is open. A lost race is a conflict. `answered`
    hears of every stored answer (a change too), so it must be idempotent."""
    survey = get_survey(surveys, caller, survey_id)
    ensure_permitted(caller, Action.ANSWER_SURVEYS)
    now = clock()
    if not survey.is_open(now):
        raise SurveyNotOpen(survey_id, survey.opens_at, survey.closes_at)
    dealer = _answering_dealer(caller, survey, dealer_code)
    checked = checked_answers(survey, answers)

    existing = responses.get(caller.brand_id, survey_id, dealer, caller.user_id)
    if existing is not None:
        saved = responses.save(existing.changed(checked, now), existing.version)
    else:
        response = SurveyResponse(
            brand_id=caller.brand_id, survey_id=survey_id, user_id=caller.user_id,
            dealer_code=dealer, answers=checked, submitted_at=now, updated_at=now,
        )
        saved = responses.save(response, expected_version=None)
    answered(survey, saved)
    return saved


def record_answered(
    facts: SurveyFacts,
    brands: BrandRepository,
    survey: Survey,
    response: SurveyResponse,
) -> None:
    """The dealer answered the survey of its period: a bonus fact. A survey's
    period is the month it opens in, on the brand's calendar."""
    brand = brands.get(survey.brand_id)
    zone = ZoneInfo(brand.time_zone if brand else "UTC")
    period = survey.opens_at.astimezone(zone).strftime("%Y-%m")
    facts.record_survey(survey.brand_id, period, response.dealer_code, True)


def results_of(
    surveys: SurveyRepository,
    responses: ResponseRepository,
    dealers: DealerRepository,
    caller: Caller,
    survey_id: str,
) -> tuple[Survey, SurveyResults]:
    """Results over the invited dealers the reader sees (a regional manager:
    its regions)."""
    survey = get_survey(surveys, caller, survey_id)
    ensure_permitted(caller, Action.READ_SURVEY_RESULTS)
    invited = dealers.get_many(caller.brand_id, list(survey.dealer_codes))
    seen = [dealer for dealer in invited if can_see(caller, dealer)]
    answered = responses.of_survey(caller.brand_id, survey_id)
    return survey, survey_results(survey, answered, seen)


def export_results(
    surveys: SurveyRepository,
    responses: ResponseRepository,
    dealers: DealerRepository,
    files: ExportFiles,
    clock: Clock,
    caller: Caller,
    survey_id: str,
) -> tuple[str, datetime]:
    """The results as an xlsx file behind a presigned link.

    NOTE: built within the request: a survey has at most one response per
    dealer user, a few hundred rows, well inside API Gateway's time limit.
    """
    survey, results = results_of(surveys, responses, dealers, caller, survey_id)
    workbook = results_workbook(survey, results)
    stamp = clock().strftime("%Y%m%dT%H%M%S")
    key = f"surveys/{caller.brand_id}/{survey_id}/results-{stamp}.xlsx"
    return files.publish(key, workbook, XLSX, f"{survey.title}.xlsx")


def _offset_of(cursor: str | None) -> int:
    """A survey list's cursor is the offset of the next page (a brand has tens
    of surveys, all read at once)."""
    if not cursor:
        return 0
    if not cursor.isdigit():
        raise InvalidSurveyCursor("The cursor is malformed.")
    return int(cursor)


def _sees(caller: Caller, survey: Survey) -> bool:
    if survey.brand_id != caller.brand_id:
        return False
    if caller.is_dealer:
        return bool(set(caller.dealer_codes) & set(survey.dealer_codes))
    return True


def _answering_dealer(caller: Caller, survey: Survey, dealer_code: str | None) -> str:
    mine = sorted(set(caller.dealer_codes) & set(survey.dealer_codes))
    if dealer_code is not None:
        if dealer_code not in mine:
            raise SurveyNotFound(survey.survey_id)
        return dealer_code
    if len(mine) != 1:
        raise DealerNeeded(
            f"Say which of {mine!r} answers the survey.", dealers=mine)
    return mine[0]
