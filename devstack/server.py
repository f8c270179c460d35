"""`chalice local`, with its gateway wrapped to answer like ours in AWS.

`chalice local` answers an unknown path itself, before the app, with a 403
that echoes the Authorization header (token included). Here an unknown path
gets a 404 in the API's error shape, and nothing of the request is echoed.
In AWS the same is done by API Gateway's gateway responses (infra).
"""

import json
from typing import Any

from chalice import Chalice
from chalice.config import Config
from chalice.local import (
    ChaliceRequestHandler,
    CustomLocalChalice,
    ForbiddenError,
    LocalChalice,
    LocalDevServer,
    LocalGateway,
    ThreadedHTTPServer,
)

from chalicelib import wiring
from chalicelib.web.messages import language_of, message


class ApiGateway(LocalGateway):
    def handle_request(
        self, method: str, path: str, headers: Any, body: bytes | None
    ) -> dict[str, Any]:
        try:
            return super().handle_request(method, path, headers, body)
        except ForbiddenError:
            return _route_not_found(headers)


class BackloggedServer(ThreadedHTTPServer):
    """socketserver listens with a backlog of 5: fifty clients connecting at
    once (the load test, tests/e2e/test_load.py) overflow it."""

    request_queue_size = 128


class ApiRequestHandler(ChaliceRequestHandler):
    def __init__(self, request: Any, client_address: Any, server: Any,
                 app_object: Chalice, config: Config) -> None:
        self.local_gateway = ApiGateway(app_object, config)
        # Skips ChaliceRequestHandler.__init__, which would build the stock
        # gateway; the base class then serves the request at once.
        super(ChaliceRequestHandler, self).__init__(request, client_address, server)

    def log_message(self, format: str, *args: Any) -> None:
        """Request lines come from the app's structured log instead."""


def local_server(app: Chalice, host: str, port: int) -> LocalDevServer:
    config = Config.create(chalice_stage="dev", app_name=app.app_name)
    if not isinstance(app, LocalChalice):
        # What chalice.local.create_local_server does: requests served in
        # threads each see their own `current_request`.
        CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
        app.__class__ = CustomLocalChalice
    return LocalDevServer(app, config, host, port, handler_cls=ApiRequestHandler,
                          server_cls=BackloggedServer)


def _route_not_found(headers: Any) -> dict[str, Any]:
    lowered = {str(name).lower(): value for name, value in dict(headers).items()}
    language = language_of(lowered.get("accept-language"))
    body = {"code": "route_not_found",
            "message": message("route_not_found", language, {}), "details": {}}
    response_headers = {"Content-Type": "application/json; charset=utf-8"}
    # Error responses carry CORS headers too, or a browser hides them.
    origin = lowered.get("origin")
    if origin and origin in wiring.web_origins():
        response_headers.update({"Access-Control-Allow-Origin": origin,
                                 "Vary": "Origin"})
    return {
        "statusCode": 404,
        "headers": response_headers,
        "multiValueHeaders": {},
        "body": json.dumps(body, ensure_ascii=False),
    }
