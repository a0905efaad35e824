"""Failed-login counting shared by every worker (the Flask-Limiter storage:
memory by default, Redis through ``RATELIMIT_STORAGE_URI`` in production)."""
from __future__ import annotations

import hashlib

from flask import current_app
from limits import RateLimitItemPerMinute

from core.extensions import limiter


def _items() -> tuple[RateLimitItemPerMinute, RateLimitItemPerMinute]:
    config = current_app.config
    window = config["LOGIN_FAILURE_WINDOW_MINUTES"]
    return (
        RateLimitItemPerMinute(config["LOGIN_FAILURES_PER_ACCOUNT"], window),
        RateLimitItemPerMinute(config["LOGIN_FAILURES_PER_IP"], window),
    )


def _account_key(identifier: str) -> str:
    # Hash the typed identifier so no phone number or email sits in Redis keys.
    digest = hashlib.sha256(identifier.strip().lower().encode()).hexdigest()[:32]
    return f"{current_app.config['RATELIMIT_KEY_PREFIX']}:login-account:{digest}"


def _ip_key(ip: str) -> str:
    return f"{current_app.config['RATELIMIT_KEY_PREFIX']}:login-ip:{ip}"


def login_blocked(identifier: str, ip: str) -> bool:
    """True when this account or this address has used up its failed attempts."""
    per_account, per_ip = _items()
    strategy = limiter.limiter
    return not (
        strategy.test(per_account, _account_key(identifier))
        and strategy.test(per_ip, _ip_key(ip))
    )


def record_failure(identifier: str, ip: str) -> None:
    per_account, per_ip = _items()
    strategy = limiter.limiter
    strategy.hit(per_account, _account_key(identifier))
    strategy.hit(per_ip, _ip_key(ip))


def clear_account(identifier: str) -> None:
    per_account, _ = _items()
    limiter.limiter.clear(per_account, _account_key(identifier))
