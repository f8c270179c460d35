"""Sign-in accounts in Cognito (moto's cognito-idp), and Cognito's access
tokens verified against the pool's published keys."""

import boto3
import jwt
import pytest

from chalicelib import wiring
from chalicelib.access.cognito import CognitoDirectory
from chalicelib.access.tokens import (
    InvalidToken,
    TokenVerifier,
    TrustedIssuer,
    published_keys,
)
from chalicelib.errors import AlreadyExists
from chalicelib.settings import Settings

PASSWORD = "Aurora-Kamchatka-2026!"


@pytest.fixture
def cognito(aws):
    return boto3.client("cognito-idp")


@pytest.fixture
def pool_id(cognito) -> str:
    pool = cognito.create_user_pool(PoolName="dmm-test-users",
                                    UsernameAttributes=["email"])
    return str(pool["UserPool"]["Id"])


@pytest.fixture
def directory(cognito, pool_id) -> CognitoDirectory:
    return CognitoDirectory(cognito, pool_id)


def _account(cognito, pool_id: str, email: str) -> dict:
    return cognito.admin_get_user(UserPoolId=pool_id, Username=email)


def test_an_invitation_creates_the_account_and_returns_its_subject(
    cognito, pool_id, directory
):
    sub = directory.invite("maria.novikova@example.com", "Мария Новикова")

    account = _account(cognito, pool_id, "maria.novikova@example.com")
    attributes = {a["Name"]: a["Value"] for a in account["UserAttributes"]}
    assert attributes["sub"] == sub
    assert attributes["name"] == "Мария Новикова"
    assert attributes["email"] == "maria.novikova@example.com"
    assert account["UserStatus"] == "FORCE_CHANGE_PASSWORD"


def test_the_same_e_mail_is_invited_once(directory):
    directory.invite("maria.novikova@example.com", "Мария Новикова")

    with pytest.raises(AlreadyExists):
        directory.invite("maria.novikova@example.com", "Мария Другая")


def test_a_disabled_account_can_be_enabled_again(cognito, pool_id, directory):
    directory.invite("maria.novikova@example.com", "Мария Новикова")

    directory.set_enabled("maria.novikova@example.com", False)
    disabled = _account(cognito, pool_id, "maria.novikova@example.com")["Enabled"]
    directory.set_enabled("maria.novikova@example.com", True)
    enabled = _account(cognito, pool_id, "maria.novikova@example.com")["Enabled"]

    assert (disabled, enabled) == (False, True)


def test_the_wiring_invites_through_the_pool_named_by_the_issuer(cognito, pool_id):
    issuer = f"https://cognito-idp.eu-central-1.amazonaws.com/{pool_id}"
    wiring.use(settings=Settings(stage="test", region="eu-central-1", web_origins=(),
                                 cognito_issuer=issuer, cognito_client_ids=("web",),
                                 dev_public_key_pem=None))

    sub = wiring.directory().invite("oleg.tomsky@example.com", "Олег Томский")

    account = _account(cognito, pool_id, "oleg.tomsky@example.com")
    assert {a["Name"]: a["Value"] for a in account["UserAttributes"]}["sub"] == sub


def _access_token(cognito, pool_id: str, client_id: str, email: str) -> str:
    cognito.admin_create_user(UserPoolId=pool_id, Username=email,
                              TemporaryPassword=PASSWORD,
                              MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool_id, Username=email,
                                    Password=PASSWORD, Permanent=True)
    reply = cognito.admin_initiate_auth(
        UserPoolId=pool_id, ClientId=client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD},
    )
    return str(reply["AuthenticationResult"]["AccessToken"])


def test_a_cognito_access_token_is_verified_with_the_pools_published_keys(
    aws, cognito, pool_id
):
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="web",
        ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"],
    )["UserPoolClient"]["ClientId"]
    token = _access_token(cognito, pool_id, client_id, "olga.kuznetsova@example.com")
    claims = jwt.decode(token, options={"verify_signature": False})
    keys = published_keys(f"{aws}/{pool_id}/.well-known/jwks.json")

    trusting = TokenVerifier([TrustedIssuer(claims["iss"], frozenset({client_id}),
                                            keys)])
    other_client = TokenVerifier([TrustedIssuer(claims["iss"],
                                                frozenset({"mobile"}), keys)])

    assert claims["token_use"] == "access"
    assert trusting.subject_of(token) == claims["sub"]
    with pytest.raises(InvalidToken):
        other_client.subject_of(token)
