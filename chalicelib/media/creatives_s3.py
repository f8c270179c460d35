"""Creative files in S3: presigned uploads and downloads, previews.

Original file names never go into object keys or metadata (moto hangs on
non-ASCII metadata, and keys stay predictable); the download's
Content-Disposition carries the name instead.
"""

import gzip
import json
from datetime import datetime, timedelta
from typing import Any

from chalicelib.clock import Clock
from chalicelib.media.creatives import Creative
from chalicelib.media.creatives_codec import creative_data, creative_of
from chalicelib.media.creatives_ports import Link, UploadForm

UPLOAD_SECONDS = 15 * 60
DOWNLOAD_SECONDS = 15 * 60
PREVIEW_SECONDS = 60 * 60
# A preview link is reused while it stays valid this long, so a warm
# container does not sign the same links again for every page it lists.
PREVIEW_REUSE_MARGIN = timedelta(minutes=20)
PREVIEW_LINKS_KEPT = 50_000


class S3CreativeFiles:
    def __init__(self, client: Any, bucket: str, clock: Clock) -> None:
        self._s3 = client
        self._bucket = bucket
        self._clock = clock
        self._preview_links: dict[str, tuple[str, datetime]] = {}

    def upload_form(self, key: str, content_type: str, max_bytes: int) -> UploadForm:
        posted = self._s3.generate_presigned_post(
            Bucket=self._bucket,
            Key=key,
            Fields={"Content-Type": content_type},
            Conditions=[
                {"Content-Type": content_type},
                ["content-length-range", 1, max_bytes],
            ],
            ExpiresIn=UPLOAD_SECONDS,
        )
        return UploadForm(url=posted["url"], fields=dict(posted["fields"]),
                          expires_at=self._after(UPLOAD_SECONDS))

    def download_link(self, key: str, content_type: str, disposition: str) -> Link:
        url = self._s3.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self._bucket,
                "Key": key,
                "ResponseContentDisposition": disposition,
                "ResponseContentType": content_type,
            },
            ExpiresIn=DOWNLOAD_SECONDS,
        )
        return Link(url=url, expires_at=self._after(DOWNLOAD_SECONDS))

    def preview_link(self, key: str) -> str:
        now = self._clock()
        kept = self._preview_links.get(key)
        if kept is not None and kept[1] - now > PREVIEW_REUSE_MARGIN:
            return kept[0]
        url = str(self._s3.generate_presigned_url(
            "get_object", Params={"Bucket": self._bucket, "Key": key},
            ExpiresIn=PREVIEW_SECONDS,
        ))
        if len(self._preview_links) >= PREVIEW_LINKS_KEPT:
            self._preview_links.clear()
        self._preview_links[key] = (url, now + timedelta(seconds=PREVIEW_SECONDS))
        return url

    def read(self, key: str) -> bytes:
        return bytes(self._s3.get_object(Bucket=self._bucket, Key=key)["Body"].read())

    def write(self, key: str, body: bytes, content_type: str) -> None:
        self._s3.put_object(Bucket=self._bucket, Key=key, Body=body,
                            ContentType=content_type)

    def _after(self, seconds: int) -> datetime:
        return self._clock() + timedelta(seconds=seconds)


SNAPSHOT_FORMAT = 1


class S3CatalogSnapshots:
    """Each brand's search catalog as one gzipped JSON object under `index/`
    (outside `creatives/`, so storing it notifies no queue)."""

    def __init__(self, client: Any, bucket: str) -> None:
        self._s3 = client
        self._bucket = bucket

    def load(self, brand_id: str) -> list[tuple[int, Creative]] | None:
        try:
            stored = self._s3.get_object(Bucket=self._bucket,
                                         Key=_snapshot_key(brand_id))
        except self._s3.exceptions.NoSuchKey:
            return None
        document = json.loads(gzip.decompress(stored["Body"].read()))
        if document.get("format") != SNAPSHOT_FORMAT:
            return None
        return [(int(seq), creative_of(data)) for seq, data in document["entries"]]

    def store(self, brand_id: str, entries: list[tuple[int, Creative]]) -> None:
        document = {"format": SNAPSHOT_FORMAT,
                    "entries": [[seq, creative_data(c)] for seq, c in entries]}
        body = gzip.compress(json.dumps(document, ensure_ascii=False).encode(), 6)
        self._s3.put_object(Bucket=self._bucket, Key=_snapshot_key(brand_id),
                            Body=body, ContentType="application/json",
                            ContentEncoding="gzip")


def _snapshot_key(brand_id: str) -> str:
    return f"index/{brand_id}/catalog.json.gz"
