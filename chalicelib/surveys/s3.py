"""Exported survey files in S3, handed out as presigned links."""

from datetime import datetime, timedelta
from typing import Any

from chalicelib.clock import Clock
from chalicelib.media.disposition import attachment

LINK_SECONDS = 15 * 60


class S3ExportFiles:
    def __init__(self, client: Any, bucket: str, clock: Clock) -> None:
        self._s3 = client
        self._bucket = bucket
        self._clock = clock

    def publish(
        self, key: str, body: bytes, content_type: str, file_name: str
    ) -> tuple[str, datetime]:
        self._s3.put_object(Bucket=self._bucket, Key=key, Body=body,
                            ContentType=content_type)
        url = self._s3.generate_presigned_url(
            "get_object",
            Params={"Bucket": self._bucket, "Key": key,
                    "ResponseContentDisposition": attachment(file_name)},
            ExpiresIn=LINK_SECONDS,
        )
        return str(url), self._clock() + timedelta(seconds=LINK_SECONDS)
