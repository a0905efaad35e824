"""Security headers on every response (``Cache-Control: no-store`` on every
response to a logged-in person) and the safe ``next`` redirect."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, g, request
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user
from itsdangerous import URLSafeTimedSerializer

CSP = (
    "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'"
)


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed session cookie, unchanged, with its signing serializer built
    once per set of keys instead of twice a request: building one serializes an
    empty dict to learn that the serializer writes text (itsdangerous), a fifth of
    reading the cookie. A new ``SECRET_KEY`` or ``SECRET_KEY_FALLBACKS`` gets a new
    serializer at the next request."""

    def __init__(self) -> None:
        self._serializer: tuple[tuple, URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        kept = self._serializer
        if kept is None or kept[0] != keys:
            kept = self._serializer = (keys, super().get_signing_serializer(app))
        return kept[1]


def register_security_headers(app: Flask) -> None:
    hsts = app.config.get("HSTS")

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if hsts:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if _personal(response):
            response.headers["Cache-Control"] = "no-store"
        return response


def _personal(response: Response) -> bool:
    """Every response to a logged-in person may show their data (the bell and name
    are on every page): no browser or proxy may keep it. Static files excepted."""
    if request.endpoint == "static" or response.headers.get("Cache-Control") == "no-store":
        return False
    # The user loaded for this request, without touching its columns (after the
    # view's commit they are expired and reading one would cost a query).
    user = g.get("_login_user")
    if user is None:
        try:
            user = current_user._get_current_object()
        except Exception:  # the database is what failed: assume the worst, keep nothing
            return True
    return not user.is_anonymous


def safe_next(target: str | None, default: str = "/") -> str:
    """Return ``target`` only when it is a path on this site, else ``default``.

    Refuses scheme-relative (``//evil``), backslash tricks (``/\\evil``), absolute
    URLs, ``javascript:`` and anything with control characters.
    """
    if not target:
        return default
    if any(ord(ch) < 32 or ch == "\\" for ch in target):
        return default
    if not target.startswith("/") or target.startswith("//"):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
