"""Where uploaded files live: one interface, two backends.

``LocalStorage`` (the default, no set-up) keeps files in a private folder,
``instance/uploads/``, never under ``static/``. ``S3Storage`` keeps them in an
S3-compatible bucket (``boto3``) so several app hosts share them. Choose with
``UPLOAD_STORAGE`` (``local`` or ``s3``); the bucket, endpoint and keys come from
``config.py``.

Keys are made by ``core.uploads`` (random, never the original file name), so a
backend only has to store, read, delete and list them. Writes are atomic: the
local backend writes a temporary file, fsyncs it, renames it into place and
fsyncs the folder; an S3 ``PUT`` is atomic by itself.
"""
from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from flask import Flask, current_app

# Keys are made of lowercase letters, digits, "-", "_", "." and "/" separators,
# never "..": a key can never leave the storage root.
_KEY = re.compile(r"^[a-z0-9_-]+(?:/[a-z0-9_-]+)*\.[a-z0-9]+$")


def check_key(key: str) -> str:
    """Refuse any key that is not one ``core.uploads`` could have made."""
    if not _KEY.fullmatch(key) or ".." in key:
        raise ValueError("invalid storage key")
    return key


@dataclass(frozen=True)
class StoredObject:
    key: str
    modified_at: datetime  # aware UTC


class Storage(Protocol):
    """What every backend offers."""

    name: str

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store ``data`` under ``key`` atomically (all or nothing)."""

    def get(self, key: str) -> bytes:
        """The stored bytes; ``FileNotFoundError`` when absent."""

    def delete(self, key: str) -> None:
        """Remove the object; absent objects are not an error."""

    def exists(self, key: str) -> bool:
        """Whether the object is stored."""

    def list(self) -> Iterator[StoredObject]:
        """Every stored object (for the orphan sweep)."""


class LocalStorage:
    """A private folder (default ``instance/uploads/``)."""

    name = "local"
    TMP_DIR = ".tmp"

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp_dir = self.root / self.TMP_DIR
        tmp_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = tmp_dir / f"{secrets.token_hex(16)}.part"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        _fsync_dir(target.parent)

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def list(self) -> Iterator[StoredObject]:
        if not self.root.is_dir():
            return
        for path in self.root.rglob("*"):
            if not path.is_file():
                continue
            relative = path.relative_to(self.root).as_posix()
            # Temporary files left by a crash (``.tmp/``) are listed too: the
            # orphan sweep removes them once they are old.
            yield StoredObject(relative, datetime.fromtimestamp(path.stat().st_mtime, UTC))

    def remove_listed(self, key: str) -> None:
        """Delete an object returned by ``list`` (temporary files included)."""
        path = self.root / key
        if self.root.resolve() in path.resolve().parents:
            path.unlink(missing_ok=True)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # some platforms cannot open a folder
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class S3Storage:
    """An S3-compatible bucket (AWS S3, MinIO, Ceph, Garage...)."""

    name = "s3"

    def __init__(
        self,
        bucket: str,
        *,
        endpoint_url: str | None = None,
        region: str | None = None,
        access_key: str | None = None,
        secret_key: str | None = None,
        prefix: str = "",
    ):
        import boto3
        from botocore.config import Config as BotoConfig

        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint_url or None,
            region_name=region or None,
            aws_access_key_id=access_key or None,
            aws_secret_access_key=secret_key or None,
            config=BotoConfig(retries={"max_attempts": 3, "mode": "standard"}),
        )

    def _key(self, key: str) -> str:
        return self.prefix + check_key(key)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(
            Bucket=self.bucket, Key=self._key(key), Body=data, ContentType=content_type
        )

    def get(self, key: str) -> bytes:
        from botocore.exceptions import ClientError

        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}:
                raise FileNotFoundError(key) from None
            raise
        return response["Body"].read()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"NoSuchKey", "404", "NotFound"}:
                return False
            raise
        return True

    def list(self) -> Iterator[StoredObject]:
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
            for item in page.get("Contents", []):
                yield StoredObject(item["Key"][len(self.prefix):], item["LastModified"])

    def remove_listed(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.prefix + key)


def build_storage(config) -> Storage:
    """The backend named by ``UPLOAD_STORAGE`` in a config mapping."""
    kind = config.get("UPLOAD_STORAGE", "local")
    if kind == "local":
        return LocalStorage(config["UPLOAD_FOLDER"])
    if kind == "s3":
        if not config.get("S3_BUCKET"):
            raise RuntimeError("UPLOAD_STORAGE=s3 needs S3_BUCKET")
        return S3Storage(
            config["S3_BUCKET"],
            endpoint_url=config.get("S3_ENDPOINT_URL"),
            region=config.get("S3_REGION"),
            access_key=config.get("S3_ACCESS_KEY_ID"),
            secret_key=config.get("S3_SECRET_ACCESS_KEY"),
            prefix=config.get("S3_PREFIX", ""),
        )
    raise RuntimeError(f"Unknown UPLOAD_STORAGE {kind!r}; use local or s3")


def init_storage(app: Flask) -> None:
    """Bind the configured backend to the app (``app.extensions['storage']``)."""
    if not app.config.get("UPLOAD_FOLDER"):
        app.config["UPLOAD_FOLDER"] = str(Path(app.instance_path) / "uploads")
    app.extensions["storage"] = build_storage(app.config)


def storage() -> Storage:
    """The current app's storage backend."""
    return current_app.extensions["storage"]
