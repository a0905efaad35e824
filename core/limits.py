"""Flask-Limiter's per-request check, only where a limit can apply.

Every limit of the app is a decorator on its view (the login form, the password
reset, Lapor's forms and look-ups), checked by the decorator's own wrapper when that
view runs. The extension also checks every request in a ``before_request`` hook, for
limits that apply to the whole app, a blueprint or by default; the app has none, and
that hook cost about 5 % of a logged-in page (resolving the view's name, the
exemptions and an empty set of limits). ``skip_idle_middleware`` puts a guard in
front of the hook: it runs as before as soon as any such limit exists.
"""
from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter


def middleware_limits(limiter: Limiter) -> bool:
    """Whether any limit is checked by the extension's ``before_request`` hook: an
    application, default, blueprint or meta limit. Decorated limits are not: their
    views check them."""
    manager = limiter.limit_manager
    return bool(manager._application_limits or manager._default_limits  # noqa: SLF001
                or manager._blueprint_limits or limiter._meta_limits)  # noqa: SLF001


def skip_idle_middleware(app: Flask, limiter: Limiter) -> None:
    """Replace the extension's ``before_request`` hook on ``app`` with one that runs
    it only while ``middleware_limits`` holds (looked at on every request, so a limit
    added later is checked at once)."""
    check = limiter._check_request_limit  # noqa: SLF001 (the hook init_app registered)
    hooks = app.before_request_funcs.get(None, [])

    def check_middleware_limits() -> None:
        if middleware_limits(limiter):
            check()

    for index, hook in enumerate(hooks):
        if hook == check:
            hooks[index] = check_middleware_limits
            return
    raise RuntimeError("Flask-Limiter's before_request hook was not found")
