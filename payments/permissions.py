"""Who may see and do what with invoices (views: 404 when false; templates too)."""
from __future__ import annotations

from accounts.models import User
from payments.models import OPEN, Invoice

STAFF_ROLES = ("umkm_staff", "admin")


def is_payments_staff(user: User) -> bool:
    return user.is_authenticated and user.has_role(*STAFF_ROLES)


def can_view_invoice(user: User, invoice: Invoice) -> bool:
    """The payer's own invoice (payer-side pages)."""
    return user.is_authenticated and invoice.payer_id == user.id


def can_pay_invoice(user: User, invoice: Invoice) -> bool:
    return can_view_invoice(user, invoice) and invoice.status == OPEN


def can_record_payment(user: User, invoice: Invoice) -> bool:
    return is_payments_staff(user) and invoice.status == OPEN


TEMPLATE_PREDICATES = {
    "is_payments_staff": is_payments_staff,
    "can_pay_invoice": can_pay_invoice,
    "can_record_payment": can_record_payment,
}
