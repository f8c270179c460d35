"""What the preference and template use cases need from storage."""

from collections.abc import Mapping
from typing import Protocol

from chalicelib.notification_prefs.kinds import NotificationKind
from chalicelib.notification_prefs.preferences import Preferences
from chalicelib.notification_prefs.templates import Template


class PreferenceRepository(Protocol):
    def get(self, user_id: str) -> Preferences:
        """The stored preferences, or the defaults (version 0)."""
        ...

    def save(self, preferences: Preferences, expected_version: int) -> Preferences:
        """Store if the stored version is `expected_version` (0: none yet)."""
        ...


class TemplateRepository(Protocol):
    def of_brand(
        self, brand_id: str
    ) -> Mapping[tuple[NotificationKind, str], Template]: ...

    def put(
        self, brand_id: str, kind: NotificationKind, language: str, template: Template
    ) -> None: ...

    def remove(self, brand_id: str, kind: NotificationKind, language: str) -> None: ...
