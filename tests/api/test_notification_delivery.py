"""Every area tells users through one path: the feed and e-mail, by each
user's preferences per kind, in the user's language, once per event."""

import json

from chalicelib import wiring
from chalicelib.access.model import Role
from chalicelib.notification_prefs.kinds import NotificationKind
from devstack.demo import find_user
from tests.api.conftest import json_of
from tests.api.test_creatives import (
    FLAGSHIP_DEALER,
    FOR_STANDARD,
    STANDARD_DEALER,
    Library,
)
from tests.api.test_notifications import _sent_to


def _feed(client, headers) -> list[dict]:
    reply = client.http.get("/v1/notifications", headers=headers)
    assert reply.status_code == 200, reply.body
    return list(json_of(reply)["items"])


def _choose(client, headers, **kinds: dict[str, bool]) -> None:
    headers = {**headers, "Content-Type": "application/json"}
    current = json_of(client.http.get("/v1/me/notification-preferences",
                                      headers=headers))
    body = {"version": current["version"], "kinds": kinds}
    reply = client.http.put("/v1/me/notification-preferences", headers=headers,
                            body=json.dumps(body))
    assert reply.status_code == 200, reply.body


def test_a_creative_for_one_category_is_in_its_dealers_feed_and_mailbox_only(
        demo, client, auth):
    library = Library(client, auth)
    standard = find_user(Role.DEALER_USER, "aurora", STANDARD_DEALER)
    flagship = find_user(Role.DEALER_USER, "aurora", FLAGSHIP_DEALER)

    creative_id = library.publish(**FOR_STANDARD, title="Баннер «Лето»")

    [told] = _feed(client, library.dealer(STANDARD_DEALER))
    assert told["kind"] == "creative_published"
    assert told["entity"] == f"creative:{creative_id}"
    assert told["subject"] == "Новый креатив: Баннер «Лето»"
    assert [m.subject for m in _sent_to(standard.email)] == [told["subject"]]
    assert _feed(client, library.dealer(FLAGSHIP_DEALER)) == []
    assert _sent_to(flagship.email) == []


def test_a_user_who_turned_creative_email_off_gets_the_feed_entry_only(
        demo, client, auth):
    library = Library(client, auth)
    standard = find_user(Role.DEALER_USER, "aurora", STANDARD_DEALER)
    _choose(client, library.dealer(STANDARD_DEALER),
            creative_published={"email": False})

    library.publish(**FOR_STANDARD)

    assert [n["kind"] for n in _feed(client, library.dealer(STANDARD_DEALER))] == [
        "creative_published"]
    assert _sent_to(standard.email) == []


def test_a_user_who_turned_the_feed_off_gets_the_email_only_and_once(
        demo, client, auth):
    standard = find_user(Role.DEALER_USER, "aurora", STANDARD_DEALER)
    headers = auth(user_id=standard.user_id)
    _choose(client, headers, survey_published={"feed": False})
    params = {"survey_id": "sv-1", "title": "Сервис", "closes_at": "2026-06-30"}

    for _ in range(2):
        wiring.notifier().notify("survey:aurora:sv-1", "aurora", [standard.user_id],
                                 NotificationKind.SURVEY_PUBLISHED, params)

    assert _feed(client, headers) == []
    assert [m.subject for m in _sent_to(standard.email)] == ["Опрос: Сервис"]


def test_a_redelivered_event_gives_one_entry_and_one_email_each(
        demo, client, auth, desk):
    standard = find_user(Role.DEALER_USER, "aurora", STANDARD_DEALER)
    manager = find_user(Role.IMPORTER_MANAGER, "aurora")
    wiring.use(clock=desk.clock)
    params = {"title": "Баннер", "creative_id": "cr-1", "channel": "outdoor"}
    users = [standard.user_id, manager.user_id, standard.user_id]

    for hours in (0, 5):
        desk.clock.advance(hours=hours)
        wiring.notifier().notify("creative:aurora:cr-1:v1", "aurora", users,
                                 NotificationKind.CREATIVE_PUBLISHED, params)

    assert len(_feed(client, auth(user_id=standard.user_id))) == 1
    assert len(_feed(client, auth(user_id=manager.user_id))) == 1
    assert len(_sent_to(standard.email)) == 1
    assert len(_sent_to(manager.email)) == 1


def test_the_text_comes_in_the_users_language_from_the_brands_template(
        demo, client, auth):
    standard = find_user(Role.DEALER_USER, "aurora", STANDARD_DEALER)
    headers = {**auth(user_id=standard.user_id), "Content-Type": "application/json"}
    current = json_of(client.http.get("/v1/me/notification-preferences",
                                      headers=headers))
    client.http.put("/v1/me/notification-preferences", headers=headers,
                    body=json.dumps({"version": current["version"],
                                     "language": "en"}))
    admin = {**auth(Role.IMPORTER_ADMIN), "Content-Type": "application/json"}
    template = {"subject": "Aurora library: {title}", "body": "See {title}."}
    placed = client.http.put("/v1/notification-templates/creative_published/en",
                             headers=admin, body=json.dumps(template))
    assert placed.status_code in (200, 204), placed.body

    wiring.notifier().notify(
        "creative:aurora:cr-2:v1", "aurora", [standard.user_id],
        NotificationKind.CREATIVE_PUBLISHED,
        {"title": "Winter", "creative_id": "cr-2", "channel": "digital"})

    [told] = _feed(client, headers)
    assert (told["subject"], told["body"]) == ("Aurora library: Winter",
                                               "See Winter.")


def test_placement_approval_follows_the_dealers_preferences(desk):
    dealer = find_user(Role.DEALER_USER, "aurora", desk.dealer_code)
    _choose(desk.client, desk.dealer, placement_status_changed={"email": False})

    placement = desk.approved()

    feed = _feed(desk.client, desk.dealer)
    assert [n["kind"] for n in feed] == ["placement.approved"]
    assert feed[0]["subject"] == f"Размещение {placement['placement_id']}: approved"
    assert _sent_to(dealer.email) == []


def test_a_kind_muted_on_both_channels_tells_nothing(desk):
    dealer = find_user(Role.DEALER_USER, "aurora", desk.dealer_code)
    _choose(desk.client, desk.dealer,
            placement_status_changed={"email": False, "feed": False})

    desk.approved()

    assert _feed(desk.client, desk.dealer) == []
    assert _sent_to(dealer.email) == []
