import json

from chalicelib.media.handlers import objects_created


def notification(key: str, size: int = 1234) -> str:
    record = {"eventName": "ObjectCreated:Post",
              "eventTime": "2026-05-20T09:00:00.000Z",
              "s3": {"object": {"key": key, "size": size}}}
    return json.dumps({"Records": [record]})


def test_keys_are_url_decoded_with_plus_as_space_and_cyrillic_escapes():
    key = "aurora/AUR-KGD-01/archive/%D0%91%D0%B0%D0%BD%D0%BD%D0%B5%D1%80+1.jpg"

    [created] = objects_created(notification(key))

    assert created.key == "aurora/AUR-KGD-01/archive/Баннер 1.jpg"
    assert created.event_time.isoformat() == "2026-05-20T09:00:00+00:00"


def test_the_test_event_and_zero_byte_placeholders_are_skipped():
    test_event = json.dumps({"Service": "Amazon S3", "Event": "s3:TestEvent",
                             "Bucket": "dmm-test-photos"})

    assert objects_created(test_event) == []
    assert objects_created(notification("aurora/AUR-KGD-01/", size=0)) == []
