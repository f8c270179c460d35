"""Survey results as an xlsx workbook: pure, bytes out (openpyxl)."""

import io

from chalicelib.surveys.model import QuestionKind, Survey
from chalicelib.surveys.results import GroupResult, SurveyResults


def results_workbook(survey: Survey, results: SurveyResults) -> bytes:
    # NOTE: imported on first export, not with the API: openpyxl costs the
    # cold start of every request otherwise.
    from openpyxl import Workbook

    book = Workbook()
    summary = book.active
    summary.title = "Summary"
    summary.append(["Survey", survey.title])
    summary.append([])
    summary.append(["Group", "Name", "Invited dealers", "Responding dealers",
                    "Responses", "Response rate, %", "Question", "Answers",
                    "Average rating"])
    _group_rows(summary, survey, "all", "", results.overall)
    for name, group in results.by_region.items():
        _group_rows(summary, survey, "region", name, group)
    for name, group in results.by_category.items():
        _group_rows(summary, survey, "category", name, group)

    distribution = book.create_sheet("Distribution")
    distribution.append(["Question", "Answer", "Count"])
    for result in results.overall.questions:
        for value, count in (result.distribution or {}).items():
            distribution.append([result.question_id, value, count])

    comments = book.create_sheet("Comments")
    comments.append(["Question", "Dealer", "Comment"])
    for result in results.overall.questions:
        for comment in result.comments:
            comments.append([result.question_id, comment.dealer_code,
                             _safe(comment.text)])

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _group_rows(sheet: object, survey: Survey, group: str, name: str,
                result: GroupResult) -> None:
    head = [group, name, result.invited_dealers, result.responding_dealers,
            result.responses, result.response_rate_pct]
    ratings = [q for q in result.questions if q.kind is QuestionKind.RATING]
    rows = [[*head, q.question_id, q.answers, q.average] for q in ratings] or [head]
    for row in rows:
        sheet.append(row)  # type: ignore[attr-defined]


def _safe(text: str) -> str:
    """A dealer's comment never becomes a formula in the reader's spreadsheet."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
