"""Builds the adapters from the environment, lazily and once per container.

`app.py` asks this module for what a route needs; tests replace the built
objects at the same point (`use`) with fakes or moto-backed adapters.
"""

import uuid
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import boto3
from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

from chalicelib import resources
from chalicelib.access.cognito import CognitoDirectory, LocalDirectory
from chalicelib.access.dynamo import DynamoUsers
from chalicelib.access.model import Caller
from chalicelib.access.ports import Directory, UserRepository
from chalicelib.access.service import identify
from chalicelib.access.tokens import (
    TokenVerifier,
    TrustedIssuer,
    published_keys,
    static_key,
)
from chalicelib.clock import Clock, utc_now
from chalicelib.jobs.dynamo import DynamoJobs
from chalicelib.jobs.ports import JobQueue, JobRepository, JobRunner
from chalicelib.jobs.sqs import SqsJobQueue
from chalicelib.media.dynamo import DynamoHashes, DynamoPhotos
from chalicelib.media.placements import ListedPlacementGate, listed_from_file
from chalicelib.media.ports import (
    HashSnapshots,
    HashStore,
    PhotoObjects,
    PhotoRepository,
    PlacementGate,
)
from chalicelib.media.s3 import S3HashSnapshots, S3PhotoObjects
from chalicelib.media.service import IndexCache
from chalicelib.network.dynamo import DynamoBrands, DynamoDealers
from chalicelib.network.ports import BrandRepository, DealerRepository
from chalicelib.settings import DEV_CLIENT_ID, DEV_ISSUER, Settings, resource_name
from chalicelib.web.idempotency import IdempotencyGuard

_overrides: dict[str, Any] = {}


def use(**replacements: Any) -> None:
    """Replace built objects by name (tests only), e.g. `use(clock=fixed)`."""
    _overrides.update(replacements)


def reset() -> None:
    _overrides.clear()
    for built in _BUILT:
        built.cache_clear()


def _overridable[T](build: Callable[[], T]) -> Callable[[], T]:
    cached = cache(build)
    _BUILT.append(cached)

    def get() -> T:
        if build.__name__ in _overrides:
            return _overrides[build.__name__]
        return cached()

    get.__name__ = build.__name__
    return get


_BUILT: list[Any] = []


@_overridable
def settings() -> Settings:
    return Settings.from_env()


@_overridable
def clock() -> Clock:
    return utc_now


@_overridable
def brands() -> BrandRepository:
    return DynamoBrands()


@_overridable
def dealers() -> DealerRepository:
    return DynamoDealers()


@_overridable
def users() -> UserRepository:
    return DynamoUsers()


@_overridable
def jobs() -> JobRepository:
    return DynamoJobs()


@_overridable
def job_queue() -> JobQueue:
    return SqsJobQueue(_client("sqs"), resources.JOBS.name)


@_overridable
def job_runners() -> dict[str, JobRunner]:
    """Job kinds and what runs them; each area adds its own kinds here."""
    return {}


@_overridable
def directory() -> Directory:
    pool_id = _user_pool_id(settings())
    if pool_id is None:
        return LocalDirectory()
    return CognitoDirectory(_client("cognito-idp"), pool_id)


@_overridable
def token_verifier() -> TokenVerifier:
    current = settings()
    issuers = []
    if current.cognito_issuer:
        jwks_url = f"{current.cognito_issuer}/.well-known/jwks.json"
        issuers.append(
            TrustedIssuer(
                issuer=current.cognito_issuer,
                client_ids=frozenset(current.cognito_client_ids),
                signing_key=published_keys(jwks_url),
            )
        )
    if current.accepts_dev_issuer and current.dev_public_key_pem:
        issuers.append(
            TrustedIssuer(
                issuer=DEV_ISSUER,
                client_ids=frozenset({DEV_CLIENT_ID}),
                signing_key=static_key(current.dev_public_key_pem),
            )
        )
    return TokenVerifier(issuers)


@_overridable
def idempotency() -> IdempotencyGuard:
    table = resource_name("idempotency")
    persistence = DynamoDBPersistenceLayer(table, boto3_client=_client("dynamodb"))
    return IdempotencyGuard(persistence)


@_overridable
def photos() -> PhotoRepository:
    return DynamoPhotos()


@_overridable
def photo_hashes() -> HashStore:
    return DynamoHashes(clock())


@_overridable
def photo_indexes() -> IndexCache:
    """Kept for the life of the warm container: the per-brand hash indexes."""
    return IndexCache(photo_hashes(), photo_snapshots())


@_overridable
def photo_snapshots() -> HashSnapshots:
    return S3HashSnapshots(_client("s3"), resources.PHOTOS.name)


@_overridable
def photo_objects() -> PhotoObjects:
    return S3PhotoObjects(_client("s3"), resources.PHOTOS.name)


@_overridable
def placement_gate() -> PlacementGate:
    # Limitation: placements are not wired in yet; the stand-in gate knows
    # only the demo placements of demo/photo-placements/placements.toml.
    listed = listed_from_file(_DEMO_PLACEMENTS)
    return ListedPlacementGate(clock(), listed)


@_overridable
def new_photo_id() -> Callable[[], str]:
    return lambda: f"ph-{uuid.uuid4().hex}"


_DEMO_PLACEMENTS = (
    Path(__file__).resolve().parent.parent / "demo" / "photo-placements"
    / "placements.toml"
)


def caller_of_token(token: str) -> Caller:
    return identify(users(), token_verifier(), token)


def web_origins() -> tuple[str, ...]:
    return settings().web_origins


def _client(service: str) -> Any:
    return boto3.session.Session().client(service, region_name=settings().region)


def _user_pool_id(current: Settings) -> str | None:
    if not current.cognito_issuer:
        return None
    return current.cognito_issuer.rstrip("/").rsplit("/", 1)[-1]
