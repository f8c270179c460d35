"""The development key pair `dmm token` signs with; made once per checkout.

The private key stays in the state folder (`.local/`, ignored by git). The app
trusts its issuer only on non-prod stages (`Settings.accepts_dev_issuer`).
"""

import time
import uuid
from functools import cache

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib.settings import DEV_CLIENT_ID, DEV_ISSUER
from devstack.local import state_dir

KEY_FILE = "dev-jwt-key.pem"


def mint(user_id: str, ttl_seconds: int = 12 * 3600) -> str:
    """An access token for `user_id`, shaped like a Cognito access token."""
    now = int(time.time())
    claims = {
        "iss": DEV_ISSUER,
        "sub": user_id,
        "client_id": DEV_CLIENT_ID,
        "token_use": "access",
        "iat": now,
        "exp": now + ttl_seconds,
        "jti": str(uuid.uuid4()),
    }
    return jwt.encode(claims, _private_key(), algorithm="RS256")


def public_key_pem() -> str:
    public = _private_key().public_key()
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


@cache
def _private_key() -> rsa.RSAPrivateKey:
    path = state_dir() / KEY_FILE
    if not path.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        temporary = path.with_suffix(f".{uuid.uuid4().hex}.tmp")
        temporary.write_bytes(pem)
        temporary.chmod(0o600)
        temporary.replace(path)
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    assert isinstance(loaded, rsa.RSAPrivateKey)
    return loaded
