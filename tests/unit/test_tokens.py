"""Bearer tokens: only a valid access token of a trusted issuer and client
names a user; everything else is `invalid_token`."""

import time
from collections.abc import Callable

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib import wiring
from chalicelib.access.tokens import (
    InvalidToken,
    TokenVerifier,
    TrustedIssuer,
    static_key,
)
from chalicelib.settings import DEV_CLIENT_ID, DEV_ISSUER, Settings

ISSUER = "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Aurora"
CLIENT = "web-client"


def _pem(key: rsa.RSAPrivateKey) -> str:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def other_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def verifier(key) -> TokenVerifier:
    trusted = TrustedIssuer(ISSUER, frozenset({CLIENT}), static_key(_pem(key)))
    return TokenVerifier([trusted])


@pytest.fixture
def token(key) -> Callable[..., str]:
    def sign(signing_key=None, drop: tuple[str, ...] = (), **overrides) -> str:
        now = int(time.time())
        claims = {"iss": ISSUER, "sub": "user-42", "client_id": CLIENT,
                  "token_use": "access", "iat": now, "exp": now + 600,
                  **overrides}
        for name in drop:
            claims.pop(name)
        return jwt.encode(claims, signing_key or key, algorithm="RS256")

    return sign


def test_a_valid_access_token_names_its_subject(verifier, token):
    assert verifier.subject_of(token()) == "user-42"


def test_an_expired_token_is_refused(verifier, token):
    an_hour_ago = int(time.time()) - 3600

    with pytest.raises(InvalidToken):
        verifier.subject_of(token(exp=an_hour_ago, iat=an_hour_ago - 600))


def test_expiry_has_a_few_seconds_of_leeway_for_clock_skew(verifier, token):
    two_seconds_ago = int(time.time()) - 2

    assert verifier.subject_of(token(exp=two_seconds_ago)) == "user-42"


def test_a_token_of_an_untrusted_issuer_is_refused(verifier, token):
    with pytest.raises(InvalidToken):
        verifier.subject_of(token(iss="https://evil.example/pool"))


def test_a_token_signed_with_another_key_is_refused(verifier, token, other_key):
    with pytest.raises(InvalidToken):
        verifier.subject_of(token(signing_key=other_key))


def test_a_tampered_payload_breaks_the_signature(verifier, token):
    header, _payload, signature = token().split(".")
    forged = jwt.api_jws.base64url_encode(
        b'{"iss":"%s","sub":"aurora-admin-1","client_id":"%s",'
        b'"token_use":"access","iat":1,"exp":9999999999}'
        % (ISSUER.encode(), CLIENT.encode())
    ).decode()

    with pytest.raises(InvalidToken):
        verifier.subject_of(f"{header}.{forged}.{signature}")


def test_an_unsigned_token_is_refused(verifier):
    now = int(time.time())
    claims = {"iss": ISSUER, "sub": "user-42", "client_id": CLIENT,
              "token_use": "access", "iat": now, "exp": now + 600}
    unsigned = jwt.encode(claims, key=None, algorithm="none")

    with pytest.raises(InvalidToken):
        verifier.subject_of(unsigned)


def test_an_id_token_is_not_an_access_token(verifier, token):
    with pytest.raises(InvalidToken, match="not an access token"):
        verifier.subject_of(token(token_use="id"))


def test_a_token_of_another_app_client_is_refused(verifier, token):
    with pytest.raises(InvalidToken):
        verifier.subject_of(token(client_id="someone-elses-client"))


@pytest.mark.parametrize("claim", ["exp", "iat", "iss", "sub", "token_use",
                                   "client_id"])
def test_a_token_missing_a_required_claim_is_refused(verifier, token, claim):
    with pytest.raises(InvalidToken):
        verifier.subject_of(token(drop=(claim,)))


@pytest.mark.parametrize("garbage", ["", "not-a-jwt", "a.b.c", "Bearer x.y.z"])
def test_garbage_is_an_invalid_token_not_a_crash(verifier, garbage):
    with pytest.raises(InvalidToken):
        verifier.subject_of(garbage)


def _settings(stage: str, dev_key_pem: str | None) -> Settings:
    return Settings(stage=stage, region="eu-central-1", web_origins=(),
                    cognito_issuer=None, cognito_client_ids=(),
                    dev_public_key_pem=dev_key_pem)


def _dev_token(key: rsa.RSAPrivateKey) -> str:
    now = int(time.time())
    claims = {"iss": DEV_ISSUER, "sub": "aurora-admin-1", "client_id": DEV_CLIENT_ID,
              "token_use": "access", "iat": now, "exp": now + 600}
    return jwt.encode(claims, key, algorithm="RS256")


@pytest.fixture
def wired():
    wiring.reset()
    yield wiring
    wiring.reset()


def test_a_dev_stage_with_the_development_key_trusts_the_development_issuer(
    wired, key
):
    wired.use(settings=_settings("dev", _pem(key)))

    assert wired.token_verifier().subject_of(_dev_token(key)) == "aurora-admin-1"


def test_a_prod_stage_never_trusts_the_development_issuer_even_if_configured(
    wired, key
):
    prod = _settings("prod", _pem(key))
    wired.use(settings=prod)

    assert not prod.accepts_dev_issuer
    with pytest.raises(InvalidToken):
        wired.token_verifier().subject_of(_dev_token(key))


def test_no_development_key_means_no_development_issuer(wired, key):
    wired.use(settings=_settings("dev", None))

    with pytest.raises(InvalidToken):
        wired.token_verifier().subject_of(_dev_token(key))
