"""Builds the adapters from the environment, lazily and once per container.

`app.py` asks this module for what a route needs; tests replace the built
objects at the same point (`use`) with fakes or moto-backed adapters.
"""

from collections.abc import Callable
from functools import cache
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
from chalicelib.audit.dynamo import DynamoAuditLog
from chalicelib.audit.ports import AuditLog
from chalicelib.bonus.dynamo import (
    DynamoBrandDirectory,
    DynamoLedgerOutbox,
    DynamoPeriods,
    DynamoPrograms,
    DynamoRuns,
    StoredFacts,
    StoredFactsReadiness,
)
from chalicelib.bonus.ports import LedgerPoster, PeriodReadiness
from chalicelib.bonus.s3 import S3Exports
from chalicelib.bonus.service import BonusPorts
from chalicelib.bonus.sqs import SqsBatchQueue
from chalicelib.budgets.dynamo import DynamoBudgets, DynamoLedger
from chalicelib.budgets.ports import BudgetRepository, Ledger
from chalicelib.budgets.service import BudgetPorts
from chalicelib.channels.dynamo import DynamoChannels
from chalicelib.channels.ports import ChannelRepository
from chalicelib.clock import Clock, utc_now
from chalicelib.jobs.dynamo import DynamoJobs
from chalicelib.jobs.ports import JobQueue, JobRepository, JobRunner
from chalicelib.jobs.sqs import SqsJobQueue
from chalicelib.network.dynamo import DynamoBrands, DynamoDealers
from chalicelib.network.ports import BrandRepository, DealerRepository
from chalicelib.notifications.dynamo import DynamoFeed, DynamoOutbox
from chalicelib.notifications.ports import Feed, Mailer
from chalicelib.notifications.service import Delivery
from chalicelib.notifications.ses import SesMailer
from chalicelib.placements.dynamo import DynamoPlacements
from chalicelib.placements.ports import PlacementStore
from chalicelib.placements.service import Ports as PlacementPorts
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
    from chalicelib.bonus import jobs as bonus_jobs

    return {**bonus_jobs.runners(bonus)}


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


@_overridable
def channels() -> ChannelRepository:
    return DynamoChannels()


@_overridable
def placement_store() -> PlacementStore:
    return DynamoPlacements()


@_overridable
def budgets() -> BudgetRepository:
    return DynamoBudgets()


@_overridable
def ledger() -> Ledger:
    return DynamoLedger()


@_overridable
def audit_log() -> AuditLog:
    return DynamoAuditLog()


@_overridable
def feed() -> Feed:
    return DynamoFeed()


@_overridable
def mailer() -> Mailer:
    return SesMailer(_client("ses"), resources.MAIL_SENDER)


@_overridable
def delivery() -> Delivery:
    return Delivery(users(), feed(), DynamoOutbox(), mailer(), clock())


def placement_ports() -> PlacementPorts:
    return PlacementPorts(placement_store(), dealers(), brands(), channels(),
                          delivery(), clock())


def budget_ports() -> BudgetPorts:
    return BudgetPorts(budgets(), ledger(), dealers(), brands(), channels(), clock())


@_overridable
def bonus_facts() -> StoredFacts:
    """The stored facts bonus runs read; later features record into it."""
    return StoredFacts()


@_overridable
def period_readiness() -> PeriodReadiness:
    """Placements replaces this with its own reports when it lands."""
    return StoredFactsReadiness(bonus_facts())


@_overridable
def ledger_poster() -> LedgerPoster:
    """Placements' budget ledger replaces this outbox when it lands."""
    return DynamoLedgerOutbox()


@_overridable
def bonus() -> BonusPorts:
    return BonusPorts(
        programs=DynamoPrograms(),
        periods=DynamoPeriods(),
        readiness=period_readiness(),
        runs=DynamoRuns(),
        inputs=bonus_facts(),
        dealers=dealers(),
        brands=brands(),
        batch_queue=SqsBatchQueue(_client("sqs"), resources.BONUS_BATCHES.name),
        ledger=ledger_poster(),
        exports=S3Exports(_client("s3"), resources.BONUS_EXPORTS.name),
        clock=clock(),
        directory=DynamoBrandDirectory(),
    )
