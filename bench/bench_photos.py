"""Photo duplicate detection: precision and recall, hashing time, lookup cost.

Starts a throwaway moto server on a free loopback port for the lookup
figures (labelled "emulator"), then prints `devstack.photobench`'s JSON.
"""

import sys

import loopback

PORT = loopback.point_app_here()


def main() -> int:
    from devstack import bootstrap, photobench

    server = loopback.start_emulator(PORT)
    try:
        bootstrap.create_tables()
        bootstrap.create_queues()
        bootstrap.create_buckets()
        return photobench.main()
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
