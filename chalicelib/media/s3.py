"""The photos bucket: presigned uploads and links, and reading an object's bytes."""

from typing import Any

from botocore.exceptions import ClientError


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

    def link(self, key: str, expires_seconds: int) -> str:
        return str(self._client.generate_presigned_url(
            "get_object", Params={"Bucket": self._bucket, "Key": key},
            ExpiresIn=expires_seconds,
        ))

    def put(self, key: str, content: bytes, content_type: str) -> None:
        self._client.put_object(Bucket=self._bucket, Key=key, Body=content,
                                ContentType=content_type)
