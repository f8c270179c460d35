"""The media library and surveys on the running local stack, end to end.

Starts `dmm up` on free ports, then as a client would: a manager registers a
creative for the `standard` category and uploads its file by presigned POST;
the local event runner makes previews and tells the standard dealers (feed
and e-mail); a standard dealer finds it by a stemmed Russian query and a flagship dealer
does not; a survey is answered and its results read. Prints what it saw as
JSON and stops the stack.

    PYTHONPATH=. .venv/bin/python scripts/smoke_media_library.py
"""

import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests
from PIL import Image

DMM = str(Path(sys.executable).parent / "dmm")


def main() -> None:
    api_port, emulator_port = _free_port(), _free_port()
    process = subprocess.Popen(
        [DMM, "up", "--port", str(api_port), "--emulator-port", str(emulator_port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    url = f"http://127.0.0.1:{api_port}"
    try:
        _wait(url)
        print(json.dumps(run(url), ensure_ascii=False, indent=2))
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


def run(url: str) -> dict[str, Any]:
    manager = _headers("--role", "importer_manager")
    standard = _headers("--role", "dealer_user", "--dealer", "AUR-KGD-01")
    flagship = _headers("--role", "dealer_user", "--dealer", "AUR-MSK-01")

    body = {"title": "Баннер «Лето» Aurora X5", "tags": ["лето"],
            "audience": {"kind": "category", "values": ["standard"]},
            "file": {"file_name": "Баннер лето 2026.jpg",
                     "content_type": "image/jpeg", "size": 60_000}}
    created = requests.post(f"{url}/v1/creatives", json=body, headers=manager,
                            timeout=10).json()
    form = created["upload"]
    requests.post(form["url"], data=form["fields"], timeout=10,
                  files={"file": ("x.jpg", _jpeg(), "image/jpeg")}).raise_for_status()
    creative_id = created["creative"]["creative_id"]
    published = _until_published(url, creative_id, manager)

    found = _ids(url, "?q=баннеры", standard)
    hidden = _ids(url, "?q=баннеры", flagship)
    # The event runner tells the dealers right after the version is stored.
    started = time.monotonic()
    told = _feed(url, standard, creative_id, wait_seconds=15)
    told_after = round(time.monotonic() - started, 2)
    not_told = _feed(url, flagship, creative_id)
    download = requests.get(f"{url}/v1/creatives/{creative_id}/download",
                            headers=standard, timeout=10).json()
    disposition = requests.get(download["url"], timeout=10).headers.get(
        "Content-Disposition")

    return {
        "creative_id": creative_id,
        "previews": sorted(published["current_version"]["preview_urls"]),
        "standard_dealer_finds_it_by_q_баннеры": creative_id in found,
        "flagship_dealer_finds_it": creative_id in hidden,
        "standard_dealer_is_told": told,
        "told_seconds_after_published": told_after,
        "flagship_dealer_is_told": not_told,
        "download_content_disposition": disposition,
        "survey": _survey(url, manager, standard),
    }


def _survey(url: str, manager: dict, dealer: dict) -> dict[str, Any]:
    now = datetime.now(UTC)
    body = {"title": "Оценка поддержки", "questions": [
        {"question_id": "nps", "kind": "rating", "text": "Оценка от 1 до 10"}],
        "audience": {"kind": "category", "values": ["standard"]},
        "opens_at": now.isoformat(),
        "closes_at": (now + timedelta(days=7)).isoformat()}
    survey = requests.post(f"{url}/v1/surveys", json=body, headers=manager,
                           timeout=10).json()
    answer = {"answers": [{"question_id": "nps", "rating": 9}]}
    requests.post(f"{url}/v1/surveys/{survey['survey_id']}/responses", json=answer,
                  headers=dealer, timeout=10).raise_for_status()
    results = requests.get(f"{url}/v1/surveys/{survey['survey_id']}/results",
                           headers=manager, timeout=10).json()
    overall = results["overall"]
    return {"invited_dealers": overall["invited_dealers"],
            "responses": overall["responses"],
            "response_rate_pct": overall["response_rate_pct"],
            "average": overall["questions"][0]["average"]}


def _until_published(url: str, creative_id: str, headers: dict) -> dict:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        creative = requests.get(f"{url}/v1/creatives/{creative_id}",
                                headers=headers, timeout=10).json()
        if creative["status"] == "published":
            return dict(creative)
        time.sleep(0.5)
    sys.exit("the upload was not processed within 30 s")


def _feed(url: str, headers: dict, creative_id: str, wait_seconds: float = 0
          ) -> list[str]:
    """Subjects of the caller's notifications about the creative, waiting up
    to `wait_seconds` for the first."""
    until = time.monotonic() + wait_seconds
    while True:
        page = requests.get(f"{url}/v1/notifications", headers=headers, timeout=10)
        found = [n["subject"] for n in page.json()["items"]
                 if n["entity"] == f"creative:{creative_id}"]
        if found or time.monotonic() >= until:
            return found
        time.sleep(0.5)


def _ids(url: str, query: str, headers: dict) -> list[str]:
    page = requests.get(f"{url}/v1/creatives{query}", headers=headers, timeout=10)
    return [c["creative_id"] for c in page.json()["items"]]


def _headers(*args: str) -> dict[str, str]:
    token = subprocess.run([DMM, "token", *args], check=True, capture_output=True,
                           text=True).stdout.strip()
    return {"Authorization": f"Bearer {token}"}


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1600, 900), "seagreen").save(out, format="JPEG")
    return out.getvalue()


def _wait(url: str) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.3)
    sys.exit("the local stack did not start")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


if __name__ == "__main__":
    main()
