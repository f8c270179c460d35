"""CDK entry point: synthesizes one stage (`-c stage=dev|prod`).

Offline: nothing here calls AWS. cdk-nag's AwsSolutions checks run on the
stack; `app.synth()` does not fail on their errors, so they are read back
from the assembly's annotations and end the run.
"""

import os
import sys
from pathlib import Path

import aws_cdk as cdk

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]


def main() -> int:
    app = cdk.App()
    for flag, value in FEATURE_FLAGS.items():
        app.node.set_context(flag, value)
    context = {key: app.node.try_get_context(key) for key in CONTEXT_KEYS}

    from dmm_infra.stages import stage_settings

    stage = stage_settings(context)
    # Table and queue names derive from the stage when chalicelib is imported.
    os.environ["DMM_STAGE"] = stage.name
    os.environ.setdefault("AWS_DEFAULT_REGION", stage.region)

    from dmm_infra.nag import check, errors_of
    from dmm_infra.stack import DmmStack

    stack = DmmStack(app, stage, _functions(), env=cdk.Environment(region=stage.region))
    check(stack)
    assembly = app.synth()
    errors = errors_of(assembly, stack)
    for error in errors:
        print(error, file=sys.stderr)
    return 1 if errors else 0


FEATURE_FLAGS = {
    # Access logs are delivered under a bucket policy, not the legacy ACL.
    "@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy": True,
}
CONTEXT_KEYS = (
    "stage",
    "region",
    "web_origins",
    "alarm_email",
    "sender_domain",
    "log_retention_days",
    "layer_placeholders",
)


def _functions() -> list:
    from dmm_infra.functions import app_functions

    import app as chalice_app

    return app_functions(chalice_app.app)


if __name__ == "__main__":
    sys.exit(main())
