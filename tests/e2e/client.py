"""A client of the running stack for scenario tests: JSON over HTTP with one
user's token, and bounded waiting for jobs and other eventual outcomes."""

import time
from collections.abc import Callable
from typing import Any

import requests

from tests.e2e.conftest import Stack

POLL_SECONDS = 0.2
WAIT_SECONDS = 90
TIMEOUT_SECONDS = 30


class Client:
    """Requests as one user: `Client(stack, "--role", "analyst")` takes the
    arguments of `dmm token`; the token is minted once."""

    def __init__(self, stack: Stack, *token_args: str, **headers: str) -> None:
        self.url = stack.url
        self.headers = stack.headers(*token_args, **headers)

    def get(self, path: str, **params: str) -> requests.Response:
        return requests.get(f"{self.url}{path}", params=params,
                            headers=self.headers, timeout=TIMEOUT_SECONDS)

    def post(self, path: str, body: Any = None,
             timeout: float = TIMEOUT_SECONDS) -> requests.Response:
        return requests.post(f"{self.url}{path}", json=body, headers=self.headers,
                             timeout=timeout)

    def put(self, path: str, body: Any) -> requests.Response:
        return requests.put(f"{self.url}{path}", json=body, headers=self.headers,
                            timeout=TIMEOUT_SECONDS)

    def finished_job(self, job_id: str) -> dict[str, Any]:
        """GET /v1/jobs/{id} until it has succeeded or failed."""
        job: dict[str, Any] = wait_for(
            lambda: self.get(f"/v1/jobs/{job_id}").json(),
            lambda job: job.get("status") in ("succeeded", "failed"),
            f"job {job_id}")
        return job

    def job_result(self, started: requests.Response) -> dict[str, Any]:
        """The result of the job a 202 reply started; the job must succeed."""
        assert started.status_code == 202, started.text
        job = self.finished_job(started.json()["job_id"])
        assert job["status"] == "succeeded", job
        result: dict[str, Any] = job["result"]
        return result


def wait_for[T](read: Callable[[], T], ready: Callable[[T], bool], what: str,
                seconds: float = WAIT_SECONDS) -> T:
    """`read()` again every POLL_SECONDS until `ready` says so; fails after
    `seconds` with the last value read."""
    deadline = time.monotonic() + seconds
    while True:
        value = read()
        if ready(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not ready after {seconds} s: {value!r}")
        time.sleep(POLL_SECONDS)


def every_dealer_code(client: Client) -> list[str]:
    codes: list[str] = []
    cursor = None
    while True:
        page = client.get("/v1/dealers", limit="100",
                          **({"cursor": cursor} if cursor else {})).json()
        codes += [dealer["code"] for dealer in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return codes
