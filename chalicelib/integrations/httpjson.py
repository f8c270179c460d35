"""JSON over HTTP for the outside sources: timeouts, retries, a rate limit.

Retries go through urllib3's `Retry` (already a dependency of botocore):
GETs are retried on connection errors, 429 and 5xx with exponential backoff,
honouring `Retry-After`. Every request first waits for the rate limiter, so
a source's published limit (Calltouch: 5 requests per second) holds across
retries too.
"""

import json
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import urllib3
from urllib3.exceptions import HTTPError, MaxRetryError
from urllib3.util import Retry, Timeout

from chalicelib.integrations.model import SourceUnavailable

RETRIED_STATUSES = (429, 500, 502, 503, 504)


class RateLimiter:
    """At most `per_second` starts per second: each start waits its turn."""

    def __init__(
        self,
        per_second: float,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._interval = 1.0 / per_second
        self._monotonic = monotonic
        self._sleep = sleep
        self._next_start = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = self._monotonic()
            start = max(now, self._next_start)
            self._next_start = start + self._interval
        if start > now:
            self._sleep(start - now)


class JsonClient:
    """GETs JSON from one base URL."""

    def __init__(
        self,
        source: str,
        base_url: str,
        limiter: RateLimiter,
        headers: Mapping[str, str] | None = None,
        retries: int = 5,
        backoff_seconds: float = 0.5,
        timeout_seconds: float = 10.0,
    ) -> None:
        self._source = source
        self._base_url = base_url.rstrip("/")
        self._limiter = limiter
        self._headers = {"Accept": "application/json", **(headers or {})}
        retry = _LimitedRetry(
            total=retries,
            backoff_factor=backoff_seconds,
            backoff_max=30,
            status_forcelist=RETRIED_STATUSES,
            allowed_methods=frozenset({"GET"}),
            respect_retry_after_header=True,
            raise_on_status=True,
        )
        retry.limiter = limiter
        self._pool = urllib3.PoolManager(
            retries=retry,
            timeout=Timeout(connect=min(5.0, timeout_seconds), read=timeout_seconds),
        )

    def get(self, path: str, params: Mapping[str, object]) -> Any:
        url = f"{self._base_url}{path}"
        fields = {key: str(value) for key, value in params.items()}
        self._limiter.wait()
        try:
            response = self._pool.request("GET", url, fields=fields,
                                          headers=self._headers)
        except MaxRetryError as exc:
            raise SourceUnavailable(self._source, _reason(exc)) from exc
        except HTTPError as exc:
            raise SourceUnavailable(self._source, type(exc).__name__) from exc
        if response.status >= 400:
            raise SourceUnavailable(self._source, f"HTTP {response.status}")
        try:
            return json.loads(response.data)
        except ValueError as exc:
            raise SourceUnavailable(self._source, "reply is not JSON") from exc


class _LimitedRetry(Retry):
    """A retry that also waits for the rate limiter before going again."""

    limiter: RateLimiter | None = None

    def new(self, **kw: Any) -> "_LimitedRetry":
        retry = super().new(**kw)
        retry.limiter = self.limiter
        return retry

    def sleep(self, response: Any = None) -> None:
        super().sleep(response)
        if self.limiter is not None:
            self.limiter.wait()


def _reason(exc: MaxRetryError) -> str:
    reason = exc.reason
    if reason is None:
        return "too many retries"
    text = str(reason)
    # The reason names the URL, and an older Calltouch method carries its
    # token in the query string: keep only the kind of failure.
    if "responses" in text:
        return "too many retries on HTTP error replies"
    return type(reason).__name__
