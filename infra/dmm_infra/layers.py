"""Lambda layers the project builds itself (`scripts/build-layers`).

Chalice builds one package that every function gets; what only some
functions import (the imaging stack, the parquet writer) is a layer from
`layers/<name>.txt`, attached only to the functions that declare it.
"""

from pathlib import Path

from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from dmm_infra.stages import REPO

BUILD = REPO / "build" / "layers"


class LayerNotBuilt(Exception):
    """A function declares a layer whose directory has not been built."""


def layer_directory(name: str) -> Path:
    return BUILD / name


def layer(
    scope: Construct, name: str, placeholder: bool = False
) -> lambda_.LayerVersion:
    """The built layer `name`; with `placeholder`, an empty stand-in instead.

    NOTE: placeholders exist for the template tests only, so they need not
    download the layers' wheels: a template synthesized with them has the
    right shape but empty layers, and is never deployed (`make synth` and
    `make deploy` use the built layers; `make package-check` checks them).
    """
    directory = _placeholder() if placeholder else layer_directory(name)
    if not (directory / "python").is_dir():
        raise LayerNotBuilt(
            f"Layer {name!r} is not built at {directory}: run `make layers` first."
        )
    return lambda_.LayerVersion(
        scope,
        f"Layer{name.capitalize()}",
        code=lambda_.Code.from_asset(str(directory)),
        compatible_runtimes=[lambda_.Runtime.PYTHON_3_13],
        compatible_architectures=[lambda_.Architecture.X86_64],
        description=f"layers/{name}.txt for python3.13 (manylinux, x86_64)",
    )


def _placeholder() -> Path:
    directory = REPO / "build" / "layer-placeholder"
    (directory / "python").mkdir(parents=True, exist_ok=True)
    (directory / "python" / "PLACEHOLDER").write_text("template tests only\n")
    return directory
