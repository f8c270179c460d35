"""Use cases the API and the schedules call: start syncs, run sync jobs.

A sync is a job (the API contract: long work): the route checks who may start it and
answers 202; the job runner does the work with the adapters it is given.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from chalicelib.access.model import Caller
from chalicelib.access.policy import Action, ensure_permitted
from chalicelib.clock import Clock
from chalicelib.integrations.analytics import NetworkView, network_view
from chalicelib.integrations.calltouch import CalltouchAccess
from chalicelib.integrations.exports import Export, Exports, queue_export
from chalicelib.integrations.leads import Cabinet, days_to_pull, pull_dealer
from chalicelib.integrations.model import (
    DEFAULT_LEAD_SOURCE,
    IntegrationError,
    LeadSource,
    Source,
    UnknownSource,
    checked_period,
    period_of,
)
from chalicelib.integrations.ports import (
    BrandIds,
    DistributorSource,
    IntegrationSecrets,
    IntegrationSettings,
    Leads,
    SalesAndTraffic,
    Summaries,
)
from chalicelib.integrations.sync import sync_distributor
from chalicelib.jobs import service as jobs_service
from chalicelib.jobs.model import Job
from chalicelib.jobs.ports import JobQueue, JobRepository
from chalicelib.network.model import Dealer
from chalicelib.network.ports import BrandRepository, DealerRepository
from chalicelib.network.service import visible_dealer
from chalicelib.paging import MAX_LIMIT

SYNC_JOB = "integration_sync"
REFRESH_JOB = "analytics_refresh"
"""Recomputes every dealer summary of a period (params: `period`): long
work for a large network, so not done inside an API request."""


class SourceNotConfigured(IntegrationError):
    """The brand has no credentials for this source."""

    code = "source_not_configured"

    def __init__(self, source: str, brand_id: str) -> None:
        super().__init__(
            f"Source {source!r} is not configured for brand {brand_id!r}.",
            source=source, brand=brand_id,
        )


@dataclass(frozen=True, slots=True)
class JobStarter:
    """What starting a job needs: the jobs table, the queue and a clock."""

    jobs: JobRepository
    queue: JobQueue
    clock: Clock

    def start(self, brand_id: str, started_by: str, kind: str,
              params: dict[str, Any], once_key: str | None = None) -> Job:
        return jobs_service.start_job(self.jobs, self.queue, self.clock, brand_id,
                                      started_by, kind, params, once_key)


def start_sync(starter: JobStarter, caller: Caller, source: str, period: str) -> Job:
    ensure_permitted(caller, Action.SYNC_INTEGRATIONS)
    known = _source(source)
    checked_period(period)
    params = {"source": known.value, "period": period}
    return starter.start(caller.brand_id, caller.user_id, SYNC_JOB, params)


def start_nightly_syncs(
    starter: JobStarter, brands: BrandIds, brand_settings: BrandRepository,
    clock: Clock,
) -> list[Job]:
    """One sync job per brand and source, for the period of yesterday in the
    brand's time zone (the night after a month ends still syncs that month).
    Once per night: a redelivered schedule starts no second job."""
    started = []
    for brand_id in brands.brand_ids():
        brand = brand_settings.get(brand_id)
        if brand is None:
            continue
        yesterday = (clock().astimezone(ZoneInfo(brand.time_zone))
                     - timedelta(days=1)).date()
        for source in Source:
            params = {"source": source.value, "period": period_of(yesterday),
                      "nightly": True}
            once = f"nightly-sync:{brand_id}:{source.value}:{yesterday.isoformat()}"
            started.append(starter.start(brand_id, "schedule", SYNC_JOB, params,
                                         once_key=once))
    return started


@dataclass(frozen=True, slots=True)
class DealerCodesOf:
    """A brand's dealer codes, read through the network area's repository."""

    dealers: DealerRepository

    def codes_of(self, brand_id: str) -> frozenset[str]:
        codes: set[str] = set()
        cursor = None
        while True:
            page = self.dealers.list(brand_id, MAX_LIMIT, cursor)
            codes.update(dealer.code for dealer in page.items)
            cursor = page.next_cursor
            if cursor is None:
                return frozenset(codes)


@dataclass(frozen=True, slots=True)
class SyncRunner:
    """Runs sync jobs; each source's adapters are built per brand or dealer."""

    distributor_of: Callable[[str], DistributorSource | None]
    cabinet_of: Callable[[CalltouchAccess, Dealer], Cabinet]
    dealers: DealerRepository
    figures: SalesAndTraffic
    secrets: IntegrationSecrets
    leads: Leads
    settings: IntegrationSettings
    starter: JobStarter
    after_sync: Callable[[str, str, list[str] | None], None] = (
        lambda brand_id, period, only: None)
    """Called with (brand, period, dealers or None for all) after figures were
    stored, to refresh the analytics."""

    def __call__(self, job: Job) -> dict[str, Any]:
        source = _source(str(job.params["source"]))
        period = checked_period(str(job.params["period"]))
        if source is Source.DISTRIBUTOR:
            result = self._distributor(job.brand_id, period)
            self.after_sync(job.brand_id, period, None)
        elif "dealer" in job.params:
            code = str(job.params["dealer"])
            result = self._calltouch_dealer(job, period, code)
            self.after_sync(job.brand_id, period, [code])
        else:
            result = self._calltouch_fan_out(job, period)
        return result

    def _distributor(self, brand_id: str, period: str) -> dict[str, Any]:
        platform = self.distributor_of(brand_id)
        if platform is None:
            raise SourceNotConfigured(Source.DISTRIBUTOR.value, brand_id)
        report = sync_distributor(brand_id, period, platform,
                                  DealerCodesOf(self.dealers), self.figures)
        return report.as_result()

    def _calltouch_fan_out(self, job: Job, period: str) -> dict[str, Any]:
        """One job per dealer with a cabinet: a whole month of one dealer takes
        about 60 requests, of 80 dealers far more than one Lambda's 15 minutes
        at Calltouch's 5 requests per second."""
        codes = self.secrets.calltouch_dealers(job.brand_id)
        if not codes:
            raise SourceNotConfigured(Source.CALLTOUCH.value, job.brand_id)
        started = [
            self.starter.start(job.brand_id, job.started_by, SYNC_JOB,
                               {**job.params, "dealer": code}).job_id
            for code in codes
        ]
        return {"source": Source.CALLTOUCH.value, "period": period,
                "dealer_jobs": started}

    def _calltouch_dealer(self, job: Job, period: str, code: str) -> dict[str, Any]:
        access = self.secrets.calltouch_access(code)
        dealer = self.dealers.get(job.brand_id, code)
        if access is None or dealer is None or access.brand_id != job.brand_id:
            raise SourceNotConfigured(Source.CALLTOUCH.value, job.brand_id)
        today = self.starter.clock().astimezone(ZoneInfo(dealer.time_zone)).date()
        days = days_to_pull(period, today, bool(job.params.get("nightly")))
        retention = timedelta(days=self.settings.retention_days(job.brand_id))
        report = pull_dealer(job.brand_id, dealer, period, days,
                             self.cabinet_of(access, dealer), self.leads, retention)
        return {**report.as_result(), "dealer": code, "days": len(days)}


def _source(name: str) -> Source:
    try:
        return Source(name)
    except ValueError:
        raise UnknownSource(name) from None


def lead_source_of(settings: IntegrationSettings, dealers: DealerRepository,
                   caller: Caller, code: str) -> tuple[str, LeadSource]:
    dealer = visible_dealer(dealers, caller, code)
    chosen = settings.lead_sources(caller.brand_id).get(dealer.code)
    return dealer.code, chosen or DEFAULT_LEAD_SOURCE


# Limitation: the dealer's figures of periods before last month keep the
# lead source they were computed with until a sync or an import of that
# period refreshes them; refreshing every stored period would need the
# summaries to list their periods.
def set_lead_source(settings: IntegrationSettings, dealers: DealerRepository,
                    caller: Caller, code: str, source: LeadSource, clock: Clock,
                    refresh: Callable[[str, str, list[str] | None], None],
                    ) -> tuple[str, LeadSource]:
    """Choose where the dealer's leads come from. Its figures of this month
    and of last month (which may not be closed yet) follow at once."""
    dealer = visible_dealer(dealers, caller, code)
    ensure_permitted(caller, Action.WRITE_DEALERS)
    settings.set_lead_source(caller.brand_id, dealer.code, source)

    today = clock().astimezone(ZoneInfo(dealer.time_zone)).date()
    last_month = today.replace(day=1) - timedelta(days=1)
    for day in (last_month, today):
        refresh(caller.brand_id, period_of(day), [dealer.code])
    return dealer.code, source


def network_analytics(summaries: Summaries, caller: Caller,
                      period: str) -> NetworkView:
    """The network's figures of a period, in the caller's regions."""
    ensure_permitted(caller, Action.READ_NETWORK_ANALYTICS)
    checked_period(period)
    stored = summaries.summaries_of(caller.brand_id, period, caller.regions)
    return network_view(period, stored)


DOWNLOAD_LIFETIME = timedelta(minutes=15)


class DownloadShelf(Protocol):
    def write(self, key: str, body: bytes, content_type: str) -> None: ...

    def download_link(self, key: str, lifetime: timedelta) -> str: ...


def network_workbook_link(view: NetworkView, shelf: DownloadShelf, caller: Caller,
                          clock: Clock) -> tuple[str, datetime]:
    """The view as xlsx, behind a short-lived link."""
    from chalicelib.integrations.workbook import network_workbook

    key = (f"downloads/{caller.brand_id}/analytics-{view.period}-"
           f"{uuid.uuid4().hex}.xlsx")
    shelf.write(key, network_workbook(view), XLSX)
    return shelf.download_link(key, DOWNLOAD_LIFETIME), clock() + DOWNLOAD_LIFETIME


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def start_nightly_exports(exports: Exports, start: Callable[[Export], Job],
                          brands: BrandIds, brand_settings: BrandRepository,
                          clock: Clock) -> list[Export]:
    """After the night's syncs: each brand's period of yesterday, exported,
    once per night (a redelivered schedule starts no second export)."""
    started = []
    for brand_id in brands.brand_ids():
        brand = brand_settings.get(brand_id)
        if brand is None:
            continue
        yesterday = (clock().astimezone(ZoneInfo(brand.time_zone))
                     - timedelta(days=1)).date()
        started.append(queue_export(exports, start, clock, brand_id, "schedule",
                                    period_of(yesterday), night=yesterday))
    return started
