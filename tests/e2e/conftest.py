"""The local stack as `make run` starts it, for tests that talk HTTP to it.

`stack` (in test_local_stack.py) is that module's own, since it ends by
stopping it; scenario modules share `running_stack`, one per test worker.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
# NOTE: `python -m devstack.cli` run in this checkout, not the venv's `dmm`
# script: the editable install points at the checkout that installed it (a
# git worktree shares the main checkout's venv), so the script would start a
# stack of another checkout's code.
DMM = [sys.executable, "-m", "devstack.cli"]
BOOT_SECONDS = 240
"""A cold boot takes 30-40 s here, and over 80 s beside another test worker."""


def checkout_env(**extra: str) -> dict[str, str]:
    """The environment of a `dmm` process: this checkout's code first."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    return {**os.environ, "PYTHONPATH": path, "PYTHONUNBUFFERED": "1", **extra}


@dataclass
class Stack:
    url: str
    emulator_port: int
    process: subprocess.Popen
    _tokens: dict[tuple[str, ...], str] = field(default_factory=dict)

    def token(self, *args: str) -> str:
        """A token from `dmm token ARGS`; minted once per ARGS (it lasts 12 h)."""
        if args not in self._tokens:
            printed = self.dmm("token", *args)
            assert printed.returncode == 0, printed.stderr
            self._tokens[args] = printed.stdout.strip()
        return self._tokens[args]

    def headers(self, *args: str, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(*args)}", **extra}

    def dmm(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        """`dmm ARGS` against this stack's emulator."""
        env = checkout_env(DMM_EMULATOR_PORT=str(self.emulator_port))
        return subprocess.run([*DMM, *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=timeout)

    def job(self, name: str) -> Any:
        """Run the scheduled job `name` once, now (`dmm job`); its result."""
        done = self.dmm("job", name)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


_LOGS: dict[int, Path] = {}
"""Where each started stack writes its output, by process id."""


def start(api_port: int, emulator_port: int) -> subprocess.Popen:
    # NOTE: output to a file, not a pipe: the stack logs every request, and a
    # pipe nobody reads fills up (64 KiB) and then blocks the server.
    handle, name = tempfile.mkstemp(prefix="dmm-up-", suffix=".log")
    process = subprocess.Popen(
        [*DMM, "up", "--port", str(api_port), "--emulator-port", str(emulator_port)],
        stdout=handle,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
        env=checkout_env(),
    )
    os.close(handle)
    _LOGS[process.pid] = Path(name)
    return process


def output_of(process: subprocess.Popen) -> str:
    """What the stack printed so far."""
    return _LOGS[process.pid].read_text(encoding="utf-8", errors="replace")


def wait_healthy(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + BOOT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"dmm up exited early:\n{output_of(process)}")
        try:
            if requests.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise AssertionError("the local stack did not answer /health in time")


def stop(process: subprocess.Popen) -> tuple[int, str]:
    process.send_signal(signal.SIGINT)
    process.wait(timeout=30)
    output = output_of(process)
    _LOGS.pop(process.pid).unlink(missing_ok=True)
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
        if process.pid in _LOGS:
            _LOGS.pop(process.pid).unlink(missing_ok=True)


@pytest.fixture(scope="session")
def running_stack() -> Iterator[Stack]:
    yield from started_stack()
