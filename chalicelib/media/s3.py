"""The photos bucket: presigned uploads and links, and reading an object's bytes."""

import gzip
import json
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.media.matching import StoredHashes


class S3PhotoObjects:
    def __init__(self, client: Any, bucket: str) -> None:
        self._client = client
        self._bucket = bucket

    def upload_form(
        self, key: str, content_type: str, max_bytes: int, expires_seconds: int
    ) -> tuple[str, dict[str, str]]:
        conditions: list[Any] = [
            {"Content-Type": content_type},
            ["content-length-range", 1, max_bytes],
        ]
        post = self._client.generate_presigned_post(
            Bucket=self._bucket,
            Key=key,
            Fields={"Content-Type": content_type},
            Conditions=conditions,
            ExpiresIn=expires_seconds,
        )
        return str(post["url"]), dict(post["fields"])

    def read(self, key: str, max_bytes: int) -> bytes | None:
        try:
            reply = self._client.get_object(
                Bucket=self._bucket, Key=key, Range=f"bytes=0-{max_bytes}"
            )
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code")
            if code in {"NoSuchKey", "404"}:
                return None
            if code == "InvalidRange":  # an empty object
                return b""
            raise
        return bytes(reply["Body"].read())

    def link(self, key: str, expires_seconds: int,
             content_type: str | None = None) -> str:
        """A presigned GET; `content_type` (the type read from the file's
        signature) overrides the one the uploader declared."""
        params = {"Bucket": self._bucket, "Key": key}
        if content_type is not None:
            params["ResponseContentType"] = content_type
        return str(self._client.generate_presigned_url(
            "get_object", Params=params, ExpiresIn=expires_seconds,
        ))

    def put(self, key: str, content: bytes, content_type: str) -> None:
        self._client.put_object(Bucket=self._bucket, Key=key, Body=content,
                                ContentType=content_type)


class S3HashSnapshots:
    """Snapshots of the hash index as gzip'd JSON under `_index/` in the
    photos bucket (a key that is no photo key, so the processing handler
    ignores its notification)."""

    def __init__(self, client: Any, bucket: str) -> None:
        self._client = client
        self._bucket = bucket

    def load(
        self, brand_id: str, version: str
    ) -> tuple[list[StoredHashes], str] | None:
        try:
            reply = self._client.get_object(Bucket=self._bucket,
                                            Key=_snapshot_key(brand_id, version))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}:
                return None
            raise
        document = json.loads(gzip.decompress(reply["Body"].read()))
        stored = [_stored(row, version) for row in document["photos"]]
        return stored, str(document["position"])

    def save(
        self, brand_id: str, version: str, stored: list[StoredHashes], position: str
    ) -> None:
        document = {"version": version, "position": position,
                    "photos": [_row(each) for each in stored]}
        body = gzip.compress(json.dumps(document, separators=(",", ":")).encode())
        self._client.put_object(Bucket=self._bucket,
                                Key=_snapshot_key(brand_id, version), Body=body,
                                ContentType="application/gzip")


def _snapshot_key(brand_id: str, version: str) -> str:
    return f"_index/{brand_id}/{version}.json.gz"


def _row(stored: StoredHashes) -> list[Any]:
    return [stored.photo_id, stored.dealer_code, stored.placement_id,
            stored.uploaded_at.isoformat(), stored.taken_at, stored.sha256,
            [[f"{p:016x}", f"{d:016x}"] for p, d in stored.views],
            stored.uninformative]


def _stored(row: list[Any], version: str) -> StoredHashes:
    photo_id, dealer, placement, uploaded, taken, sha, views, blank = row
    return StoredHashes(
        photo_id=photo_id, dealer_code=dealer, placement_id=placement,
        uploaded_at=datetime.fromisoformat(uploaded), taken_at=taken, sha256=sha,
        version=version, views=tuple((int(p, 16), int(d, 16)) for p, d in views),
        uninformative=bool(blank),
    )
