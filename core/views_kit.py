"""Small helpers every view uses: refusals to flashes, page and query arguments.

``refusal_to_flash`` is the one place where a ``Refused`` from a service becomes a
rollback plus a flash (or an error on a form field); ``page_arg`` and
``query_text`` are the one way to read a page number and a text from the query
string.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import abort, flash, request
from sqlalchemy import event

from core.errors import Refused
from core.extensions import db
from core.forms import refused_character_message

MAX_PAGE = 10_000


@dataclass
class Outcome:
    """What ``refusal_to_flash`` saw: ``refusal`` is the ``Refused`` caught, or None;
    ``success`` the message to flash (with ``success_category``) once the block has
    committed (set them inside the block when they depend on what the service
    returned); ``committed`` whether the block's ``db.session.commit()`` went through."""

    refusal: Refused | None = None
    success: str | None = None
    success_category: str = "success"
    committed: bool = False

    @property
    def ok(self) -> bool:
        return self.refusal is None

    @property
    def refused(self) -> bool:
        return self.refusal is not None


@contextmanager
def refusal_to_flash(form=None, field: str | None = None, category: str = "info", *,
                     success: str | None = None,
                     success_category: str = "success") -> Iterator[Outcome]:
    """Run a service call (and the commit) and turn a refusal into what the user sees::

        with refusal_to_flash(success=_("Daftar berkas disimpan.")):
            applications.update_checklist(current_user, application, ticked)
            db.session.commit()

        with refusal_to_flash(form) as outcome:
            count = decisions.decide_many(current_user, chosen)
            db.session.commit()
            outcome.success = _("%(count)s pengajuan diputuskan.", count=count)
        if outcome.refused:
            return render_template(..., form=form)   # or redirect

    On ``Refused`` the session is rolled back, then the message goes onto the form
    field ``field`` (or the refusal's own ``field_name``) when ``form`` has it, and
    is flashed with ``category`` otherwise. Any other error propagates unchanged.
    ``success`` (or ``outcome.success``) is flashed with ``success_category`` only
    when the block ended without a refusal *and* its commit went through: a block
    that returns early or never commits flashes nothing. The commit stays in the
    view (services flush, views commit).
    """
    outcome = Outcome(success=success, success_category=success_category)
    session = db.session()

    def _committed(_session) -> None:
        outcome.committed = True

    event.listen(session, "after_commit", _committed)
    try:
        yield outcome
    except Refused as refusal:
        db.session.rollback()
        outcome.refusal = refusal
        name = field or refusal.field_name
        if form is not None and name and name in form:
            target = form[name]
            target.errors = [*target.errors, refusal.text()]
        else:
            flash(refusal.text(), category)
        return
    finally:
        event.remove(session, "after_commit", _committed)
    if outcome.committed and outcome.success:
        flash(outcome.success, outcome.success_category)


def page_arg(name: str = "page", max_page: int = MAX_PAGE) -> int:
    """The page number in the query string: 1 when absent, clamped to
    ``1..max_page``; anything but a whole number answers 400."""
    raw = request.args.get(name, "")
    if raw == "":
        return 1
    text = raw.strip()
    if not (text.isascii() and text.lstrip("-").isdigit()) or len(text) > 12:
        abort(400)
    return max(1, min(int(text), max_page))


def query_text(name: str, max_len: int = 100) -> str:
    """A text from the query string (a search, a filter): NFC, trimmed, cut to
    ``max_len``; "" when absent. Hidden or direction-changing characters answer 400
    (control characters never get here: the guard in ``core.errors`` refuses them)."""
    text = unicodedata.normalize("NFC", request.args.get(name, "")).strip()[:max_len].strip()
    if refused_character_message(text) is not None:
        abort(400)
    return text
