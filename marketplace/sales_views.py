"""The weekly sales log (members write; members and UMKM staff read), its CSV and
printable evidence page, and the UMKM staff dashboard with SVG charts and CSV."""
from __future__ import annotations

import csv
import io

from flask import Response, abort, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from accounts.data import regency_label
from accounts.permissions import roles_required
from core.extensions import db
from core.forms import ButtonForm, EmptyForm
from core.i18n import format_wita
from core.views_kit import refusal_to_flash
from marketplace import sales
from marketplace._views import no_store
from marketplace.blueprint import bp
from marketplace.businesses import get_business
from marketplace.charts import column_chart, hbar_chart
from marketplace.forms import SalesWeekForm
from marketplace.labels import CATEGORY_LABELS, STATUS_LABELS
from marketplace.models import SalesWeek
from marketplace.permissions import STAFF_ROLE, can_edit_business, can_view_sales


def _sales_business_or_404(business_id: int):
    business = get_business(business_id)
    if business is None or not can_view_sales(current_user, business):
        abort(404)
    return business


def _csv(rows: list[list], filename: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        # A cell starting with =, +, - or @ would be a formula in a spreadsheet.
        writer.writerow([("'" + c) if isinstance(c, str) and c[:1] in "=+-@" else c for c in row])
    response = Response("\ufeff" + out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return no_store(response)


@bp.route("/usaha-saya/<int:business_id>/penjualan", methods=["GET", "POST"])
@login_required
def sales_log(business_id: int):
    business = _sales_business_or_404(business_id)
    editable = can_edit_business(current_user, business)
    form = SalesWeekForm()
    if form.is_submitted() and not editable:
        abort(404)
    if not form.is_submitted():
        form.week.data = sales.this_monday().isoformat()
    if form.validate_on_submit():
        week = sales.parse_week(form.week.data)
        if week is None:
            form.week.errors = [_("Tulis tanggal seperti 2026-12-07.")]
        else:
            with refusal_to_flash(success=_("Penjualan minggu ini tersimpan.")) as outcome:
                sales.record_week(current_user, business, week, form.turnover.data, form.items_sold.data,
                                  form.note.data)
                db.session.commit()
            if outcome.ok:
                return redirect(url_for("marketplace.sales_log", business_id=business.id))
    weeks = sales.weeks_of(business)
    return no_store(make_response(render_template(
        "marketplace/sales_log.html", business=business, form=form, weeks=weeks,
        totals=sales.totals(weeks), editable=editable, button=ButtonForm(),
    )))


@bp.route("/usaha-saya/<int:business_id>/penjualan/<int:week_id>/hapus", methods=["POST"])
@login_required
def remove_sales_week(business_id: int, week_id: int):
    business = get_business(business_id)
    row = db.session.get(SalesWeek, week_id)
    if business is None or row is None or row.business_id != business.id \
            or not can_edit_business(current_user, business):
        abort(404)
    if EmptyForm().validate_on_submit():
        sales.remove_week(current_user, row)
        db.session.commit()
    return redirect(url_for("marketplace.sales_log", business_id=business.id))


@bp.route("/usaha-saya/<int:business_id>/penjualan.csv")
@login_required
def sales_csv(business_id: int):
    business = _sales_business_or_404(business_id)
    rows = [[_("Minggu mulai"), _("Omzet (Rp)"), _("Barang terjual"), _("Catatan")]]
    rows += [[w.week_start.isoformat(), w.turnover, w.items_sold, w.note or ""] for w in sales.weeks_of(business)]
    return _csv(rows, f"penjualan-usaha-{business.id}.csv")


@bp.route("/usaha-saya/<int:business_id>/penjualan/bukti")
@login_required
def sales_evidence(business_id: int):
    """A printable page for a KUR application: business, owner, weeks, totals."""
    business = _sales_business_or_404(business_id)
    weeks = sales.weeks_of(business)
    owners = [m.user.name for m in business.members if m.accepted]
    return no_store(make_response(render_template(
        "marketplace/sales_evidence.html", business=business, weeks=weeks, totals=sales.totals(weeks),
        owners=owners,
    )))


def _week_label(day) -> str:
    return format_wita(day, "day_month")


@bp.route("/staf/dasbor")
@roles_required(STAFF_ROLE)
def staff_dashboard():
    data = sales.dashboard()
    categories = [(str(CATEGORY_LABELS.get(c, c)), n) for c, n in data.by_category]
    regencies = [(regency_label(r), n) for r, n in data.by_regency]
    registrations = [(_week_label(d), n) for d, n in data.registrations]
    turnover = [(_week_label(d), n) for d, n in data.turnover]
    return no_store(make_response(render_template(
        "marketplace/staff_dashboard.html", data=data,
        categories=categories, regencies=regencies, registrations=registrations, turnover=turnover,
        category_chart=hbar_chart(categories, _("Usaha per jenis")),
        regency_chart=hbar_chart(regencies, _("Usaha per wilayah")),
        registration_chart=column_chart(registrations, _("Pendaftaran baru per minggu")),
        turnover_chart=column_chart(turnover, _("Omzet mingguan")),
        status_labels=STATUS_LABELS,
    )))


@bp.route("/staf/dasbor.csv")
@roles_required(STAFF_ROLE)
def staff_dashboard_csv():
    data = sales.dashboard()
    rows: list[list] = [[_("Bagian"), _("Label"), _("Jumlah")]]
    rows += [[_("Jenis"), str(CATEGORY_LABELS.get(c, c)), n] for c, n in data.by_category]
    rows += [[_("Wilayah"), regency_label(r), n] for r, n in data.by_regency]
    rows += [[_("Pendaftaran per minggu"), d.isoformat(), n] for d, n in data.registrations]
    rows += [[_("Omzet mingguan (Rp)"), d.isoformat(), n] for d, n in data.turnover]
    return _csv(rows, "dasbor-umkm.csv")
