"""Password hashing (argon2id) and the password policy."""
from __future__ import annotations

from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app

MIN_LENGTH = 8
MAX_LENGTH = 256


def _hasher() -> PasswordHasher:
    config = current_app.config
    if "ARGON2_TIME_COST" in config:
        return PasswordHasher(
            time_cost=config["ARGON2_TIME_COST"], memory_cost=config["ARGON2_MEMORY_COST"]
        )
    return PasswordHasher()  # argon2id with the library's recommended parameters


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


# A valid hash of a random string: verifying against it costs the same time as a
# real check, so an unknown account answers as slowly as a wrong password.
# Keyed by the hasher's parameters (not by ``repr``, which holds a memory address
# and missed in every worker: the unknown account then paid for a hash as well).
_dummy_hash: dict[tuple, str] = {}


def _parameters_key(hasher: PasswordHasher) -> tuple:
    return (
        hasher.time_cost, hasher.memory_cost, hasher.parallelism,
        hasher.hash_len, hasher.salt_len, hasher.type,
    )


def dummy_verify(password: str) -> None:
    """Verify ``password`` against a throwaway hash made with the same parameters
    (made once per process and parameter set)."""
    hasher = _hasher()
    key = _parameters_key(hasher)
    if key not in _dummy_hash:
        _dummy_hash[key] = hasher.hash("not-a-real-password-\u2603")
    verify_password(_dummy_hash[key], password)


@cache
def common_passwords() -> frozenset[str]:
    path = Path(__file__).with_name("common_passwords.txt")
    return frozenset(
        line.strip().lower() for line in path.read_text().splitlines() if line.strip()
    )


def is_common(password: str) -> bool:
    return password.strip().lower() in common_passwords()
