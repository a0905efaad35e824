"""Static files (the stylesheet, the icon) kept by the phone for a year.

A member on a slow connection should not wait for the stylesheet on every page:
with Flask's default (``no-cache``) the browser asks again before drawing each page
(a round trip, 300 ms and more on 3G, for a ``304 Not Modified``). Instead every link
to a static file carries ``?v=`` and the start of the SHA-256 of the file's content,
and a request carrying the current digest is answered ``public, max-age`` of a year,
``immutable``: a changed file gets a new address, so nothing stale is ever kept.
A request without the digest, or with an old one, is answered as before (``no-cache``),
so an old page still gets the current file.
"""
from __future__ import annotations

import hashlib
import os

from flask import Flask, request
from werkzeug.security import safe_join

YEAR = 365 * 24 * 3600
_DIGESTS: dict[tuple[str, int, int], str] = {}


def static_version(app: Flask, filename: str) -> str | None:
    """The digest that names this version of ``filename`` (12 hex digits), or ``None``
    for a file that is not there. Read once per content (keyed on the file's mtime
    and size), so an edited file in development gets its new digest."""
    path = safe_join(app.static_folder or "", filename)
    if path is None:
        return None
    try:
        status = os.stat(path)
    except OSError:
        return None
    key = (path, status.st_mtime_ns, status.st_size)
    digest = _DIGESTS.get(key)
    if digest is None:
        with open(path, "rb") as file:
            digest = hashlib.sha256(file.read()).hexdigest()[:12]
        _DIGESTS[key] = digest
    return digest


def init_static_files(app: Flask) -> None:
    """Version every ``url_for('static', …)`` and serve versioned requests for a year."""

    @app.url_defaults
    def _versioned(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = static_version(app, values["filename"])
            if version:
                values["v"] = version

    serve = app.view_functions["static"]

    def static(filename: str):
        response = serve(filename=filename)
        version = request.args.get("v")
        if version and version == static_version(app, filename) and response.status_code in (200, 304):
            response.cache_control.public = True
            response.cache_control.max_age = YEAR
            response.cache_control.no_cache = None
            response.cache_control.immutable = True
            response.headers.pop("Expires", None)  # max-age says it; an old Expires would confuse
        return response

    app.view_functions["static"] = static
