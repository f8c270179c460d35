"""The local stack as `make run` starts it, for tests that talk HTTP to it.

`stack` (in test_local_stack.py) is that module's own, since it ends by
stopping it; scenario modules share `running_stack`, one per test worker.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

DMM = str(Path(sys.executable).parent / "dmm")
BOOT_SECONDS = 90


@dataclass
class Stack:
    url: str
    emulator_port: int
    process: subprocess.Popen

    def token(self, *args: str) -> str:
        printed = subprocess.run([DMM, "token", *args], check=True,
                                 capture_output=True, text=True)
        return printed.stdout.strip()

    def headers(self, *args: str, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(*args)}", **extra}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(api_port: int, emulator_port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [DMM, "up", "--port", str(api_port), "--emulator-port", str(emulator_port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def wait_healthy(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + BOOT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            raise AssertionError(f"dmm up exited early:\n{output}")
        try:
            if requests.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise AssertionError("the local stack did not answer /health in time")


def stop(process: subprocess.Popen) -> tuple[int, str]:
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=30)
    return process.returncode, output


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def started_stack() -> Iterator[Stack]:
    api_port, emulator_port = free_port(), free_port()
    process = start(api_port, emulator_port)
    url = f"http://127.0.0.1:{api_port}"
    try:
        wait_healthy(url, process)
        yield Stack(url, emulator_port, process)
    finally:
        if process.poll() is None:
            stop(process)


@pytest.fixture(scope="session")
def running_stack() -> Iterator[Stack]:
    yield from started_stack()
