"""UMKM staff's stall pages (``/pasar/lapak/staf``): markets and layout, the
queue of a market day with histories and the fair-rotation proposal, decisions
one by one or in bulk, cancelling a day, market-day operations on a phone, the
booth-lease queue and the season report. Every route needs a staff role."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from accounts.permissions import roles_required
from core.db import utcnow
from core.extensions import db
from core.forms import ButtonForm, EmptyForm
from core.views_kit import page_arg, refusal_to_flash
from marketplace.stalls import (
    curation,
    days,
    decisions,
    maps,
    markets,
    operations,
    report,
    schedule,
)
from marketplace.stalls._common import StallError
from marketplace.stalls.blueprint import bp
from marketplace.stalls.forms import BulkForm, DecisionForm, MoveForm, ReasonForm, StallForm
from marketplace.stalls.models import (
    APPLIED,
    APPROVED,
    BOOTHS,
    RESUBMIT,
    WAITLISTED,
    Stall,
    StallApplication,
)
from marketplace.stalls.permissions import STAFF_ROLES
from notifications.services import N_

NO_STORE = {"Cache-Control": "no-store"}
QUEUE_PER_PAGE = 100  # rows of a market day's curation queue on one page


def _market_or_404(market_id: int):
    market = markets.get_market(market_id)
    if market is None:
        abort(404)
    return market


def _day_or_404(day_id: int):
    day = days.get_day(day_id)
    if day is None:
        abort(404)
    return day


def _application_or_404(application_id: int) -> StallApplication:
    application = db.session.get(StallApplication, application_id)
    if application is None:
        abort(404)
    return application


@bp.route("/staf")
@roles_required(*STAFF_ROLES)
def staff_index():
    all_markets = markets.markets()
    return render_template(
        "marketplace/stalls/staff/index.html",
        markets=all_markets,
        upcoming={m.id: days.upcoming_days(m) for m in all_markets if m.is_weekly},
    ), 200, NO_STORE


@bp.route("/staf/pasar/<int:market_id>/tata-letak", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def staff_layout(market_id: int):
    market = _market_or_404(market_id)
    form = StallForm()
    if form.validate_on_submit():
        with refusal_to_flash(category="attention", success=_("Lapak ditambahkan.")) as outcome:
            markets.save_stall(current_user, market, form.data)
            db.session.commit()
        if outcome.ok:
            return redirect(url_for("marketplace.stalls.staff_layout", market_id=market.id))
    return render_template(
        "marketplace/stalls/staff/layout.html", market=market, form=form,
        stalls=markets.stalls_of(market, active_only=False), map=maps.stall_map(market),
    ), 200, NO_STORE


@bp.route("/staf/lapak/<int:stall_id>", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def staff_stall(stall_id: int):
    stall = db.session.get(Stall, stall_id)
    if stall is None:
        abort(404)
    form = StallForm(obj=stall) if request.method == "GET" else StallForm()
    if form.validate_on_submit():
        with refusal_to_flash(category="attention", success=_("Lapak disimpan.")) as outcome:
            markets.save_stall(current_user, stall.market, form.data, stall=stall)
            db.session.commit()
        if outcome.ok:
            return redirect(url_for("marketplace.stalls.staff_layout", market_id=stall.market_id))
    return render_template("marketplace/stalls/staff/stall.html", stall=stall, form=form), 200, NO_STORE


@bp.route("/staf/hari/<int:day_id>")
@roles_required(*STAFF_ROLES)
def staff_day(day_id: int):
    day = _day_or_404(day_id)
    page = page_arg()
    queue = curation.day_queue(day)  # all of them: the proposal covers the whole day
    stall_by_id = {s.id: s for s in queue.stalls}
    start = (page - 1) * QUEUE_PER_PAGE
    shown = queue.applications[start:start + QUEUE_PER_PAGE]
    shown_ids = {a.id for a in shown}
    # The proposal for the rows on other pages rides along, so confirming from any
    # page confirms the whole proposal (as with one long page), adjusted on this one.
    elsewhere = {a.id: stall_by_id[queue.proposal.assignments[a.id]].code for a in queue.applications
                 if a.id not in shown_ids and a.status in (APPLIED, WAITLISTED) and a.id in queue.proposal.assignments}
    return render_template(
        "marketplace/stalls/staff/day.html", day=day, queue=queue, stall_by_id=stall_by_id,
        shown=shown, elsewhere=elsewhere, page=page, has_next=start + QUEUE_PER_PAGE < len(queue.applications),
        form=ButtonForm(), bulk_form=BulkForm(), cancel_form=ReasonForm(), decision_form=DecisionForm(),
        undecided=(APPLIED, WAITLISTED, RESUBMIT),
    ), 200, NO_STORE


@bp.route("/staf/hari/<int:day_id>/alokasi", methods=["POST"])
@roles_required(*STAFF_ROLES)
def staff_allocate(day_id: int):
    """Confirm the proposal, adjusted by staff: fields ``stall-<application id>``."""
    day = _day_or_404(day_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    codes = {s.code: s.id for s in markets.stalls_of(day.market)}
    assignments = {}
    for key, value in request.form.items():
        value = value.strip().upper()
        if not key.startswith("stall-") or not key[6:].isdigit() or not value:
            continue
        if value not in codes:
            flash(_("Kode lapak %(code)s tidak ada di pasar ini.", code=value[:12]), "attention")
            return redirect(url_for("marketplace.stalls.staff_day", day_id=day.id))
        assignments[int(key[6:])] = codes[value]
    if len(set(assignments.values())) != len(assignments):
        flash(_("Satu lapak hanya untuk satu usaha. Periksa pembagiannya."), "attention")
        return redirect(url_for("marketplace.stalls.staff_day", day_id=day.id))
    with refusal_to_flash(category="attention") as outcome:
        count = decisions.confirm_allocation(current_user, day, assignments)
        db.session.commit()
        outcome.success = _("%(count)s lapak dibagikan; yang lain masuk daftar tunggu.", count=count)
    return redirect(url_for("marketplace.stalls.staff_day", day_id=day.id))


def _stall_by_code(market_id: int, code: str | None) -> Stall | None:
    if not code:
        return None
    return db.session.scalar(select(Stall).where(Stall.market_id == market_id, Stall.code == code.strip().upper()))


@bp.route("/staf/pengajuan/<int:application_id>")
@roles_required(*STAFF_ROLES)
def staff_application(application_id: int):
    application = _application_or_404(application_id)
    history = curation.histories(
        [application.business_id], application.market_id,
        application.market_day.day if application.market_day else schedule.wita_date(utcnow()),
    )[application.business_id]
    return render_template(
        "marketplace/stalls/staff/application.html", application=application, history=history,
        form=DecisionForm(), undecided=(APPLIED, WAITLISTED, RESUBMIT),
        zone_stalls=[s for s in markets.stalls_of(application.market) if s.zone == application.zone],
    ), 200, NO_STORE


@bp.route("/staf/pengajuan/<int:application_id>/putuskan", methods=["POST"])
@roles_required(*STAFF_ROLES)
def staff_decide(application_id: int):
    application = _application_or_404(application_id)
    form = DecisionForm()
    back = (url_for("marketplace.stalls.staff_day", day_id=application.market_day_id) if application.market_day_id
            else url_for("marketplace.stalls.staff_leases", market_id=application.market_id))
    if not form.validate_on_submit():
        flash(_("Pilih keputusan."), "attention")
        return redirect(back)
    with refusal_to_flash(category="attention",
                          success=_("Keputusan disimpan dan pedagang diberi tahu.")):
        if form.decision.data == "approve":
            stall = _stall_by_code(application.market_id, form.stall_code.data)
            if stall is None:
                raise StallError(N_("Kode lapak tidak ditemukan di pasar ini."))
            decisions.approve(current_user, application, stall)
        else:
            decisions.decide_many(current_user, [application], form.decision.data, form.reason.data)
        db.session.commit()
    return redirect(back)


@bp.route("/staf/hari/<int:day_id>/massal", methods=["POST"])
@roles_required(*STAFF_ROLES)
def staff_bulk(day_id: int):
    day = _day_or_404(day_id)
    form = BulkForm()
    if not form.validate_on_submit():
        flash(_("Pilih pengajuan dan keputusannya."), "attention")
        return redirect(url_for("marketplace.stalls.staff_day", day_id=day.id))
    chosen = [a for a in curation.day_applications(day) if a.id in set(form.application_ids.data)]
    with refusal_to_flash(category="attention") as outcome:
        count = decisions.decide_many(current_user, chosen, form.decision.data, form.reason.data)
        db.session.commit()
        outcome.success = _("%(count)s pengajuan diputuskan.", count=count)
    return redirect(url_for("marketplace.stalls.staff_day", day_id=day.id))


@bp.route("/staf/hari/<int:day_id>/batal", methods=["POST"])
@roles_required(*STAFF_ROLES)
def staff_cancel_day(day_id: int):
    day = _day_or_404(day_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Tulis alasan pembatalan untuk para pedagang."), "attention")
        return redirect(url_for("marketplace.stalls.staff_day", day_id=day.id))
    with refusal_to_flash(category="attention") as outcome:
        told = days.cancel_market_day(current_user, day, form.reason.data)
        db.session.commit()
        outcome.success = _("Hari pasar dibatalkan; %(count)s pedagang diberi tahu.", count=told)
    return redirect(url_for("marketplace.stalls.staff_day", day_id=day.id))


@bp.route("/staf/hari/<int:day_id>/operasi")
@roles_required(*STAFF_ROLES)
def staff_operations(day_id: int):
    day = _day_or_404(day_id)
    queue = curation.day_queue(day)
    by_stall = {a.stall_id: a for a in queue.applications if a.stall_id and a.status in ("approved", "attended", "no_show")}
    waiting = [a for a in queue.applications if a.status in (APPLIED, WAITLISTED)]
    move_form = MoveForm()
    move_form.application_id.choices = [(a.id, a.business.name) for a in waiting]
    move_form.stall_id.choices = [(s.id, s.code) for s in queue.free_stalls]
    return render_template(
        "marketplace/stalls/staff/operations.html", day=day, queue=queue, by_stall=by_stall,
        waiting=waiting, form=ButtonForm(), move_form=move_form,
    ), 200, NO_STORE


@bp.route("/staf/pengajuan/<int:application_id>/hadir", methods=["POST"])
@roles_required(*STAFF_ROLES)
def staff_check_in(application_id: int):
    return _operate(application_id, operations.check_in, _("Tercatat hadir."))


@bp.route("/staf/pengajuan/<int:application_id>/tidak-hadir", methods=["POST"])
@roles_required(*STAFF_ROLES)
def staff_no_show(application_id: int):
    return _operate(application_id, operations.mark_no_show, _("Tercatat tidak hadir."))


def _operate(application_id: int, action, message: str):
    application = _application_or_404(application_id)
    if not EmptyForm().validate_on_submit() or application.market_day_id is None:
        abort(400)
    with refusal_to_flash(category="attention", success=message):
        action(current_user, application)
        db.session.commit()
    return redirect(url_for("marketplace.stalls.staff_operations", day_id=application.market_day_id))


@bp.route("/staf/hari/<int:day_id>/pindah", methods=["POST"])
@roles_required(*STAFF_ROLES)
def staff_move(day_id: int):
    day = _day_or_404(day_id)
    form = MoveForm()
    application = db.session.get(StallApplication, form.application_id.data or 0)
    stall = db.session.get(Stall, form.stall_id.data or 0)
    if not form.validate_on_submit() or application is None or stall is None or application.market_day_id != day.id:
        flash(_("Pilih pedagang dan lapak kosong."), "attention")
        return redirect(url_for("marketplace.stalls.staff_operations", day_id=day.id))
    with refusal_to_flash(category="attention",
                          success=_("Lapak diberikan dan pedagang diberi tahu.")):
        operations.move_into(current_user, application, stall)
        db.session.commit()
    return redirect(url_for("marketplace.stalls.staff_operations", day_id=day.id))


@bp.route("/staf/pasar/<int:market_id>/sewa")
@roles_required(*STAFF_ROLES)
def staff_leases(market_id: int):
    market = _market_or_404(market_id)
    if market.kind != BOOTHS:
        abort(404)
    leases = list(db.session.scalars(
        select(StallApplication).where(StallApplication.market_id == market.id,
                                       StallApplication.market_day_id.is_(None))
        .order_by(StallApplication.status, StallApplication.id)
    ))
    leased = {a.stall_id for a in leases if a.status == APPROVED}
    free = [s for s in markets.stalls_of(market) if s.id not in leased]
    return render_template(
        "marketplace/stalls/staff/leases.html", market=market, leases=leases, free=free,
        decision_form=DecisionForm(), undecided=(APPLIED, WAITLISTED, RESUBMIT),
    ), 200, NO_STORE


@bp.route("/staf/pasar/<int:market_id>/laporan")
@roles_required(*STAFF_ROLES)
def staff_report(market_id: int):
    market = _market_or_404(market_id)
    today = schedule.wita_date(utcnow())
    try:
        start = date.fromisoformat(request.args.get("dari") or f"{today.year}-01-01")
        end = date.fromisoformat(request.args.get("sampai") or today.isoformat())
    except ValueError:
        start, end = date(today.year, 1, 1), today
    return render_template(
        "marketplace/stalls/staff/report.html", market=market, report=report.season_report(market.id, start, end),
    ), 200, NO_STORE
