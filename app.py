"""The front door: every route and event handler of the app, declared thin.

Each one reads the request or event, calls one service function and returns
plain data. Rules live in `chalicelib/`; `chalicelib/wiring.py` builds the
adapters they use.
"""

from typing import Any

from chalice import Chalice, Rate, Response

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
from chalicelib.jobs import service as jobs
from chalicelib.jobs.handlers import process_job_messages
from chalicelib.jobs.schemas import JobReply
from chalicelib.logs import event_middleware, logger
from chalicelib.media import service as photos
from chalicelib.media.handlers import process_photo_messages
from chalicelib.media.schemas import FlagDecision, NewPhoto, PhotoReply, UploadReply
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


@api.route("/v1/placements/{placement_id}/report/photos", "POST",
           summary="Ask for a presigned POST for one report photo", body=NewPhoto,
           response=UploadReply, status=201, idempotent=True)
def request_photo_upload(request: ApiRequest, placement_id: str) -> UploadReply:
    body: NewPhoto = request.body
    ticket = photos.request_upload(
        wiring.photos(), wiring.placement_gate(), wiring.brands(),
        wiring.photo_objects(), wiring.clock(), wiring.new_photo_id(),
        request.caller, placement_id, body.file_name, body.content_type, body.size,
    )
    return UploadReply.of(ticket)


@api.route("/v1/photos/{photo_id}", "GET", summary="A photo, its status and flags",
           response=PhotoReply)
def get_photo(request: ApiRequest, photo_id: str) -> PhotoReply:
    view = photos.get_photo(wiring.photos(), wiring.dealers(), wiring.photo_objects(),
                            request.caller, photo_id)
    return PhotoReply.of(view)


@api.route("/v1/photos/{photo_id}/flags/{kind}/decision", "POST",
           summary="Confirm or dismiss a photo's flag", body=FlagDecision,
           response=PhotoReply)
def decide_photo_flag(request: ApiRequest, photo_id: str, kind: str) -> PhotoReply:
    body: FlagDecision = request.body
    photo = photos.decide_flag(wiring.photos(), wiring.dealers(), wiring.clock(),
                               request.caller, photo_id, kind, body.decision,
                               body.comment)
    return PhotoReply.of_photo(photo)


@app.on_sqs_message(queue=resources.PHOTOS_QUEUE.name, batch_size=10)
def process_photos(event: Any) -> dict:
    def process(created: ObjectCreated) -> str:
        return photos.process_upload(
            wiring.photos(), wiring.photo_hashes(), wiring.photo_indexes(),
            wiring.photo_objects(), wiring.brands(), wiring.dealers(),
            wiring.clock(), created,
        )

    return process_photo_messages(event.to_dict(), event.context, process)
