"""Building blocks shared by the request and response models of every area."""

import re
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from chalicelib.network.model import is_known_time_zone
from chalicelib.paging import DEFAULT_LIMIT, MAX_LIMIT

# C0 and C1 controls but tab and line breaks, DEL, the byte-order mark and
# the interlinear annotation marks, and the bidirectional overrides
# and isolates that make text display otherwise than it reads ("Trojan
# source"). Letters of every script pass, right-to-left ones included.
_HIDDEN_CLASS = (
    r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb")
_HIDDEN = re.compile(f"[{_HIDDEN_CLASS}]")
PLAIN_TEXT_PATTERN = f"^[^{_HIDDEN_CLASS}]*$"
"""The same rule for the OpenAPI document (ECMA 262 reads these escapes too)."""


def plain_text(value: Any) -> Any:
    """Refuse strings, at any depth, that carry control characters."""
    if isinstance(value, str):
        if _HIDDEN.search(value):
            raise ValueError("control characters are not allowed in text")
    elif isinstance(value, dict):
        for key, item in value.items():
            plain_text(key)
            plain_text(item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            plain_text(item)
    return value


def _document_plain_text(schema: dict[str, Any]) -> None:
    """Say in a model's JSON schema what `plain_text` refuses: each free
    string (and object key) gets PLAIN_TEXT_PATTERN."""
    for prop in schema.get("properties", {}).values():
        _mark_plain(prop)


def _mark_plain(node: Any) -> None:
    if not isinstance(node, dict) or "$ref" in node:
        return
    free = not {"pattern", "format", "enum", "const"} & set(node)
    if node.get("type") == "string" and free:
        node["pattern"] = PLAIN_TEXT_PATTERN
    if node.get("type") == "object" and "additionalProperties" in node:
        node.setdefault("propertyNames", {"pattern": PLAIN_TEXT_PATTERN})
    for key in ("items", "additionalProperties"):
        _mark_plain(node.get(key))
    for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
        for item in node.get(key, []):
            _mark_plain(item)


class Body(BaseModel):
    """A JSON request body: exact types, no unknown fields, no control
    characters hidden in its text."""

    model_config = ConfigDict(extra="forbid", strict=True,
                              json_schema_extra=_document_plain_text)

    _plain = field_validator("*")(plain_text)


class Reply(BaseModel):
    """A JSON response body."""

    model_config = ConfigDict(extra="forbid")


class ListQuery(BaseModel):
    """Query parameters of every list (they arrive as strings)."""

    model_config = ConfigDict(extra="ignore", json_schema_extra=_document_plain_text)

    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    cursor: str | None = Field(None, max_length=2048)

    _plain = field_validator("*")(plain_text)


class ErrorReply(Reply):
    code: str = Field(description="Stable, machine-readable error code.")
    message: str = Field(description="For people; follows Accept-Language.")
    details: dict


class Versioned(Body):
    """A partial update: the fields sent, and the version they apply to."""

    version: int = Field(ge=1, description="The version the client last read.")

    def changes(self) -> dict:
        changes = self.model_dump(exclude_unset=True, exclude={"version"})
        return {key: value for key, value in changes.items() if value is not None}


def _known_time_zone(name: str) -> str:
    if not is_known_time_zone(name):
        raise ValueError(f"unknown IANA time zone {name!r}")
    return name


TimeZoneName = Annotated[
    str,
    Field(min_length=1, max_length=64, examples=["Asia/Kamchatka"]),
    AfterValidator(_known_time_zone),
]
Text = Annotated[str, Field(min_length=1, max_length=200)]


def _one_line(value: str) -> str:
    if any(char in value for char in "\r\n\t\u2028\u2029"):
        raise ValueError("a file name is one line")
    return value


FileName = Annotated[str, Field(min_length=1, max_length=255),
                     AfterValidator(_one_line)]
"""A file's name as its sender had it: data only (no object key is made of
it), one line, no hidden characters (every Body refuses those)."""


def _business_date(value: date) -> date:
    if not 2000 <= value.year <= 2099:
        raise ValueError("the date must lie between 2000 and 2099")
    return value


BusinessDate = Annotated[date, AfterValidator(_business_date),
                         Field(json_schema_extra={"pattern": r"^20\d{2}-"})]
"""A calendar date of this business: years 2000 to 2099, so that deadlines
and periods computed from it never overflow."""
DealerCode = Annotated[str, Field(pattern=r"^[A-Z0-9][A-Z0-9-]{1,31}$")]
