import pytest

from chalicelib.notification_prefs.kinds import Channel, NotificationKind
from chalicelib.notification_prefs.preferences import Preferences
from chalicelib.notification_prefs.service import deliveries_for
from chalicelib.notification_prefs.templates import (
    DEFAULT_TEMPLATES,
    PLACEHOLDERS,
    MalformedTemplate,
    Template,
    UnknownPlaceholder,
    check,
    render,
)

KIND = NotificationKind.CREATIVE_PUBLISHED


class StoredPreferences:
    def __init__(self, *preferences: Preferences) -> None:
        self.by_user = {p.user_id: p for p in preferences}

    def get(self, user_id):
        return self.by_user.get(user_id, Preferences(user_id))

    def save(self, preferences, expected_version):
        self.by_user[preferences.user_id] = preferences
        return preferences


class StoredTemplates:
    def __init__(self, overrides=None):
        self.overrides = overrides or {}

    def of_brand(self, brand_id):
        return self.overrides.get(brand_id, {})

    def put(self, brand_id, kind, language, template):
        self.overrides.setdefault(brand_id, {})[(kind, language)] = template

    def remove(self, brand_id, kind, language):
        self.overrides.get(brand_id, {}).pop((kind, language), None)


def test_every_kind_has_russian_and_english_defaults_naming_known_placeholders():
    for kind in NotificationKind:
        for language in ("ru", "en"):
            check(kind, DEFAULT_TEMPLATES[(kind, language)])


def test_russian_is_the_default_and_english_is_available():
    params = {"title": "Летний баннер", "creative_id": "cr-1", "channel": "outdoor"}

    russian = render({}, KIND, "ru", params)
    english = render({}, KIND, "en", params)
    unknown = render({}, KIND, "de", params)

    assert russian.subject == "Новый креатив: Летний баннер"
    assert english.subject == "New creative: Летний баннер"
    assert unknown.language == "ru"


def test_a_brands_own_template_replaces_the_default_in_its_language_only():
    overrides = {(KIND, "ru"): Template("Аврора: {title}", "Смотрите «{title}»")}

    own = render(overrides, KIND, "ru", {"title": "Осень"})
    default = render(overrides, KIND, "en", {"title": "Autumn"})

    assert (own.subject, own.body) == ("Аврора: Осень", "Смотрите «Осень»")
    assert default.subject == "New creative: Autumn"


@pytest.mark.parametrize("text", [
    "{titel}", "{title.__class__}", "{title!r}", "{title:>99999999}", "{0}",
])
def test_a_template_naming_an_unknown_placeholder_is_refused(text):
    with pytest.raises(UnknownPlaceholder):
        check(KIND, Template(text, "ok"))


def test_a_template_with_unpaired_braces_is_refused():
    with pytest.raises(MalformedTemplate):
        check(KIND, Template("{title", "ok"))


def test_a_missing_param_renders_empty_rather_than_failing():
    assert PLACEHOLDERS[KIND] >= {"title"}

    rendered = render({}, KIND, "en", {})

    assert rendered.subject == "New creative:"


def test_preferences_turn_single_channels_of_a_kind_off_and_on_again():
    preferences = Preferences("u-1").with_choices({KIND: {Channel.EMAIL: False}})

    assert preferences.channels_for(KIND) == (Channel.FEED,)
    assert preferences.channels_for(NotificationKind.SURVEY_PUBLISHED) == (
        Channel.FEED, Channel.EMAIL)
    assert preferences.with_choices({KIND: {Channel.EMAIL: True}}).channels_for(
        KIND) == (Channel.FEED, Channel.EMAIL)


def test_deliveries_follow_each_recipients_channels_and_language():
    preferences = StoredPreferences(
        Preferences("u-en").with_language("en").with_choices(
            {KIND: {Channel.FEED: False}}),
        Preferences("u-muted").with_choices(
            {KIND: {Channel.FEED: False, Channel.EMAIL: False}}),
    )

    deliveries = deliveries_for(preferences, StoredTemplates(), "aurora",
                                ["u-ru", "u-en", "u-muted"], KIND, {"title": "X5"})

    assert [(d.user_id, d.channels, d.message.language) for d in deliveries] == [
        ("u-ru", (Channel.FEED, Channel.EMAIL), "ru"),
        ("u-en", (Channel.EMAIL,), "en"),
    ]
