"""The Idempotency-Key guard on Powertools idempotency, stored in DynamoDB."""

import pytest

from chalicelib import wiring
from chalicelib.web.idempotency import IdempotencyKeyReused

SCOPE = "aurora-admin-1#POST /v1/dealers"
BODY = '{"code": "AUR-TVR-01"}'


class Context:
    """What the guard reads of the Lambda context: the time left."""

    def __init__(self, remaining_ms: int) -> None:
        self.remaining_ms = remaining_ms

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


A_MINUTE_LEFT = Context(remaining_ms=60_000)


@pytest.fixture
def guard(aws):
    return wiring.idempotency()


class Work:
    """The request's work: counts its runs and answers with a new id each time."""

    def __init__(self) -> None:
        self.runs = 0

    def __call__(self) -> tuple[int, dict]:
        self.runs += 1
        return 201, {"code": "AUR-TVR-01", "run": self.runs, "name": "Аврора Тверь"}


def test_the_same_key_and_body_return_the_first_answer_and_run_once(guard):
    work = Work()

    first = guard.run("key-1", SCOPE, BODY, work, A_MINUTE_LEFT)
    again = guard.run("key-1", SCOPE, BODY, work, A_MINUTE_LEFT)

    assert first == again == (201, {"code": "AUR-TVR-01", "run": 1,
                                    "name": "Аврора Тверь"})
    assert work.runs == 1


def test_the_same_key_with_another_body_is_refused(guard):
    work = Work()
    guard.run("key-1", SCOPE, BODY, work, A_MINUTE_LEFT)

    with pytest.raises(IdempotencyKeyReused):
        guard.run("key-1", SCOPE, '{"code": "AUR-TVR-02"}', work, A_MINUTE_LEFT)

    assert work.runs == 1


def test_another_key_runs_the_work_again(guard):
    work = Work()

    guard.run("key-1", SCOPE, BODY, work, A_MINUTE_LEFT)
    second = guard.run("key-2", SCOPE, BODY, work, A_MINUTE_LEFT)

    assert second[1]["run"] == 2


def test_two_users_keys_never_meet(guard):
    work = Work()

    scopes = ["aurora-admin-1#POST /v1/dealers", "aurora-admin-2#POST /v1/dealers",
              "aurora-admin-1#POST /v1/users"]

    answers = [guard.run("key-1", scope, BODY, work, A_MINUTE_LEFT)
               for scope in scopes]

    assert [body["run"] for _, body in answers] == [1, 2, 3]


def test_work_that_fails_is_not_remembered_so_a_retry_runs_it(guard):
    attempts = []

    def flaky() -> tuple[int, dict]:
        attempts.append(1)
        if len(attempts) == 1:
            raise ConnectionError("DynamoDB throttled the write")
        return 201, {"ok": True}

    with pytest.raises(ConnectionError):
        guard.run("key-1", SCOPE, BODY, flaky, A_MINUTE_LEFT)
    retried = guard.run("key-1", SCOPE, BODY, flaky, A_MINUTE_LEFT)

    assert retried == (201, {"ok": True})
    assert len(attempts) == 2


class Dying(BaseException):
    """Stands for Lambda stopping the function mid-request (a timeout): no
    exception handler runs, so the first request's record stays in progress."""


def test_a_retry_while_the_first_request_still_runs_is_a_conflict(guard):
    from chalicelib.web.idempotency import RequestInProgress

    def die() -> tuple[int, dict]:
        raise Dying()

    with pytest.raises(Dying):
        guard.run("key-1", SCOPE, BODY, die, A_MINUTE_LEFT)

    with pytest.raises(RequestInProgress):
        guard.run("key-1", SCOPE, BODY, Work(), A_MINUTE_LEFT)


def test_a_retry_after_the_first_requests_function_timed_out_runs_the_work(guard):
    import time

    def die() -> tuple[int, dict]:
        raise Dying()

    with pytest.raises(Dying):
        guard.run("key-1", SCOPE, BODY, die, Context(remaining_ms=50))
    time.sleep(0.2)
    work = Work()
    answer = guard.run("key-1", SCOPE, BODY, work, A_MINUTE_LEFT)

    assert answer[0] == 201
    assert work.runs == 1
