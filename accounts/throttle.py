"""Failed-login counting shared by every worker (the Flask-Limiter storage:
memory by default, Redis through ``RATELIMIT_STORAGE_URI`` in production).

Three counters, failures only:

- per account (``LOGIN_FAILURES_PER_ACCOUNT``): keyed by the account itself, so its
  phone and its email are one counter; an unknown identifier is keyed by its
  canonical form (``0813…`` and ``+62813…`` are one).
- per address (``LOGIN_FAILURES_PER_IP``): many members share one carrier-NAT or
  training Wi-Fi address, so the address alone never locks anyone out. Past its
  limit only the combinations of that address with an account that failed from it
  are refused: a member behind the same address who has not failed from it still
  gets one check, and a correct password gets in.
- per address and account: what the address limit locks.
"""
from __future__ import annotations

import hashlib

from flask import current_app
from limits import RateLimitItemPerMinute

from accounts.models import User
from accounts.phones import normalise_phone
from core.extensions import limiter


def _items() -> tuple[RateLimitItemPerMinute, RateLimitItemPerMinute, RateLimitItemPerMinute]:
    config = current_app.config
    window = config["LOGIN_FAILURE_WINDOW_MINUTES"]
    return (
        RateLimitItemPerMinute(config["LOGIN_FAILURES_PER_ACCOUNT"], window),
        RateLimitItemPerMinute(config["LOGIN_FAILURES_PER_IP"], window),
        # One failure of this account from this address, once the address is over
        # its limit, locks the pair.
        RateLimitItemPerMinute(1, window),
    )


def _canonical(identifier: str) -> str:
    """The same account however it is typed: ``0813-…``, ``+62 813…``, ``62813…``."""
    text = (identifier or "").strip().lower()
    if "@" in text:
        return text
    return normalise_phone(text) or text


def _prefix() -> str:
    return current_app.config["RATELIMIT_KEY_PREFIX"]


def account_key(user: User | None, identifier: str) -> str:
    """The counter of one account: its id when it exists (phone and email are one
    account), else a hash of the canonical identifier. No phone number or email
    sits in Redis keys."""
    if user is not None:
        return f"{_prefix()}:login-account:u{user.id}"
    digest = hashlib.sha256(_canonical(identifier).encode()).hexdigest()[:32]
    return f"{_prefix()}:login-account:{digest}"


def _ip_key(ip: str) -> str:
    return f"{_prefix()}:login-ip:{ip}"


def _pair_key(account: str, ip: str) -> str:
    return f"{account}:ip:{ip}"


def take_attempt(account: str, ip: str) -> bool:
    """Count a login attempt for the account counter ``account``; False when it
    must be refused.

    The account's count is taken atomically *before* the password is checked (an
    increment in the shared storage), so several workers at once cannot let more
    than the limit through; a successful login clears it again, so in effect it
    counts failures. The address counts failures only (``record_failure``).
    """
    per_account, per_ip, per_pair = _items()
    strategy = limiter.limiter
    address_over = not strategy.test(per_ip, _ip_key(ip))
    if address_over and not strategy.test(per_pair, _pair_key(account, ip)):
        return False
    return strategy.hit(per_account, account)


def record_failure(account: str, ip: str) -> None:
    """A wrong password (or unknown account) for ``account`` from ``ip``."""
    _, per_ip, per_pair = _items()
    strategy = limiter.limiter
    # Past the address limit, this failure locks the pair (address, account).
    if not strategy.hit(per_ip, _ip_key(ip)):
        strategy.hit(per_pair, _pair_key(account, ip))


def clear_account(account: str) -> None:
    """A correct password: the account's failures are forgotten."""
    per_account, _, _ = _items()
    limiter.limiter.clear(per_account, account)
