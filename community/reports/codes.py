"""Reference codes and secrets: the code names a report, the secret opens it.

The secret is shown once and stored as a SHA-256 digest (it is random with ~80 bits,
so a slow password hash adds nothing); comparisons are constant-time.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets

# No 0/O, 1/I/L: people copy these from a screen onto paper.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_PREFIX = "LPR"


def _random(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def new_code() -> str:
    """``LPR-7K3M-Q9XD``: 8 random characters (short enough to read out)."""
    raw = _random(8)
    return f"{CODE_PREFIX}-{raw[:4]}-{raw[4:]}"


def new_secret() -> str:
    """Four groups of four (16 characters, ~79 bits)."""
    raw = _random(16)
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


def clean(value: str | None) -> str:
    """What the person typed, upper-cased, separators and spaces removed."""
    return re.sub(r"[^A-Z0-9]", "", (value or "").upper())


def canonical_code(value: str | None) -> str | None:
    """``lpr 7k3m q9xd`` → ``LPR-7K3M-Q9XD``; ``None`` when it cannot be a code."""
    raw = clean(value)
    if raw.startswith(CODE_PREFIX):
        raw = raw[len(CODE_PREFIX):]
    if len(raw) != 8 or any(ch not in ALPHABET for ch in raw):
        return None
    return f"{CODE_PREFIX}-{raw[:4]}-{raw[4:]}"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(clean(secret).encode()).hexdigest()


def secret_matches(secret: str | None, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret or ""), stored_hash)


# Compared against when no report has the code, so a wrong code costs the same time.
DUMMY_HASH = hash_secret("not-a-real-secret")
