"""Dealer marketing management: the code behind the Chalice app in app.py."""

import zoneinfo

# NOTE: time zones come from the pinned tzdata package only, never from the
# host's database: Lambda images have shipped without one, and a host's copy
# may be older or newer than what tests ran against.
zoneinfo.reset_tzpath(to=())
