"""A fake distributor platform following chalicelib/integrations/DISTRIBUTOR.md."""

from typing import Any

from tests.fake_sources.loopback import LoopbackServer, Reply


class FakeDistributor:
    def __init__(self, token: str = "platform-token", page_size_cap: int = 2,
                 port: int = 0) -> None:
        self.token = token
        self.sales: list[dict[str, Any]] = []
        self.traffic: list[dict[str, Any]] = []
        self._cap = page_size_cap
        self.server = LoopbackServer(self._route, port)

    def _route(self, path: str, query: dict[str, str], headers: dict[str, str],
               ) -> Reply:
        if headers.get("authorization") != f"Bearer {self.token}":
            return 401, {"error": "bad token"}, {}
        rows = {"/v1/sales": self.sales, "/v1/traffic": self.traffic}.get(path)
        if rows is None:
            return 404, {"error": "no such path"}, {}
        period = query["period"]
        chosen = [row for row in rows if str(row.get("date", "")).startswith(period)]
        # The fake pages by a small size of its own, whatever is asked, so
        # paging is exercised with a handful of rows.
        size = min(int(query["page_size"]), self._cap)
        page = int(query["page"])
        pages = max(1, -(-len(chosen) // size))
        items = chosen[(page - 1) * size: page * size]
        return 200, {"period": period, "page": page, "pages": pages,
                     "items": items}, {}
