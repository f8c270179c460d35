"""Request and response models of the preference and template routes."""

from typing import Literal

from pydantic import Field

from chalicelib.notification_prefs.kinds import Channel, NotificationKind
from chalicelib.notification_prefs.preferences import Preferences
from chalicelib.notification_prefs.templates import Template
from chalicelib.web.schemas import Body, Reply


class PreferencesReply(Reply):
    language: str
    kinds: dict[str, dict[str, bool]] = Field(
        description="Per kind, per channel (feed, email): on or off.")
    version: int

    @classmethod
    def of(cls, preferences: Preferences) -> "PreferencesReply":
        return cls(language=preferences.language, kinds=preferences.as_table(),
                   version=preferences.version)


class PreferencesUpdate(Body):
    version: int = Field(ge=0, description="As last read; 0 before any change.")
    language: Literal["ru", "en"] | None = None
    kinds: dict[NotificationKind, dict[Channel, bool]] = Field(default_factory=dict)


class TemplateReply(Reply):
    kind: str
    language: str
    subject: str
    body: str
    overridden: bool


class TemplateList(Reply):
    items: list[TemplateReply]

    @classmethod
    def of(cls, found: dict[tuple[NotificationKind, str], tuple[Template, bool]]
           ) -> "TemplateList":
        return cls(items=[
            TemplateReply(kind=kind.value, language=language, subject=t.subject,
                          body=t.body, overridden=overridden)
            for (kind, language), (t, overridden) in found.items()
        ])


class TemplateBody(Body):
    subject: str | None = Field(None, min_length=1, max_length=200)
    body: str | None = Field(None, min_length=1, max_length=4000)
    """Both null: back to the built-in default."""

    def template(self) -> Template | None:
        if self.subject is None or self.body is None:
            return None
        return Template(self.subject, self.body)
