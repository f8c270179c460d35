"""The emulator a benchmark measures against: moto's server on a free
loopback port, in the benchmark's own process, and the environment that
points the app at it.

Import this module before any app module (table models read the stage
when they are imported) and call `point_app_here()` first thing:

    import loopback
    PORT = loopback.point_app_here()
    ...
    server = loopback.start_emulator(PORT)
    try:
        ...
    finally:
        server.stop()
"""

import logging
import os
import socket
import tempfile
from typing import Any

_LEAKED = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "DMM_COGNITO_ISSUER",
           "DMM_COGNITO_CLIENT_IDS")
"""Settings of the shell that would send the app elsewhere than the emulator."""


def point_app_here(*, with_tokens: bool = False) -> int:
    """Set the bench stage's environment on a free port; return the port.
    `with_tokens` trusts the development issuer, for benchmarks that call
    the API with minted tokens."""
    port = _free_port()
    for name in _LEAKED:
        os.environ.pop(name, None)
    os.environ.update({
        "DMM_STAGE": "bench",
        "DMM_STATE_DIR": tempfile.mkdtemp(prefix="dmm-bench-"),
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_REGION": "eu-central-1",
        "AWS_DEFAULT_REGION": "eu-central-1",
        "POWERTOOLS_LOG_LEVEL": "ERROR",
    })
    if with_tokens:
        from devstack.keys import public_key_pem

        os.environ["DMM_DEV_PUBLIC_KEY"] = public_key_pem()
    return port


def start_emulator(port: int) -> Any:
    """moto's server on `port`, with DynamoDB writes atomic as in AWS and as
    in the local stack; the caller stops it."""
    from moto.server import ThreadedMotoServer

    from devstack.atomic_moto import make_writes_atomic

    make_writes_atomic()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line a request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    return server


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
