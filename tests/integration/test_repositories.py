"""Brands, dealers, users and jobs repositories: one contract, two adapters."""

import threading
from datetime import timedelta

import pytest

from chalicelib.access.dynamo import DynamoUsers
from chalicelib.access.model import Role
from chalicelib.errors import AlreadyExists, InvalidInput, StaleVersion
from chalicelib.jobs.dynamo import DynamoJobs
from chalicelib.jobs.model import Job, JobStatus
from chalicelib.network.dynamo import DynamoBrands, DynamoDealers
from tests.builders import MONDAY_NOON, brand, dealer, user
from tests.fakes import InMemoryBrands, InMemoryDealers, InMemoryJobs, InMemoryUsers

REGIONS = ("Москва", "Калининградская область", "Камчатский край")


@pytest.fixture
def dealers(store):
    return InMemoryDealers() if store == "memory" else DynamoDealers()


@pytest.fixture
def users(store):
    return InMemoryUsers() if store == "memory" else DynamoUsers()


@pytest.fixture
def brands(store):
    return InMemoryBrands() if store == "memory" else DynamoBrands()


@pytest.fixture
def jobs(store):
    return InMemoryJobs() if store == "memory" else DynamoJobs()


def _add_dealers(dealers, count: int, brand_id: str = "aurora", prefix="AUR"):
    for number in range(1, count + 1):
        region = REGIONS[number % len(REGIONS)]
        dealers.save(dealer(f"{prefix}-D{number:02d}", brand_id=brand_id,
                            region=region), None)


def _all_pages(list_page, limit: int) -> list[list[str]]:
    pages, cursor = [], None
    while True:
        page = list_page(limit, cursor)
        pages.append([getattr(x, "code", None) or x.user_id for x in page.items])
        cursor = page.next_cursor
        if cursor is None:
            return pages
        assert len(pages) < 100


# --- dealers -----------------------------------------------------------------

def test_a_new_dealer_is_saved_at_version_one_and_read_back(dealers):
    saved = dealers.save(dealer("AUR-KGD-01"), None)

    assert saved.version == 1
    assert dealers.get("aurora", "AUR-KGD-01") == saved
    assert dealers.get("taiga", "AUR-KGD-01") is None


def test_a_dealer_code_is_stored_once_per_brand(dealers):
    dealers.save(dealer("AUR-KGD-01"), None)

    with pytest.raises(AlreadyExists):
        dealers.save(dealer("AUR-KGD-01", name="Двойник"), None)

    dealers.save(dealer("AUR-KGD-01", brand_id="taiga"), None)
    assert dealers.get("aurora", "AUR-KGD-01").name != "Двойник"


def test_of_two_updates_from_the_same_version_only_one_is_kept(dealers):
    first = dealers.save(dealer("AUR-KGD-01"), None)

    dealers.save(first.changed(category="flagship"), first.version)
    with pytest.raises(StaleVersion):
        dealers.save(first.changed(category="boutique"), first.version)

    stored = dealers.get("aurora", "AUR-KGD-01")
    assert (stored.category, stored.version) == ("flagship", 2)


def test_an_update_of_a_dealer_that_is_not_stored_is_stale(dealers):
    with pytest.raises(StaleVersion):
        dealers.save(dealer("AUR-KGD-01"), 1)


@pytest.mark.parametrize(("count", "limit"), [(12, 4), (12, 5), (12, 12),
                                              (12, 50), (0, 10)])
def test_pages_cover_every_dealer_once_and_the_last_has_no_cursor(dealers, count,
                                                                  limit):
    _add_dealers(dealers, count)
    _add_dealers(dealers, 3, brand_id="taiga", prefix="TAI")

    pages = _all_pages(lambda lim, cur: dealers.list("aurora", lim, cur), limit)

    codes = [code for page in pages for code in page]
    assert codes == sorted(f"AUR-D{n:02d}" for n in range(1, count + 1))
    assert all(len(page) == limit for page in pages[:-1])
    assert len(pages) == max(1, -(-count // limit))


def test_pages_of_a_regional_filter_hold_only_its_dealers(dealers):
    _add_dealers(dealers, 30)
    regions = ("Камчатский край", "Москва")

    pages = _all_pages(
        lambda lim, cur: dealers.list("aurora", lim, cur, regions=regions), 4)

    codes = [code for page in pages for code in page]
    expected = sorted(f"AUR-D{n:02d}" for n in range(1, 31)
                      if REGIONS[n % 3] in regions)
    assert codes == expected
    assert all(len(page) == 4 for page in pages[:-1])


def test_a_cursor_of_one_brand_does_not_page_another(dealers):
    _add_dealers(dealers, 5)
    _add_dealers(dealers, 5, brand_id="taiga", prefix="TAI")
    cursor = dealers.list("aurora", 2, None).next_cursor

    with pytest.raises(InvalidInput):
        dealers.list("taiga", 2, cursor)


def test_many_dealers_are_read_at_once_in_code_order(dealers):
    _add_dealers(dealers, 5)

    found = dealers.get_many("aurora", ["AUR-D03", "AUR-D01", "AUR-D99", "AUR-D03"])

    assert [d.code for d in found] == ["AUR-D01", "AUR-D03"]
    assert dealers.get_many("taiga", ["AUR-D01"]) == []


# --- users -------------------------------------------------------------------

def test_a_new_user_is_saved_once_and_read_back(users):
    saved = users.save(user("u-1", Role.DEALER_USER, dealer_codes=("AUR-KGD-01",)),
                       None)

    with pytest.raises(AlreadyExists):
        users.save(user("u-1"), None)

    assert saved.version == 1
    assert users.get("u-1") == saved
    assert users.get("u-2") is None


def test_of_two_user_updates_from_the_same_version_only_one_is_kept(users):
    first = users.save(user("u-1"), None)

    users.save(first.changed(disabled=True), 1)
    with pytest.raises(StaleVersion):
        users.save(first.changed(name="Другое имя"), 1)

    assert users.get("u-1").disabled


@pytest.mark.parametrize(("count", "limit"), [(9, 3), (9, 4), (9, 9)])
def test_a_brands_users_page_in_id_order_without_other_brands(users, count, limit):
    for number in range(1, count + 1):
        users.save(user(f"aurora-{number:02d}"), None)
    users.save(user("taiga-01", brand_id="taiga"), None)

    pages = _all_pages(lambda lim, cur: users.list("aurora", lim, cur), limit)

    ids = [user_id for page in pages for user_id in page]
    assert ids == [f"aurora-{n:02d}" for n in range(1, count + 1)]
    assert len(pages) == -(-count // limit)


# --- brands ------------------------------------------------------------------

def test_brand_settings_are_saved_once_and_updated_by_version(brands):
    saved = brands.save(brand("aurora", reminder_days=(5, 2, 1)), None)

    with pytest.raises(AlreadyExists):
        brands.save(brand("aurora"), None)
    updated = brands.save(saved.changed(period_close_day=10), 1)
    with pytest.raises(StaleVersion):
        brands.save(saved.changed(period_close_day=12), 1)

    assert brands.get("aurora") == updated
    assert updated.reminder_days == (5, 2, 1)
    assert (updated.period_close_day, updated.version) == (10, 2)
    assert brands.get("taiga") is None


# --- jobs --------------------------------------------------------------------

def _job(job_id: str = "job-1", **fields) -> Job:
    values: dict = {"brand_id": "aurora", "kind": "bonus.preview",
                    "started_by": "aurora-manager-1", "created_at": MONDAY_NOON,
                    "updated_at": MONDAY_NOON, "params": {"period": "2026-05"}}
    return Job(job_id=job_id, **{**values, **fields})


def test_a_job_keeps_its_params_result_and_errors(jobs):
    saved = jobs.save(_job(), None)
    done = jobs.save(saved.changed(status=JobStatus.SUCCEEDED,
                                   result={"statements": 80, "total": "125000.50"},
                                   errors=("one dealer skipped",)), 1)

    assert jobs.get("job-1") == done
    assert done.params == {"period": "2026-05"}
    assert done.result == {"statements": 80, "total": "125000.50"}
    assert done.created_at.utcoffset() == timedelta(0)
    with pytest.raises(AlreadyExists):
        jobs.save(_job(), None)


def test_two_workers_taking_the_same_job_only_one_wins(jobs):
    queued = jobs.save(_job(), None)

    jobs.save(queued.changed(status=JobStatus.RUNNING), queued.version)
    with pytest.raises(StaleVersion):
        jobs.save(queued.changed(status=JobStatus.RUNNING), queued.version)


def test_running_jobs_are_found_by_their_last_update(jobs):
    old = jobs.save(_job("job-old"), None)
    jobs.save(old.changed(status=JobStatus.RUNNING), 1)
    fresh = jobs.save(_job("job-fresh",
                           updated_at=MONDAY_NOON + timedelta(minutes=30)), None)
    jobs.save(fresh.changed(status=JobStatus.RUNNING), 1)
    jobs.save(_job("job-queued"), None)

    found = jobs.running_since_before(MONDAY_NOON + timedelta(minutes=10))

    assert [job.job_id for job in found] == ["job-old"]


def test_concurrent_updates_of_one_dealer_leave_exactly_one_winner(aws):
    dealers = DynamoDealers()
    dealers.save(dealer("AUR-KGD-01"), None)
    outcomes: list[str] = []
    barrier = threading.Barrier(4)

    def rename(number: int) -> None:
        barrier.wait()
        try:
            dealers.save(dealer("AUR-KGD-01", name=f"Имя {number}"), 1)
            outcomes.append("saved")
        except StaleVersion:
            outcomes.append("stale")

    threads = [threading.Thread(target=rename, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["saved", "stale", "stale", "stale"]
    assert dealers.get("aurora", "AUR-KGD-01").version == 2
