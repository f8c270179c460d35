"""Builds the adapters from the environment, lazily and once per container.

`app.py` asks this module for what a route needs; tests replace the built
objects at the same point (`use`) with fakes or moto-backed adapters.
"""

import uuid
from collections.abc import Callable
from functools import cache, partial
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
from chalicelib.bonus.announcements import (
    STATEMENTS_JOB,
    NotifiedStatements,
    QueuedStatements,
    statement_runner,
)
from chalicelib.bonus.dynamo import (
    DynamoBrandDirectory,
    DynamoPeriods,
    DynamoPrograms,
    DynamoRuns,
    StoredFacts,
    StoredFactsReadiness,
)
from chalicelib.bonus.model import BonusRun
from chalicelib.bonus.ports import LedgerPoster, PeriodReadiness
from chalicelib.bonus.s3 import S3Exports
from chalicelib.bonus.service import BonusPorts
from chalicelib.bonus.sqs import SqsBatchQueue
from chalicelib.budgets.bonus_ledger import BudgetLedgerPoster
from chalicelib.budgets.dynamo import DynamoBudgets, DynamoLedger
from chalicelib.budgets.ports import BudgetRepository, Ledger
from chalicelib.budgets.service import BudgetPorts
from chalicelib.channels.dynamo import DynamoChannels
from chalicelib.channels.ports import ChannelRepository
from chalicelib.clock import Clock, utc_now
from chalicelib.integrations.bi_tables import ExportInputs, Row
from chalicelib.integrations.calltouch import CalltouchAccess, cabinet_for
from chalicelib.integrations.distributor import DistributorPlatform
from chalicelib.integrations.dynamo import (
    DynamoBrandIds,
    DynamoExports,
    DynamoFileImports,
    DynamoIntegrationSettings,
    DynamoLeads,
    DynamoSalesAndTraffic,
    DynamoSummaries,
    DynamoTargets,
)
from chalicelib.integrations.exports import (
    EXPORT_JOB,
    Export,
    ExportRunner,
    Exports,
    queue_export,
)
from chalicelib.integrations.files import S3Files
from chalicelib.integrations.followers import (
    AnalyticsFollower,
    record_bonus_facts,
    refresh_after_write,
)
from chalicelib.integrations.imports import (
    IMPORT_JOB,
    FileImport,
    FileImports,
    ImportRunner,
)
from chalicelib.integrations.leads import Cabinet, Webhook
from chalicelib.integrations.ports import (
    BrandIds,
    DistributorSource,
    IntegrationSecrets,
    IntegrationSettings,
    Leads,
    SalesAndTraffic,
    Summaries,
    Targets,
)
from chalicelib.integrations.refresh import AnalyticsInputs, refresh_network
from chalicelib.integrations.secrets import SecretsManagerSecrets
from chalicelib.integrations.service import (
    REFRESH_JOB,
    SYNC_JOB,
    DealerCodesOf,
    JobStarter,
    SyncRunner,
)
from chalicelib.integrations.sources import AreaSources
from chalicelib.jobs.dynamo import DynamoJobs
from chalicelib.jobs.model import Job
from chalicelib.jobs.ports import JobQueue, JobRepository, JobRunner
from chalicelib.jobs.sqs import SqsJobQueue
from chalicelib.media.creatives_dynamo import DynamoCreatives, DynamoDownloadLedger
from chalicelib.media.creatives_ports import (
    CreativeFiles,
    CreativeRepository,
    DownloadLedger,
    PreviewMaker,
)
from chalicelib.media.creatives_s3 import S3CatalogSnapshots, S3CreativeFiles
from chalicelib.media.creatives_service import PlacementCreatives, Recipients
from chalicelib.media.dynamo import DynamoHashes, DynamoPhotos
from chalicelib.media.model import Flag, Photo
from chalicelib.media.ports import (
    HashSnapshots,
    HashStore,
    PhotoObjects,
    PhotoRepository,
    PlacementGate,
)
from chalicelib.media.reports_gate import ReportsGate
from chalicelib.media.s3 import S3HashSnapshots, S3PhotoObjects
from chalicelib.media.search import CatalogCache, CatalogFeed, CatalogSnapshots
from chalicelib.media.service import IndexCache
from chalicelib.media.signals import flag_decided, tell_flagged
from chalicelib.network.dynamo import DynamoBrands, DynamoDealers
from chalicelib.network.model import Dealer
from chalicelib.network.ports import BrandRepository, DealerRepository
from chalicelib.notification_prefs.dynamo import (
    DynamoPreferences,
    DynamoTemplates,
)
from chalicelib.notification_prefs.notifier import Notifier
from chalicelib.notification_prefs.ports import (
    PreferenceRepository,
    TemplateRepository,
)
from chalicelib.notifications.dynamo import DynamoFeed, DynamoOutbox
from chalicelib.notifications.ports import Feed, Mailer
from chalicelib.notifications.service import Delivery, FeedNotifier
from chalicelib.notifications.ses import SesMailer
from chalicelib.placements.bonus_facts import (
    BonusFactsFollower,
    PlacementFactsRecorder,
    PlacementsReadiness,
)
from chalicelib.placements.dynamo import DynamoPlacements
from chalicelib.placements.ports import EveryFollower, Followers, PlacementStore
from chalicelib.placements.service import Ports as PlacementPorts
from chalicelib.settings import DEV_CLIENT_ID, DEV_ISSUER, Settings, resource_name
from chalicelib.surveys.dynamo import DynamoResponses, DynamoSurveys
from chalicelib.surveys.model import Survey, SurveyResponse
from chalicelib.surveys.ports import ExportFiles, ResponseRepository, SurveyRepository
from chalicelib.surveys.s3 import S3ExportFiles
from chalicelib.surveys.service import record_answered
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

    def statements() -> NotifiedStatements:
        return NotifiedStatements(notifier(), users())

    return {**bonus_jobs.runners(bonus), **integration_job_runners(),
            STATEMENTS_JOB: statement_runner(statements)}


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
def creatives() -> CreativeRepository:
    return DynamoCreatives()


@_overridable
def creative_feed() -> CatalogFeed:
    return DynamoCreatives()


@_overridable
def creative_catalog() -> CatalogCache:
    """Brand search indexes, kept for the life of the container."""
    return CatalogCache(creative_feed(), lambda: clock()(), creative_snapshots())


@_overridable
def creative_snapshots() -> CatalogSnapshots:
    return S3CatalogSnapshots(_client("s3"), resources.CREATIVES.name)


@_overridable
def creative_files() -> CreativeFiles:
    return S3CreativeFiles(_client("s3"), resources.CREATIVES.name,
                           lambda: clock()())


@_overridable
def preview_maker() -> PreviewMaker:
    # NOTE: imported here, not at the top: Pillow is in the imaging layer,
    # which only the uploads function gets; the API function never calls this.
    from chalicelib.media.previews import previews_of

    return previews_of


@_overridable
def creative_downloads() -> DownloadLedger:
    return DynamoDownloadLedger()


@_overridable
def notifier() -> Notifier:
    """Where areas tell users: the feed and e-mail, once per event and user
    (see `chalicelib.notification_prefs.notifier` for the contract)."""
    return FeedNotifier(delivery())


def recipients() -> Recipients:
    return Recipients(dealers=dealers(), users=users())


@_overridable
def notification_preferences() -> PreferenceRepository:
    return DynamoPreferences()


@_overridable
def notification_templates() -> TemplateRepository:
    return DynamoTemplates()


@_overridable
def surveys() -> SurveyRepository:
    return DynamoSurveys()


@_overridable
def survey_responses() -> ResponseRepository:
    return DynamoResponses()


def survey_answered() -> Callable[[Survey, SurveyResponse], None]:
    """Records that the dealer answered, for the bonus of the survey's period."""
    return partial(record_answered, bonus_facts(), brands())


@_overridable
def export_files() -> ExportFiles:
    return S3ExportFiles(_client("s3"), resources.EXPORTS.name, lambda: clock()())


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
    return ReportsGate(placement_ports)


def photo_flagged() -> Callable[[Photo, Flag], None]:
    """Tells the managers who see the dealer of each new flag."""
    return partial(tell_flagged, notifier(), users(), dealers())


def photo_flag_decided(caller: Caller) -> Callable[[Photo, Flag], None]:
    """What a manager's decision on a flag sets off: the report goes back,
    bonus facts are recounted, the dealer's analytics follow the flags."""
    returned = partial(flag_decided, placement_ports(), photos(), bonus_facts(),
                       caller)

    def decided(photo: Photo, flag: Flag) -> None:
        returned(photo, flag)
        photo_flags_decided(photo)

    return decided


@_overridable
def new_photo_id() -> Callable[[], str]:
    return lambda: f"ph-{uuid.uuid4().hex}"


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
    return Delivery(users(), feed(), DynamoOutbox(), mailer(), clock(),
                    notification_preferences(), notification_templates())


def placement_ports() -> PlacementPorts:
    return PlacementPorts(placement_store(), dealers(), brands(), channels(),
                          delivery(), clock(), placement_followers(),
                          closed_periods=DynamoPeriods(),
                          creatives=PlacementCreatives(creatives(), dealers(),
                                                       clock()))


@_overridable
def placement_followers() -> Followers:
    """Who recomputes what they derive from placements after each change."""
    return EveryFollower((bonus_facts_follower(), analytics_follower()))


def budget_ports() -> BudgetPorts:
    return BudgetPorts(budgets(), ledger(), dealers(), brands(), channels(), clock(),
                       closed_periods=DynamoPeriods(),
                       after_change=budget_changed)


def budget_changed(brand_id: str, dealer_code: str, period: str) -> None:
    """The bonus facts follow the plan first, then the analytics."""
    bonus_facts_follower().after_budget_change(brand_id, dealer_code, period)
    refresh_after_write(refresh_analytics, brand_id, period, dealer_code)


@_overridable
def bonus_facts() -> StoredFacts:
    """The stored facts bonus runs read; later features record into it."""
    return StoredFacts()


@_overridable
def placement_facts() -> PlacementFactsRecorder:
    """Recomputes a dealer's placement facts of a period for bonus."""
    return PlacementFactsRecorder(placement_store(), budgets(), bonus_facts(),
                                  bonus_facts(), lambda: clock()())


def bonus_facts_follower() -> BonusFactsFollower:
    return BonusFactsFollower(placement_facts())


@_overridable
def period_readiness() -> PeriodReadiness:
    """The period's placements and reports, recomputed into fresh facts."""
    return PlacementsReadiness(placement_facts(), StoredFactsReadiness(bonus_facts()))


@_overridable
def ledger_poster() -> LedgerPoster:
    """The dealers' budget ledger, written as `Writer.BONUS_RUNS`."""
    return BudgetLedgerPoster(ledger(), bonus_facts(), lambda: clock()())


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
        exports=S3Exports(_client("s3"), resources.EXPORTS.name),
        clock=clock(),
        directory=DynamoBrandDirectory(),
        announcer=QueuedStatements(lambda *job: job_starter().start(*job)),
        on_published=bonus_run_published,
        on_completed=bonus_run_completed,
    )
# Integrations, analytics and the BI export (chalicelib/integrations).


@_overridable
def integration_secrets() -> IntegrationSecrets:
    return SecretsManagerSecrets(_client("secretsmanager"),
                                 settings().secrets_max_age_seconds)


@_overridable
def sales_and_traffic() -> SalesAndTraffic:
    return DynamoSalesAndTraffic()


@_overridable
def brand_ids() -> BrandIds:
    return DynamoBrandIds()


@_overridable
def distributor_platforms() -> Callable[[str], DistributorSource | None]:
    """The distributor platform of a brand, None when it has no credentials."""

    def platform_of(brand_id: str) -> DistributorSource | None:
        access = integration_secrets().distributor_access(brand_id)
        return DistributorPlatform(access) if access else None

    return platform_of


@_overridable
def calltouch_cabinets() -> Callable[[CalltouchAccess, Dealer], Cabinet]:
    """A dealer's Calltouch cabinet, built from its access secret."""

    def cabinet_of(access: CalltouchAccess, dealer: Dealer) -> Cabinet:
        key = integration_secrets().personal_data_key()
        return cabinet_for(access, key, dealer.time_zone)

    return cabinet_of


@_overridable
def leads() -> Leads:
    return DynamoLeads()


@_overridable
def integration_settings() -> IntegrationSettings:
    return DynamoIntegrationSettings()


@_overridable
def targets() -> Targets:
    return DynamoTargets()


@_overridable
def summaries() -> Summaries:
    return DynamoSummaries()


@_overridable
def upstream() -> AreaSources:
    """Placements, budgets, reports, photo flags, checklists and statements,
    read from the areas that own them (`chalicelib.integrations.upstream`
    states each port's contract)."""
    return AreaSources(
        placements=DynamoPlacements(), budgets=DynamoBudgets(),
        ledger=DynamoLedger(), photos=DynamoPhotos(), programs=DynamoPrograms(),
        facts=StoredFacts(), runs=DynamoRuns(), dealers=dealers(), clock=clock(),
    )


def analytics_inputs() -> AnalyticsInputs:
    sources = upstream()
    return AnalyticsInputs(
        dealers=dealers(), figures=sales_and_traffic(), leads=leads(),
        settings=integration_settings(), targets=targets(), placements=sources,
        budgets=sources, reports=sources, checklists=sources, statements=sources,
        flags=sources,
    )


def refresh_analytics(brand_id: str, period: str,
                      only: list[str] | None = None) -> None:
    """Recompute the period's dealer summaries (after a sync or an import)."""
    refresh_network(brand_id, period, analytics_inputs(), summaries(), clock(),
                    only=only)


def start_refresh_job(brand_id: str, period: str) -> Job:
    """Every summary of the period, recomputed by a job (bonus runs)."""
    return job_starter().start(brand_id, "bonus-run", REFRESH_JOB,
                               {"period": period})


def analytics_follower() -> AnalyticsFollower:
    def period_of(placement_id: str) -> str | None:
        found = placement_store().placement(placement_id)
        return found.period if found else None

    return AnalyticsFollower(period_of, refresh_analytics)


def photo_flags_decided(photo: Photo) -> None:
    """After a manager's decision on a photo's flags."""
    refresh_after_write(refresh_analytics, photo.brand_id, photo.period,
                        photo.dealer_code)


def figures_changed(brand_id: str, period: str,
                    only: list[str] | None = None) -> None:
    """After a sync, an import or a webhook stored sales, traffic or leads:
    the bonus facts of the touched dealers, then their summaries."""
    record_bonus_facts(brand_id, period, analytics_inputs(), bonus_facts(), only)
    refresh_analytics(brand_id, period, only=only)


def bonus_run_completed(run: BonusRun) -> None:
    """Its statements are the period's estimated (or final) bonuses."""
    start_refresh_job(run.brand_id, run.period)


def bonus_run_published(run: BonusRun) -> None:
    """Once per published final run: its bonuses in the analytics, and the
    period's BI export queued."""
    start_refresh_job(run.brand_id, run.period)
    queue_export(exports(), start_export_job, clock(), run.brand_id, "bonus-run",
                 run.period)


@_overridable
def file_imports() -> FileImports:
    return DynamoFileImports()


@_overridable
def import_files() -> S3Files:
    return S3Files(_client("s3"), resources.IMPORTS.name)


def start_import_job(found: FileImport) -> Job:
    return job_starter().start(found.brand_id, found.started_by, IMPORT_JOB,
                               {"import_id": found.import_id})


@_overridable
def exports() -> Exports:
    return DynamoExports()


@_overridable
def bi_files() -> S3Files:
    return S3Files(_client("s3"), resources.BI.name)


@_overridable
def export_job_queue() -> JobQueue:
    return SqsJobQueue(_client("sqs"), resources.EXPORT_JOBS.name)


def start_export_job(export: Export) -> Job:
    starter = JobStarter(jobs(), export_job_queue(), clock())
    return starter.start(export.brand_id, export.started_by, EXPORT_JOB,
                         {"export_id": export.export_id, "period": export.period})


def export_job_runners() -> dict[str, JobRunner]:
    """The export function's only job kind; it alone loads pyarrow."""

    def write_parquet(table: str, rows: list[Row]) -> bytes:
        from chalicelib.integrations.parquet import parquet_bytes

        return parquet_bytes(table, rows)

    runner = ExportRunner(
        exports=exports(),
        inputs=ExportInputs(analytics_inputs(), upstream()),
        brands=brands(), shelf=bi_files(), write_parquet=write_parquet,
        clock=clock(),
    )
    return {EXPORT_JOB: runner}


def job_starter() -> JobStarter:
    return JobStarter(jobs(), job_queue(), clock())


def webhook() -> Webhook:
    def lead_stored(brand_id: str, period: str, code: str) -> None:
        figures_changed(brand_id, period, only=[code])

    return Webhook(integration_secrets(), dealers(), leads(), integration_settings(),
                   after_save=lead_stored)


def integration_job_runners() -> dict[str, JobRunner]:
    sync = SyncRunner(
        distributor_of=distributor_platforms(),
        cabinet_of=calltouch_cabinets(),
        dealers=dealers(),
        figures=sales_and_traffic(),
        secrets=integration_secrets(),
        leads=leads(),
        settings=integration_settings(),
        starter=job_starter(),
        after_sync=figures_changed,
    )
    imports = ImportRunner(
        imports=file_imports(), slots=import_files(),
        dealers=DealerCodesOf(dealers()), figures=sales_and_traffic(),
        targets=targets(), after_import=figures_changed,
    )

    def refresh(job: Job) -> dict[str, Any]:
        period = str(job.params["period"])
        count = refresh_network(job.brand_id, period, analytics_inputs(),
                                summaries(), clock())
        return {"period": period, "dealers": count}

    return {SYNC_JOB: sync, IMPORT_JOB: imports, REFRESH_JOB: refresh}
