"""Spreadsheet exports in S3, handed out as presigned download links."""

from typing import Any
from urllib.parse import quote

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LINK_SECONDS = 900


class S3Exports:
    def __init__(self, client: Any, bucket: str) -> None:
        self._client = client
        self._bucket = bucket

    def link(self, key: str, content: bytes, file_name: str) -> str:
        self._client.put_object(Bucket=self._bucket, Key=key, Body=content,
                                ContentType=XLSX)
        disposition = f"attachment; filename*=UTF-8''{quote(file_name)}"
        return str(self._client.generate_presigned_url(
            "get_object",
            Params={"Bucket": self._bucket, "Key": key,
                    "ResponseContentDisposition": disposition},
            ExpiresIn=LINK_SECONDS,
        ))
