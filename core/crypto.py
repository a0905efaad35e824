"""Encryption at rest for NIK, family-card numbers and counseling notes.

The key comes from ``DATA_ENCRYPTION_KEY`` (a Fernet key; several keys separated
by commas rotate: the first encrypts, all decrypt). Development and tests generate
one and keep it in ``instance/``. Production refuses to start without it.
"""
from __future__ import annotations

from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from sqlalchemy.types import Text, TypeDecorator


def _keys() -> list[str]:
    # Read from the environment by config.py only.
    configured = current_app.config.get("DATA_ENCRYPTION_KEY")
    if configured:
        return [k.strip() for k in configured.split(",") if k.strip()]
    if current_app.config.get("ENV_NAME") == "production":
        raise RuntimeError("DATA_ENCRYPTION_KEY is required in production")
    path = Path(current_app.instance_path) / "data_encryption_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(Fernet.generate_key().decode())
        path.chmod(0o600)
    return [path.read_text().strip()]


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in _keys()])


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ValueError("cannot decrypt: wrong DATA_ENCRYPTION_KEY?") from error


def encrypt_bytes(data: bytes) -> bytes:
    """Encrypt a file's contents (uploads stored with ``encrypt=True``)."""
    return _fernet().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    try:
        return _fernet().decrypt(token)
    except InvalidToken as error:
        raise ValueError("cannot decrypt: wrong DATA_ENCRYPTION_KEY?") from error


class EncryptedText(TypeDecorator):
    """A text column stored encrypted; Python code sees plain ``str``."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else encrypt(value)

    def process_result_value(self, value, dialect):
        return None if value is None else decrypt(value)
