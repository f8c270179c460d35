from datetime import date, timedelta

import pytest

from chalicelib.audience import Audience, AudienceKind
from chalicelib.media.search import (
    CatalogCache,
    CatalogIndex,
    Criteria,
    InvalidSearchCursor,
    Sort,
    Viewer,
    page_of,
    stems,
)
from tests.builders import dealer
from tests.media_fakes import NOON, CreativeSpec, InMemoryCreatives, published

IMPORTER = Viewer(brand_today=date(2026, 6, 15))


def index_of(*creatives):
    index = CatalogIndex()
    for seq, creative in enumerate(creatives, start=1):
        index.put(creative, seq)
    return index


def ids(found):
    return [creative.creative_id for creative in found]


@pytest.mark.parametrize(("query", "word"), [
    ("баннеры", "баннер"),
    ("баннеров", "Баннер"),
    ("листовки", "листовка"),
    ("ёлки", "елка"),
    ("banners", "banner"),
    ("running", "runs"),
])
def test_words_of_one_stem_find_each_other(query, word):
    assert stems(query) == stems(word)


def test_a_plural_russian_query_finds_the_singular_title():
    index = index_of(
        published("cr-1", CreativeSpec(title="Баннер для соцсетей")),
        published("cr-2", CreativeSpec(title="Радиоролик 30 секунд")),
    )

    found = index.search(Criteria(text="баннеры"), IMPORTER)

    assert ids(found) == ["cr-1"]


def test_every_query_word_must_match_in_title_description_or_tags():
    index = index_of(
        published("cr-1", CreativeSpec(title="Banner", tags=("лето",))),
        published("cr-2", CreativeSpec(title="Banner", description="зимняя акция")),
    )

    summer = index.search(Criteria(text="banners летом"), IMPORTER)
    winter = index.search(Criteria(text="зимние banners"), IMPORTER)

    assert ids(summer) == ["cr-1"]
    assert ids(winter) == ["cr-2"]


def test_stop_words_do_not_narrow_a_search():
    index = index_of(published("cr-1", CreativeSpec(title="Баннер соцсети")))

    found = index.search(Criteria(text="баннер для соцсетей"), IMPORTER)

    assert ids(found) == ["cr-1"]


def test_filters_by_model_channel_format_and_tag():
    wanted = published("cr-1", CreativeSpec(car_model="X5", channel="digital",
                                            tags=("Лето",)))
    index = index_of(
        wanted,
        published("cr-2", CreativeSpec(car_model="X3", channel="digital")),
        published("cr-3", CreativeSpec(car_model="X5", channel="radio")),
    )

    found = index.search(Criteria(car_model="x5", channel="digital", tag="лето"),
                         IMPORTER)

    assert ids(found) == ["cr-1"]


def test_valid_now_leaves_out_expired_and_future_creatives():
    today = IMPORTER.brand_today
    index = index_of(
        published("cr-now", CreativeSpec(valid_from=today, valid_to=today)),
        published("cr-past", CreativeSpec(valid_to=today - timedelta(days=1))),
        published("cr-next", CreativeSpec(valid_from=today + timedelta(days=1))),
    )

    everything = index.search(Criteria(), IMPORTER)
    current = index.search(Criteria(valid_now=True), IMPORTER)

    assert set(ids(everything)) == {"cr-now", "cr-past", "cr-next"}
    assert ids(current) == ["cr-now"]


def test_relevance_puts_title_matches_first_and_newest_breaks_ties():
    index = index_of(
        published("cr-desc", CreativeSpec(title="Радио", description="баннер"),
                  updated_at=NOON + timedelta(hours=2)),
        published("cr-old", CreativeSpec(title="Баннер"), updated_at=NOON),
        published("cr-new", CreativeSpec(title="Баннеры"),
                  updated_at=NOON + timedelta(hours=1)),
    )

    found = index.search(Criteria(text="баннер"), IMPORTER)

    assert ids(found) == ["cr-new", "cr-old", "cr-desc"]


@pytest.mark.parametrize(("sort", "expected"), [
    (Sort.TITLE, ["a", "b", "c"]),
    (Sort.TITLE_DESC, ["c", "b", "a"]),
    (Sort.NEWEST, ["c", "a", "b"]),
    (Sort.OLDEST, ["b", "a", "c"]),
])
def test_sorting(sort, expected):
    index = index_of(
        published("a", CreativeSpec(title="Альфа"), updated_at=NOON),
        published("b", CreativeSpec(title="Бета"), updated_at=NOON - timedelta(1)),
        published("c", CreativeSpec(title="Вега"), updated_at=NOON + timedelta(1)),
    )

    assert ids(index.search(Criteria(sort=sort), IMPORTER)) == expected


def test_a_dealer_sees_only_creatives_for_it_and_valid_on_its_date():
    kaliningrad = dealer("AUR-KGD-01", category="standard")
    today = date(2026, 6, 15)
    viewer = Viewer(brand_today=today, dealers=(kaliningrad,),
                    today_of={"AUR-KGD-01": today})
    index = index_of(
        published("cr-all"),
        published("cr-standard", CreativeSpec(
            audience=Audience(AudienceKind.CATEGORY, ("standard",)))),
        published("cr-flagship", CreativeSpec(
            audience=Audience(AudienceKind.CATEGORY, ("flagship",)))),
        published("cr-expired", CreativeSpec(valid_to=today - timedelta(days=1))),
    )

    found = index.search(Criteria(), viewer)

    assert set(ids(found)) == {"cr-all", "cr-standard"}


def test_reindexing_a_creative_replaces_its_old_words():
    index = index_of(published("cr-1", CreativeSpec(title="Баннер")))

    index.put(published("cr-1", CreativeSpec(title="Радиоролик")), seq=2)
    index.put(published("cr-1", CreativeSpec(title="Листовка")), seq=1)

    assert ids(index.search(Criteria(text="баннер"), IMPORTER)) == []
    assert ids(index.search(Criteria(text="радиоролики"), IMPORTER)) == ["cr-1"]
    assert len(index) == 1


def test_pages_follow_each_other_to_the_end():
    found = [published(f"cr-{n:02}") for n in range(5)]

    first = page_of(found, 2, None)
    second = page_of(found, 2, first.next_cursor)
    last = page_of(found, 2, second.next_cursor)

    assert ids(first.items + second.items + last.items) == ids(found)
    assert last.next_cursor is None


def test_a_forged_cursor_is_refused():
    with pytest.raises(InvalidSearchCursor):
        page_of([], 10, "bm90LWFuLW9mZnNldA")


class CountingFeed(InMemoryCreatives):
    def __init__(self):
        super().__init__()
        self.reads = 0

    def changed_since(self, brand_id, after_seq):
        self.reads += 1
        return super().changed_since(brand_id, after_seq)


def test_the_catalog_cache_applies_only_new_changes_and_skips_when_none():
    feed = CountingFeed()
    feed.save(published("cr-1", CreativeSpec(title="Баннер")), None)
    cache = CatalogCache(feed, clock=lambda: NOON)
    cache.index_of("aurora")

    unchanged = cache.index_of("aurora")
    reads_before = feed.reads
    feed.save(published("cr-2", CreativeSpec(title="Баннеры осень")), None)
    changed = cache.index_of("aurora")

    assert reads_before == 1
    assert feed.reads == 2
    assert unchanged is changed
    assert set(ids(changed.search(Criteria(text="баннер"), IMPORTER))) == {
        "cr-1", "cr-2"}


def test_a_change_shown_late_by_the_feed_is_still_picked_up():
    feed = InMemoryCreatives()
    feed.save(published("cr-1"), None)
    cache = CatalogCache(feed, clock=lambda: NOON)
    cache.index_of("aurora")
    feed.save(published("cr-2", CreativeSpec(title="Листовка")), None)
    hidden = feed.stored.pop(("aurora", "cr-2"))

    cache.index_of("aurora")
    feed.stored[("aurora", "cr-2")] = hidden
    index = cache.index_of("aurora")

    assert ids(index.search(Criteria(text="листовки"), IMPORTER)) == ["cr-2"]


def test_the_index_shows_a_dealer_exactly_what_the_visibility_rule_allows():
    import random

    from chalicelib.media.creatives import visible_to_dealer

    chance = random.Random(7)
    today = date(2026, 6, 15)
    dealers = [
        dealer("AUR-KGD-01", city="Калининград", region="Калининградская область",
               category="standard"),
        dealer("AUR-MSK-01", city="Москва", region="Москва", category="flagship"),
    ]
    audiences = [
        Audience(), Audience(AudienceKind.CATEGORY, ("standard",)),
        Audience(AudienceKind.CATEGORY, ("flagship", "boutique")),
        Audience(AudienceKind.CITY, ("Москва",)),
        Audience(AudienceKind.REGION, ("Калининградская область",)),
        Audience(AudienceKind.DEALERS, ("AUR-KGD-01",)),
    ]
    def validity():
        starts = chance.choice([None, today - timedelta(days=2), today,
                                today + timedelta(days=1)])
        lasts = chance.choice([None, timedelta(0), timedelta(days=1)])
        ends = None if lasts is None else (starts or today - timedelta(3)) + lasts
        return starts, ends

    creatives = []
    for n in range(300):
        valid_from, valid_to = validity()
        creatives.append(published(f"cr-{n}", CreativeSpec(
            audience=chance.choice(audiences), valid_from=valid_from,
            valid_to=valid_to)))
    index = index_of(*creatives)

    for seen_by in dealers:
        viewer = Viewer(brand_today=today, dealers=(seen_by,),
                        today_of={seen_by.code: today})
        expected = {c.creative_id for c in creatives
                    if visible_to_dealer(c, seen_by, today)}

        assert set(ids(index.search(Criteria(), viewer))) == expected


class MemorySnapshots:
    def __init__(self):
        self.stored = {}
        self.stores = 0

    def load(self, brand_id):
        return self.stored.get(brand_id)

    def store(self, brand_id, entries):
        self.stores += 1
        self.stored[brand_id] = list(entries)


def test_a_new_container_starts_from_the_snapshot_and_reads_only_later_changes():
    feed = CountingFeed()
    for n in range(300):
        feed.save(published(f"cr-{n:03}"), None)
    snapshots = MemorySnapshots()
    CatalogCache(feed, lambda: NOON, snapshots).index_of("aurora")
    feed.save(published("cr-new", CreativeSpec(title="Листовка")), None)
    reads = []
    original = feed.changed_since
    feed.changed_since = lambda brand, after: reads.append(after) or original(
        brand, after)

    index = CatalogCache(feed, lambda: NOON, snapshots).index_of("aurora")

    assert snapshots.stores == 1
    assert reads == [300 - CatalogCache.OVERLAP]
    assert len(index) == 301
    assert ids(index.search(Criteria(text="листовки"), IMPORTER)) == ["cr-new"]


def test_a_snapshot_far_behind_the_feed_is_replaced():
    feed = InMemoryCreatives()
    snapshots = MemorySnapshots()
    CatalogCache(feed, lambda: NOON, snapshots).index_of("aurora")
    for n in range(CatalogCache.SNAPSHOT_AFTER_CHANGES + 1):
        feed.save(published(f"cr-{n:03}"), None)

    CatalogCache(feed, lambda: NOON, snapshots).index_of("aurora")

    assert snapshots.stores == 2
    assert len(snapshots.stored["aurora"]) == CatalogCache.SNAPSHOT_AFTER_CHANGES + 1
