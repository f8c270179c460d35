"""Verification of bearer tokens: signature, expiry, issuer, use and client.

In AWS the clients send Cognito access tokens, checked against the user
pool's published keys; locally `dmm token` signs tokens of a development
issuer with a key pair made on this machine. A token only identifies the user.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from chalicelib.errors import Unauthenticated

# Cognito access tokens carry no `aud`; `client_id` names the app client.
REQUIRED_CLAIMS = ["exp", "iat", "iss", "sub", "token_use", "client_id"]

KeyResolver = Callable[[str], Any]


class InvalidToken(Unauthenticated):
    """The bearer token is malformed, expired, or not from a trusted issuer."""

    code = "invalid_token"


@dataclass(frozen=True, slots=True)
class TrustedIssuer:
    issuer: str
    client_ids: frozenset[str]
    signing_key: KeyResolver
    """Returns the public key for a token; raises `jwt.PyJWTError` if none."""


class TokenVerifier:
    def __init__(self, issuers: list[TrustedIssuer], leeway_seconds: int = 5):
        self._issuers = {issuer.issuer: issuer for issuer in issuers}
        self._leeway = leeway_seconds

    def subject_of(self, token: str) -> str:
        """The `sub` of a valid access token; `InvalidToken` otherwise."""
        try:
            claims = self._verified_claims(token)
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"The token is not valid: {exc}") from exc
        if claims["token_use"] != "access":
            raise InvalidToken("The token is not an access token.")
        subject = claims["sub"]
        if not isinstance(subject, str) or not subject.strip():
            raise InvalidToken("The token names no subject.")
        return subject

    def _verified_claims(self, token: str) -> Mapping[str, Any]:
        unverified = jwt.decode(token, options={"verify_signature": False})
        trusted = self._issuers.get(str(unverified.get("iss")))
        if trusted is None:
            raise jwt.InvalidIssuerError("issuer is not trusted")
        claims = jwt.decode(
            token,
            key=trusted.signing_key(token),
            algorithms=["RS256"],
            issuer=trusted.issuer,
            leeway=self._leeway,
            options={"require": REQUIRED_CLAIMS, "verify_aud": False},
        )
        if claims["client_id"] not in trusted.client_ids:
            raise jwt.InvalidTokenError("client_id is not accepted")
        return claims


def static_key(public_key_pem: str) -> KeyResolver:
    """A resolver for the development key pair: one public key for every token."""
    key = load_pem_public_key(public_key_pem.encode())
    return lambda _token: key


def published_keys(jwks_url: str) -> KeyResolver:
    """A resolver for a Cognito user pool's published keys, cached per container."""
    client = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=3600, timeout=5)
    return lambda token: client.get_signing_key_from_jwt(token).key
