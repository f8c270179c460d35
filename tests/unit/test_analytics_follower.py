"""The analytics follower of placements: what it refreshes, and that a
failed refresh never fails the placement change that was already stored."""

from chalicelib.integrations.followers import AnalyticsFollower


def test_a_change_refreshes_its_dealer_in_the_placements_period():
    refreshed = []
    follower = AnalyticsFollower({"pl-1": "2026-05"}.get,
                                 lambda *call: refreshed.append(call))

    follower.changed("aurora", "AUR-KGD-01", "pl-1")
    follower.changed("aurora", "AUR-KGD-01", "pl-gone")

    assert refreshed == [("aurora", "2026-05", ["AUR-KGD-01"])]


def test_a_failed_refresh_is_logged_not_raised(logged):
    def failing(*_call):
        raise TimeoutError("the summaries table did not answer")

    follower = AnalyticsFollower({"pl-1": "2026-05"}.get, failing)

    follower.changed("aurora", "AUR-KGD-01", "pl-1")

    [line] = logged()
    assert line["message"] == "analytics not refreshed"
    assert line["placement_id"] == "pl-1"


def test_a_refresh_after_a_budget_or_flag_write_is_logged_not_raised(logged):
    from chalicelib.integrations.followers import refresh_after_write

    def failing(*_call):
        raise TimeoutError("the summaries table did not answer")

    refresh_after_write(failing, "aurora", "2026-05", "AUR-KGD-01")

    [line] = logged()
    assert line["message"] == "analytics not refreshed"
    assert line["period"] == "2026-05"
