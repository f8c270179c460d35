"""Synthesizes each stage once per session, as `make synth` does, offline.

Synthesis runs in its own process (the stage fixes table names when
chalicelib is imported, and chalice.cdk writes into the working directory).
Layers are empty stand-ins here: the templates' shape is what is tested;
`make package-check` checks the real layers.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
WEB_ORIGIN = "https://marketing.aurora.example"
# prod only: dev differs by names and context, and `make synth` runs cdk-nag
# and cfn-lint on it too; each synthesis takes 15 to 50 seconds here.
STAGES = ("prod",)


class Template:
    def __init__(self, stage: str, body: dict[str, Any]) -> None:
        self.stage = stage
        self.body = body
        self.resources: dict[str, Any] = body["Resources"]

    def of_type(self, kind: str) -> dict[str, dict[str, Any]]:
        return {
            key: value["Properties"]
            for key, value in self.resources.items()
            if value["Type"] == kind
        }

    def logical_id_of(self, kind: str, **match: Any) -> str:
        found = [
            key
            for key, props in self.of_type(kind).items()
            if all(props.get(name) == value for name, value in match.items())
        ]
        assert len(found) == 1, f"{kind} {match}: {found}"
        return found[0]


def synthesize(stage: str, outdir: Path) -> tuple[subprocess.CompletedProcess, Path]:
    context = {
        "stage": stage,
        "web_origins": WEB_ORIGIN,
        "sender_domain": "mail.aurora.example",
        "alarm_email": "ops@aurora.example",
        "layer_placeholders": "true",
    }
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DMM_", "AWS_ENDPOINT"))
    }
    environment.update(
        {
            "CDK_OUTDIR": str(outdir),
            "AWS_DEFAULT_REGION": "eu-central-1",
            "CDK_CONTEXT_JSON": json.dumps(context),
        }
    )
    done = subprocess.run(
        [sys.executable, str(REPO / "infra" / "synth.py")],
        cwd=outdir.parent,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done, outdir / f"{stage}.template.json"


@pytest.fixture(scope="session", params=STAGES)
def synthesized(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Path, str]:
    stage = request.param
    done, path = synthesize(stage, tmp_path_factory.mktemp(stage) / "cdk.out")
    assert done.returncode == 0, done.stderr[-3000:]
    return stage, path, done.stderr


@pytest.fixture(scope="session")
def template(synthesized: tuple[str, Path, str]) -> Template:
    stage, path, _ = synthesized
    return Template(stage, json.loads(path.read_text()))


@pytest.fixture(scope="session")
def stage_functions(template: Template) -> list[Any]:
    """The app's functions as infra declares them, for the synthesized stage."""
    done = subprocess.run(
        [sys.executable, "-c", _FUNCTIONS_SCRIPT],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "DMM_STAGE": template.stage},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


_FUNCTIONS_SCRIPT = """
import json, sys
sys.path[:0] = ["infra", "."]
import app
from dmm_infra.functions import app_functions
print(json.dumps([{
    "name": f.name, "logical_id": f.logical_id, "role": f.role_logical_id,
    "memory": f.spec.memory_mb, "timeout": f.spec.timeout_seconds,
    "layers": list(f.spec.layers), "queue": f.queue, "schedule": f.schedule,
    "sqs_event": f.sqs_event_id,
    "buckets": sorted(grant.bucket.kind for grant in f.spec.access.buckets),
} for f in app_functions(app.app)]))
"""
