"""Files in S3: presigned uploads and downloads, reads and writes.

Only this module (and the export's writer) talks to S3 for the area.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any


class MissingFile(LookupError):
    """No object has this key."""


@dataclass(frozen=True, slots=True)
class Upload:
    url: str
    fields: dict[str, str]
    expires_at: datetime


class S3Files:
    def __init__(self, client: Any, bucket: str) -> None:
        self._client = client
        self.bucket = bucket

    def presigned_upload(self, key: str, max_bytes: int, expires_at: datetime,
                         lifetime: timedelta) -> Upload:
        # NOTE: moto does not enforce POST conditions; AWS does.
        post = self._client.generate_presigned_post(
            Bucket=self.bucket, Key=key,
            Conditions=[["content-length-range", 1, max_bytes]],
            ExpiresIn=int(lifetime.total_seconds()),
        )
        return Upload(post["url"], dict(post["fields"]), expires_at)

    def read(self, key: str) -> bytes:
        """The object's bytes; `MissingFile` when there is none."""
        try:
            reply = self._client.get_object(Bucket=self.bucket, Key=key)
        except self._client.exceptions.NoSuchKey as exc:
            raise MissingFile(key) from exc
        return bytes(reply["Body"].read())

    def write(self, key: str, body: bytes, content_type: str) -> None:
        self._client.put_object(Bucket=self.bucket, Key=key, Body=body,
                                ContentType=content_type)

    def download_link(self, key: str, lifetime: timedelta) -> str:
        return str(self._client.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": key},
            ExpiresIn=int(lifetime.total_seconds())))

    def keys_under(self, prefix: str) -> list[str]:
        paginator = self._client.get_paginator("list_objects_v2")
        keys: list[str] = []
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            keys.extend(entry["Key"] for entry in page.get("Contents", []))
        return keys

    def delete(self, keys: list[str]) -> None:
        for start in range(0, len(keys), 1000):
            chunk = [{"Key": key} for key in keys[start:start + 1000]]
            self._client.delete_objects(Bucket=self.bucket,
                                        Delete={"Objects": chunk, "Quiet": True})
