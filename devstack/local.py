"""Where the local stack lives and the environment its processes share."""

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
REGION = "eu-central-1"
STAGE = "local"
WEB_ORIGINS = "http://localhost:5173,http://127.0.0.1:5173"


@dataclass(frozen=True, slots=True)
class Ports:
    api: int = 8000
    emulator: int = 5005

    @classmethod
    def from_env(cls) -> "Ports":
        return cls(
            api=int(os.environ.get("DMM_API_PORT", "8000")),
            emulator=int(os.environ.get("DMM_EMULATOR_PORT", "5005")),
        )


def state_dir() -> Path:
    path = Path(os.environ.get("DMM_STATE_DIR", ROOT / ".local"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def emulator_url(ports: Ports) -> str:
    return f"http://{HOST}:{ports.emulator}"


def configure(ports: Ports) -> None:
    """Point this process's AWS clients and app settings at the local stack.

    Must run before `app` or any table model is imported: model `Meta` reads
    the stage when its module loads.
    """
    from devstack.keys import public_key_pem

    os.environ.update(
        {
            "AWS_ENDPOINT_URL": emulator_url(ports),
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            "DMM_STAGE": STAGE,
            "DMM_WEB_ORIGINS": os.environ.get("DMM_WEB_ORIGINS", WEB_ORIGINS),
            "DMM_DEV_PUBLIC_KEY": public_key_pem(),
            "POWERTOOLS_SERVICE_NAME": "dmm",
            "POWERTOOLS_METRICS_NAMESPACE": "dmm",
            "DMM_API_PORT": str(ports.api),
            "DMM_EMULATOR_PORT": str(ports.emulator),
            # Secrets written to the emulator apply at once.
            "DMM_SECRETS_MAX_AGE_SECONDS": "0",
        }
    )
