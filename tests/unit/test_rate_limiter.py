from itertools import pairwise

from chalicelib.integrations.httpjson import RateLimiter


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_five_requests_per_second_start_a_fifth_of_a_second_apart():
    time = FakeTime()
    limiter = RateLimiter(5, monotonic=time.monotonic, sleep=time.sleep)
    starts = []

    for _ in range(11):
        limiter.wait()
        starts.append(time.now)

    assert round(starts[-1] - starts[0], 6) == 2.0
    gaps = {round(b - a, 6) for a, b in pairwise(starts)}
    assert gaps == {0.2}
