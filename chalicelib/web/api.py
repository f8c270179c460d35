"""Routing of the REST API on top of Chalice.

Every route is declared through `Api.route`, which is the one path every
request takes: authentication, body and query validation against typed
models, idempotency keys, errors in the API's error shape, and the operation
record the OpenAPI document is generated from. `app.py` only declares.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chalice import Chalice, Response
from chalice.app import Request
from pydantic import BaseModel, ValidationError

from chalicelib.access.model import Caller
from chalicelib.errors import DomainError, InvalidInput, TooLarge, Unauthenticated
from chalicelib.logs import invocation_keys, logger
from chalicelib.web.errors import (
    domain_error_response,
    error_response,
    json_response,
    rewrite_chalice_error,
    unavailable_response,
)
from chalicelib.web.idempotency import MAX_KEY_LENGTH, IdempotencyGuard
from chalicelib.web.messages import language_of

MAX_BODY_BYTES = 1024 * 1024
ALLOWED_HEADERS = "Authorization,Content-Type,Accept-Language,Idempotency-Key"
PREFLIGHT_MAX_AGE = "600"


class MalformedJson(InvalidInput):
    """The body is not JSON at all."""

    code = "malformed_json"


@dataclass(frozen=True, slots=True)
class Operation:
    """One route: what the OpenAPI document says of it and how it is served."""

    path: str
    method: str
    name: str
    summary: str
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    public: bool
    idempotent: bool
    content_type: str | tuple[str, ...] = "application/json"
    """The success reply's media type; several when it depends on the path."""


@dataclass(frozen=True, slots=True)
class ApiRequest:
    """What a view receives: the caller and the validated parts of the request."""

    caller: Caller
    body: Any
    query: Any
    raw: Request


@dataclass(slots=True)
class Gateway:
    """What the router needs from the rest of the app, built lazily once."""

    identify: Callable[[str], Caller]
    idempotency: Callable[[], IdempotencyGuard]
    web_origins: Callable[[], tuple[str, ...]]
    transient: Callable[[BaseException], bool] = lambda _error: False
    """Whether an unexpected error is AWS briefly unavailable (503, not 500)."""


@dataclass
class Api:
    app: Chalice
    gateway: Gateway
    operations: list[Operation] = field(default_factory=list)
    _preflight_paths: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.app.register_middleware(self._middleware, "http")

    def route(
        self,
        path: str,
        method: str,
        *,
        summary: str,
        body: type[BaseModel] | None = None,
        query: type[BaseModel] | None = None,
        response: type[BaseModel] | None = None,
        status: int = 200,
        public: bool = False,
        idempotent: bool = False,
        content_type: str | tuple[str, ...] = "application/json",
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def declare(view: Callable[..., Any]) -> Callable[..., Any]:
            operation = Operation(
                path, method, view.__name__, summary, body, query, response,
                status, public, idempotent, content_type,
            )
            self.operations.append(operation)

            def serve(**uri_params: str) -> Response:
                return self._serve(operation, view, uri_params)

            serve.__name__ = view.__name__
            self.app.route(path, methods=[method])(serve)
            self._declare_preflight(path)
            return view

        return declare

    def _serve(
        self, operation: Operation, view: Callable[..., Any], uri_params: dict
    ) -> Response:
        request = self._current_request()
        language = language_of(request.headers.get("accept-language"))
        try:
            return self._answer(operation, view, request, uri_params)
        except DomainError as exc:
            return domain_error_response(exc, language)
        except Exception as exc:
            if self.gateway.transient(exc):
                logger.warning("aws unavailable", operation=operation.name,
                               exc_info=True)
                return unavailable_response(language)
            logger.exception("unhandled error", operation=operation.name)
            return error_response(500, "internal_error", language)

    def _answer(
        self,
        operation: Operation,
        view: Callable[..., Any],
        request: Request,
        uri_params: dict,
    ) -> Response:
        caller = None if operation.public else self._authenticate(request)
        if caller is not None:
            logger.append_keys(brand_id=caller.brand_id, user_id=caller.user_id)
        if "code" in uri_params:
            logger.append_keys(dealer_code=uri_params["code"])
        api_request = ApiRequest(
            caller=caller,  # type: ignore[arg-type]
            body=_parsed_body(operation, request),
            query=_parsed_query(operation, request),
            raw=request,
        )

        def run() -> tuple[int, Any]:
            result = view(api_request, **uri_params)
            if isinstance(result, Response):
                return result.status_code, result
            return operation.status, _plain(result)

        key = request.headers.get("idempotency-key")
        if operation.idempotent and key and caller is not None:
            status, answer = self._replay(
                operation, caller, key, request, uri_params, run
            )
        else:
            status, answer = run()
        return answer if isinstance(answer, Response) else json_response(status, answer)

    def _replay(
        self,
        operation: Operation,
        caller: Caller,
        key: str,
        request: Request,
        uri_params: dict,
        run: Callable[[], tuple[int, Any]],
    ) -> tuple[int, Any]:
        if len(key) > MAX_KEY_LENGTH:
            raise InvalidInput("The idempotency key is too long.", max=MAX_KEY_LENGTH)
        # The path as requested, not its template: the same key on two
        # placements' photo uploads is two requests.
        path = operation.path.format(**uri_params)
        scope = f"{caller.user_id}#{operation.method} {path}"
        body = _raw_body(request).decode("utf-8", errors="replace")
        return self.gateway.idempotency().run(
            key, scope, body, run, lambda_context=request.lambda_context
        )

    def _authenticate(self, request: Request) -> Caller:
        scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("No bearer token was sent.")
        return self.gateway.identify(token.strip())

    def _declare_preflight(self, path: str) -> None:
        if path in self._preflight_paths:
            return
        self._preflight_paths.add(path)

        def preflight(**_uri_params: str) -> Response:
            return self._preflight(path)

        preflight.__name__ = "preflight_" + "".join(
            ch if ch.isalnum() else "_" for ch in path
        )
        self.app.route(path, methods=["OPTIONS"])(preflight)

    def _preflight(self, path: str) -> Response:
        request = self._current_request()
        origin = request.headers.get("origin")
        if origin not in self.gateway.web_origins():
            language = language_of(request.headers.get("accept-language"))
            return error_response(403, "origin_not_allowed", language)
        methods = sorted(op.method for op in self.operations if op.path == path)
        headers: dict[str, str | list[str]] = {
            "Access-Control-Allow-Methods": ",".join([*methods, "OPTIONS"]),
            "Access-Control-Allow-Headers": ALLOWED_HEADERS,
            "Access-Control-Max-Age": PREFLIGHT_MAX_AGE,
        }
        return Response(body="", status_code=204, headers=headers)

    def _middleware(
        self, request: Request, get_response: Callable[[Request], Response]
    ) -> Response:
        """Around every HTTP request: body limit, log keys, Chalice's own
        errors in our shape, and CORS headers on every answer."""
        context = request.context or {}
        language = language_of(request.headers.get("accept-language"))
        try:
            with invocation_keys(
                request.lambda_context,
                request_id=context.get("requestId"),
                route=context.get("resourcePath"),
                method=request.method,
            ):
                try:
                    response = self._limited(request, get_response, language)
                finally:
                    # Also on failure, or the next request logs this caller.
                    logger.remove_keys(["brand_id", "user_id", "dealer_code"])
        except Exception:
            # Chalice would answer in its own shape; keep ours even here.
            logger.exception("unhandled error around the route")
            response = error_response(500, "internal_error", language)
        self._add_cors(request, response)
        return response

    def _limited(
        self,
        request: Request,
        get_response: Callable[[Request], Response],
        language: str,
    ) -> Response:
        if len(_raw_body(request)) > MAX_BODY_BYTES:
            too_large = TooLarge("Body too large.", limit_bytes=MAX_BODY_BYTES)
            return domain_error_response(too_large, language)
        return rewrite_chalice_error(get_response(request), language)

    def _current_request(self) -> Request:
        request = self.app.current_request
        if request is None:
            raise RuntimeError("No current request outside an HTTP invocation.")
        return request

    def _add_cors(self, request: Request, response: Response) -> None:
        origin = request.headers.get("origin")
        if origin and origin in self.gateway.web_origins():
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Vary"] = "Origin"


def _parsed_body(operation: Operation, request: Request) -> Any:
    if operation.body is None:
        return None
    try:
        return operation.body.model_validate_json(_raw_body(request))
    except ValidationError as exc:
        raise _invalid(exc) from None


def _parsed_query(operation: Operation, request: Request) -> Any:
    if operation.query is None:
        return None
    try:
        return operation.query.model_validate(request.query_params or {})
    except ValidationError as exc:
        raise _invalid(exc) from None


def _invalid(exc: ValidationError) -> InvalidInput:
    problems = [
        {
            "field": ".".join(str(part) for part in error["loc"]),
            "type": error["type"],
            "problem": error["msg"],
        }
        for error in exc.errors(include_url=False, include_input=False)
    ]
    if any(problem["type"] == "json_invalid" for problem in problems):
        return MalformedJson("The body is not valid JSON.")
    return InvalidInput("The request does not match its schema.", errors=problems)


def _raw_body(request: Request) -> bytes:
    raw = request.raw_body or b""
    return raw.encode() if isinstance(raw, str) else raw


def _plain(result: Any) -> Any:
    if isinstance(result, BaseModel):
        return result.model_dump(mode="json")
    return result
