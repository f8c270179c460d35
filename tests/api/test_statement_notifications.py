"""Publishing a final bonus run tells each dealer's users that its statement
is there: once per run and user, however often the run is published. The
telling is a job, so the publishing request does not wait on it."""

from chalicelib.access.model import Role
from devstack.demo import find_user
from tests.api.conftest import json_of
from tests.api.test_bonus import KGD, PERIOD, drain, facts, final_run, readiness
from tests.api.test_notifications import _sent_to

__all__ = ["facts", "readiness"]


def test_a_published_statement_reaches_its_dealers_users_once(client, auth, facts,
                                                              readiness):
    import app

    dealer = find_user(Role.DEALER_USER, "aurora", KGD)
    taiga = find_user(Role.DEALER_USER, "taiga")
    run_id = final_run(client, auth, app)

    for _ in range(2):
        published = client.http.post(f"/v1/bonus-runs/{run_id}/publish",
                                     headers=auth(Role.IMPORTER_MANAGER))
        assert published.status_code == 200, published.body
    drain(app)  # the dealers are told by a job, after the publishing request

    feed = json_of(client.http.get("/v1/notifications",
                                   headers=auth(user_id=dealer.user_id)))["items"]
    [told] = [n for n in feed if n["kind"] == "statement_published"]
    assert told["entity"] == f"bonus_run:{run_id}"
    assert told["facts"] == {"bonus_run_id": run_id, "dealer": KGD, "period": PERIOD}
    assert [m.subject for m in _sent_to(dealer.email)] == [
        f"Расчёт бонуса за {PERIOD}"]
    assert _sent_to(taiga.email) == []
