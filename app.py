"""The front door: every route and event handler of the app, declared thin.

Each one reads the request or event, calls one service function and returns
plain data. Rules live in `chalicelib/`; `chalicelib/wiring.py` builds the
adapters they use.
"""

from typing import Any

from chalice import Chalice, Cron, Rate, Response

from chalicelib import resources, wiring
from chalicelib.access import service as access
from chalicelib.access.schemas import (
    Invitation,
    MeReply,
    UserPage,
    UserReply,
    UserUpdate,
)
from chalicelib.errors import NotFound
from chalicelib.integrations import exports as bi_exports
from chalicelib.integrations import imports as file_imports
from chalicelib.integrations import leads as call_tracking
from chalicelib.integrations import service as integrations
from chalicelib.integrations.handlers import process_upload_messages
from chalicelib.integrations.schemas import (
    DownloadReply,
    ExportPage,
    ExportReply,
    ImportReply,
    LeadSourceReply,
    LeadSourceUpdate,
    NetworkQuery,
    NetworkReply,
    NewExport,
    NewImport,
    SyncRequest,
    UploadReply,
    WebhookReply,
)
from chalicelib.jobs import service as jobs
from chalicelib.jobs.handlers import process_job_messages
from chalicelib.jobs.schemas import JobReply, JobStarted
from chalicelib.logs import event_middleware, logger
from chalicelib.network import service as network
from chalicelib.network.schemas import (
    BrandReply,
    BrandUpdate,
    DealerPage,
    DealerReply,
    DealerUpdate,
    NewDealer,
)
from chalicelib.web import docs, openapi
from chalicelib.web.api import Api, ApiRequest, Gateway
from chalicelib.web.schemas import ListQuery

app = Chalice(app_name="dmm")
for event_type in ("s3", "sqs", "scheduled"):
    app.register_middleware(event_middleware, event_type)
api = Api(
    app,
    Gateway(
        identify=wiring.caller_of_token,
        idempotency=wiring.idempotency,
        web_origins=wiring.web_origins,
    ),
)


@api.route("/health", "GET", summary="Liveness", public=True)
def health(request: ApiRequest) -> dict:
    return {"status": "ok"}


@api.route("/openapi.json", "GET", summary="This document", public=True)
def openapi_document(request: ApiRequest) -> dict:
    return openapi.document(api.operations, title="Dealer marketing API", version="1")


@api.route("/docs", "GET", summary="API reference", public=True,
           content_type="text/html")
def docs_page(request: ApiRequest) -> Response:
    return Response(docs.page(), headers={"Content-Type": "text/html; charset=utf-8"})


@api.route("/docs/assets/{name}", "GET", summary="Docs asset", public=True,
           content_type="text/plain")
def docs_asset(request: ApiRequest, name: str) -> Response:
    found = docs.asset(name)
    if found is None:
        raise NotFound(f"No docs asset {name!r}.", asset=name)
    text, content_type = found
    return Response(text, headers={"Content-Type": content_type,
                                   "Cache-Control": "public, max-age=86400"})


@api.route("/v1/me", "GET", summary="The caller", response=MeReply)
def me(request: ApiRequest) -> MeReply:
    return MeReply.of(request.caller)


@api.route("/v1/brand", "GET", summary="Brand settings", response=BrandReply)
def get_brand(request: ApiRequest) -> BrandReply:
    return BrandReply.of(network.get_brand(wiring.brands(), request.caller))


@api.route("/v1/brand", "PUT", summary="Change brand settings", body=BrandUpdate,
           response=BrandReply)
def put_brand(request: ApiRequest) -> BrandReply:
    body: BrandUpdate = request.body
    brand = network.update_brand(
        wiring.brands(), request.caller, body.changes(), body.version
    )
    return BrandReply.of(brand)


@api.route("/v1/dealers", "GET", summary="Dealers in scope", query=ListQuery,
           response=DealerPage)
def list_dealers(request: ApiRequest) -> DealerPage:
    query: ListQuery = request.query
    page = network.list_dealers(wiring.dealers(), request.caller, query.limit,
                                query.cursor)
    items = [DealerReply.of(dealer) for dealer in page.items]
    return DealerPage(items=items, next_cursor=page.next_cursor)


@api.route("/v1/dealers", "POST", summary="Add a dealer", body=NewDealer,
           response=DealerReply, status=201, idempotent=True)
def create_dealer(request: ApiRequest) -> DealerReply:
    body: NewDealer = request.body
    dealer = network.create_dealer(wiring.dealers(), request.caller, body.dealer())
    return DealerReply.of(dealer)


@api.route("/v1/dealers/{code}", "GET", summary="One dealer", response=DealerReply)
def get_dealer(request: ApiRequest, code: str) -> DealerReply:
    return DealerReply.of(network.get_dealer(wiring.dealers(), request.caller, code))


@api.route("/v1/dealers/{code}", "PATCH", summary="Change a dealer",
           body=DealerUpdate, response=DealerReply)
def patch_dealer(request: ApiRequest, code: str) -> DealerReply:
    body: DealerUpdate = request.body
    dealer = network.update_dealer(
        wiring.dealers(), request.caller, code, body.changes(), body.version
    )
    return DealerReply.of(dealer)


@api.route("/v1/users", "GET", summary="The brand's users", query=ListQuery,
           response=UserPage)
def list_users(request: ApiRequest) -> UserPage:
    query: ListQuery = request.query
    page = access.list_users(wiring.users(), request.caller, query.limit, query.cursor)
    items = [UserReply.of(user) for user in page.items]
    return UserPage(items=items, next_cursor=page.next_cursor)


@api.route("/v1/users", "POST", summary="Invite a user", body=Invitation,
           response=UserReply, status=201, idempotent=True)
def invite_user(request: ApiRequest) -> UserReply:
    body: Invitation = request.body
    user = access.invite_user(
        wiring.users(), wiring.dealers(), wiring.directory(), request.caller,
        body.user(),
    )
    return UserReply.of(user)


@api.route("/v1/users/{user_id}", "GET", summary="One user", response=UserReply)
def get_user(request: ApiRequest, user_id: str) -> UserReply:
    return UserReply.of(access.get_user(wiring.users(), request.caller, user_id))


@api.route("/v1/users/{user_id}", "PATCH", summary="Change role, scope or status",
           body=UserUpdate, response=UserReply)
def patch_user(request: ApiRequest, user_id: str) -> UserReply:
    body: UserUpdate = request.body
    user = access.update_user(
        wiring.users(), wiring.dealers(), wiring.directory(), request.caller,
        user_id, body.changes(), body.version,
    )
    return UserReply.of(user)


@api.route("/v1/jobs/{job_id}", "GET", summary="A job's status and result",
           response=JobReply)
def get_job(request: ApiRequest, job_id: str) -> JobReply:
    return JobReply.of(jobs.get_job(wiring.jobs(), request.caller, job_id))


@app.on_sqs_message(queue=resources.JOBS.name, batch_size=1)
def run_jobs(event: Any) -> dict:
    def run(job_id: str) -> object:
        return jobs.run_job(wiring.jobs(), wiring.job_runners(), wiring.clock(), job_id)

    return process_job_messages(event.to_dict(), event.context, run)


@app.schedule(Rate(15, unit=Rate.MINUTES))
def fail_abandoned_jobs(event: Any) -> dict:
    failed = jobs.fail_abandoned_jobs(wiring.jobs(), wiring.clock())
    logger.info("abandoned jobs failed", count=len(failed))
    return {"failed": len(failed)}


@api.route("/v1/integrations/{source}/sync", "POST",
           summary="Sync a period from a source (a job)", body=SyncRequest,
           response=JobStarted, status=202, idempotent=True)
def start_sync(request: ApiRequest, source: str) -> JobStarted:
    body: SyncRequest = request.body
    job = integrations.start_sync(wiring.job_starter(), request.caller, source,
                                  body.period)
    return JobStarted(job_id=job.job_id, status=job.status)


@app.schedule(Cron(0, 1, "*", "*", "?", "*"))
def nightly_syncs(event: Any) -> dict:
    started = integrations.start_nightly_syncs(
        wiring.job_starter(), wiring.brand_ids(), wiring.brands(), wiring.clock()
    )
    logger.info("nightly syncs started", integration="all", count=len(started))
    return {"started": len(started)}


@api.route("/v1/webhooks/{source}/{code}", "POST",
           summary="A call or request pushed by call tracking", public=True,
           response=WebhookReply)
def take_webhook(request: ApiRequest, source: str, code: str) -> WebhookReply:
    # Public for the app's token check; the dealer's webhook secret (query
    # `secret` or header `X-Webhook-Secret`) is checked by the use case.
    # Limitation: JSON bodies only (Chalice answers other content types 415);
    # the Calltouch cabinet is set to POST JSON.
    raw = request.raw
    params: dict[str, str] = dict(raw.query_params or {})
    secret = (params.get("secret")
              or raw.headers.get("x-webhook-secret") or "")
    accepted = call_tracking.accept_webhook(
        wiring.webhook(), source, code, secret, call_tracking.json_of(raw.raw_body))
    return WebhookReply(**accepted)


@api.route("/v1/dealers/{code}/lead-source", "GET",
           summary="Which source counts the dealer's leads", response=LeadSourceReply)
def get_lead_source(request: ApiRequest, code: str) -> LeadSourceReply:
    dealer, source = integrations.lead_source_of(
        wiring.integration_settings(), wiring.dealers(), request.caller, code)
    return LeadSourceReply(dealer=dealer, lead_source=source)


@api.route("/v1/dealers/{code}/lead-source", "PUT",
           summary="Choose the source of the dealer's leads", body=LeadSourceUpdate,
           response=LeadSourceReply)
def put_lead_source(request: ApiRequest, code: str) -> LeadSourceReply:
    body: LeadSourceUpdate = request.body
    dealer, source = integrations.set_lead_source(
        wiring.integration_settings(), wiring.dealers(), request.caller, code,
        body.lead_source)
    return LeadSourceReply(dealer=dealer, lead_source=source)


@api.route("/v1/analytics/network", "GET", summary="Network analytics of a period",
           query=NetworkQuery, response=NetworkReply)
def network_analytics(request: ApiRequest) -> Any:
    query: NetworkQuery = request.query
    view = integrations.network_analytics(wiring.summaries(), request.caller,
                                          query.period)
    if query.format == "xlsx":
        url, expires_at = integrations.network_workbook_link(
            view, wiring.import_files(), request.caller, wiring.clock())
        return DownloadReply(url=url, expires_at=expires_at)
    brand = network.get_brand(wiring.brands(), request.caller)
    return NetworkReply.plain(view, brand.currency)


@api.route("/v1/imports", "POST", summary="Upload a spreadsheet of targets, sales "
           "or traffic", body=NewImport, response=ImportReply, status=201,
           idempotent=True)
def start_import(request: ApiRequest) -> ImportReply:
    body: NewImport = request.body
    found, upload = file_imports.start_import(
        wiring.file_imports(), wiring.import_files(), wiring.clock(), request.caller,
        body.kind, body.file_name)
    return ImportReply(import_id=found.import_id, kind=found.kind,
                       file_name=found.file_name, job_id=found.job_id,
                       upload=UploadReply(url=upload.url, fields=upload.fields),
                       expires_at=upload.expires_at)


@api.route("/v1/imports/{import_id}", "GET", summary="An import and its job",
           response=ImportReply)
def get_import(request: ApiRequest, import_id: str) -> ImportReply:
    found = file_imports.get_import(wiring.file_imports(), request.caller, import_id)
    return ImportReply(import_id=found.import_id, kind=found.kind,
                       file_name=found.file_name, job_id=found.job_id)


@app.on_sqs_message(queue=resources.IMPORT_UPLOADS.name, batch_size=10)
def import_uploads(event: Any) -> dict:
    def arrived(key: str) -> object:
        return file_imports.upload_arrived(wiring.file_imports(),
                                           wiring.start_import_job, key)

    return process_upload_messages(event.to_dict(), event.context, arrived)


@api.route("/v1/exports", "POST", summary="Export a period to the BI bucket (a job)",
           body=NewExport, response=ExportReply, status=202, idempotent=True)
def start_export(request: ApiRequest) -> ExportReply:
    body: NewExport = request.body
    export = bi_exports.start_export(wiring.exports(), wiring.start_export_job,
                                     wiring.clock(), request.caller, body.period)
    return ExportReply.of(export)


@api.route("/v1/exports", "GET", summary="The brand's exports, newest first",
           query=ListQuery, response=ExportPage)
def list_exports(request: ApiRequest) -> ExportPage:
    query: ListQuery = request.query
    page = bi_exports.list_exports(wiring.exports(), request.caller, query.limit,
                                   query.cursor)
    return ExportPage(items=[ExportReply.of(e) for e in page.items],
                      next_cursor=page.next_cursor)


@api.route("/v1/exports/{export_id}", "GET", summary="One export",
           response=ExportReply)
def get_export(request: ApiRequest, export_id: str) -> ExportReply:
    return ExportReply.of(bi_exports.get_export(wiring.exports(), request.caller,
                                                export_id))


@app.on_sqs_message(queue=resources.EXPORT_JOBS.name, batch_size=1)
def run_export_jobs(event: Any) -> dict:
    # The only function with the parquet layer (pyarrow) attached.
    def run(job_id: str) -> object:
        return jobs.run_job(wiring.jobs(), wiring.export_job_runners(),
                            wiring.clock(), job_id)

    return process_job_messages(event.to_dict(), event.context, run)


@app.schedule(Cron(0, 4, "*", "*", "?", "*"))
def nightly_exports(event: Any) -> dict:
    # Three hours after the nightly syncs start (01:00 UTC).
    started = integrations.start_nightly_exports(
        wiring.exports(), wiring.start_export_job, wiring.brand_ids(),
        wiring.brands(), wiring.clock())
    logger.info("nightly exports started", integration="bi", count=len(started))
    return {"started": len(started)}
