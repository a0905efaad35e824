"""Guides, offices, the returnee bundle and outreach days (members read, registrars
and admins edit). Routes on the ``community.adminduk`` blueprint."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from accounts.permissions import roles_required
from community.adminduk import bundles, guides, outreach
from community.adminduk.forms import GuideForm, OfficeForm, OutreachForm, QuestionnaireForm
from community.adminduk.models import Office, OutreachDay
from community.adminduk.views import bp
from core.extensions import db
from core.forms import ButtonForm, EmptyForm
from core.views_kit import refusal_to_flash

EDITORS = ("registrar", "admin")


@bp.route("/guides/<slug>")
def guide(slug: str):
    page = guides.guide_by_slug(slug)
    if page is None:
        abort(404)
    return render_template("community/adminduk/guide.html", guide=page)


@bp.route("/offices")
def offices():
    return render_template("community/adminduk/offices.html", offices=guides.offices())


@bp.route("/bundle", methods=["GET", "POST"])
@login_required
def bundle():
    bundle = bundles.bundle_for(current_user)
    form = QuestionnaireForm(data=bundle.answers if bundle and request.method == "GET" else None)
    if form.validate_on_submit():
        answers = {name: bool(form[name].data) for name in bundles.QUESTIONS}
        bundle = bundles.take_questionnaire(current_user, answers)
        db.session.commit()
        return redirect(url_for(".bundle") + "#checklist")
    return render_template("community/adminduk/bundle.html", form=form, bundle=bundle,
                           tick_form=ButtonForm(), guides={g.slug: g for g in bundles.guide_list("service")})


@bp.route("/bundle/tick", methods=["POST"])
@login_required
def bundle_tick():
    form = EmptyForm()
    if form.validate_on_submit():
        bundles.tick(current_user, request.form.get("item", ""), request.form.get("done") == "1")
        db.session.commit()
    return redirect(url_for(".bundle") + "#checklist")


@bp.route("/outreach/<int:outreach_id>", methods=["GET", "POST"])
@login_required
def outreach_detail(outreach_id: int):
    day = db.session.get(OutreachDay, outreach_id)
    if day is None:
        abort(404)
    form = EmptyForm()
    if form.validate_on_submit():
        outreach.attend(current_user, day, request.form.get("going") == "1")
        db.session.commit()
        flash(_("Terima kasih, sudah kami catat."), "success")
        return redirect(url_for(".outreach_detail", outreach_id=day.id))
    going = any(d.id == day.id and g for d, g in outreach.upcoming_for(current_user))
    return render_template("community/adminduk/outreach.html", day=day, form=form, going=going)


# --- registrars and admins ----------------------------------------------------------

@bp.route("/desk/guides")
@roles_required(*EDITORS)
def guide_admin():
    return render_template("community/adminduk/guide_admin.html", guides=bundles.guide_list(),
                           offices=guides.offices())


@bp.route("/desk/guides/<slug>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def guide_edit(slug: str):
    page = guides.guide_by_slug(slug)
    if page is None:
        abort(404)
    form = GuideForm(data={**guides.content_of(page), "version": page.version} if request.method == "GET" else None)
    if form.validate_on_submit():
        content = {name: form[name].data for name in guides.CONTENT_FIELDS}
        with refusal_to_flash() as outcome:
            guides.save_guide(current_user, page, content,
                              expected_version=int(form.version.data) if form.version.data else None)
            db.session.commit()
            outcome.success = _("Panduan disimpan sebagai versi %(number)d.", number=page.version)
        if outcome.ok:
            return redirect(url_for(".guide_edit", slug=page.slug))
    return render_template("community/adminduk/guide_edit.html", guide=page, form=form,
                           versions=guides.versions(page), restore_form=ButtonForm())


@bp.route("/desk/guides/<slug>/restore/<int:number>", methods=["POST"])
@roles_required(*EDITORS)
def guide_restore(slug: str, number: int):
    page = guides.guide_by_slug(slug)
    if page is None or not EmptyForm().validate_on_submit():
        abort(404)
    with refusal_to_flash(success=_("Versi %(number)d dipulihkan.", number=number)):
        guides.restore_version(current_user, page, number)
        db.session.commit()
    return redirect(url_for(".guide_edit", slug=page.slug))


@bp.route("/desk/offices/<int:office_id>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def office_edit(office_id: int):
    office = db.session.get(Office, office_id)
    if office is None:
        abort(404)
    form = OfficeForm(obj=office if request.method == "GET" else None)
    if form.validate_on_submit():
        guides.update_office(current_user, office, name=form.name.data, address=form.address.data,
                             hours=form.hours.data, phone=form.phone.data or "")
        db.session.commit()
        flash(_("Kantor disimpan."), "success")
        return redirect(url_for(".guide_admin"))
    return render_template("community/adminduk/office_edit.html", office=office, form=form)


@bp.route("/desk/outreach", methods=["GET", "POST"])
@roles_required(*EDITORS)
def desk_outreach():
    form = OutreachForm()
    if form.validate_on_submit():
        with refusal_to_flash(success=_("Jemput bola disimpan. Anggota di wilayah itu diberi tahu.")) as outcome:
            outreach.plan_outreach(current_user, regency=form.regency.data, day=form.day.data,
                                   place=form.place.data, services=form.services.data or [],
                                   note=form.note.data or "")
            db.session.commit()
        if outcome.ok:
            return redirect(url_for(".desk_outreach"))
    days = outreach.upcoming_all()
    return render_template("community/adminduk/desk_outreach.html", form=form, days=days,
                           counts=outreach.attendance_counts(days))
