"""Failed-login counting shared by every worker (the Flask-Limiter storage:
memory by default, Redis through ``RATELIMIT_STORAGE_URI`` in production)."""
from __future__ import annotations

import hashlib

from flask import current_app
from limits import RateLimitItemPerMinute

from accounts.phones import normalise_phone
from core.extensions import limiter


def _items() -> tuple[RateLimitItemPerMinute, RateLimitItemPerMinute]:
    config = current_app.config
    window = config["LOGIN_FAILURE_WINDOW_MINUTES"]
    return (
        RateLimitItemPerMinute(config["LOGIN_FAILURES_PER_ACCOUNT"], window),
        RateLimitItemPerMinute(config["LOGIN_FAILURES_PER_IP"], window),
    )


def _canonical(identifier: str) -> str:
    """The same account however it is typed: ``0813-…``, ``+62 813…``, ``62813…``."""
    text = (identifier or "").strip().lower()
    if "@" in text:
        return text
    return normalise_phone(text) or text


def _account_key(identifier: str) -> str:
    # Hash the account's canonical identifier so no phone number or email sits in
    # Redis keys.
    digest = hashlib.sha256(_canonical(identifier).encode()).hexdigest()[:32]
    return f"{current_app.config['RATELIMIT_KEY_PREFIX']}:login-account:{digest}"


def _ip_key(ip: str) -> str:
    return f"{current_app.config['RATELIMIT_KEY_PREFIX']}:login-ip:{ip}"


def take_attempt(identifier: str, ip: str) -> bool:
    """Count a login attempt; False when it must be refused.

    The account's count is taken atomically *before* the password is checked
    (an increment in the shared storage), so several workers at once cannot let
    more than the limit through; a successful login clears it again. The address
    only counts failures (``record_failure``): many members share one carrier-NAT
    address, and their successful logins must not lock each other out.
    """
    per_account, per_ip = _items()
    strategy = limiter.limiter
    if not strategy.test(per_ip, _ip_key(ip)):
        return False
    return strategy.hit(per_account, _account_key(identifier))


def record_failure(ip: str) -> None:
    _, per_ip = _items()
    limiter.limiter.hit(per_ip, _ip_key(ip))


def clear_account(identifier: str) -> None:
    per_account, _ = _items()
    limiter.limiter.clear(per_account, _account_key(identifier))
