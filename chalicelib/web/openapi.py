"""The OpenAPI 3.1 document, generated from the routes' own models."""

import re
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from chalicelib.web.api import Operation
from chalicelib.web.schemas import ErrorReply

REF = "#/components/schemas/{model}"
ERROR_STATUSES = {
    "400": "Malformed request",
    "401": "No or bad token",
    "403": "Not allowed",
    "404": "Unknown or not visible",
    "409": "Conflict or stale version",
    "413": "Body too large",
    "415": "Unsupported media type",
    "422": "Rule violated",
    "500": "Internal error",
    "503": "AWS briefly unavailable: retry after Retry-After seconds",
}


def document(operations: list[Operation], title: str, version: str) -> dict[str, Any]:
    models = _models(operations)
    refs, components = models_json_schema(
        [(model, "validation") for model in models], ref_template=REF
    )
    schemas = components.get("$defs", {})
    paths: dict[str, dict[str, Any]] = {}
    for op in operations:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op, refs)
    for op in operations:
        links = _links(op, operations)
        if links:
            responses = paths[op.path][op.method.lower()]["responses"]
            responses[str(op.status)]["links"] = links
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        # NOTE: relative to where the document is served, so "Try it out" also
        # works under an API Gateway stage prefix such as /api.
        "servers": [{"url": "."}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
    }


def _models(operations: list[Operation]) -> list[type[BaseModel]]:
    found: dict[str, type[BaseModel]] = {"ErrorReply": ErrorReply}
    for op in operations:
        for model in (op.body, op.response):
            if model is not None:
                found[model.__name__] = model
    return list(found.values())


def _operation(op: Operation, refs: dict) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "operationId": op.name,
        "summary": op.summary,
        "tags": [_tag(op.path)],
        "parameters": _path_parameters(op.path) + _query_parameters(op.query),
        "responses": _responses(op, refs),
    }
    if op.body is not None:
        schema = refs[(op.body, "validation")]
        spec["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": schema}},
        }
    if op.idempotent:
        spec["parameters"].append(
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"type": "string", "maxLength": 255},
                "description": "Retries with the same key return the first result.",
            }
        )
    spec["security"] = [] if op.public else [{"bearer": []}]
    return spec


def _responses(op: Operation, refs: dict) -> dict[str, Any]:
    success: dict[str, Any] = {"description": "Success"}
    if op.response is not None:
        schema = refs[(op.response, "validation")]
        success["content"] = {op.content_type: {"schema": schema}}
    elif op.content_type != "application/json":
        kinds = op.content_type
        kinds = (kinds,) if isinstance(kinds, str) else kinds
        success["content"] = {kind: {"schema": {"type": "string"}} for kind in kinds}
    error = {"application/json": {"schema": refs[(ErrorReply, "validation")]}}
    responses = {str(op.status): success}
    for status, description in ERROR_STATUSES.items():
        if op.public and status in ("401", "403"):
            continue
        responses[status] = {"description": description, "content": error}
    return responses


def _links(op: Operation, operations: list[Operation]) -> dict[str, Any]:
    """OpenAPI links from a creating POST to the operations that take what it
    created: an id of its reply (at the top or one object down) that names a
    path parameter elsewhere, the other parameters from the POST's own path.
    So a client, or a stateful test, can chain create -> read -> change."""
    if op.method != "POST" or op.status not in (201, 202) or op.response is None:
        return {}
    own = set(_path_names(op.path))
    links: dict[str, Any] = {}
    for name, pointer in _id_pointers(op.response):
        for target in operations:
            names = _path_names(target.path)
            if target is op or name not in names or not set(names) - {name} <= own:
                continue
            parameters = {
                other: f"$request.path.{other}" for other in names if other != name
            }
            parameters[name] = f"$response.body#{pointer}"
            links[f"{target.name}_by_{name}"] = {
                "operationId": target.name,
                "parameters": parameters,
            }
    return links


def _id_pointers(model: type[BaseModel], prefix: str = "") -> list[tuple[str, str]]:
    """(name, JSON pointer) of the ids in a reply: fields named `code` or
    `*_id`, and those of the reply objects it holds directly."""
    found = []
    for name, info in model.model_fields.items():
        kind = info.annotation
        if name == "code" or name.endswith("_id"):
            found.append((name, f"{prefix}/{name}"))
        elif not prefix and isinstance(kind, type) and issubclass(kind, BaseModel):
            found += _id_pointers(kind, f"/{name}")
    return found


def _path_names(path: str) -> list[str]:
    return re.findall(r"{(\w+)}", path)


def _path_parameters(path: str) -> list[dict[str, Any]]:
    return [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in _path_names(path)
    ]


def _query_parameters(query: type[BaseModel] | None) -> list[dict[str, Any]]:
    if query is None:
        return []
    schema = query.model_json_schema()
    required = set(schema.get("required", []))
    return [
        {"name": name, "in": "query", "required": name in required, "schema": prop}
        for name, prop in schema["properties"].items()
    ]


def _tag(path: str) -> str:
    parts = [part for part in path.split("/") if part and part != "v1"]
    return parts[0] if parts else "service"
