"""Preferences, brand templates and the notification outbox in DynamoDB.

Tables:
- `notification-preferences`: key `user_id`; absent means the defaults.
- `notification-templates`: key `brand_id` + `template_key` (`kind#language`).

Events told through the `Notifier` port are stored by the notifications
package, beside the placements' events (`notification-events`).
"""

from typing import cast

from pynamodb.attributes import (
    ListAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.models import Model

from chalicelib.dynamo import save_versioned, table_meta
from chalicelib.notification_prefs.kinds import Channel, NotificationKind
from chalicelib.notification_prefs.preferences import Preferences
from chalicelib.notification_prefs.templates import Template


class PreferencesModel(Model):
    Meta = table_meta("notification-preferences")

    user_id = UnicodeAttribute(hash_key=True)
    language = UnicodeAttribute()
    muted = ListAttribute(of=UnicodeAttribute, default=list)
    version = VersionAttribute()


class TemplateModel(Model):
    Meta = table_meta("notification-templates")

    brand_id = UnicodeAttribute(hash_key=True)
    template_key = UnicodeAttribute(range_key=True)
    subject = UnicodeAttribute()
    body = UnicodeAttribute()


class DynamoPreferences:
    def get(self, user_id: str) -> Preferences:
        try:
            item = PreferencesModel.get(user_id)
        except PreferencesModel.DoesNotExist:
            return Preferences(user_id=user_id)
        return _preferences(item)

    def save(self, preferences: Preferences, expected_version: int) -> Preferences:
        item = PreferencesModel(
            preferences.user_id,
            language=preferences.language,
            muted=sorted(f"{kind.value}:{channel.value}"
                         for kind, channel in preferences.muted),
        )
        save_versioned(item, expected_version or None)
        return _preferences(item)


class DynamoTemplates:
    def of_brand(self, brand_id: str) -> dict[tuple[NotificationKind, str], Template]:
        found = {}
        for item in TemplateModel.query(brand_id):
            kind, _, language = item.template_key.partition("#")
            template = Template(item.subject, item.body)
            found[(NotificationKind(kind), language)] = template
        return found

    def put(
        self, brand_id: str, kind: NotificationKind, language: str, template: Template
    ) -> None:
        TemplateModel(brand_id, f"{kind.value}#{language}",
                      subject=template.subject, body=template.body).save()

    def remove(self, brand_id: str, kind: NotificationKind, language: str) -> None:
        TemplateModel(brand_id, f"{kind.value}#{language}").delete()


def _preferences(item: PreferencesModel) -> Preferences:
    muted = set()
    for pair in cast(list[str], item.muted or []):
        kind, _, channel = pair.partition(":")
        muted.add((NotificationKind(kind), Channel(channel)))
    return Preferences(
        user_id=item.user_id,
        language=item.language,
        muted=frozenset(muted),
        version=int(item.version),
    )
