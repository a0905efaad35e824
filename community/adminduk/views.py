"""Members' adminduk pages on the nested ``community.adminduk`` blueprint: the
home of the part, opening a help request, following it (status, history,
conversation, documents). Registrars' pages are in ``staff_views.py``, guides in
``guide_views.py``; ``community/adminduk/__init__.py`` imports them all."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from accounts.data import REGENCY_NAMES
from community import fragments
from community.adminduk import bundles, outreach, requests
from community.adminduk import nik as niklib
from community.adminduk.forms import MessageForm, RequestForm
from community.adminduk.models import (
    SERVICES,
    STATUS_LABELS,
    Attachment,
    HelpRequest,
    RequestMessage,
    StatusChange,
)
from community.adminduk.permissions import (
    can_view_request,
    is_other_staff,
)
from core.extensions import db
from core.uploads import send_stored
from core.views_kit import refusal_to_flash

bp = Blueprint("adminduk", __name__, url_prefix="/adminduk")


# Handed to every template by ``core.templating.expose_permissions``.
TEMPLATE_HELPERS = {
    "adminduk_service_label": lambda key: str(SERVICES.get(key, key)),
    "adminduk_status_label": lambda key: str(STATUS_LABELS.get(key, key)),
    "adminduk_services": lambda req: ", ".join(str(SERVICES.get(s, s)) for s in req.services),
    "adminduk_regency": lambda slug: str(REGENCY_NAMES.get(slug, slug)),
    "adminduk_mask": niklib.mask,
    "adminduk_queue_rows": fragments.queue_rows,
}


@bp.record_once
def _commands(state) -> None:
    import click
    from flask.cli import AppGroup

    group = AppGroup("adminduk", help="Civil-registration help.")

    @group.command("seed-defaults")
    def seed_defaults_command() -> None:
        """Add the missing guides and Dukcapil offices (idempotent; edits are kept)."""
        from community.adminduk.defaults import seed_defaults

        added = seed_defaults()
        db.session.commit()
        click.echo(f"adminduk: {added} guides/offices added.")

    state.app.cli.add_command(group)


@bp.after_request
def _no_store(response):
    """Every page here may show personal data."""
    response.headers["Cache-Control"] = "no-store"
    return response


def own_request_or_404(request_id: int) -> HelpRequest:
    """The member's own request. Someone else's (or none): other staff 403 whether
    it exists or not, anyone else 404."""
    help_request = db.session.get(HelpRequest, request_id)
    if help_request is None or not can_view_request(current_user, help_request):
        abort(403 if is_other_staff(current_user) else 404)
    return help_request


def conversation(help_request: HelpRequest, *, internal: bool):
    """Messages (with attachments) and history of a request, in two queries."""
    statement = select(RequestMessage).where(RequestMessage.request_id == help_request.id)
    if not internal:
        statement = statement.where(RequestMessage.internal.is_(False))
    messages = db.session.scalars(statement.order_by(RequestMessage.created_at, RequestMessage.id)).unique().all()
    history = db.session.scalars(
        select(StatusChange).where(StatusChange.request_id == help_request.id)
        .order_by(StatusChange.created_at, StatusChange.id)
    ).unique().all()
    loose = db.session.scalars(
        select(Attachment).where(Attachment.request_id == help_request.id, Attachment.message_id.is_(None))
        .order_by(Attachment.id)
    ).all()
    return messages, history, loose


@bp.route("/")
@login_required
def index():
    mine = db.session.scalars(
        select(HelpRequest).where(HelpRequest.member_id == current_user.id)
        .order_by(HelpRequest.created_at.desc()).limit(20)
    ).unique().all()
    return render_template(
        "community/adminduk/index.html",
        requests=mine,
        guides=bundles.guide_list(),
        bundle=bundles.bundle_for(current_user),
        outreach_days=outreach.upcoming_for(current_user),
    )


@bp.route("/requests/new", methods=["GET", "POST"])
@login_required
def new_request():
    form = RequestForm()
    if request.method == "GET":
        form.regency.data = current_user.regency or ""
        wanted = [s for s in request.args.getlist("service") if s in SERVICES]
        if wanted:
            form.services.data = wanted
    if form.validate_on_submit():
        with refusal_to_flash(form, field="files",
                              success=_("Permintaan Anda sudah terkirim. Kami akan memberi tahu setiap perkembangannya.")) as outcome:
            help_request = requests.open_request(
                current_user, services=form.services.data, regency=form.regency.data,
                description=form.description.data, nik=form.nik.data, kk_number=form.kk_number.data,
                files=form.files.data, consent=form.consent.data,
            )
            bundles.link_request(current_user, help_request)
            db.session.commit()
        if outcome.ok:
            return redirect(url_for(".request_detail", request_id=help_request.id))
    return render_template("community/adminduk/new_request.html", form=form)


@bp.route("/requests/<int:request_id>")
@login_required
def request_detail(request_id: int):
    help_request = own_request_or_404(request_id)
    messages, history, loose = conversation(help_request, internal=False)
    form = MessageForm(formdata=None, expected=help_request.status)
    return render_template(
        "community/adminduk/request_detail.html", req=help_request, messages=messages,
        history=history, loose=loose, form=form, appointment=outreach.next_appointment(help_request),
    )


@bp.route("/requests/<int:request_id>/messages", methods=["POST"])
@login_required
def post_message(request_id: int):
    help_request = own_request_or_404(request_id)
    form = MessageForm()
    if form.validate_on_submit():
        with refusal_to_flash(success=_("Terkirim.")):
            requests.post_message(current_user, help_request, form.body.data, form.files.data,
                                  consent=form.consent.data, expected_status=form.expected.data or None)
            db.session.commit()
    else:
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "info")
    return redirect(url_for(".request_detail", request_id=help_request.id) + "#conversation")


@bp.route("/requests/<int:request_id>/files/<int:attachment_id>")
@login_required
def member_file(request_id: int, attachment_id: int):
    help_request = own_request_or_404(request_id)
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.request_id != help_request.id or attachment.stored_file is None:
        abort(404)
    return send_stored(attachment.stored_file, download_name=f"dokumen-{attachment.id}.{attachment.stored_file.extension}")
