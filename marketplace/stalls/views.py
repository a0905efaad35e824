"""Vendors' stall pages: markets and days, applying, their applications with the
queue place and next date, withdrawing, and the public stall map of a day."""
from __future__ import annotations

from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.db import utcnow
from core.extensions import db
from core.forms import ButtonForm, EmptyForm
from core.i18n import current_language, format_wita
from core.read_only import read_only
from core.views_kit import refusal_to_flash
from marketplace import cache
from marketplace.public_views import page_from_parts, render_parts
from marketplace.stalls import applications, curation, days, maps, markets, schedule
from marketplace.stalls import staff_views as _staff_views  # noqa: F401  (routes on this blueprint)
from marketplace.stalls.blueprint import bp, nest
from marketplace.stalls.forms import STATUS_LABELS, ZONE_LABELS, ApplyForm, LeaseForm, NoteForm
from marketplace.stalls.models import BOOTHS, StallApplication
from marketplace.stalls.permissions import can_view_application
from payments import services as payments

__all__ = ["bp", "nest"]
NO_STORE = {"Cache-Control": "no-store"}
INVOICE_KIND = "stall_application"


# Handed to every template by ``core.templating.expose_permissions``.
TEMPLATE_HELPERS = {
    "stall_zone_label": lambda zone: ZONE_LABELS.get(zone, zone),
    "stall_status_label": lambda status: STATUS_LABELS.get(status, status),
    "stall_clock": lambda minute: schedule.clock(minute, current_language()),
    "format_day": lambda day: format_wita(day, "date"),
    "zone_colours": schedule.ZONE_COLOURS,
}


def _own_application_or_404(application_id: int) -> StallApplication:
    application = db.session.get(StallApplication, application_id)
    if application is None or not can_view_application(current_user, application):
        abort(404)
    return application


@bp.route("/")
@login_required
def index():
    all_markets = markets.markets()
    upcoming = {m.id: days.upcoming_days(m) for m in all_markets if m.is_weekly}
    return render_template(
        "marketplace/stalls/index.html",
        markets=all_markets, upcoming=upcoming,
        mine=applications.my_applications(current_user),
        businesses=applications.vendor_businesses(current_user),
    ), 200, NO_STORE


@bp.route("/ajukan/<int:market_id>", methods=["GET", "POST"])
@login_required
def apply(market_id: int):
    market = markets.get_market(market_id)
    if market is None or not market.is_weekly:
        abort(404)
    businesses = applications.vendor_businesses(current_user)
    if not businesses:
        return render_template("marketplace/stalls/no_business.html"), 200, NO_STORE
    open_days = days.upcoming_days(market, include_cancelled=False)
    form = ApplyForm()
    form.business_id.choices = [(b.id, b.name) for b in businesses]
    form.day_ids.choices = [(d.id, format_wita(d.day, "date")) for d in open_days]
    if request.method == "GET":
        form.zone.data = applications.zone_for(businesses[0])
    if form.validate_on_submit():
        business = next(b for b in businesses if b.id == form.business_id.data)
        chosen = [d for d in open_days if d.id in set(form.day_ids.data)]
        with refusal_to_flash(category="attention",
                              success=_("Pengajuan lapak terkirim. Petugas akan memberi kabar.")) as outcome:
            applications.apply_for_days(current_user, business, chosen, form.zone.data, form.note.data)
            db.session.commit()
        if outcome.ok:
            return redirect(url_for("marketplace.stalls.index"))
    return render_template("marketplace/stalls/apply.html", form=form, market=market), 200, NO_STORE


def _month_choices(today: date, count: int = 6) -> list[tuple[str, str]]:
    choices = []
    year, month = today.year, today.month
    for _n in range(count):
        month += 1
        if month > 12:
            year, month = year + 1, 1
        first = date(year, month, 1)
        choices.append((first.isoformat(), format_wita(first, "month")))
    return choices


@bp.route("/sewa/<int:market_id>", methods=["GET", "POST"])
@login_required
def apply_lease(market_id: int):
    market = markets.get_market(market_id)
    if market is None or market.kind != BOOTHS:
        abort(404)
    businesses = applications.vendor_businesses(current_user)
    if not businesses:
        return render_template("marketplace/stalls/no_business.html"), 200, NO_STORE
    form = LeaseForm()
    form.business_id.choices = [(b.id, b.name) for b in businesses]
    form.start_month.choices = _month_choices(schedule.wita_date(utcnow()))
    if form.validate_on_submit():
        business = next(b for b in businesses if b.id == form.business_id.data)
        with refusal_to_flash(category="attention",
                              success=_("Pengajuan sewa kios terkirim. Petugas akan memberi kabar.")) as outcome:
            applications.apply_for_lease(current_user, business, market, date.fromisoformat(form.start_month.data),
                                         form.months.data, form.note.data)
            db.session.commit()
        if outcome.ok:
            return redirect(url_for("marketplace.stalls.index"))
    return render_template("marketplace/stalls/apply_lease.html", form=form, market=market), 200, NO_STORE


@bp.route("/pengajuan/<int:application_id>")
@login_required
def my_application(application_id: int):
    application = _own_application_or_404(application_id)
    invoice = payments.invoices_for(INVOICE_KIND, [application.id]).get(application.id)
    return render_template(
        "marketplace/stalls/application.html",
        application=application,
        invoice=invoice,
        place=curation.queue_place(application),
        next_date=curation.next_expected_date(application.business),
        form=ButtonForm(),
        note_form=NoteForm(),
    ), 200, NO_STORE


@bp.route("/pengajuan/<int:application_id>/tarik", methods=["POST"])
@login_required
def withdraw(application_id: int):
    application = _own_application_or_404(application_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    with refusal_to_flash(category="attention", success=_("Pengajuan ditarik.")):
        applications.withdraw(current_user, application)
        db.session.commit()
    return redirect(url_for("marketplace.stalls.my_application", application_id=application_id))


@bp.route("/pengajuan/<int:application_id>/kirim-ulang", methods=["POST"])
@login_required
def resubmit(application_id: int):
    application = _own_application_or_404(application_id)
    form = NoteForm()
    if not form.validate_on_submit():
        flash(_("Tulis apa yang Anda ubah."), "attention")
    else:
        with refusal_to_flash(category="attention", success=_("Pengajuan dikirim ulang.")):
            applications.resubmit(current_user, application, form.note.data)
            db.session.commit()
    return redirect(url_for("marketplace.stalls.my_application", application_id=application_id))


def _day_or_404(day_id: int):
    day = days.get_day(day_id)
    if day is None:
        abort(404)
    return day


@bp.route("/peta/<int:day_id>")
@read_only
def day_map(day_id: int):
    """The stall map of a market day (public: the businesses are public anyway)."""
    highlight = request.args.get("lapak", type=int)

    def render():
        day = _day_or_404(day_id)
        stall_map = maps.stall_map(day.market, day, highlight)
        parts = render_parts("marketplace/stalls/day_map.html", day=day, map=stall_map)
        if highlight is not None and highlight not in {stall.id for stall in stall_map.stalls}:
            return cache.not_kept(parts)  # pointing at no stall of this market: not worth a place
        return parts

    # Every reader gets the parts kept for the market pages: every change to a
    # stall, a market, a market day or a holding raises the cache's version.
    return page_from_parts(cache.cached(render, "map", (day_id, highlight)))


@bp.route("/peta/<int:day_id>/peta.svg")
@read_only
def day_map_svg(day_id: int):
    """The same map alone, to open full screen and zoom on a phone."""
    day = _day_or_404(day_id)
    svg = render_template("marketplace/stalls/_map.svg", map=maps.stall_map(day.market, day), standalone=True)
    return Response(svg, mimetype="image/svg+xml")


@bp.route("/kios/<int:market_id>")
def booth_map(market_id: int):
    market = markets.get_market(market_id)
    if market is None or market.kind != BOOTHS:
        abort(404)
    return page_from_parts(render_parts("marketplace/stalls/day_map.html", day=None, map=maps.stall_map(market)))
