"""A fake Calltouch API following its public documentation, not our adapter.

It checks the token, takes dates day first on the calls journal and month
first on the requests journal (a swapped date finds nothing), pages the
calls journal by a small page of its own, and records when each request
arrived so tests can check the 5 requests per second limit.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from tests.fake_sources.loopback import LoopbackServer, Reply

CALLS = re.compile(r"^/calls-service/RestAPI/(\w+)/calls-diary/calls$")
NODE = re.compile(r"^/calls-service/RestAPI/(\w+)/getnodeid/$")
REQUESTS = "/calls-service/RestAPI/requests"


@dataclass
class Site:
    token: str
    calls: list[dict[str, Any]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)


class FakeCalltouch:
    def __init__(self, page_size: int = 2, port: int = 0) -> None:
        self.sites: dict[str, Site] = {}
        self._page_size = page_size
        self.server = LoopbackServer(self._route, port)

    def _route(self, path: str, query: dict[str, str], headers: dict[str, str],
               ) -> Reply:
        if match := NODE.match(path):
            site = self._site(match.group(1), query)
            return (200, {"nodeId": 7}, {}) if site else (401, {}, {})
        if match := CALLS.match(path):
            return self._calls(match.group(1), query)
        if path == REQUESTS:
            return self._requests(query)
        return 404, {"error": "no such method"}, {}

    def _site(self, site_id: str, query: dict[str, str]) -> Site | None:
        site = self.sites.get(site_id)
        if site is None or query.get("clientApiId") != site.token:
            return None
        return site

    def _calls(self, site_id: str, query: dict[str, str]) -> Reply:
        site = self._site(site_id, query)
        if site is None:
            return 401, {"error": "token"}, {}
        day = _day(query["dateFrom"], "%d/%m/%Y")
        chosen = [call for call in site.calls
                  if datetime.strptime(call["date"], "%d/%m/%Y %H:%M:%S").date()
                  == day]
        if "page" not in query:
            return 200, chosen, {}
        page = int(query["page"])
        size = min(self._page_size, int(query.get("limit", 1000)))
        pages = max(1, -(-len(chosen) // size))
        records = chosen[(page - 1) * size: page * size]
        return 200, {"page": page, "pageTotal": pages, "pageSize": size,
                     "recordsTotal": len(chosen), "records": records}, {}

    def _requests(self, query: dict[str, str]) -> Reply:
        site = self._site(query.get("siteId", ""), query)
        if site is None:
            return 401, {"error": "token"}, {}
        day = _day(query["dateFrom"], "%m/%d/%Y")
        chosen = [request for request in site.requests
                  if datetime.strptime(request["dateStr"], "%m/%d/%Y %H:%M:%S").date()
                  == day]
        return 200, chosen, {}


def _day(text: str, pattern: str) -> date | None:
    try:
        return datetime.strptime(text, pattern).date()
    except ValueError:
        return None
