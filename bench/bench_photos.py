"""Photo duplicate detection: precision and recall, hashing time, lookup cost.

Starts a throwaway moto server on a free loopback port for the lookup
figures (labelled "emulator"), then prints `devstack.photobench`'s JSON.
"""

import os
import socket
import sys


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


PORT = _free_port()
os.environ.update({
    "DMM_STAGE": "bench",
    "AWS_ENDPOINT_URL": f"http://127.0.0.1:{PORT}",
    "AWS_REGION": "eu-central-1",
    "AWS_DEFAULT_REGION": "eu-central-1",
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
})


def main() -> int:
    from devstack import bootstrap, emulator, photobench

    moto = emulator.ensure_running(PORT)
    try:
        bootstrap.create_tables()
        bootstrap.create_queues()
        bootstrap.create_buckets()
        return photobench.main()
    finally:
        emulator.stop(moto)


if __name__ == "__main__":
    sys.exit(main())
