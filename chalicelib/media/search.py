"""Full-text search of the creative library, in Russian and English.

Words of a creative's title, description and tags are reduced to Snowball
stems (so «баннеры» finds «баннер», "banners" finds "banner") and kept in an
inverted index per brand. The index lives in memory, once per warm
container: `CatalogCache` loads a brand's creatives on first use and then
applies only what changed, read from a `CatalogFeed` (the stored creatives
in change order). A query is answered from memory, never by a table scan.
"""

import base64
import binascii
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import Protocol

import snowballstemmer

from chalicelib.audience import AudienceKind
from chalicelib.clock import Clock
from chalicelib.errors import InvalidInput
from chalicelib.media.creatives import Creative
from chalicelib.network.model import Dealer
from chalicelib.paging import Page

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_CYRILLIC = re.compile(r"[а-я]")
# Words too common to narrow a search; a query of them alone matches all.
_STOP_WORDS = frozenset({
    "и", "в", "во", "не", "на", "с", "со", "для", "по", "к", "о", "об", "от",
    "до", "из", "у", "за", "а", "или",
    "the", "a", "an", "and", "or", "of", "for", "to", "in", "on", "with", "at", "by",
})


class InvalidSearchCursor(InvalidInput):
    """The search cursor was not issued by the creative list."""

    code = "invalid_cursor"


class Sort(StrEnum):
    NEWEST = "-updated_at"
    OLDEST = "updated_at"
    TITLE = "title"
    TITLE_DESC = "-title"
    ENDING_SOONEST = "valid_to"
    RELEVANCE = "relevance"


@dataclass(frozen=True, slots=True)
class Criteria:
    text: str = ""
    car_model: str | None = None
    channel: str | None = None
    format_label: str | None = None
    tag: str | None = None
    language: str | None = None
    valid_now: bool = False
    sort: Sort | None = None
    """None: by relevance when there is text, else newest first."""


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is searching: the dealers a dealer user serves (with each one's
    local date), or None for the importer, who sees the whole library."""

    brand_today: date
    dealers: tuple[Dealer, ...] | None = None
    today_of: dict[str, date] = field(default_factory=dict)


def stems(text: str) -> list[str]:
    """The stems of the words of `text`: lower case, «ё» as «е», Russian
    words by the Russian stemmer and the rest by the English one."""
    words = _WORD.findall(text.lower().replace("ё", "е"))
    return [_stem(word) for word in words if word not in _STOP_WORDS]


@cache
def _stem(word: str) -> str:
    language = "russian" if _CYRILLIC.search(word) else "english"
    return str(_stemmer(language).stemWord(word))


@cache
def _stemmer(language: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(language)


@dataclass(frozen=True, slots=True)
class _Entry:
    creative: Creative
    seq: int
    title_stems: frozenset[str]
    all_stems: frozenset[str]
    facets: frozenset[tuple[str, str]]
    """Filter values and audience, in the keys the facet index uses."""
    first_day: int
    last_day: int
    """Validity as day ordinals, open ends as the extremes."""

    def is_valid_on(self, day_ordinal: int) -> bool:
        return self.first_day <= day_ordinal <= self.last_day


class CatalogIndex:
    """One brand's creatives with inverted indexes of their stems and of
    their filter values and audiences, so a search intersects sets instead
    of testing every creative; orders for sorting are kept between changes.
    """

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}
        self._postings: dict[str, set[str]] = {}
        self._facets: dict[tuple[str, str], set[str]] = {}
        self._orders: dict[Sort, list[_Entry]] = {}
        self._seen_by: dict[tuple[Dealer, date], set[str]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def entries(self) -> list[tuple[int, Creative]]:
        """Every indexed creative with its change number (for snapshots)."""
        return [(entry.seq, entry.creative) for entry in self._entries.values()]

    def put(self, creative: Creative, seq: int) -> None:
        """Index `creative` as of change `seq`; an older change than the one
        indexed is ignored, so changes may arrive in any order."""
        old = self._entries.get(creative.creative_id)
        if old is not None and old.seq >= seq:
            return
        if old is not None:
            self._unpost(old)
        entry = _entry(creative, seq)
        self._entries[creative.creative_id] = entry
        for stem in entry.all_stems:
            self._postings.setdefault(stem, set()).add(creative.creative_id)
        for facet in entry.facets:
            self._facets.setdefault(facet, set()).add(creative.creative_id)
        self._orders.clear()
        self._seen_by.clear()

    def search(self, criteria: Criteria, viewer: Viewer) -> list[Creative]:
        """Every creative the viewer may see that matches, in sort order."""
        wanted = set(stems(criteria.text))
        ids = self._matching(wanted, criteria, viewer)
        sort = criteria.sort or (Sort.RELEVANCE if wanted else Sort.NEWEST)
        ordered = self._ordered(Sort.NEWEST if sort is Sort.RELEVANCE else sort)
        found = ordered if ids is None else [
            e for e in ordered if e.creative.creative_id in ids]
        if sort is Sort.RELEVANCE:
            found = sorted(found, key=lambda e: len(wanted & e.title_stems),
                           reverse=True)
        return [entry.creative for entry in found]

    def _matching(
        self, wanted: set[str], criteria: Criteria, viewer: Viewer
    ) -> set[str] | None:
        """Ids of the matches; None means every creative."""
        wanted_sets = [self._postings.get(stem, set()) for stem in wanted]
        wanted_sets += [self._facets.get(f, set()) for f in _facets_of(criteria)]
        ids = set.intersection(*sorted(wanted_sets, key=len)) if wanted_sets else None
        if viewer.dealers is not None:
            visible = self._visible(viewer)
            ids = visible if ids is None else ids & visible
        if criteria.valid_now:
            today = viewer.brand_today.toordinal()
            ids = {i for i in (self._entries if ids is None else ids)
                   if self._entries[i].is_valid_on(today)}
        return ids

    def _visible(self, viewer: Viewer) -> set[str]:
        """What one of the viewer's dealers sees: published, meant for it,
        valid on that dealer's own date."""
        seen: set[str] = set()
        for dealer in viewer.dealers or ():
            seen |= self._seen_by_dealer(dealer, viewer.today_of[dealer.code])
        return seen

    def _seen_by_dealer(self, dealer: Dealer, today: date) -> set[str]:
        """Kept until the next change or the dealer's next day."""
        key = (dealer, today)
        if len(self._seen_by) > 5000:
            self._seen_by.clear()
        if key not in self._seen_by:
            published = self._facets.get(("published", "yes"), set())
            meant = set().union(*(self._facets.get(f, set())
                                  for f in _audience_keys(dealer)))
            day = today.toordinal()
            self._seen_by[key] = {i for i in meant & published
                                  if self._entries[i].is_valid_on(day)}
        return self._seen_by[key]

    def _ordered(self, sort: Sort) -> list[_Entry]:
        if sort not in self._orders:
            self._orders[sort] = _sorted(list(self._entries.values()), sort)
        return self._orders[sort]

    def _unpost(self, entry: _Entry) -> None:
        creative_id = entry.creative.creative_id
        for stem in entry.all_stems:
            _discard(self._postings, stem, creative_id)
        for facet in entry.facets:
            _discard(self._facets, facet, creative_id)


def _discard[K](index: dict[K, set[str]], key: K, creative_id: str) -> None:
    ids = index.get(key)
    if ids is not None:
        ids.discard(creative_id)
        if not ids:
            del index[key]


def page_of(found: list[Creative], limit: int, cursor: str | None) -> Page[Creative]:
    """A page of search results; the cursor is the offset of the next page.

    NOTE: offsets, not keys: a creative published between two page reads may
    shift the later pages by one, which a library browser tolerates.
    """
    start = _offset_of(cursor)
    end = start + limit
    next_cursor = _cursor_of(end) if end < len(found) else None
    return Page(items=found[start:end], next_cursor=next_cursor)


class CatalogFeed(Protocol):
    """Stored creatives in change order: every write takes the brand's next
    change number (`seq`)."""

    def latest_seq(self, brand_id: str) -> int: ...

    def changed_since(
        self, brand_id: str, after_seq: int
    ) -> list[tuple[int, Creative]]:
        """Creatives whose last change is numbered above `after_seq`."""
        ...


class CatalogSnapshots(Protocol):
    """A brand's whole catalog in one stored object, so a new container
    loads it in one read and takes only later changes from the feed."""

    def load(self, brand_id: str) -> list[tuple[int, Creative]] | None: ...

    def store(self, brand_id: str, entries: list[tuple[int, Creative]]) -> None: ...


@dataclass(slots=True)
class _Loaded:
    index: CatalogIndex
    loaded_at: datetime
    max_seq: int = 0
    confirmed_seq: int = 0
    """The brand's latest change number when every change up to it was seen."""


class CatalogCache:
    """Brand indexes kept in memory for the life of a warm container.

    Each use reads the brand's latest change number (one strongly consistent
    read); when it moved, the changes since are applied. The change feed is
    an eventually consistent index, so a later change can show before an
    earlier one: every refresh re-reads `OVERLAP` change numbers back, and a
    full reload runs after `FULL_RELOAD_AFTER` as a last safety net. A full
    load starts from the brand's snapshot when there is one and reads only
    the feed after it.
    """

    OVERLAP = 50
    FULL_RELOAD_AFTER = timedelta(minutes=15)
    SNAPSHOT_AFTER_CHANGES = 200
    """A full load that had to apply more changes than this stores a new
    snapshot, so the next container starts from it."""

    def __init__(
        self, feed: CatalogFeed, clock: Clock, snapshots: CatalogSnapshots | None = None
    ) -> None:
        self._feed = feed
        self._clock = clock
        self._snapshots = snapshots
        self._brands: dict[str, _Loaded] = {}

    def index_of(self, brand_id: str) -> CatalogIndex:
        now = self._clock()
        loaded = self._brands.get(brand_id)
        if loaded is None or now - loaded.loaded_at > self.FULL_RELOAD_AFTER:
            loaded = self._full_load(brand_id, now)
            self._brands[brand_id] = loaded
            return loaded.index
        latest = self._feed.latest_seq(brand_id)
        if latest != loaded.confirmed_seq:
            after = max(0, loaded.max_seq - self.OVERLAP)
            self._apply(brand_id, loaded, latest, after)
        return loaded.index

    def _full_load(self, brand_id: str, now: datetime) -> _Loaded:
        loaded = _Loaded(CatalogIndex(), loaded_at=now)
        latest = self._feed.latest_seq(brand_id)
        snapshot = self._snapshots.load(brand_id) if self._snapshots else None
        for seq, creative in snapshot or []:
            loaded.index.put(creative, seq)
            loaded.max_seq = max(loaded.max_seq, seq)
        after = max(0, loaded.max_seq - self.OVERLAP) if snapshot else 0
        applied = self._apply(brand_id, loaded, latest, after)
        if self._snapshots is not None and (
            snapshot is None or applied > self.SNAPSHOT_AFTER_CHANGES
        ):
            self._snapshots.store(brand_id, loaded.index.entries())
        return loaded

    def _apply(self, brand_id: str, loaded: _Loaded, latest: int, after: int) -> int:
        changes = self._feed.changed_since(brand_id, after)
        for seq, creative in changes:
            loaded.index.put(creative, seq)
            loaded.max_seq = max(loaded.max_seq, seq)
        if loaded.max_seq >= latest:
            loaded.confirmed_seq = latest
        return len(changes)


def _entry(creative: Creative, seq: int) -> _Entry:
    described = creative.description
    title = frozenset(stems(described.title))
    rest = stems(" ".join([described.description, *described.tags]))
    audience = described.audience
    facets = {
        ("car_model", described.car_model.casefold()),
        ("channel", described.channel.casefold()),
        ("format", described.format.label.casefold()),
        ("language", described.language.casefold()),
        *(("tag", tag) for tag in described.tags),
        *((f"audience:{audience.kind.value}", value) for value in audience.values),
    }
    if audience.kind is AudienceKind.ALL:
        facets.add(("audience:all", ""))
    if creative.is_published:
        facets.add(("published", "yes"))
    first_day = described.valid_from or date.min
    last_day = described.valid_to or date.max
    return _Entry(creative, seq, title, title | frozenset(rest), frozenset(facets),
                  first_day.toordinal(), last_day.toordinal())


def _facets_of(criteria: Criteria) -> list[tuple[str, str]]:
    asked = (("car_model", criteria.car_model), ("channel", criteria.channel),
             ("format", criteria.format_label), ("language", criteria.language),
             ("tag", criteria.tag.lower() if criteria.tag else None))
    return [(name, value.casefold()) for name, value in asked if value is not None]


def _audience_keys(dealer: Dealer) -> list[tuple[str, str]]:
    return [("audience:all", ""), ("audience:category", dealer.category),
            ("audience:city", dealer.city), ("audience:region", dealer.region),
            ("audience:dealers", dealer.code)]


def _sorted(entries: list[_Entry], sort: Sort) -> list[_Entry]:
    entries.sort(key=lambda e: e.creative.creative_id)
    if sort in (Sort.NEWEST, Sort.OLDEST, Sort.RELEVANCE):
        newest_first = sort is not Sort.OLDEST
        entries.sort(key=lambda e: e.creative.updated_at, reverse=newest_first)
    elif sort in (Sort.TITLE, Sort.TITLE_DESC):
        entries.sort(key=lambda e: e.creative.description.title.casefold(),
                     reverse=sort is Sort.TITLE_DESC)
    else:
        entries.sort(key=lambda e: e.creative.description.valid_to or date.max)
    return entries


def _cursor_of(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def _offset_of(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.urlsafe_b64decode(padded.encode()).decode()
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidSearchCursor("The cursor is malformed.") from exc
    prefix, _, number = text.partition(":")
    if prefix != "offset" or not number.isdigit():
        raise InvalidSearchCursor("The cursor is malformed.")
    return int(number)
