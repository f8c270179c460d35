"""The Cognito user pool and the app clients whose tokens the API accepts.

Tokens identify a user and nothing more: brand, role and scope live in the
app's users table (the API contract). So no custom attributes, and the clients may
write no attribute that could matter (by default a client can write them).
"""

from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_cognito as cognito
from constructs import Construct

from dmm_infra.stages import StageSettings

ACCESS_TOKEN_HOURS = 1
REFRESH_TOKEN_DAYS = 30


@dataclass(frozen=True, slots=True)
class Identity:
    pool: cognito.UserPool
    clients: dict[str, cognito.UserPoolClient]

    @property
    def issuer(self) -> str:
        """`iss` of the pool's access tokens, as `DMM_COGNITO_ISSUER` wants it."""
        return cdk.Fn.join(
            "",
            [
                "https://cognito-idp.",
                cdk.Aws.REGION,
                ".amazonaws.com/",
                self.pool.user_pool_id,
            ],
        )

    @property
    def client_ids(self) -> str:
        return cdk.Fn.join(
            ",", [client.user_pool_client_id for client in self.clients.values()]
        )


def identity(scope: Construct, stage: StageSettings) -> Identity:
    # Limitation: invitations go out through Cognito's own e-mail, which
    # sends at most 50 messages a day. Sending them from the SES identity
    # (`UserPoolEmail.with_ses`) needs that identity verified first, so it is
    # a change to make after the first deploy of a stage, not part of it.
    pool = cognito.UserPool(
        scope,
        "Users",
        user_pool_name=f"dmm-{stage.name}",
        self_sign_up_enabled=False,
        sign_in_aliases=cognito.SignInAliases(email=True),
        sign_in_case_sensitive=False,
        auto_verify=cognito.AutoVerifiedAttrs(email=True),
        standard_attributes=cognito.StandardAttributes(
            email=cognito.StandardAttribute(required=True, mutable=True),
            fullname=cognito.StandardAttribute(required=False, mutable=True),
        ),
        password_policy=cognito.PasswordPolicy(
            min_length=12,
            require_lowercase=True,
            require_uppercase=True,
            require_digits=True,
            require_symbols=True,
            temp_password_validity=cdk.Duration.days(7),
        ),
        mfa=cognito.Mfa.OPTIONAL,
        mfa_second_factor=cognito.MfaSecondFactor(sms=False, otp=True),
        account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
        deletion_protection=True,
        removal_policy=cdk.RemovalPolicy.RETAIN,
    )
    clients = {kind: _client(pool, kind) for kind in ("web", "mobile")}
    return Identity(pool, clients)


def _client(pool: cognito.UserPool, kind: str) -> cognito.UserPoolClient:
    readable = cognito.ClientAttributes().with_standard_attributes(
        email=True, email_verified=True, fullname=True
    )
    writable = cognito.ClientAttributes().with_standard_attributes(fullname=True)
    return pool.add_client(
        kind.capitalize() + "Client",
        user_pool_client_name=f"dmm-{kind}",
        generate_secret=False,
        auth_flows=cognito.AuthFlow(user_srp=True),
        disable_o_auth=True,
        prevent_user_existence_errors=True,
        access_token_validity=cdk.Duration.hours(ACCESS_TOKEN_HOURS),
        id_token_validity=cdk.Duration.hours(ACCESS_TOKEN_HOURS),
        refresh_token_validity=cdk.Duration.days(REFRESH_TOKEN_DAYS),
        enable_token_revocation=True,
        read_attributes=readable,
        write_attributes=writable,
    )
