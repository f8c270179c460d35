"""The local AWS emulator: moto in server mode, on loopback only, with
DynamoDB writes atomic as in AWS (see `devstack.atomic_moto`)."""

import socket
import subprocess
import sys
import time

from devstack.local import HOST


class EmulatorDidNotStart(RuntimeError):
    """moto's server did not accept connections in time."""


def ensure_running(port: int, timeout_seconds: float = 30) -> subprocess.Popen | None:
    """Start moto on `port` unless one already listens there; return the
    process this call started (None when an emulator was already running)."""
    if _listening(port):
        return None
    process = subprocess.Popen(
        [sys.executable, "-m", "devstack.atomic_moto", "-H", HOST, "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # Its own process group: Ctrl-C in a terminal reaches `dmm up`, which
        # stops the event runner first and the emulator last (`stop`), so no
        # handler is left talking to an emulator already gone.
        start_new_session=True,
    )
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        if _listening(port):
            return process
        if process.poll() is not None:
            break
        time.sleep(0.1)
    process.kill()
    raise EmulatorDidNotStart(f"moto did not start on {HOST}:{port}.")


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def _listening(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((HOST, port)) == 0
