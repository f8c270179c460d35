"""In-memory fakes of the ports, for service tests that need no AWS.

Each fake keeps the contract of its real adapter: versioned saves raise
`AlreadyExists` / `StaleVersion` exactly where DynamoDB's conditions would,
and lists page in key order with a cursor that is None on the last page.
The integration contract tests run the same checks against both.
"""

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from chalicelib.access.model import User
from chalicelib.errors import AlreadyExists, InvalidInput, StaleVersion
from chalicelib.jobs.model import Job, JobStatus
from chalicelib.network.model import Brand, Dealer
from chalicelib.paging import Page


class FakeCursorInvalid(InvalidInput):
    """A cursor the fake did not issue for this list."""

    code = "invalid_cursor"


class _Versioned[K, T]:
    """Versioned storage by key: the shared core of every fake repository."""

    def __init__(self, key_of: Callable[[T], K]) -> None:
        self._items: dict[K, T] = {}
        self._key_of = key_of

    def _get(self, key: K) -> T | None:
        return self._items.get(key)

    def _save(self, item: T, expected_version: int | None) -> T:
        key = self._key_of(item)
        stored = self._items.get(key)
        if expected_version is None and stored is not None:
            raise AlreadyExists("The object already exists.")
        if expected_version is not None and (
            stored is None or stored.version != expected_version
        ):
            raise StaleVersion(
                f"The object changed since version {expected_version!r}.",
                version=expected_version,
            )
        saved = replace(item, version=(expected_version or 0) + 1)
        self._items[key] = saved
        return saved


def _page[T](
    partition: str,
    ordered: list[T],
    key: Callable[[T], str],
    limit: int,
    cursor: str | None,
) -> Page[T]:
    """One page of `ordered`; the cursor names its list's partition, like the
    DynamoDB adapters' cursors do."""
    if cursor is not None:
        owner, _, after = cursor.partition("|")
        if owner != partition or not after:
            raise FakeCursorInvalid("The cursor belongs to another list.")
        ordered = [item for item in ordered if key(item) > after]
    if len(ordered) <= limit:
        return Page(items=ordered, next_cursor=None)
    return Page(items=ordered[:limit],
                next_cursor=f"{partition}|{key(ordered[limit - 1])}")


class InMemoryBrands(_Versioned[str, Brand]):
    def __init__(self, *brands: Brand) -> None:
        super().__init__(lambda brand: brand.brand_id)
        self._items.update({brand.brand_id: brand for brand in brands})

    def get(self, brand_id: str) -> Brand | None:
        return self._get(brand_id)

    def save(self, brand: Brand, expected_version: int | None) -> Brand:
        return self._save(brand, expected_version)


class InMemoryDealers(_Versioned[tuple[str, str], Dealer]):
    def __init__(self, *dealers: Dealer) -> None:
        super().__init__(lambda dealer: (dealer.brand_id, dealer.code))
        self._items.update({(d.brand_id, d.code): d for d in dealers})

    def get(self, brand_id: str, code: str) -> Dealer | None:
        return self._get((brand_id, code))

    def get_many(self, brand_id: str, codes: list[str]) -> list[Dealer]:
        found = (self._items.get((brand_id, code)) for code in set(codes))
        return sorted((d for d in found if d is not None), key=lambda d: d.code)

    def list(
        self,
        brand_id: str,
        limit: int,
        cursor: str | None,
        regions: tuple[str, ...] = (),
    ) -> Page[Dealer]:
        ordered = sorted(
            (
                dealer
                for (brand, _), dealer in self._items.items()
                if brand == brand_id and (not regions or dealer.region in regions)
            ),
            key=lambda dealer: dealer.code,
        )
        return _page(brand_id, ordered, lambda dealer: dealer.code, limit,
                     cursor)

    def save(self, dealer: Dealer, expected_version: int | None) -> Dealer:
        return self._save(dealer, expected_version)


class InMemoryUsers(_Versioned[str, User]):
    def __init__(self, *users: User) -> None:
        super().__init__(lambda user: user.user_id)
        self._items.update({user.user_id: user for user in users})

    def get(self, user_id: str) -> User | None:
        return self._get(user_id)

    def list(self, brand_id: str, limit: int, cursor: str | None) -> Page[User]:
        ordered = sorted(
            (user for user in self._items.values() if user.brand_id == brand_id),
            key=lambda user: user.user_id,
        )
        return _page(brand_id, ordered, lambda user: user.user_id, limit, cursor)

    def save(self, user: User, expected_version: int | None) -> User:
        return self._save(user, expected_version)


class InMemoryJobs(_Versioned[str, Job]):
    def __init__(self) -> None:
        super().__init__(lambda job: job.job_id)

    def get(self, job_id: str) -> Job | None:
        return self._get(job_id)

    def save(self, job: Job, expected_version: int | None) -> Job:
        return self._save(job, expected_version)

    def running_since_before(self, moment: datetime) -> list[Job]:
        return [
            job
            for job in self._items.values()
            if job.status is JobStatus.RUNNING and job.updated_at < moment
        ]


class RecordingQueue:
    """A jobs queue that keeps what it was given, in order."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def send(self, job_id: str) -> None:
        self.sent.append(job_id)


class FakeDirectory:
    """A sign-in directory that hands out predictable subjects and records
    who is enabled."""

    def __init__(self) -> None:
        self.invited: list[str] = []
        self.enabled: dict[str, bool] = {}

    def invite(self, email: str, name: str) -> str:
        if email in self.enabled:
            raise AlreadyExists("A user with this e-mail already exists.")
        self.invited.append(email)
        self.enabled[email] = True
        return f"sub-{len(self.invited)}"

    def set_enabled(self, email: str, enabled: bool) -> None:
        self.enabled[email] = enabled


class SteppingClock:
    """A clock that stands still until moved: `clock.now = ...`."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def fail_with(error: BaseException) -> Callable[..., Any]:
    def fail(*_args: Any, **_kwargs: Any) -> Any:
        raise error

    return fail
