"""Staff pages: invoice list, cash/QRIS recording, reconciliation; roles."""
from __future__ import annotations

import pytest

from core.extensions import db
from payments import services
from payments.models import Invoice
from tests.payments.stripe_double import event

STAFF_PAGES = ["/payments/staff/invoices", "/payments/staff/reconciliation"]


@pytest.mark.parametrize("role", ["member", "counselor", "moderator", "registrar"])
def test_staff_pages_refuse_other_roles(client, login_as, make_invoice, role):
    login_as(role)
    invoice = make_invoice()
    pages = STAFF_PAGES + [f"/payments/staff/invoices/{invoice.id}"]
    assert [client.get(page).status_code for page in pages] == [403, 403, 403]
    assert client.post(f"/payments/staff/invoices/{invoice.id}", data={"method": "cash", "receipt_number": "K1"}).status_code == 403
    assert db.session.get(Invoice, invoice.id).status == "open"


def test_staff_record_cash_with_receipt(client, login_as, make_invoice):
    staff = login_as("umkm_staff")
    invoice = make_invoice()
    page = client.get("/payments/staff/invoices")
    assert page.status_code == 200 and b"Rp 25.000" in page.data
    response = client.post(f"/payments/staff/invoices/{invoice.id}", data={"method": "qris", "receipt_number": "KW-2026/0012"})
    assert response.status_code == 302
    invoice = db.session.get(Invoice, invoice.id)
    assert (invoice.status, invoice.method, invoice.receipt_number, invoice.recorded_by_id) == (
        "paid", "qris", "KW-2026/0012", staff.id
    )


def _invoice_page_queries(client, count_queries, query=""):
    with count_queries() as log:
        page = client.get(f"/payments/staff/invoices{query}")
    assert page.status_code == 200 and "Tagihan" in page.get_data(as_text=True)
    return log.count, page


def test_invoice_list_query_budget_is_the_same_for_one_and_many(client, login_as, make_invoice, count_queries):
    login_as("umkm_staff")
    make_invoice(description="Lapak A-01, Minggu")
    one, page = _invoice_page_queries(client, count_queries)
    assert page.get_data(as_text=True).count("/payments/staff/invoices/") == 1
    for n in range(40):
        make_invoice(description=f"Lapak B-{n:02d}, Minggu")
    many, page = _invoice_page_queries(client, count_queries)
    assert page.get_data(as_text=True).count("/payments/staff/invoices/") == 41
    assert one == many <= 8


def test_invoice_list_pages_and_page_two_shows_the_rest(client, login_as, make_invoice, count_queries, monkeypatch):
    from payments import views

    monkeypatch.setattr(views, "INVOICES_PER_PAGE", 3)
    login_as("umkm_staff")
    invoices = [make_invoice(description=f"Lapak C-{n:02d}, Minggu") for n in range(5)]
    first_count, first = _invoice_page_queries(client, count_queries)
    second_count, second = _invoice_page_queries(client, count_queries, "?page=2")
    shown_first = {i.id for i in invoices if f"/payments/staff/invoices/{i.id}\"".encode() in first.data}
    shown_second = {i.id for i in invoices if f"/payments/staff/invoices/{i.id}\"".encode() in second.data}
    assert len(shown_first) == 3 and len(shown_second) == 2
    assert shown_first | shown_second == {i.id for i in invoices}
    assert max(shown_second) < min(shown_first)  # newest first
    assert b'rel="next"' in first.data and b'rel="next"' not in second.data and b'rel="prev"' in second.data
    assert first_count == second_count
    # The status filter is kept on the pager's links.
    for invoice in invoices[:4]:
        services.record_manual_payment(invoice.payer, invoice, method="cash", receipt_number=f"K{invoice.id}")
    db.session.commit()
    _count, paid = _invoice_page_queries(client, count_queries, "?status=paid")
    assert b"status=paid" in paid.data and b"page=2" in paid.data
    _count, rest = _invoice_page_queries(client, count_queries, "?status=paid&page=2")
    assert rest.data.count(b"/payments/staff/invoices/") == 1


def test_cash_needs_a_receipt_number_and_nothing_is_saved(client, login_as, make_invoice):
    login_as("umkm_staff")
    invoice = make_invoice()
    page = client.post(f"/payments/staff/invoices/{invoice.id}", data={"method": "cash", "receipt_number": ""})
    assert page.status_code == 200 and b"Nomor kuitansi wajib diisi" in page.data
    assert db.session.get(Invoice, invoice.id).status == "open"


def test_a_paid_invoice_cannot_be_paid_twice(client, login_as, make_invoice):
    login_as("umkm_staff")
    invoice = make_invoice()
    client.post(f"/payments/staff/invoices/{invoice.id}", data={"method": "cash", "receipt_number": "K1"})
    client.post(f"/payments/staff/invoices/{invoice.id}", data={"method": "cash", "receipt_number": "K2"})
    assert db.session.get(Invoice, invoice.id).receipt_number == "K1"


def test_payer_sees_own_invoices_only(client, login_as, make_invoice):
    payer = login_as("member")
    mine = make_invoice(payer=payer, description="Lapak B-07")
    make_invoice(description="Lapak C-99")
    page = client.get("/payments/invoices")
    assert b"Lapak B-07" in page.data and b"Lapak C-99" not in page.data
    assert page.headers["Cache-Control"] == "no-store"
    assert client.get(f"/payments/invoices/{mine.id}").status_code == 200


def test_reconciliation_shows_stripe_beside_ours(client, login_as, make_user, make_invoice, stripe_double, post_event):
    agree, differ = make_invoice(), make_invoice(amount=50_000)
    for invoice in (agree, differ):
        services.start_checkout(invoice.payer, invoice, success_url="http://x", cancel_url="http://x")
    db.session.commit()
    post_event(event("checkout.session.completed", stripe_double.pay(agree.stripe_session_id)))
    stripe_double.pay(differ.stripe_session_id)  # paid at Stripe, no webhook reached us
    login_as("umkm_staff")
    page = client.get("/payments/staff/reconciliation")
    assert page.status_code == 200
    text = page.data.decode()
    assert text.count("badge--ok\">cocok") == 1
    assert text.count("periksa") == 1
    assert stripe_double.calls[-1]["method"] == "get"


def test_reconciliation_without_stripe_says_cash_only(client, login_as):
    login_as("umkm_staff")
    page = client.get("/payments/staff/reconciliation")
    assert b"tidak aktif" in page.data
