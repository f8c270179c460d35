"""`dmm`: the local stack's command line.

    dmm up                 emulator, tables, demo data, events, API on :8000
    dmm token --role ROLE  a token the local API accepts, for a demo user
    dmm seed               load the demo brands again
    dmm job NAME           run a scheduled job of the app once, now
    dmm photos import      hash a brand's archive of past report photos
"""

import argparse
import gc
import importlib
import json
import signal
import socket
import sys
import threading
from typing import Any

from devstack import local

ROLES = ["importer_admin", "importer_manager", "analyst", "dealer_user"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dmm", description=__doc__,
                                     formatter_class=argparse.RawTextHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)

    up = commands.add_parser("up", help="run the whole local stack")
    up.add_argument("--port", type=int, help="API port (default 8000)")
    up.add_argument("--emulator-port", type=int, help="moto port (default 5005)")
    up.add_argument("--no-seed", action="store_true", help="skip the demo data")

    token = commands.add_parser("token", help="print a token for a demo user")
    token.add_argument("--role", choices=ROLES, required=True)
    token.add_argument("--dealer", help="a dealer code the dealer user serves")
    token.add_argument("--brand", help="brand id (default: the first demo brand)")
    token.add_argument("--user", help="mint for this user id instead")
    token.add_argument("--ttl", type=int, default=12 * 3600, help="seconds")

    commands.add_parser("seed", help="load the demo brands into the local stack")

    job = commands.add_parser("job", help="run a scheduled job once")
    job.add_argument("name", help="the handler name, e.g. fail_abandoned_jobs")

    photos = commands.add_parser("photos", help="report photos")
    photo_commands = photos.add_subparsers(dest="photo_command", required=True)
    archive = photo_commands.add_parser(
        "import", help="hash an archive: folder or s3://bucket/prefix + manifest")
    archive.add_argument("--brand", required=True)
    archive.add_argument("--from", dest="source", required=True,
                         help="a local folder or s3://bucket/prefix")
    archive.add_argument("--manifest", required=True,
                         help="CSV with file, dealer, date (and placement_id)")

    args = parser.parse_args(argv)
    return int(COMMANDS[args.command](args) or 0)


def _up(args: argparse.Namespace) -> int:
    defaults = local.Ports.from_env()
    ports = local.Ports(api=args.port or defaults.api,
                        emulator=args.emulator_port or defaults.emulator)
    local.configure(ports)
    if _taken(ports.api):
        print(f"dmm up: port {ports.api} is in use (another `dmm up`?). Stop it, "
              "or choose another with --port or DMM_API_PORT.", file=sys.stderr)
        return 2
    from devstack import bootstrap, emulator, seed, server
    from devstack.events import EventRunner

    moto = emulator.ensure_running(ports.emulator)
    try:
        created = bootstrap.create_all()
        counts = {} if args.no_seed else _seeded(seed)
        module = importlib.import_module("app")
        runner = EventRunner(module)
        runner.start()
        httpd = server.local_server(module.app, local.HOST, ports.api)
        _stop_on_signals(httpd)
        _banner(ports, created, counts)
        httpd.server.serve_forever()
        runner.stop()
    finally:
        emulator.stop(moto)
    print("dmm: stopped", flush=True)
    # NOTE: with the whole app loaded, the interpreter's collections at exit
    # take seconds; frozen objects are skipped, and the process is ending.
    gc.freeze()
    return 0


def _token(args: argparse.Namespace) -> int:
    local.state_dir()
    from chalicelib.access.model import Role
    from devstack.demo import find_user
    from devstack.keys import mint

    try:
        user_id = args.user or find_user(Role(args.role), args.brand,
                                         args.dealer).user_id
    except LookupError as missing:
        print(f"dmm token: {missing} Dealers with demo users are listed in "
              "demo/*.toml.", file=sys.stderr)
        return 2
    print(mint(user_id, args.ttl))
    return 0


def _seed(args: argparse.Namespace) -> int:
    local.configure(local.Ports.from_env())
    from devstack import bootstrap, seed

    bootstrap.create_all()
    print(json.dumps(_seeded(seed)))
    return 0


def _job(args: argparse.Namespace) -> int:
    local.configure(local.Ports.from_env())
    from devstack.events import run_scheduled

    try:
        result = run_scheduled(importlib.import_module("app"), args.name)
    except LookupError as unknown:
        print(f"dmm job: {unknown}", file=sys.stderr)
        return 2
    print(json.dumps(result, ensure_ascii=False, default=str))
    return 0


def _photos(args: argparse.Namespace) -> int:
    local.configure(local.Ports.from_env())
    from pathlib import Path

    from devstack.photo_import import import_archive

    counts = import_archive(args.brand, args.source, Path(args.manifest))
    print(json.dumps(counts))
    return 0


def _taken(port: int) -> bool:
    """Whether something already accepts connections on the API's port."""
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((local.HOST, port)) == 0


def _stop_on_signals(httpd: Any) -> None:
    def stop(signum: int, frame: Any) -> None:
        # shutdown() waits for serve_forever to return: call it elsewhere.
        threading.Thread(target=httpd.shutdown, daemon=True).start()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)


def _banner(ports: local.Ports, created: dict, counts: dict) -> None:
    api = f"http://{local.HOST}:{ports.api}"
    lines = [
        f"dmm: emulator {local.emulator_url(ports)} "
        f"(created {sum(len(v) for v in created.values())} resources)",
        f"dmm: demo data {json.dumps(counts)}" if counts else "dmm: no demo data",
        f"dmm: API   {api}",
        f"dmm: docs  {api}/docs",
        "dmm: token TOKEN=$(.venv/bin/dmm token --role importer_manager)",
        f"dmm:       curl -H \"Authorization: Bearer $TOKEN\" {api}/v1/dealers",
        "dmm: Ctrl-C stops everything",
    ]
    print("\n".join(lines), flush=True)


def _seeded(seed: Any) -> dict[str, int]:
    """The demo brands, and last month's bonus facts of their dealers."""
    from devstack.bonus_demo import seed_bonus_facts

    return {**seed.seed(), "bonus_facts": seed_bonus_facts()}


COMMANDS = {"up": _up, "token": _token, "seed": _seed, "job": _job,
            "photos": _photos}

if __name__ == "__main__":
    sys.exit(main())
