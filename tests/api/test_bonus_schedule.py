from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def test_the_close_schedule_fires_in_moscows_working_morning():
    import app
    from devstack.events import next_runs, sources

    _, schedules = sources(app.app)
    expression = next(s.expression for s in schedules
                      if s.name == "close_due_periods")

    fire = next(iter(next_runs(expression, datetime(2026, 12, 7, tzinfo=UTC))))
    local = fire.astimezone(ZoneInfo("Europe/Moscow"))
    assert 9 <= local.hour < 11
