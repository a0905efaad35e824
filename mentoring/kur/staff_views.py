"""UMKM staff KUR pages: every application (filtered, longest waiting first) and
moving one to its next stage. URLs under ``/staff/kur``."""
from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from accounts.permissions import roles_required
from accounts.phones import display_phone
from core.extensions import db
from core.filter_forms import read_filters
from core.read_only import read_only
from core.views_kit import page_arg, refusal_to_flash
from mentoring.kur import applications, listing, permissions
from mentoring.kur.blueprint import bp
from mentoring.kur.data import STAGE_NAMES
from mentoring.kur.forms import KurFilterForm, KurMoveForm
from mentoring.kur.models import KurApplication

STAFF = "umkm_staff"


# --- staff: KUR --------------------------------------------------------------------


@bp.route("/staff/kur")
@read_only
@roles_required(STAFF)
def kur_applications():
    chosen = read_filters(KurFilterForm, "mentoring/kur/_filters.html", ("stage", "regency", "sort"))
    data = chosen.data or {}
    stage, regency = data.get("stage"), data.get("regency")
    sort = data.get("sort") or "stuck"
    pagination = listing.kur_applications_for_staff(stage or None, regency or None, sort, page_arg())
    return render_template(
        "mentoring/kur/kur_applications.html",
        filter_fields=chosen.markup,
        pagination=pagination,
        filters={"stage": stage or "", "regency": regency or "", "sort": sort},
    )


@bp.route("/staff/kur/<int:application_id>", methods=["GET", "POST"])
@roles_required(STAFF)
def kur_manage(application_id: int):
    application = db.session.scalar(
        select(KurApplication)
        .where(KurApplication.id == application_id)
        .options(selectinload(KurApplication.events))
    )
    if application is None or not permissions.can_manage_kur(current_user):
        abort(404)
    form = KurMoveForm()
    form.to_stage.choices = [(s, STAGE_NAMES[s]) for s in applications.next_stages(application)]
    if application.is_active and form.validate_on_submit():
        with refusal_to_flash(form, field="to_stage",
                              success=_("Tahap pengajuan diperbarui. Anggota sudah diberi tahu.")) as outcome:
            applications.move_kur_application(
                current_user, application, form.to_stage.data, form.note.data
            )
            db.session.commit()
        if outcome.ok:
            return redirect(url_for("mentoring.kur.kur_manage", application_id=application.id))
    return render_template(
        "mentoring/kur/kur_manage.html",
        application=application,
        form=form,
        days=listing.days_in_stage(application),
        missing=applications.missing_documents(application),
        display_phone=display_phone,
    )
