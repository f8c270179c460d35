"""The kinds of notification and the channels they travel by."""

from enum import StrEnum


class NotificationKind(StrEnum):
    CREATIVE_PUBLISHED = "creative_published"
    CREATIVE_UPDATED = "creative_updated"
    PLACEMENT_STATUS_CHANGED = "placement_status_changed"
    DEADLINE_REMINDER = "deadline_reminder"
    PHOTO_FLAGGED = "photo_flagged"
    STATEMENT_PUBLISHED = "statement_published"
    SURVEY_PUBLISHED = "survey_published"


class Channel(StrEnum):
    FEED = "feed"
    EMAIL = "email"
