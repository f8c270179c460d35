"""Texts of notifications: built-in Russian and English defaults per kind,
which a brand may override per kind and language.

A template is a subject and a body with `{name}` placeholders filled from the
notification's params. A brand's template may only name the placeholders its
kind supplies, so a typo is refused when saved, not shown to dealers.
"""

import string
from collections.abc import Mapping
from dataclasses import dataclass

from chalicelib.errors import InvalidInput
from chalicelib.notification_prefs.kinds import NotificationKind as Kind

DEFAULT_LANGUAGE = "ru"


class UnknownPlaceholder(InvalidInput):
    """A template names a placeholder its kind does not supply."""

    code = "unknown_template_placeholder"

    def __init__(self, kind: Kind, name: str) -> None:
        super().__init__(
            f"Template of {kind.value!r} names unknown placeholder {name!r}.",
            kind=kind.value, placeholder=name,
        )


class MalformedTemplate(InvalidInput):
    """A template's braces do not pair up."""

    code = "malformed_template"


@dataclass(frozen=True, slots=True)
class Template:
    subject: str
    body: str


@dataclass(frozen=True, slots=True)
class Message:
    """A rendered notification, ready for the feed and for e-mail."""

    kind: Kind
    language: str
    subject: str
    body: str


PLACEHOLDERS: dict[Kind, frozenset[str]] = {
    Kind.CREATIVE_PUBLISHED: frozenset({"title", "creative_id", "channel"}),
    Kind.CREATIVE_UPDATED: frozenset({"title", "creative_id", "channel"}),
    Kind.PLACEMENT_STATUS_CHANGED: frozenset(
        {"placement_id", "dealer", "status", "reason", "title", "approved_amount",
         "due_at"}
    ),
    Kind.DEADLINE_REMINDER: frozenset(
        {"placement_id", "dealer", "due_at", "status", "days_before", "reason"}
    ),
    Kind.PHOTO_FLAGGED: frozenset(
        {"photo_id", "placement_id", "dealer", "flag", "reason", "status", "due_at"}
    ),
    Kind.STATEMENT_PUBLISHED: frozenset({"bonus_run_id", "dealer", "period"}),
    Kind.SURVEY_PUBLISHED: frozenset({"survey_id", "title", "closes_at"}),
}

DEFAULT_TEMPLATES: dict[tuple[Kind, str], Template] = {
    (Kind.CREATIVE_PUBLISHED, "ru"): Template(
        "Новый креатив: {title}", "В медиатеке появился креатив «{title}»."),
    (Kind.CREATIVE_PUBLISHED, "en"): Template(
        "New creative: {title}", "The creative “{title}” is in the library."),
    (Kind.CREATIVE_UPDATED, "ru"): Template(
        "Креатив обновлён: {title}", "Креатив «{title}» обновлён."),
    (Kind.CREATIVE_UPDATED, "en"): Template(
        "Creative updated: {title}", "The creative “{title}” was updated."),
    (Kind.PLACEMENT_STATUS_CHANGED, "ru"): Template(
        "Размещение {placement_id}: {status}",
        "Статус размещения {placement_id} дилера {dealer}: {status}. {reason}"),
    (Kind.PLACEMENT_STATUS_CHANGED, "en"): Template(
        "Placement {placement_id}: {status}",
        "Placement {placement_id} of dealer {dealer} is now {status}. {reason}"),
    (Kind.DEADLINE_REMINDER, "ru"): Template(
        "Срок отчёта по размещению {placement_id}",
        "Отчёт по размещению {placement_id} нужно сдать до {due_at}."),
    (Kind.DEADLINE_REMINDER, "en"): Template(
        "Report due for placement {placement_id}",
        "The report of placement {placement_id} is due before {due_at}."),
    (Kind.PHOTO_FLAGGED, "ru"): Template(
        "Фото отмечено: {flag}",
        "Фото {photo_id} размещения {placement_id} отмечено: {flag}."),
    (Kind.PHOTO_FLAGGED, "en"): Template(
        "Photo flagged: {flag}",
        "Photo {photo_id} of placement {placement_id} was flagged: {flag}."),
    (Kind.STATEMENT_PUBLISHED, "ru"): Template(
        "Расчёт бонуса за {period}",
        "Опубликован расчёт бонуса дилера {dealer} за {period}."),
    (Kind.STATEMENT_PUBLISHED, "en"): Template(
        "Bonus statement for {period}",
        "The bonus statement of dealer {dealer} for {period} is published."),
    (Kind.SURVEY_PUBLISHED, "ru"): Template(
        "Опрос: {title}", "Пожалуйста, ответьте на опрос «{title}» до {closes_at}."),
    (Kind.SURVEY_PUBLISHED, "en"): Template(
        "Survey: {title}", "Please answer the survey “{title}” before {closes_at}."),
}


def template_for(
    overrides: Mapping[tuple[Kind, str], Template], kind: Kind, language: str
) -> Template:
    """The brand's own template if it has one, else the built-in default;
    an unsupported language falls back to Russian."""
    if (kind, language) not in DEFAULT_TEMPLATES:
        language = DEFAULT_LANGUAGE
    return overrides.get((kind, language)) or DEFAULT_TEMPLATES[(kind, language)]


def render(
    overrides: Mapping[tuple[Kind, str], Template],
    kind: Kind,
    language: str,
    params: Mapping[str, str],
) -> Message:
    if (kind, language) not in DEFAULT_TEMPLATES:
        language = DEFAULT_LANGUAGE
    template = template_for(overrides, kind, language)
    values = _Blank(params)
    return Message(
        kind=kind,
        language=language,
        subject=template.subject.format_map(values).strip(),
        body=template.body.format_map(values).strip(),
    )


def check(kind: Kind, template: Template) -> None:
    """Raise unless every placeholder of `template` is one `kind` supplies."""
    for text in (template.subject, template.body):
        for name in _placeholders(text):
            if name not in PLACEHOLDERS[kind]:
                raise UnknownPlaceholder(kind, name)


def _placeholders(text: str) -> list[str]:
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise MalformedTemplate(f"Template {text!r} has unpaired braces.") from exc
    # A format spec or conversion (`{title:>999999}`) is refused with the name.
    return [
        name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
        for _, name, spec, conversion in parsed
        if name is not None
    ]


class _Blank(dict):
    """Params as `format_map` reads them; a missing one renders empty."""

    def __missing__(self, key: str) -> str:
        return ""
