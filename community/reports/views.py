"""Reporting pages on the nested ``community.reports`` blueprint: the start page,
the form (for members and visitors), the status look-up by code + secret, and a
member's own reports. The Satgas desk is in ``desk_views.py``."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, abort, current_app, g, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from accounts.data import regency_label
from accounts.phones import display_phone
from community import fragments
from community import reading as forum_reading
from community.reports import codes, dashboard, identifiers, reporting
from community.reports._common import (
    CLOSE_REASON_LABELS,
    IDENTIFIER_LABELS,
    KIND_LABELS,
    KIND_SHORT,
    REFERRAL_LABELS,
    STATUS_LABELS,
)
from community.reports.desk import contact_text_preview
from community.reports.forms import CodeForm, LookupForm, ReportForm, chosen_files
from community.reports.models import HAPPENED_ABOUT, HAPPENED_MONTH
from community.reports.permissions import can_view_own_report
from core.extensions import db, limiter
from core.i18n import format_wita
from core.uploads import UploadRefused

bp = Blueprint("reports", __name__, url_prefix="/lapor")
# The page a neutral message to a visitor's phone links to: its address and its
# words say nothing of reports (the phone's holder may be the one reported).
code_bp = Blueprint("code", __name__, url_prefix="/kode")

# Shown first when someone is in danger; used when the admin list lacks them.
EMERGENCY_TELS = ("110", "08001000", "129")


@dataclass(frozen=True)
class _Line:
    name: str
    number: str
    description: str = ""

    @property
    def tel(self) -> str:
        return "".join(ch for ch in self.number if ch.isdigit() or ch == "+")


FALLBACK_LINES = (
    _Line("Polisi", "110"),
    _Line("Crisis Center KP2MI/BP2MI", "0800-1000"),
    _Line("SAPA", "129"),
)


@bp.record_once
def _commands(state) -> None:
    import click
    from flask.cli import AppGroup

    group = AppGroup("reports", help="Reports to the Satgas.")

    @group.command("rehash")
    @click.option("--batch", default=500, show_default=True, help="Identifiers per transaction.")
    def rehash_command(batch: int) -> None:
        """Recompute the identifier digests under the current REPORTS_IDENTIFIER_KEY
        (after changing it; idempotent)."""
        from community.reports.rehash import rehash_identifiers

        result = rehash_identifiers(batch=max(1, batch))
        click.echo(f"reports: {result.changed} of {result.seen} identifier digests recomputed "
                   f"in {result.batches} batches ({result.unreadable} unreadable, left as they were).")

    state.app.cli.add_command(group)


@bp.after_request
@code_bp.after_request
def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response




def _happened_label(day: date | None, precision: str | None) -> str:
    """``15 Mar 2026``, ``sekitar 15 Mar 2026`` or ``Maret 2026``."""
    if day is None:
        return ""
    if precision == HAPPENED_MONTH:
        return format_wita(day, "month")
    text = format_wita(day, "short")
    return _("sekitar %(date)s", date=text) if precision == HAPPENED_ABOUT else text




def _month_label(key: str) -> str:
    year, month = key.split("-")
    return format_wita(date(int(year), int(month), 1), "short_month")


# Handed to every template by ``core.templating.expose_permissions``.
TEMPLATE_HELPERS = {
    "report_kind_label": lambda kind: _(KIND_LABELS.get(kind, kind)),
    "report_kind_short": lambda kind: _(KIND_SHORT.get(kind, kind)),
    "report_status_label": lambda status: _(STATUS_LABELS.get(status, status)),
    "referral_label": lambda body: _(REFERRAL_LABELS.get(body, body)) if body else "",
    "close_reason_label": lambda reason: _(CLOSE_REASON_LABELS.get(reason, reason)) if reason else "",
    "identifier_label": lambda kind: _(IDENTIFIER_LABELS.get(kind, kind)),
    "regency_label": regency_label,
    "display_report_phone": display_phone,
    "report_bars": dashboard.bars,
    "report_month_label": _month_label,
    "report_happened_label": _happened_label,
    "report_queue_rows": fragments.report_rows,
}


def emergency_lines() -> list:
    """The admin-managed help lines, emergency numbers (110, 0800-1000, 129) first;
    the three built-in ones when the list lacks them."""
    lines = forum_reading.hotlines()
    urgent = [line for line in lines if line.tel in EMERGENCY_TELS]
    others = [line for line in lines if line.tel not in EMERGENCY_TELS]
    known = {line.tel for line in urgent}
    missing = [line for line in FALLBACK_LINES if line.tel not in known]
    return sorted(urgent, key=lambda line: EMERGENCY_TELS.index(line.tel)) + missing + others


@bp.route("/")
def start():
    return render_template("community/reports/start.html")


def _report_input(form: ReportForm) -> reporting.ReportInput:
    anonymous = form.anonymous.data
    return reporting.ReportInput(
        kind=form.kind.data,
        regency=form.regency.data,
        what=form.what.data,
        place=form.place.data or "",
        happened=form.happened.data or "",
        happened_on=form.happened_on.data,
        happened_precision=form.happened_precision.data or "",
        people=form.people.data or "",
        phones=identifiers.parse("phone", form.phones.data)[0],
        companies=identifiers.parse("company", form.companies.data)[0],
        handles=identifiers.parse("handle", form.handles.data)[0],
        urgent=bool(form.urgent.data),
        contact_name="" if anonymous else (form.contact_name.data or ""),
        contact_phone="" if anonymous else (form.contact_phone.data or ""),
        # Only a visitor (no account: no inbox) is messaged on the phone.
        contact_notify=bool(form.contact_notify.data) and not anonymous and not current_user.is_authenticated,
        contact_locale=str(get_locale() or "id"),
    )


def _contact_conflict(form: ReportForm) -> bool:
    if form.anonymous.data and (form.contact_name.data or form.contact_phone.data):
        form.anonymous.errors = [
            _("Anda memilih anonim. Kosongkan nama dan nomor HP, atau hapus centang anonim.")
        ]
        return True
    if form.contact_notify.data and not current_user.is_authenticated:
        if form.anonymous.data:
            form.contact_notify.errors = [
                _("Laporan anonim tidak bisa dikabari lewat HP. Hapus salah satu centang.")
            ]
            return True
        if not form.contact_phone.data:
            form.contact_notify.errors = [
                _("Untuk menerima pesan, tulis nomor HP Anda, atau hapus centang ini.")
            ]
            return True
    return False


def _form_page(form: ReportForm):
    return render_template(
        "community/reports/new.html", form=form, contact_preview=contact_text_preview(),
        lines=emergency_lines() if form.urgent.data else [],
    )


@bp.route("/baru", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REPORT_SUBMIT_LIMIT"], methods=["POST"])
def new():
    form = ReportForm()
    if request.method == "GET":
        form.urgent.data = request.args.get("bahaya") == "1"
        if current_user.is_authenticated:
            form.contact_name.data = current_user.name
            form.contact_phone.raw_text = current_user.phone
    if request.method == "POST" and form.validate() and not _contact_conflict(form):
        reporter = (current_user._get_current_object()
                    if current_user.is_authenticated and not form.anonymous.data else None)
        report, secret = reporting.submit_report(reporter, _report_input(form))
        try:
            reporting.attach_pictures(reporter, report, chosen_files(form.pictures))
        except UploadRefused as error:
            db.session.rollback()
            form.pictures.errors = [_(str(error)) + " " + _("Pilih gambarnya lagi.")]
            return _form_page(form)
        reporting.alert_officers(report)
        db.session.commit()
        # Rendered, not redirected: the secret is shown this once and kept nowhere.
        return render_template(
            "community/reports/done.html", report=report, secret=secret,
            contact_preview=contact_text_preview() if report.contact_notify else None,
            lines=emergency_lines() if report.urgent else [],
        )
    return _form_page(form)


def _failed_lookup() -> bool:
    return bool(g.get("report_lookup_failed"))


def _lookup_code_key() -> str:
    return "report-code:" + (codes.canonical_code(request.form.get("code")) or "unreadable")


# Shared by both look-up pages: a guesser gains nothing by using the other one.
_per_address = limiter.shared_limit(
    lambda: current_app.config["REPORT_LOOKUP_LIMIT"], scope="report-lookup", methods=["POST"],
    deduct_when=lambda _response: _failed_lookup())
_per_code = limiter.shared_limit(
    lambda: current_app.config["REPORT_LOOKUP_CODE_LIMIT"], scope="report-lookup-code", methods=["POST"],
    key_func=_lookup_code_key, deduct_when=lambda _response: _failed_lookup())


def _lookup(form, template: str, wrong: str):
    if form.validate_on_submit():
        report = reporting.find_by_code_and_secret(form.code.data, form.secret.data)
        if report is not None:
            return render_template("community/reports/status.html", report=report)
        g.report_lookup_failed = True
        form.secret.errors = [wrong]
    return render_template(template, form=form)


@bp.route("/status", methods=["GET", "POST"])
@_per_address
@_per_code
def lookup():
    return _lookup(LookupForm(), "community/reports/lookup.html",
                   _("Kode laporan atau kode rahasia tidak cocok. Periksa lagi huruf dan angkanya."))


@code_bp.route("", methods=["GET", "POST"])
@_per_address
@_per_code
def enter():
    """Where the neutral message links: the same look-up, in words that do not
    say what the code is for."""
    return _lookup(CodeForm(), "community/reports/code.html",
                   _("Kode atau kode rahasia tidak cocok. Periksa lagi huruf dan angkanya."))


@bp.route("/saya")
@login_required
def mine():
    return render_template("community/reports/mine.html", reports=reporting.member_reports(current_user))


@bp.route("/saya/<int:report_id>")
@login_required
def my_report(report_id: int):
    report = reporting.get_report(report_id)
    if report is None or not can_view_own_report(current_user, report):
        abort(404)
    return render_template("community/reports/status.html", report=report, own=True)


from community.reports import desk_views as _desk_views  # noqa: E402,F401  (routes on bp)
