"""A user's notification preferences: which channels each kind may use, and
the language texts come in. Everything is on, in Russian, until changed."""

from dataclasses import dataclass, field, replace

from chalicelib.notification_prefs.kinds import Channel, NotificationKind

LANGUAGES = ("ru", "en")


@dataclass(frozen=True, slots=True)
class Preferences:
    user_id: str
    language: str = "ru"
    muted: frozenset[tuple[NotificationKind, Channel]] = field(
        default_factory=frozenset
    )
    """The (kind, channel) pairs the user turned off."""
    version: int = 0
    """0 while nothing is stored."""

    def allows(self, kind: NotificationKind, channel: Channel) -> bool:
        return (kind, channel) not in self.muted

    def channels_for(self, kind: NotificationKind) -> tuple[Channel, ...]:
        return tuple(channel for channel in Channel if self.allows(kind, channel))

    def with_choices(
        self, choices: dict[NotificationKind, dict[Channel, bool]]
    ) -> "Preferences":
        """The preferences after setting each named (kind, channel) on or off;
        pairs not named keep their state."""
        muted = set(self.muted)
        for kind, channels in choices.items():
            for channel, enabled in channels.items():
                if enabled:
                    muted.discard((kind, channel))
                else:
                    muted.add((kind, channel))
        return replace(self, muted=frozenset(muted))

    def with_language(self, language: str) -> "Preferences":
        return replace(self, language=language)

    def as_table(self) -> dict[str, dict[str, bool]]:
        return {
            kind.value: {c.value: self.allows(kind, c) for c in Channel}
            for kind in NotificationKind
        }
