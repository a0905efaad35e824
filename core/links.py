"""Links in messages: paths and absolute URLs built from ``SITE_URL`` only.

A link that leaves the platform (an email, a WhatsApp or SMS text) must never take
its host from the request: ``Host`` and ``X-Forwarded-Host`` are whatever the
sender of the request wrote, so a password-reset link built from them could point
to an attacker's site. Every absolute link in a message comes from here.

- ``site_path(endpoint, **values)``: the path of a page (``/counseling/12``), built
  without a request (works in jobs and the scheduler). Give it as ``url=`` to
  ``notifications.notify``; the inbox opens it and the dispatcher makes it
  absolute for the channels that leave the platform.
- ``message_link(path)``: ``SITE_URL`` + a site path, for a text that leaves the
  platform; ``""`` for anything that is not a site path.
- ``absolute_url(endpoint, **values)``: both at once.
"""
from __future__ import annotations

from flask import current_app


def site_url() -> str:
    """The configured public address of the site, without a trailing slash."""
    return str(current_app.config.get("SITE_URL") or "").rstrip("/")


def site_path(endpoint: str, **values) -> str:
    """The path of ``endpoint`` on this site, built without any request."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def message_link(path: str | None) -> str:
    """An absolute link to ``path`` (a path on this site) from ``SITE_URL``.

    Returns ``""`` when ``path`` is not a site path (``//host``, ``https://…``) or
    no ``SITE_URL`` is configured, so a message never carries a foreign link.
    """
    if not path or not path.startswith("/") or path.startswith("//"):
        return ""
    base = site_url()
    return f"{base}{path}" if base else ""


def absolute_url(endpoint: str, **values) -> str:
    """The absolute address of ``endpoint`` from ``SITE_URL`` (never the request)."""
    return message_link(site_path(endpoint, **values))
