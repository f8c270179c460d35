"""Creatives as plain JSON-ready dicts, for the table's JSON attributes and
the search snapshots: one mapping, so the two never disagree."""

from datetime import date, datetime
from typing import Any

from chalicelib.audience import Audience, AudienceKind
from chalicelib.media.creatives import (
    Creative,
    CreativeDescription,
    CreativeFormat,
    CreativeVersion,
    VersionStatus,
)


def creative_data(creative: Creative) -> dict[str, Any]:
    return {
        "brand_id": creative.brand_id,
        "creative_id": creative.creative_id,
        "description": description_data(creative.description),
        "versions": [version_data(version) for version in creative.versions],
        "created_at": creative.created_at.isoformat(),
        "updated_at": creative.updated_at.isoformat(),
        "created_by": creative.created_by,
        "version": creative.version,
    }


def creative_of(data: dict[str, Any]) -> Creative:
    return Creative(
        brand_id=data["brand_id"],
        creative_id=data["creative_id"],
        description=description_of(data["description"]),
        versions=tuple(version_of(v) for v in data["versions"]),
        created_at=datetime.fromisoformat(data["created_at"]),
        updated_at=datetime.fromisoformat(data["updated_at"]),
        created_by=data["created_by"],
        version=int(data["version"]),
    )


def description_data(described: CreativeDescription) -> dict[str, Any]:
    shape = described.format
    return {
        "title": described.title,
        "description": described.description,
        "tags": list(described.tags),
        "car_model": described.car_model,
        "channel": described.channel,
        "format": {"width": shape.width, "height": shape.height,
                   "duration_seconds": shape.duration_seconds},
        "language": described.language,
        "campaign": described.campaign,
        "valid_from": _iso(described.valid_from),
        "valid_to": _iso(described.valid_to),
        "audience": {"kind": described.audience.kind.value,
                     "values": list(described.audience.values)},
    }


def description_of(data: dict[str, Any]) -> CreativeDescription:
    return CreativeDescription(
        title=data["title"],
        description=data["description"],
        tags=tuple(data["tags"]),
        car_model=data["car_model"],
        channel=data["channel"],
        format=CreativeFormat(**data["format"]),
        language=data["language"],
        campaign=data["campaign"],
        valid_from=_day(data["valid_from"]),
        valid_to=_day(data["valid_to"]),
        audience=Audience(AudienceKind(data["audience"]["kind"]),
                          tuple(data["audience"]["values"])),
    )


def version_data(version: CreativeVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "file_name": version.file_name,
        "content_type": version.content_type,
        "size_bytes": version.size_bytes,
        "object_key": version.object_key,
        "created_at": version.created_at.isoformat(),
        "created_by": version.created_by,
        "status": version.status.value,
        "uploaded_at": version.uploaded_at.isoformat() if version.uploaded_at else None,
        "preview_keys": list(version.preview_keys),
    }


def version_of(data: dict[str, Any]) -> CreativeVersion:
    uploaded = data["uploaded_at"]
    return CreativeVersion(
        number=int(data["number"]),
        file_name=data["file_name"],
        content_type=data["content_type"],
        size_bytes=int(data["size_bytes"]),
        object_key=data["object_key"],
        created_at=datetime.fromisoformat(data["created_at"]),
        created_by=data["created_by"],
        status=VersionStatus(data["status"]),
        uploaded_at=datetime.fromisoformat(uploaded) if uploaded else None,
        preview_keys=tuple(data["preview_keys"]),
    )


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None
