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
from chalicelib.audit import service as audit
from chalicelib.audit.schemas import AuditEntryReply, AuditPage, AuditQuery
from chalicelib.aws_errors import is_transient
from chalicelib.bonus import service as bonus
from chalicelib.bonus.handlers import process_batch_messages
from chalicelib.bonus.s3 import LINK_SECONDS
from chalicelib.bonus.schemas import (
    BacktestBody,
    BonusRunReply,
    ChecklistQuery,
    ChecklistReply,
    CopyBody,
    ExportLink,
    NewBonusRun,
    NewProgram,
    PeriodClosed,
    ProgramListQuery,
    ProgramPage,
    ProgramReply,
    ProgramUpdate,
    PublishedRun,
    StatementAnswer,
    StatementQuery,
    StatementReply,
    VersionBody,
)
from chalicelib.budgets import service as budgets
from chalicelib.budgets.schemas import BudgetApproval, BudgetPlan, BudgetReply
from chalicelib.channels import service as channels
from chalicelib.channels.schemas import (
    ChannelList,
    ChannelReply,
    ChannelUpdate,
    NewChannel,
)
from chalicelib.errors import NotFound
from chalicelib.integrations import exports as bi_exports
from chalicelib.integrations import imports as file_imports
from chalicelib.integrations import leads as call_tracking
from chalicelib.integrations import service as integrations
from chalicelib.integrations.handlers import (
    process_upload_messages as process_import_messages,
)
from chalicelib.integrations.schemas import DownloadReply as LinkReply
from chalicelib.integrations.schemas import (
    ExportPage,
    ImportReply,
    LeadSourceReply,
    LeadSourceUpdate,
    NetworkAnswer,
    NetworkQuery,
    NetworkReply,
    NewExport,
    NewImport,
    SyncRequest,
    UploadReply,
    WebhookReply,
)
from chalicelib.integrations.schemas import ExportReply as BiExportReply
from chalicelib.jobs import service as jobs
from chalicelib.jobs.handlers import process_job_messages
from chalicelib.jobs.schemas import JobReply, JobStarted
from chalicelib.logs import event_middleware, logger
from chalicelib.media import creatives_service as creatives
from chalicelib.media import service as photos
from chalicelib.media.creatives import Creative
from chalicelib.media.creatives_events import process_upload_messages
from chalicelib.media.creatives_schemas import (
    CreativePage,
    CreativeQuery,
    CreativeReply,
    CreativeUpdate,
    CreativeUploadReply,
    DownloadQuery,
    DownloadReply,
    FileBody,
    NewCreative,
)
from chalicelib.media.handlers import process_photo_messages
from chalicelib.media.reports_gate import count_as_proof
from chalicelib.media.schemas import FlagDecision, NewPhoto, PhotoReply
from chalicelib.media.schemas import UploadReply as PhotoUploadReply
from chalicelib.media.service import ObjectCreated
from chalicelib.network import service as network
from chalicelib.network.schemas import (
    BrandReply,
    BrandUpdate,
    DealerPage,
    DealerReply,
    DealerUpdate,
    NewDealer,
)
from chalicelib.notification_prefs import service as notification_prefs
from chalicelib.notification_prefs.schemas import (
    PreferencesReply,
    PreferencesUpdate,
    TemplateBody,
    TemplateList,
)
from chalicelib.notifications import service as notifications
from chalicelib.notifications.schemas import NotificationPage, NotificationReply
from chalicelib.placements import service as placements
from chalicelib.placements.schemas import (
    ApprovalBody,
    CancelBody,
    DecisionBody,
    ExplanationBody,
    ExtensionBody,
    ExtensionDecisionBody,
    NewPlacementBody,
    PlacementPage,
    PlacementQuery,
    PlacementReply,
    PlacementUpdate,
    ReasonBody,
    ReportReply,
    ReportUpdate,
    VersionedStep,
)
from chalicelib.surveys import service as surveys
from chalicelib.surveys.schemas import ExportReply as SurveyExportReply
from chalicelib.surveys.schemas import (
    NewSurvey,
    ResponseBody,
    ResponseReply,
    ResultsAnswer,
    ResultsQuery,
    ResultsReply,
    SurveyPage,
    SurveyReply,
)
from chalicelib.web import docs, openapi
from chalicelib.web.api import Api, ApiRequest, Gateway
from chalicelib.web.messages import language_of
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
        transient=is_transient,
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
           content_type=docs.MEDIA_TYPES)
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


# --- channels ---------------------------------------------------------------


@api.route("/v1/channels", "GET", summary="The brand's channels",
           response=ChannelList)
def list_channels(request: ApiRequest) -> ChannelList:
    found = channels.list_channels(wiring.channels(), request.caller)
    return ChannelList(items=[ChannelReply.of(channel) for channel in found])


@api.route("/v1/channels", "POST", summary="Add a channel", body=NewChannel,
           response=ChannelReply, status=201, idempotent=True)
def create_channel(request: ApiRequest) -> ChannelReply:
    body: NewChannel = request.body
    return ChannelReply.of(
        channels.create_channel(wiring.channels(), request.caller, body.channel()))


@api.route("/v1/channels/{channel_id}", "PATCH", summary="Change a channel",
           body=ChannelUpdate, response=ChannelReply)
def patch_channel(request: ApiRequest, channel_id: str) -> ChannelReply:
    body: ChannelUpdate = request.body
    channel = channels.update_channel(wiring.channels(), request.caller, channel_id,
                                      body.changes(), body.version)
    return ChannelReply.of(channel)


# --- budgets ----------------------------------------------------------------


@api.route("/v1/dealers/{code}/budgets/{period}", "GET",
           summary="A dealer's budget and balances", response=BudgetReply)
def get_budget(request: ApiRequest, code: str, period: str) -> BudgetReply:
    view = budgets.get_budget(wiring.budget_ports(), request.caller, code, period)
    return BudgetReply.of(view)


@api.route("/v1/dealers/{code}/budgets/{period}", "PUT",
           summary="Propose a dealer's plan", body=BudgetPlan, response=BudgetReply)
def put_budget(request: ApiRequest, code: str, period: str) -> BudgetReply:
    body: BudgetPlan = request.body
    plan = {line.channel_id: line.plan.decimal() for line in body.lines}
    currencies = frozenset(line.plan.currency for line in body.lines)
    view = budgets.plan_budget(wiring.budget_ports(), request.caller, code, period,
                               plan, body.version, currencies)
    return BudgetReply.of(view)


@api.route("/v1/dealers/{code}/budgets/{period}/approve", "POST",
           summary="Approve a dealer's plan", body=BudgetApproval,
           response=BudgetReply)
def approve_budget(request: ApiRequest, code: str, period: str) -> BudgetReply:
    body: BudgetApproval = request.body
    view = budgets.approve_budget(wiring.budget_ports(), request.caller, code,
                                  period, body.version)
    return BudgetReply.of(view)


# --- placements -------------------------------------------------------------


@api.route("/v1/placements", "POST", summary="Plan a placement",
           body=NewPlacementBody, response=PlacementReply, status=201,
           idempotent=True)
def create_placement(request: ApiRequest) -> PlacementReply:
    body: NewPlacementBody = request.body
    placement = placements.create_placement(wiring.placement_ports(),
                                            request.caller, body.placement())
    return PlacementReply.of(placement)


@api.route("/v1/placements", "GET", summary="Placements by dealer and period",
           query=PlacementQuery, response=PlacementPage)
def list_placements(request: ApiRequest) -> PlacementPage:
    query: PlacementQuery = request.query
    page = placements.list_placements(
        wiring.placement_ports(), request.caller, query.dealer, query.period,
        query.status_filter(), query.limit, query.cursor)
    return PlacementPage(items=[PlacementReply.of(p) for p in page.items],
                         next_cursor=page.next_cursor)


@api.route("/v1/placements/{placement_id}", "GET", summary="One placement",
           response=PlacementReply)
def get_placement(request: ApiRequest, placement_id: str) -> PlacementReply:
    return PlacementReply.of(placements.get_placement(
        wiring.placement_ports(), request.caller, placement_id))


@api.route("/v1/placements/{placement_id}", "PATCH",
           summary="Change a draft or returned placement", body=PlacementUpdate,
           response=PlacementReply)
def patch_placement(request: ApiRequest, placement_id: str) -> PlacementReply:
    body: PlacementUpdate = request.body
    return PlacementReply.of(placements.update_placement(
        wiring.placement_ports(), request.caller, placement_id, body.changes(),
        body.version))


@api.route("/v1/placements/{placement_id}/submit", "POST",
           summary="Submit a placement for approval", body=VersionedStep,
           response=PlacementReply)
def submit_placement(request: ApiRequest, placement_id: str) -> PlacementReply:
    body: VersionedStep = request.body
    return PlacementReply.of(placements.submit_placement(
        wiring.placement_ports(), request.caller, placement_id, body.version))


@api.route("/v1/placements/{placement_id}/approve", "POST",
           summary="Approve a placement", body=ApprovalBody, response=PlacementReply)
def approve_placement(request: ApiRequest, placement_id: str) -> PlacementReply:
    body: ApprovalBody = request.body
    return PlacementReply.of(placements.approve_placement(
        wiring.placement_ports(), request.caller, placement_id,
        body.approved_amount.decimal(), body.version))


@api.route("/v1/placements/{placement_id}/return", "POST",
           summary="Return a placement to the dealer", body=ReasonBody,
           response=PlacementReply)
def return_placement(request: ApiRequest, placement_id: str) -> PlacementReply:
    body: ReasonBody = request.body
    return PlacementReply.of(placements.return_placement(
        wiring.placement_ports(), request.caller, placement_id, body.reason,
        body.version))


@api.route("/v1/placements/{placement_id}/reject", "POST",
           summary="Reject a placement", body=ReasonBody, response=PlacementReply)
def reject_placement(request: ApiRequest, placement_id: str) -> PlacementReply:
    body: ReasonBody = request.body
    return PlacementReply.of(placements.reject_placement(
        wiring.placement_ports(), request.caller, placement_id, body.reason,
        body.version))


@api.route("/v1/placements/{placement_id}/cancel", "POST",
           summary="Cancel a placement not yet reported", body=CancelBody,
           response=PlacementReply)
def cancel_placement(request: ApiRequest, placement_id: str) -> PlacementReply:
    body: CancelBody = request.body
    return PlacementReply.of(placements.cancel_placement(
        wiring.placement_ports(), request.caller, placement_id, body.reason,
        body.version))


# --- reports ----------------------------------------------------------------


@api.route("/v1/placements/{placement_id}/report", "GET",
           summary="A placement's report", response=ReportReply)
def get_report(request: ApiRequest, placement_id: str) -> ReportReply:
    ports = wiring.placement_ports()
    report = placements.get_report(ports, request.caller, placement_id)
    return ReportReply.of(report, ports.clock())


@api.route("/v1/placements/{placement_id}/report", "PUT",
           summary="Change a report's fields", body=ReportUpdate,
           response=ReportReply)
def put_report(request: ApiRequest, placement_id: str) -> ReportReply:
    body: ReportUpdate = request.body
    ports = wiring.placement_ports()
    report = placements.update_report(ports, request.caller, placement_id,
                                      body.changes(), body.version)
    return ReportReply.of(report, ports.clock())


@api.route("/v1/placements/{placement_id}/report/submit", "POST",
           summary="Submit a report", body=VersionedStep, response=ReportReply)
def submit_report(request: ApiRequest, placement_id: str) -> ReportReply:
    body: VersionedStep = request.body
    ports = wiring.placement_ports()
    report = placements.submit_report(ports, request.caller, placement_id,
                                      body.version)
    return ReportReply.of(report, ports.clock())


@api.route("/v1/placements/{placement_id}/report/explanation", "POST",
           summary="Explain a late report", body=ExplanationBody,
           response=ReportReply)
def explain_report(request: ApiRequest, placement_id: str) -> ReportReply:
    body: ExplanationBody = request.body
    ports = wiring.placement_ports()
    report = placements.explain_report(ports, request.caller, placement_id,
                                       body.explanation, body.version)
    return ReportReply.of(report, ports.clock())


@api.route("/v1/placements/{placement_id}/report/decision", "POST",
           summary="Decide on a submitted report", body=DecisionBody,
           response=ReportReply)
def decide_report(request: ApiRequest, placement_id: str) -> ReportReply:
    body: DecisionBody = request.body
    ports = wiring.placement_ports()
    report = placements.decide_report(ports, request.caller, placement_id,
                                      body.decision, body.reason, body.due_on,
                                      body.version)
    return ReportReply.of(report, ports.clock())


@api.route("/v1/placements/{placement_id}/report/extension", "POST",
           summary="Ask for a later deadline", body=ExtensionBody,
           response=ReportReply)
def request_extension(request: ApiRequest, placement_id: str) -> ReportReply:
    body: ExtensionBody = request.body
    ports = wiring.placement_ports()
    report = placements.request_extension(ports, request.caller, placement_id,
                                          body.due_on, body.reason, body.version)
    return ReportReply.of(report, ports.clock())


@api.route("/v1/placements/{placement_id}/report/extension/decision", "POST",
           summary="Grant or refuse an extension", body=ExtensionDecisionBody,
           response=ReportReply)
def decide_extension(request: ApiRequest, placement_id: str) -> ReportReply:
    body: ExtensionDecisionBody = request.body
    ports = wiring.placement_ports()
    report = placements.decide_extension(
        ports, request.caller, placement_id, body.decision == "grant", body.reason,
        body.due_on, body.version)
    return ReportReply.of(report, ports.clock())


# --- audit and notifications ------------------------------------------------


@api.route("/v1/audit", "GET", summary="Who changed an object, and how",
           query=AuditQuery, response=AuditPage)
def list_audit(request: ApiRequest) -> AuditPage:
    query: AuditQuery = request.query
    page = audit.list_audit(wiring.audit_log(), request.caller, query.entity,
                            query.limit, query.cursor)
    return AuditPage(items=[AuditEntryReply.of(entry) for entry in page.items],
                     next_cursor=page.next_cursor)


@api.route("/v1/notifications", "GET", summary="The caller's notifications",
           query=ListQuery, response=NotificationPage)
def list_notifications(request: ApiRequest) -> NotificationPage:
    query: ListQuery = request.query
    page = notifications.list_notifications(wiring.feed(), request.caller,
                                            query.limit, query.cursor)
    items = [NotificationReply.of(item) for item in page.items]
    return NotificationPage(items=items, next_cursor=page.next_cursor)


@api.route("/v1/notifications/{notification_id}/read", "POST",
           summary="Mark a notification read", response=NotificationReply)
def read_notification(request: ApiRequest, notification_id: str
                      ) -> NotificationReply:
    notification = notifications.mark_read(wiring.feed(), wiring.clock(),
                                           request.caller, notification_id)
    return NotificationReply.of(notification)


@app.schedule(Rate(15, unit=Rate.MINUTES))
def lock_report_deadlines(event: Any) -> dict:
    """Lock past-due reports, send reminders, and deliver events a crash
    left pending. Every part is idempotent."""
    ports = wiring.placement_ports()
    locked = placements.lock_overdue_reports(ports)
    reminded = placements.remind_due_reports(ports)
    swept = notifications.sweep_pending(wiring.delivery())
    logger.info("report deadlines checked", locked=len(locked),
                reminded=len(reminded), swept=swept)
    return {"locked": len(locked), "reminded": len(reminded), "swept": swept}


# motivation programs, periods, bonus runs, checklists


@api.route("/v1/programs", "GET", summary="Motivation programs", query=ProgramListQuery,
           response=ProgramPage)
def list_programs(request: ApiRequest) -> ProgramPage:
    query: ProgramListQuery = request.query
    page = bonus.list_programs(wiring.bonus(), request.caller, query.period,
                               query.limit, query.cursor)
    items = [ProgramReply.of(program) for program in page.items]
    return ProgramPage(items=items, next_cursor=page.next_cursor)


@api.route("/v1/programs", "POST", summary="Draft a motivation program",
           body=NewProgram, response=ProgramReply, status=201, idempotent=True)
def create_program(request: ApiRequest) -> ProgramReply:
    body: NewProgram = request.body
    program = bonus.create_program(wiring.bonus(), request.caller, body.period,
                                   body.name, body.rules)
    return ProgramReply.of(program)


@api.route("/v1/programs/{program_id}", "GET", summary="One motivation program",
           response=ProgramReply)
def get_program(request: ApiRequest, program_id: str) -> ProgramReply:
    return ProgramReply.of(bonus.get_program(wiring.bonus(), request.caller,
                                             program_id))


@api.route("/v1/programs/{program_id}", "PUT", summary="Edit a draft program",
           body=ProgramUpdate, response=ProgramReply)
def put_program(request: ApiRequest, program_id: str) -> ProgramReply:
    body: ProgramUpdate = request.body
    program = bonus.update_program(wiring.bonus(), request.caller, program_id,
                                   body.changes(), body.version)
    return ProgramReply.of(program)


@api.route("/v1/programs/{program_id}/publish", "POST",
           summary="Publish (freeze) a program", body=VersionBody,
           response=ProgramReply)
def publish_program(request: ApiRequest, program_id: str) -> ProgramReply:
    body: VersionBody = request.body
    program = bonus.publish_program(wiring.bonus(), request.caller, program_id,
                                    body.version)
    return ProgramReply.of(program)


@api.route("/v1/programs/{program_id}/copy", "POST",
           summary="Copy a program to a new draft", body=CopyBody,
           response=ProgramReply, status=201, idempotent=True)
def copy_program(request: ApiRequest, program_id: str) -> ProgramReply:
    body: CopyBody = request.body
    program = bonus.copy_program(wiring.bonus(), request.caller, program_id,
                                 body.period)
    return ProgramReply.of(program)


@api.route("/v1/programs/{program_id}/backtest", "POST",
           summary="Replay a program on a past period (a job)", body=BacktestBody,
           response=JobStarted, status=202, idempotent=True)
def backtest_program(request: ApiRequest, program_id: str) -> JobStarted:
    body: BacktestBody = request.body
    program = bonus.check_backtest(wiring.bonus(), request.caller, program_id)
    job = jobs.start_job(wiring.jobs(), wiring.job_queue(), wiring.clock(),
                         request.caller.brand_id, request.caller.user_id,
                         bonus.BACKTEST_JOB,
                         {"program_id": program.program_id, "period": body.period})
    return JobStarted(job_id=job.job_id, status=job.status)


@api.route("/v1/periods/{period}/close", "POST", summary="Close a period",
           response=PeriodClosed)
def close_period(request: ApiRequest, period: str) -> PeriodClosed:
    closed_at = bonus.close_period(wiring.bonus(), request.caller, period)
    return PeriodClosed(period=period, closed_at=closed_at)


@api.route("/v1/bonus-runs", "POST", summary="Start a bonus run (a job)",
           body=NewBonusRun, response=JobStarted, status=202, idempotent=True)
def start_bonus_run(request: ApiRequest) -> JobStarted:
    body: NewBonusRun = request.body
    bonus.check_run_request(wiring.bonus(), request.caller, body.period, body.kind)
    job = jobs.start_job(wiring.jobs(), wiring.job_queue(), wiring.clock(),
                         request.caller.brand_id, request.caller.user_id,
                         bonus.BONUS_RUN_JOB,
                         {"period": body.period, "kind": body.kind.value})
    return JobStarted(job_id=job.job_id, status=job.status)


@api.route("/v1/bonus-runs/{run_id}", "GET", summary="A bonus run",
           response=BonusRunReply)
def get_bonus_run(request: ApiRequest, run_id: str) -> BonusRunReply:
    ports = wiring.bonus()
    run = bonus.get_run(ports, request.caller, run_id)
    return BonusRunReply.of(run, bonus.currency_of(ports, run.brand_id))


@api.route("/v1/bonus-runs/{run_id}/export", "GET",
           summary="A whole bonus run as xlsx (a link)", response=ExportLink)
def export_bonus_run(request: ApiRequest, run_id: str) -> ExportLink:
    url = bonus.run_link(wiring.bonus(), request.caller, run_id)
    return ExportLink(url=url, expires_in_seconds=LINK_SECONDS)


@api.route("/v1/bonus-runs/{run_id}/statements/{code}", "GET",
           summary="One dealer's statement; `?format=xlsx` gives a link",
           query=StatementQuery, response=StatementAnswer)
def get_statement(request: ApiRequest, run_id: str, code: str) -> Any:
    query: StatementQuery = request.query
    ports = wiring.bonus()
    if query.format == "xlsx":
        url = bonus.statement_link(ports, request.caller, run_id, code)
        return ExportLink(url=url, expires_in_seconds=LINK_SECONDS)
    run, stored = bonus.get_statement(ports, request.caller, run_id, code)
    return StatementReply.of(run, stored, bonus.currency_of(ports, run.brand_id))


@api.route("/v1/bonus-runs/{run_id}/publish", "POST",
           summary="Publish a final run to dealers and the ledger",
           response=PublishedRun)
def publish_bonus_run(request: ApiRequest, run_id: str) -> PublishedRun:
    ports = wiring.bonus()
    run, posted = bonus.publish_run(ports, request.caller, run_id)
    reply = BonusRunReply.of(run, bonus.currency_of(ports, run.brand_id))
    return PublishedRun(run=reply, ledger_entries=posted)


@api.route("/v1/dealers/{code}/checklist", "GET", summary="A dealer's checklist",
           query=ChecklistQuery, response=ChecklistReply)
def dealer_checklist(request: ApiRequest, code: str) -> ChecklistReply:
    query: ChecklistQuery = request.query
    ports = wiring.bonus()
    language = language_of(request.raw.headers.get("accept-language"))
    found = bonus.dealer_checklist(ports, request.caller, code, query.period,
                                   language)
    return ChecklistReply.of(found, bonus.currency_of(ports, request.caller.brand_id))


@app.on_sqs_message(queue=resources.BONUS_BATCHES.name, batch_size=5)
def run_bonus_batches(event: Any) -> dict:
    def run(batch: Any) -> str:
        return bonus.run_batch(wiring.bonus(), batch)

    return process_batch_messages(event.to_dict(), event.context, run)


# 06:15 UTC is 09:15 in Moscow (UTC+3 all year): the working morning.
@app.schedule(Cron(15, 6, "*", "*", "?", "*"))
def close_due_periods(event: Any) -> dict:
    outcomes = bonus.close_due_periods(wiring.bonus())
    logger.info("due periods checked", brands=len(outcomes))
    return {"outcomes": outcomes}


@app.schedule(Rate(15, unit=Rate.MINUTES))
def fail_stalled_bonus_runs(event: Any) -> dict:
    failed = bonus.fail_stalled_runs(wiring.bonus())
    logger.info("stalled bonus runs failed", count=len(failed))
    return {"failed": len(failed)}
def _creative_reply(request: ApiRequest, creative: Creative) -> CreativeReply:
    counts = creatives.download_count(wiring.creative_downloads(), request.caller,
                                      creative)
    return CreativeReply.of(creative, wiring.creative_files().preview_link,
                            request.caller.is_dealer, counts)


@api.route("/v1/creatives", "GET", summary="Search the creative library",
           query=CreativeQuery, response=CreativePage)
def list_creatives(request: ApiRequest) -> CreativePage:
    query: CreativeQuery = request.query
    page = creatives.search_creatives(
        wiring.creative_catalog(), wiring.dealers(), wiring.brands(), wiring.clock(),
        request.caller, query.criteria(), query.limit, query.cursor,
    )
    files, dealer = wiring.creative_files(), request.caller.is_dealer
    items = [CreativeReply.of(c, files.preview_link, dealer, history=False)
             for c in page.items]
    return CreativePage(items=items, next_cursor=page.next_cursor)


@api.route("/v1/creatives", "POST", summary="Register a creative and upload its file",
           body=NewCreative, response=CreativeUploadReply, status=201, idempotent=True)
def create_creative(request: ApiRequest) -> CreativeUploadReply:
    body: NewCreative = request.body
    upload = creatives.create_creative(
        wiring.creatives(), wiring.creative_files(), wiring.clock(), request.caller,
        body.description_of(), body.file.new_file(),
    )
    return CreativeUploadReply.of(_creative_reply(request, upload.creative),
                                  upload.form)


@api.route("/v1/creatives/{creative_id}", "GET", summary="One creative",
           response=CreativeReply)
def get_creative(request: ApiRequest, creative_id: str) -> CreativeReply:
    creative = creatives.get_creative(
        wiring.creatives(), wiring.dealers(), wiring.brands(), wiring.clock(),
        request.caller, creative_id,
    )
    return _creative_reply(request, creative)


@api.route("/v1/creatives/{creative_id}", "PATCH", summary="Describe a creative",
           body=CreativeUpdate, response=CreativeReply)
def patch_creative(request: ApiRequest, creative_id: str) -> CreativeReply:
    body: CreativeUpdate = request.body
    creative = creatives.describe_creative(
        wiring.creatives(), wiring.notifier(), wiring.recipients(), wiring.clock(),
        request.caller, creative_id, body.description_changes(), body.version,
    )
    return _creative_reply(request, creative)


@api.route("/v1/creatives/{creative_id}/versions", "POST",
           summary="Upload a new file: a new version", body=FileBody,
           response=CreativeUploadReply, status=201, idempotent=True)
def add_creative_version(request: ApiRequest, creative_id: str) -> CreativeUploadReply:
    body: FileBody = request.body
    upload = creatives.add_version(
        wiring.creatives(), wiring.dealers(), wiring.creative_files(),
        wiring.clock(), request.caller, creative_id, body.new_file(),
    )
    return CreativeUploadReply.of(_creative_reply(request, upload.creative),
                                  upload.form)


@api.route("/v1/creatives/{creative_id}/download", "GET",
           summary="A download link under the original file name",
           query=DownloadQuery, response=DownloadReply)
def download_creative(request: ApiRequest, creative_id: str) -> DownloadReply:
    query: DownloadQuery = request.query
    version, link = creatives.download_creative(
        wiring.creatives(), wiring.dealers(), wiring.brands(), wiring.creative_files(),
        wiring.creative_downloads(), wiring.clock(), request.caller, creative_id,
        query.version,
    )
    return DownloadReply.of(version, link)


@app.on_sqs_message(queue=resources.CREATIVE_UPLOADS.name, batch_size=5)
def process_creative_uploads(event: Any) -> dict:
    def accept(object_key: str, size: int) -> object:
        return creatives.accept_upload(
            wiring.creatives(), wiring.creative_files(), wiring.preview_maker(),
            wiring.notifier(),
            wiring.recipients(), wiring.clock(), object_key, size,
        )

    return process_upload_messages(event.to_dict(), event.context, accept)


@api.route("/v1/surveys", "GET", summary="Surveys", query=ListQuery,
           response=SurveyPage)
def list_surveys(request: ApiRequest) -> SurveyPage:
    query: ListQuery = request.query
    page = surveys.list_surveys(wiring.surveys(), request.caller, query.limit,
                                query.cursor)
    dealer = request.caller.is_dealer
    return SurveyPage(items=[SurveyReply.of(s, dealer) for s in page.items],
                      next_cursor=page.next_cursor)


@api.route("/v1/surveys", "POST", summary="Create a survey", body=NewSurvey,
           response=SurveyReply, status=201, idempotent=True)
def create_survey(request: ApiRequest) -> SurveyReply:
    body: NewSurvey = request.body
    survey = surveys.create_survey(
        wiring.surveys(), wiring.dealers(), wiring.users(), wiring.notifier(),
        wiring.clock(), request.caller, body.draft(),
    )
    return SurveyReply.of(survey, for_dealer=False)


@api.route("/v1/surveys/{survey_id}", "GET", summary="One survey",
           response=SurveyReply)
def get_survey(request: ApiRequest, survey_id: str) -> SurveyReply:
    survey = surveys.get_survey(wiring.surveys(), request.caller, survey_id)
    return SurveyReply.of(survey, request.caller.is_dealer)


@api.route("/v1/surveys/{survey_id}/responses", "POST",
           summary="Answer a survey, or change the answer while it is open",
           body=ResponseBody, response=ResponseReply, idempotent=True)
def answer_survey(request: ApiRequest, survey_id: str) -> ResponseReply:
    body: ResponseBody = request.body
    response = surveys.answer_survey(
        wiring.surveys(), wiring.survey_responses(), wiring.clock(), request.caller,
        survey_id, body.dealer, body.answer_list(),
        answered=wiring.survey_answered(),
    )
    return ResponseReply.of(response)


@api.route("/v1/surveys/{survey_id}/results", "GET",
           summary="Results; `?format=xlsx` gives a download link",
           query=ResultsQuery, response=ResultsAnswer)
def survey_results(request: ApiRequest, survey_id: str) -> ResultsAnswer:
    query: ResultsQuery = request.query
    if query.format == "xlsx":
        url, expires_at = surveys.export_results(
            wiring.surveys(), wiring.survey_responses(), wiring.dealers(),
            wiring.export_files(), wiring.clock(), request.caller, survey_id,
        )
        return ResultsAnswer(SurveyExportReply(url=url, expires_at=expires_at))
    _, results = surveys.results_of(
        wiring.surveys(), wiring.survey_responses(), wiring.dealers(),
        request.caller, survey_id,
    )
    return ResultsAnswer(ResultsReply.of(results))


@api.route("/v1/me/notification-preferences", "GET",
           summary="The caller's notification preferences", response=PreferencesReply)
def get_notification_preferences(request: ApiRequest) -> PreferencesReply:
    return PreferencesReply.of(notification_prefs.my_preferences(
        wiring.notification_preferences(), request.caller))


@api.route("/v1/me/notification-preferences", "PUT",
           summary="Turn notification kinds on or off per channel",
           body=PreferencesUpdate, response=PreferencesReply)
def put_notification_preferences(request: ApiRequest) -> PreferencesReply:
    body: PreferencesUpdate = request.body
    preferences = notification_prefs.change_my_preferences(
        wiring.notification_preferences(), request.caller, body.kinds, body.language,
        body.version,
    )
    return PreferencesReply.of(preferences)


@api.route("/v1/notification-templates", "GET",
           summary="The brand's notification texts", response=TemplateList)
def list_notification_templates(request: ApiRequest) -> TemplateList:
    return TemplateList.of(notification_prefs.brand_templates(
        wiring.notification_templates(), request.caller))


@api.route("/v1/notification-templates/{kind}/{language}", "PUT",
           summary="Set the brand's text of a kind (both fields null: default)",
           body=TemplateBody, response=TemplateList)
def put_notification_template(request: ApiRequest, kind: str, language: str
                              ) -> TemplateList:
    body: TemplateBody = request.body
    notification_prefs.set_brand_template(
        wiring.notification_templates(), request.caller,
        notification_prefs.kind_named(kind),
        notification_prefs.language_named(language),
        body.template(),
    )
    return TemplateList.of(notification_prefs.brand_templates(
        wiring.notification_templates(), request.caller))
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
        body.lead_source, wiring.clock(), wiring.refresh_analytics)
    return LeadSourceReply(dealer=dealer, lead_source=source)


@api.route("/v1/analytics/network", "GET", summary="Network analytics of a period; "
           "`?format=xlsx` gives a link", query=NetworkQuery, response=NetworkAnswer)
def network_analytics(request: ApiRequest) -> Any:
    query: NetworkQuery = request.query
    view = integrations.network_analytics(wiring.summaries(), request.caller,
                                          query.period)
    if query.format == "xlsx":
        url, expires_at = integrations.network_workbook_link(
            view, wiring.import_files(), request.caller, wiring.clock())
        return LinkReply(url=url, expires_at=expires_at)
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

    return process_import_messages(event.to_dict(), event.context, arrived)


@api.route("/v1/exports", "POST", summary="Export a period to the BI bucket (a job)",
           body=NewExport, response=BiExportReply, status=202, idempotent=True)
def start_export(request: ApiRequest) -> BiExportReply:
    body: NewExport = request.body
    export = bi_exports.start_export(wiring.exports(), wiring.start_export_job,
                                     wiring.clock(), request.caller, body.period)
    return BiExportReply.of(export)


@api.route("/v1/exports", "GET", summary="The brand's exports, newest first",
           query=ListQuery, response=ExportPage)
def list_exports(request: ApiRequest) -> ExportPage:
    query: ListQuery = request.query
    page = bi_exports.list_exports(wiring.exports(), request.caller, query.limit,
                                   query.cursor)
    return ExportPage(items=[BiExportReply.of(e) for e in page.items],
                      next_cursor=page.next_cursor)


@api.route("/v1/exports/{export_id}", "GET", summary="One export",
           response=BiExportReply)
def get_export(request: ApiRequest, export_id: str) -> BiExportReply:
    return BiExportReply.of(bi_exports.get_export(wiring.exports(), request.caller,
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
@api.route("/v1/placements/{placement_id}/report/photos", "POST",
           summary="Ask for a presigned POST for one report photo", body=NewPhoto,
           response=PhotoUploadReply, status=201, idempotent=True)
def request_photo_upload(request: ApiRequest, placement_id: str) -> PhotoUploadReply:
    body: NewPhoto = request.body
    ticket = photos.request_upload(
        wiring.photos(), wiring.placement_gate(), wiring.brands(),
        wiring.photo_objects(), wiring.clock(), wiring.new_photo_id(),
        request.caller, placement_id, body.file_name, body.content_type, body.size,
        body.proof,
    )
    return PhotoUploadReply.of(ticket)


@api.route("/v1/photos/{photo_id}", "GET", summary="A photo, its status and flags",
           response=PhotoReply)
def get_photo(request: ApiRequest, photo_id: str) -> PhotoReply:
    view = photos.get_photo(wiring.photos(), wiring.dealers(), wiring.photo_objects(),
                            request.caller, photo_id)
    return PhotoReply.of(view, language_of(request.raw.headers.get("accept-language")))


@api.route("/v1/photos/{photo_id}/flags/{kind}/decision", "POST",
           summary="Confirm or dismiss a photo's flag", body=FlagDecision,
           response=PhotoReply)
def decide_photo_flag(request: ApiRequest, photo_id: str, kind: str) -> PhotoReply:
    body: FlagDecision = request.body
    photo = photos.decide_flag(wiring.photos(), wiring.dealers(), wiring.clock(),
                               request.caller, photo_id, kind, body.decision,
                               body.comment,
                               decided=wiring.photo_flag_decided(request.caller))
    return PhotoReply.of_photo(photo)


@app.on_sqs_message(queue=resources.PHOTOS_QUEUE.name, batch_size=10)
def process_photos(event: Any) -> dict:
    def process(created: ObjectCreated) -> str:
        return photos.process_upload(
            wiring.photos(), wiring.photo_hashes(), wiring.photo_indexes(),
            wiring.photo_objects(), wiring.brands(), wiring.dealers(),
            wiring.clock(), created, accepted=counted_as_proof,
            flagged=wiring.photo_flagged(),
        )

    def counted_as_proof(photo: Any) -> None:
        count_as_proof(wiring.placement_ports(), photo.placement_id, photo.photo_id,
                       photo.proof)

    return process_photo_messages(event.to_dict(), event.context, process)
