"""Use cases of notification preferences and brand templates, and
`deliveries_for`, the step the notifications package runs per recipient."""

from dataclasses import dataclass

from chalicelib.access.model import Caller
from chalicelib.access.policy import Action, ensure_permitted
from chalicelib.errors import NotFound
from chalicelib.notification_prefs.kinds import Channel, NotificationKind
from chalicelib.notification_prefs.ports import (
    PreferenceRepository,
    TemplateRepository,
)
from chalicelib.notification_prefs.preferences import LANGUAGES, Preferences
from chalicelib.notification_prefs.templates import (
    DEFAULT_TEMPLATES,
    Message,
    Template,
    check,
    render,
)


class UnknownTemplate(NotFound):
    """No notification kind or template language has this name."""

    code = "notification_template_not_found"

    def __init__(self, name: str) -> None:
        super().__init__(f"No notification template {name!r}.", name=name)


@dataclass(frozen=True, slots=True)
class Delivery:
    """One recipient's share of a notification: where it goes and what it says."""

    user_id: str
    channels: tuple[Channel, ...]
    message: Message


def deliveries_for(
    preferences: PreferenceRepository,
    templates: TemplateRepository,
    brand_id: str,
    recipients: list[str],
    kind: NotificationKind,
    params: dict[str, str],
) -> list[Delivery]:
    """Per recipient, the channels its preferences allow and the text in its
    language; a recipient who muted every channel of `kind` is left out."""
    overrides = templates.of_brand(brand_id)
    found = []
    for user_id in recipients:
        chosen = preferences.get(user_id)
        channels = chosen.channels_for(kind)
        if channels:
            message = render(overrides, kind, chosen.language, params)
            found.append(Delivery(user_id, channels, message))
    return found


def my_preferences(preferences: PreferenceRepository, caller: Caller) -> Preferences:
    return preferences.get(caller.user_id)


def change_my_preferences(
    preferences: PreferenceRepository,
    caller: Caller,
    choices: dict[NotificationKind, dict[Channel, bool]],
    language: str | None,
    version: int,
) -> Preferences:
    current = preferences.get(caller.user_id).with_choices(choices)
    if language is not None:
        current = current.with_language(language)
    return preferences.save(current, expected_version=version)


def brand_templates(
    templates: TemplateRepository, caller: Caller
) -> dict[tuple[NotificationKind, str], tuple[Template, bool]]:
    """Every (kind, language) with its effective template and whether the
    brand overrides it."""
    ensure_permitted(caller, Action.MANAGE_NOTIFICATION_TEMPLATES)
    overrides = templates.of_brand(caller.brand_id)
    return {
        key: (overrides.get(key, default), key in overrides)
        for key, default in DEFAULT_TEMPLATES.items()
    }


def set_brand_template(
    templates: TemplateRepository,
    caller: Caller,
    kind: NotificationKind,
    language: str,
    template: Template | None,
) -> None:
    """Override the brand's template of `kind` in `language`; None goes back
    to the built-in default."""
    ensure_permitted(caller, Action.MANAGE_NOTIFICATION_TEMPLATES)
    if template is None:
        templates.remove(caller.brand_id, kind, language)
        return
    check(kind, template)
    templates.put(caller.brand_id, kind, language, template)


def kind_named(name: str) -> NotificationKind:
    try:
        return NotificationKind(name)
    except ValueError:
        raise UnknownTemplate(name) from None


def language_named(name: str) -> str:
    if name not in LANGUAGES:
        raise UnknownTemplate(name)
    return name
