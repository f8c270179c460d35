"""cdk-nag's AwsSolutions checks, with every suppression's reason written down.

cdk-nag does not look inside `AWS::Serverless::*` resources (the functions
and the REST API Chalice makes); `tests/infra` asserts on those.
"""

import aws_cdk as cdk
from aws_cdk import cx_api
from cdk_nag import AwsSolutionsChecks, NagPackSuppression, NagSuppressions

STACK_SUPPRESSIONS = [
    NagPackSuppression(
        id="AwsSolutions-IAM5",
        reason=(
            "Object keys are chosen at run time (brand/dealer/placement/photo), so "
            "object actions name `bucket/*`; log streams are named by Lambda. "
            "Actions themselves are always listed by name (tests/infra checks)."
        ),
    ),
    NagPackSuppression(
        id="AwsSolutions-SNS2",
        reason=(
            "The alarm topic carries alarm names and states only; a KMS key would "
            "need a key policy for CloudWatch and adds cost for no protected data."
        ),
    ),
    NagPackSuppression(
        id="AwsSolutions-SMG4",
        reason=(
            "Integration tokens are issued by the vendors (distributor platform, "
            "Calltouch); they are rotated there and pasted in, not generated here."
        ),
    ),
    NagPackSuppression(
        id="AwsSolutions-COG2",
        reason=(
            "MFA is optional (TOTP): dealer marketers sign in from shared phones "
            "at dealerships; the app's users table holds every right, and an "
            "admin can disable a user at once."
        ),
    ),
    NagPackSuppression(
        id="AwsSolutions-COG8",
        reason=(
            "The Plus feature plan (threat protection) costs per active user; the "
            "pool has no self sign-up and every user is invited by an admin."
        ),
    ),
    NagPackSuppression(
        id="AwsSolutions-COG3",
        reason=(
            "Threat protection (advanced security) is a paid Cognito tier; the "
            "pool has no self sign-up and every user is invited by an admin."
        ),
    ),
]

ACCESS_LOGS_SUPPRESSIONS = [
    NagPackSuppression(
        id="AwsSolutions-S1",
        reason="This is the access-log bucket itself; logging it into itself loops.",
    ),
]


def check(stack: cdk.Stack) -> None:
    cdk.Aspects.of(stack).add(AwsSolutionsChecks(verbose=True))
    NagSuppressions.add_stack_suppressions(stack, STACK_SUPPRESSIONS)
    access_logs = stack.node.try_find_child("AccessLogs")
    if access_logs is not None:
        NagSuppressions.add_resource_suppressions(
            access_logs, ACCESS_LOGS_SUPPRESSIONS, apply_to_children=True
        )


def errors_of(assembly: cx_api.CloudAssembly, stack: cdk.Stack) -> list[str]:
    """cdk-nag's (and CDK's own) error annotations of the stack."""
    artifact = assembly.get_stack_artifact(stack.artifact_id)
    return [
        f"{message.id}: {message.entry.data}"
        for message in artifact.messages
        if message.level == cx_api.SynthesisMessageLevel.ERROR
    ]
