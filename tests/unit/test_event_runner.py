"""The local event runner's pure parts: what the app declares, and when
EventBridge schedules fire."""

from datetime import UTC, datetime, timedelta
from itertools import islice

import pytest
from chalice import Chalice, Cron, Rate

from devstack.events import QueueSource, ScheduleSource, next_runs, sources

# Monday 1 June 2026, 09:30 UTC.
MONDAY = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)


def _first(expression: str, count: int, after: datetime = MONDAY) -> list[datetime]:
    return list(islice(next_runs(expression, after), count))


@pytest.mark.parametrize(("expression", "step"), [
    ("rate(1 minute)", timedelta(minutes=1)),
    ("rate(15 minutes)", timedelta(minutes=15)),
    ("rate(1 hour)", timedelta(hours=1)),
    ("rate(6 hours)", timedelta(hours=6)),
    ("rate(1 day)", timedelta(days=1)),
])
def test_a_rate_fires_every_step_after_the_start(expression, step):
    assert _first(expression, 3) == [MONDAY + step, MONDAY + 2 * step,
                                     MONDAY + 3 * step]


def test_a_daily_cron_fires_at_its_utc_time():
    assert _first("cron(0 2 * * ? *)", 2) == [
        datetime(2026, 6, 2, 2, 0, tzinfo=UTC),
        datetime(2026, 6, 3, 2, 0, tzinfo=UTC),
    ]


@pytest.mark.parametrize(("day_of_week", "weekday"), [
    ("1", "Sunday"), ("2", "Monday"), ("6", "Friday"), ("7", "Saturday"),
    ("SUN", "Sunday"), ("FRI", "Friday"),
])
def test_eventbridge_numbers_days_of_week_from_sunday_as_one(day_of_week, weekday):
    runs = _first(f"cron(0 10 ? * {day_of_week} *)", 3)

    assert {run.strftime("%A") for run in runs} == {weekday}
    assert all(run.hour == 10 and run.minute == 0 for run in runs)


def test_a_range_of_eventbridge_weekdays_means_monday_to_friday():
    runs = _first("cron(0 8 ? * 2-6 *)", 7)

    assert [run.strftime("%a") for run in runs] == [
        "Tue", "Wed", "Thu", "Fri", "Mon", "Tue", "Wed"]


def test_the_nth_weekday_of_the_month_keeps_its_occurrence_number():
    runs = _first("cron(0 10 ? * 6#3 *)", 2)

    assert runs == [datetime(2026, 6, 19, 10, 0, tzinfo=UTC),
                    datetime(2026, 7, 17, 10, 0, tzinfo=UTC)]


def test_a_monthly_cron_on_the_brands_close_day():
    assert _first("cron(0 0 7 * ? *)", 2) == [
        datetime(2026, 6, 7, 0, 0, tzinfo=UTC),
        datetime(2026, 7, 7, 0, 0, tzinfo=UTC),
    ]


def test_the_last_day_of_the_month():
    assert _first("cron(0 21 L * ? *)", 2) == [
        datetime(2026, 6, 30, 21, 0, tzinfo=UTC),
        datetime(2026, 7, 31, 21, 0, tzinfo=UTC),
    ]


@pytest.mark.parametrize("expression", ["rate(5 seconds)", "every 5 minutes",
                                        "rate(1 week)", "at(2026-06-01T00:00:00)"])
def test_an_unsupported_expression_is_refused_at_once(expression):
    with pytest.raises(ValueError, match="Unsupported"):
        next_runs(expression, MONDAY)


def test_sources_are_read_from_the_apps_own_declarations():
    app = Chalice(app_name="probe")

    @app.on_sqs_message(queue="dmm-test-photos", batch_size=5)
    def hash_photos(event):
        return None

    @app.schedule(Rate(15, unit=Rate.MINUTES))
    def lock_reports(event):
        return None

    @app.schedule(Cron(0, 2, "*", "*", "?", "*"))
    def sync_sales(event):
        return None

    @app.on_s3_event(bucket="photos")
    def not_a_queue(event):
        return None

    queues, schedules = sources(app)

    assert queues == [QueueSource("hash_photos", "dmm-test-photos", 5)]
    assert schedules == [ScheduleSource("lock_reports", "rate(15 minutes)"),
                         ScheduleSource("sync_sales", "cron(0 2 * * ? *)")]


def test_the_apps_jobs_queue_and_sweeper_are_found():
    import app

    queues, schedules = sources(app.app)

    assert QueueSource("run_jobs", "dmm-test-jobs", 1) in queues
    assert ScheduleSource("fail_abandoned_jobs", "rate(15 minutes)") in schedules
    for schedule in schedules:
        assert next(iter(next_runs(schedule.expression, MONDAY))) > MONDAY


def test_a_step_over_eventbridge_weekdays_keeps_its_step():
    runs = _first("cron(0 10 ? * 2/2 *)", 4)

    assert [run.strftime("%a") for run in runs] == ["Mon", "Wed", "Fri", "Mon"]


@pytest.mark.parametrize(("day_of_week", "weekdays"), [
    ("MON-FRI/2", ["Mon", "Wed", "Fri", "Mon"]),
    ("*/3", ["Wed", "Sat", "Sun", "Wed"]),
    ("1,7", ["Sat", "Sun", "Sat", "Sun"]),
    ("6L", ["Fri"] * 4),
])
def test_lists_steps_and_last_weekdays_follow_eventbridge(day_of_week, weekdays):
    runs = _first(f"cron(0 10 ? * {day_of_week} *)", 4)

    assert [run.strftime("%a") for run in runs] == weekdays
