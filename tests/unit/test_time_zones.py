import zoneinfo
from datetime import datetime

import chalicelib  # noqa: F401  (sets the time-zone source)
from chalicelib.network.model import is_known_time_zone


def test_time_zones_come_from_the_tzdata_package_not_the_host():
    kamchatka = zoneinfo.ZoneInfo("Asia/Kamchatka")

    offset = datetime(2026, 5, 31, 12, tzinfo=kamchatka).utcoffset()

    assert zoneinfo.TZPATH == ()
    assert offset is not None and offset.total_seconds() == 12 * 3600


def test_only_iana_zone_names_are_known():
    assert is_known_time_zone("Europe/Kaliningrad")
    assert not is_known_time_zone("Europe/Tver")
    assert not is_known_time_zone("MSK")
