"""A tiny HTTP server on 127.0.0.1 for fakes of outside systems."""

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

Reply = tuple[int, Any, dict[str, str]]
Route = Callable[[str, dict[str, str], dict[str, str]], Reply]


class LoopbackServer:
    """Serves GETs by `route(path, query, headers)`; records every request."""

    def __init__(self, route: Route, port: int = 0) -> None:
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.arrivals: list[float] = []
        """`time.monotonic()` of each request, failures included."""
        self.failures: list[int] = []
        """Statuses to answer, one per request, before the route answers."""
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                server.arrivals.append(time.monotonic())
                server.requests.append((parts.path, query))
                if server.failures:
                    status = server.failures.pop(0)
                    self._send(status, {"error": "busy"}, {"Retry-After": "0"})
                    return
                headers = {k.lower(): v for k, v in self.headers.items()}
                self._send(*route(parts.path, query, headers))

            def _send(self, status: int, body: Any, headers: dict[str, str]) -> None:
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> "LoopbackServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
