"""Refusals and error pages in the user's language; never a traceback.

``Refused`` is the one error a service raises when a rule says no; each package
subclasses it (``AccountError``, ``CounselingError``, ``ProgramError``,
``PostingRefused``). Views turn it into a rollback and a flash or a field error
with ``core.views_kit.refusal_to_flash``.
"""
from __future__ import annotations

import re

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext
from flask_babel.speaklater import LazyString
from flask_wtf.csrf import CSRFError

from core.extensions import db


class Refused(Exception):
    """A rule said no; the message is safe to show the person who asked.

    ``message`` is a lazy string (``lazy_gettext``) or a msgid marked with ``N_``
    (translated when shown); ``params`` fill its ``%(name)s`` placeholders.
    ``field_name`` names the form field the refusal belongs to, when there is one.
    ``str(refusal)`` is the message in the current language.
    """

    def __init__(self, message="", field_name: str | None = None, **params) -> None:
        super().__init__(message)
        self.message = message
        self.field_name = field_name
        self.params = params

    def text(self) -> str:
        """The message in the current language, placeholders filled."""
        message = self.message
        if not message:
            return ""
        translated = str(message) if isinstance(message, LazyString) else gettext(str(message))
        return translated % self.params if self.params else translated

    def __str__(self) -> str:
        return self.text()


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def register_error_handlers(app: Flask) -> None:
    def render(status: int, template: str):
        if _wants_json():
            return jsonify({"status": "error", "code": status}), status
        return render_template(template), status

    def refuse_control_characters():
        """The safety net under the forms kit: a path or query-string key or value
        holding a control character (``%00``) never reaches a view or the database."""
        if _CONTROL.search(request.path) or any(
            _CONTROL.search(key) or _CONTROL.search(value)
            for key, value in request.args.items(multi=True)
        ):
            return render(400, "errors/bad_characters.html")
        return None

    # First of all before-request functions: nothing may read the input before it.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_control_characters)

    @app.errorhandler(400)
    def bad_request(_error):
        return render(400, "errors/400.html")

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return render(400, "errors/csrf.html")

    @app.errorhandler(403)
    def forbidden(_error):
        return render(403, "errors/403.html")

    @app.errorhandler(404)
    def not_found(_error):
        return render(404, "errors/404.html")

    @app.errorhandler(405)
    def method_not_allowed(_error):
        return render(405, "errors/405.html")

    @app.errorhandler(413)
    def too_large(_error):
        return render(413, "errors/413.html")

    @app.errorhandler(429)
    def too_many(_error):
        return render(429, "errors/429.html")

    @app.errorhandler(500)
    def server_error(_error):
        db.session.rollback()
        return render(500, "errors/500.html")
