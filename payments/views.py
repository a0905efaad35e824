"""Payments: the payer's invoices and Stripe Checkout, the Stripe webhook (the
only CSRF-exempt route, it checks Stripe's signature instead), and staff pages:
the invoice list, recording cash/QRIS, payment issues and reconciliation."""
from __future__ import annotations

import logging
from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from accounts.permissions import roles_required
from core.db import utcnow
from core.extensions import csrf, db
from core.forms import ButtonForm, EmptyForm
from core.links import absolute_url
from core.views_kit import page_arg, refusal_to_flash
from payments import services, webhooks
from payments.forms import ManualPaymentForm
from payments.models import STATUSES, Invoice, PaymentIssue
from payments.permissions import STAFF_ROLES, can_view_invoice
from payments.providers import stripe_provider

bp = Blueprint("payments", __name__, url_prefix="/payments")
log = logging.getLogger("rumahpurna.payments")
NO_STORE = {"Cache-Control": "no-store"}
INVOICES_PER_PAGE = 100  # the staff list, newest first


def _own_invoice_or_404(invoice_id: int) -> Invoice:
    invoice = services.get_invoice(invoice_id)
    if invoice is None or not can_view_invoice(current_user, invoice):
        abort(404)
    return invoice


@bp.route("/invoices")
@login_required
def my_invoices():
    return render_template("payments/my_invoices.html", invoices=services.invoices_of(current_user)), 200, NO_STORE


@bp.route("/invoices/<int:invoice_id>")
@login_required
def invoice_detail(invoice_id: int):
    invoice = _own_invoice_or_404(invoice_id)
    return render_template(
        "payments/invoice.html", invoice=invoice, form=ButtonForm(), stripe_on=services.stripe_enabled(),
        checkout_url=services.live_checkout_url(invoice),
    ), 200, NO_STORE


def _return_url(endpoint: str, invoice_id: int) -> str:
    """Where Stripe sends the payer back: from SITE_URL when it is set (always in
    production); without it (development) from the request."""
    return absolute_url(endpoint, invoice_id=invoice_id) or url_for(endpoint, invoice_id=invoice_id, _external=True)


@bp.route("/invoices/<int:invoice_id>/checkout", methods=["POST"])
@login_required
def checkout(invoice_id: int):
    invoice = _own_invoice_or_404(invoice_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    with refusal_to_flash(category="attention") as outcome:
        services.start_checkout(
            current_user, invoice,
            success_url=_return_url("payments.checkout_done", invoice.id),
            cancel_url=_return_url("payments.invoice_detail", invoice.id),
        )
        db.session.commit()
    if outcome.refused:
        return redirect(url_for("payments.invoice_detail", invoice_id=invoice.id))
    # The CSP's form-action 'self' forbids a form from redirecting off-site, so the
    # invoice page offers the Checkout address as a plain link instead.
    return redirect(url_for("payments.invoice_detail", invoice_id=invoice.id, bayar=1), code=303)


@bp.route("/invoices/<int:invoice_id>/done")
@login_required
def checkout_done(invoice_id: int):
    """Where Stripe sends the payer back. Marks nothing: only the webhook does."""
    invoice = _own_invoice_or_404(invoice_id)
    return render_template("payments/checkout_done.html", invoice=invoice), 200, NO_STORE


@bp.route("/stripe/webhook", methods=["POST"])
@csrf.exempt
def stripe_webhook():
    payload = request.get_data(cache=False, as_text=False)
    try:
        outcome = webhooks.handle(payload, request.headers.get("Stripe-Signature"))
    except webhooks.BadSignature as error:
        db.session.rollback()
        log.warning("stripe webhook refused: %s", error)
        return {"status": "refused"}, 400
    except webhooks.DuplicateEvent:
        db.session.rollback()
        return {"status": "duplicate"}, 200
    except Exception:
        db.session.rollback()
        log.exception("stripe webhook failed; Stripe will retry")
        return {"status": "error"}, 500
    db.session.commit()
    return {"status": outcome.outcome}, 200


# --- staff ---------------------------------------------------------------------------

@bp.route("/staff/invoices")
@roles_required(*STAFF_ROLES)
def staff_invoices():
    status = request.args.get("status")
    status = status if status in STATUSES else None
    page = page_arg()
    rows = services.staff_invoices(status, limit=INVOICES_PER_PAGE + 1, offset=(page - 1) * INVOICES_PER_PAGE)
    return render_template(
        "payments/staff_invoices.html",
        invoices=rows[:INVOICES_PER_PAGE],
        page=page,
        has_next=len(rows) > INVOICES_PER_PAGE,
        issues=services.open_issues(),
        status=status,
        statuses=STATUSES,
        form=ButtonForm(),
    ), 200, NO_STORE


@bp.route("/staff/invoices/<int:invoice_id>", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def staff_invoice(invoice_id: int):
    invoice = services.get_invoice(invoice_id)
    if invoice is None:
        abort(404)
    form = ManualPaymentForm()
    if form.validate_on_submit():
        with refusal_to_flash(category="attention", success=_("Pembayaran dicatat.")) as outcome:
            services.record_manual_payment(
                current_user, invoice, method=form.method.data, receipt_number=form.receipt_number.data
            )
            db.session.commit()
        if outcome.ok:
            return redirect(url_for("payments.staff_invoice", invoice_id=invoice.id))
    return render_template("payments/staff_invoice.html", invoice=invoice, form=form), 200, NO_STORE


@bp.route("/staff/issues/<int:issue_id>/resolve", methods=["POST"])
@roles_required(*STAFF_ROLES)
def resolve_issue(issue_id: int):
    issue = db.session.get(PaymentIssue, issue_id)
    if issue is None or not EmptyForm().validate_on_submit():
        abort(404)
    if issue.resolved_at is None:
        issue.resolved_at = utcnow()
        db.session.commit()
    flash(_("Masalah pembayaran ditandai selesai."), "success")
    return redirect(url_for("payments.staff_invoices"))


@bp.route("/staff/reconciliation")
@roles_required(*STAFF_ROLES)
def reconciliation():
    """What Stripe says beside what we recorded, for the last 30 days."""
    provider = stripe_provider()
    rows, error = [], False
    if provider.enabled():
        since = utcnow() - timedelta(days=30)
        try:
            rows = services.reconcile(provider.sessions_since(since), since)
        except Exception:
            log.exception("could not read Stripe for reconciliation")
            error = True
    return render_template(
        "payments/reconciliation.html", rows=rows, enabled=provider.enabled(), error=error
    ), 200, NO_STORE
