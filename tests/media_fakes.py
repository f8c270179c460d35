"""Fakes of the media and notification ports and builders of creatives, for
unit and API tests (the shared fakes and builders are `tests.fakes` and
`tests.builders`)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

from chalicelib.access.model import Role, User
from chalicelib.audience import Audience
from chalicelib.errors import AlreadyExists, StaleVersion
from chalicelib.media.creatives import Creative, CreativeDescription
from chalicelib.media.creatives_ports import DownloadCount, Link, UploadForm
from chalicelib.notification_prefs.kinds import NotificationKind

NOON = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Notice:
    event_id: str
    brand_id: str
    recipients: tuple[str, ...]
    kind: NotificationKind
    params: dict[str, str]


class RecordingNotifier:
    """Records what it is told; like the real adapter, an event id seen
    before adds nothing."""

    def __init__(self) -> None:
        self.notices: list[Notice] = []
        self.calls = 0

    def notify(
        self,
        event_id: str,
        brand_id: str,
        recipients: Sequence[str],
        kind: NotificationKind,
        params: Mapping[str, str],
    ) -> None:
        self.calls += 1
        if any(notice.event_id == event_id for notice in self.notices):
            return
        self.notices.append(
            Notice(event_id, brand_id, tuple(recipients), kind, dict(params)))

    def recipients_of(self, kind: NotificationKind) -> set[str]:
        return {user for n in self.notices if n.kind is kind for user in n.recipients}


class InMemoryCreatives:
    def __init__(self) -> None:
        self.stored: dict[tuple[str, str], tuple[int, Creative]] = {}
        self.seq: dict[str, int] = {}

    def get(self, brand_id: str, creative_id: str) -> Creative | None:
        found = self.stored.get((brand_id, creative_id))
        return found[1] if found else None

    def save(self, creative: Creative, expected_version: int | None) -> Creative:
        key = (creative.brand_id, creative.creative_id)
        current = self.stored.get(key)
        if expected_version is None and current is not None:
            raise AlreadyExists("exists")
        if expected_version is not None and (
            current is None or current[1].version != expected_version
        ):
            raise StaleVersion("stale", version=expected_version)
        seq = self.seq.get(creative.brand_id, 0) + 1
        self.seq[creative.brand_id] = seq
        saved = replace(creative, version=(expected_version or 0) + 1)
        self.stored[key] = (seq, saved)
        return saved

    def latest_seq(self, brand_id: str) -> int:
        return self.seq.get(brand_id, 0)

    def changed_since(
        self, brand_id: str, after_seq: int
    ) -> list[tuple[int, Creative]]:
        return sorted(
            (seq, creative) for (brand, _), (seq, creative) in self.stored.items()
            if brand == brand_id and seq > after_seq
        )


class FakeFiles:
    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}
        self.reads = 0

    def upload_form(self, key: str, content_type: str, max_bytes: int) -> UploadForm:
        return UploadForm(url="https://files.example/upload", fields={"key": key},
                          expires_at=NOON + timedelta(minutes=15))

    def download_link(self, key: str, content_type: str, disposition: str) -> Link:
        return Link(url=f"https://files.example/{key}?cd={disposition}",
                    expires_at=NOON + timedelta(minutes=15))

    def preview_link(self, key: str) -> str:
        return f"https://files.example/{key}"

    def read(self, key: str) -> bytes:
        self.reads += 1
        return self.objects[key]

    def write(self, key: str, body: bytes, content_type: str) -> None:
        self.objects[key] = body


class CountingLedger:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, tuple[str, ...]]] = []

    def record(self, brand_id: str, creative_id: str, user_id: str,
               dealer_codes: tuple[str, ...], at: datetime) -> None:
        self.rows.append((brand_id, creative_id, user_id, dealer_codes))

    def count(self, brand_id: str, creative_id: str) -> DownloadCount:
        rows = [r for r in self.rows if r[:2] == (brand_id, creative_id)]
        users = {r[2] for r in rows}
        dealers = {code for r in rows for code in r[3]}
        return DownloadCount(total=len(rows), users=len(users), dealers=len(dealers))


def dealer_user(user_id: str, *codes: str, brand_id: str = "aurora") -> User:
    return User(user_id=user_id, brand_id=brand_id, email=f"{user_id}@example.com",
                name=user_id, role=Role.DEALER_USER, dealer_codes=codes)


def manager(user_id: str = "manager", brand_id: str = "aurora") -> User:
    return User(user_id=user_id, brand_id=brand_id, email=f"{user_id}@example.com",
                name=user_id, role=Role.IMPORTER_MANAGER)


@dataclass(frozen=True)
class CreativeSpec:
    """A creative as a test states it: only what matters, the rest typical."""

    title: str = "Летний баннер Aurora X5"
    description: str = ""
    tags: tuple[str, ...] = ()
    car_model: str = "X5"
    channel: str = "outdoor"
    audience: Audience = field(default_factory=Audience)
    valid_from: date | None = None
    valid_to: date | None = None


def description_of(spec: CreativeSpec) -> CreativeDescription:
    return CreativeDescription(
        title=spec.title, description=spec.description, tags=spec.tags,
        car_model=spec.car_model, channel=spec.channel, audience=spec.audience,
        valid_from=spec.valid_from, valid_to=spec.valid_to,
    )


def published(creative_id: str, spec: CreativeSpec | None = None,
              updated_at: datetime = NOON, brand_id: str = "aurora") -> Creative:
    """A creative whose first file has arrived."""
    from chalicelib.media.creatives import CreativeVersion, VersionStatus

    version = CreativeVersion(
        number=1, file_name="banner.jpg", content_type="image/jpeg",
        size_bytes=1000, object_key=f"creatives/{brand_id}/{creative_id}/v1/original",
        created_at=updated_at, created_by="manager", status=VersionStatus.READY,
        uploaded_at=updated_at,
    )
    return Creative(brand_id=brand_id, creative_id=creative_id,
                    description=description_of(spec or CreativeSpec()).checked(),
                    versions=(version,), created_at=updated_at, updated_at=updated_at,
                    created_by="manager")
