"""Stripe Checkout through the real library and the HTTP-client double."""
from __future__ import annotations

from datetime import timedelta

import pytest

from core.db import utcnow
from core.extensions import db
from payments import services
from payments.errors import PaymentRefused


def _pay_click(client, invoice):
    return client.post(f"/payments/invoices/{invoice.id}/checkout")


def test_checkout_session_has_the_server_amount_in_minor_units(client, login_as, make_invoice, stripe_double):
    payer = login_as("member")
    invoice = make_invoice(payer=payer, amount=25_000)
    response = _pay_click(client, invoice)
    assert response.status_code == 303
    assert response.headers["Location"].startswith(f"/payments/invoices/{invoice.id}")
    page = client.get(response.headers["Location"])
    assert b'href="https://checkout.stripe.test/c/pay/cs_test_' in page.data
    call = stripe_double.calls[-1]
    assert call["path"] == "/v1/checkout/sessions"
    assert call["params"]["line_items[0][price_data][unit_amount]"] == "2500000"
    assert call["params"]["line_items[0][price_data][currency]"] == "idr"
    assert call["params"]["client_reference_id"] == str(invoice.id)
    assert call["key"] == f"invoice-{invoice.id}-checkout-0"


@pytest.mark.parametrize(("locale", "name"), [("id", "Lapak A-01, SABOAK 6 Des 2026"),
                                            ("en", "Stall A-01, SABOAK Dec 6, 2026")])
def test_stripe_names_the_invoice_in_the_payers_language(client, login_as, make_invoice, stripe_double,
                                                         locale, name):
    payer = login_as("member", locale=locale)
    invoice = make_invoice(payer=payer, description="Lapak A-01, SABOAK 6 Des 2026",
                           description_en="Stall A-01, SABOAK Dec 6, 2026")
    assert _pay_click(client, invoice).status_code == 303
    assert stripe_double.calls[-1]["params"]["line_items[0][price_data][product_data][name]"] == name


def test_an_invoice_reads_in_the_viewers_language(client, login_as, make_invoice):
    """Both descriptions are kept; one made before English ones existed shows its
    Indonesian description in English too."""
    payer = login_as("member", locale="en")
    both = make_invoice(payer=payer, description="Lapak A-01, SABOAK 6 Des 2026",
                        description_en="Stall A-01, SABOAK Dec 6, 2026")
    older = make_invoice(payer=payer, description="Lapak B-02, SABOAK 13 Des 2026")
    page = client.get(f"/payments/invoices/{both.id}").get_data(as_text=True)
    assert "Stall A-01, SABOAK Dec 6, 2026" in page and "Lapak A-01" not in page
    listing = client.get("/payments/invoices").get_data(as_text=True)
    assert "Stall A-01, SABOAK Dec 6, 2026" in listing and "Lapak B-02, SABOAK 13 Des 2026" in listing
    assert older.description_for("en") == "Lapak B-02, SABOAK 13 Des 2026"
    payer.locale = "id"
    db.session.commit()
    page = client.get(f"/payments/invoices/{both.id}").get_data(as_text=True)
    assert "Lapak A-01, SABOAK 6 Des 2026" in page and "Stall A-01" not in page


def test_double_click_makes_one_session(client, login_as, make_invoice, stripe_double):
    payer = login_as("member")
    invoice = make_invoice(payer=payer)
    _pay_click(client, invoice)
    _pay_click(client, invoice)
    assert len(stripe_double.sessions) == 1
    assert len([c for c in stripe_double.calls if c["path"] == "/v1/checkout/sessions"]) == 1


def test_a_retry_with_the_same_key_gets_the_same_session(app, make_invoice, make_user, stripe_double):
    """The library retries a dropped connection with the same idempotency key."""
    payer = make_user()
    invoice = make_invoice(payer=payer)
    stripe_double.fail_next = 1
    with app.test_request_context():
        url = services.start_checkout(payer, invoice, success_url="http://x/ok", cancel_url="http://x/no")
    assert len([c for c in stripe_double.calls if c["path"] == "/v1/checkout/sessions"]) == 2
    assert {c["key"] for c in stripe_double.calls} == {f"invoice-{invoice.id}-checkout-0"}
    assert len(stripe_double.sessions) == 1
    assert url.endswith(next(iter(stripe_double.sessions)))


def test_expired_session_gets_a_new_attempt(app, make_invoice, make_user, stripe_double):
    payer = make_user()
    invoice = make_invoice(payer=payer)
    services.start_checkout(payer, invoice, success_url="http://x/ok", cancel_url="http://x/no")
    invoice.stripe_session_expires_at = utcnow() - timedelta(minutes=1)
    services.start_checkout(payer, invoice, success_url="http://x/ok", cancel_url="http://x/no")
    assert [c["key"] for c in stripe_double.calls] == [
        f"invoice-{invoice.id}-checkout-0", f"invoice-{invoice.id}-checkout-1",
    ]


def test_no_key_means_cash_only(client, login_as, make_invoice):
    payer = login_as("member")
    invoice = make_invoice(payer=payer)
    page = client.get(f"/payments/invoices/{invoice.id}")
    assert b"Bayar daring" not in page.data
    assert b"QRIS" in page.data
    response = _pay_click(client, invoice)
    assert response.status_code == 302
    assert db.session.get(type(invoice), invoice.id).stripe_session_id is None


def test_success_page_never_marks_paid(client, login_as, make_invoice, stripe_double):
    payer = login_as("member")
    invoice = make_invoice(payer=payer)
    _pay_click(client, invoice)
    stripe_double.pay(db.session.get(type(invoice), invoice.id).stripe_session_id)
    page = client.get(f"/payments/invoices/{invoice.id}/done?session_id=cs_test_1&paid=1")
    assert page.status_code == 200
    assert db.session.get(type(invoice), invoice.id).status == "open"


def test_someone_elses_invoice_is_404(client, login_as, make_invoice, stripe_double):
    login_as("member")
    other = make_invoice()
    assert client.get(f"/payments/invoices/{other.id}").status_code == 404
    assert _pay_click(client, other).status_code == 404
    assert client.get(f"/payments/invoices/{other.id}/done").status_code == 404
    assert stripe_double.calls == []


def test_only_the_payer_of_an_open_invoice_can_start(app, make_invoice, make_user, stripe_double):
    invoice = make_invoice()
    with pytest.raises(PaymentRefused, match="tidak bisa dibayar"):
        services.start_checkout(make_user(), invoice, success_url="http://x", cancel_url="http://x")


def test_amounts_are_never_taken_from_the_client(client, login_as, make_invoice, stripe_double):
    payer = login_as("member")
    invoice = make_invoice(payer=payer, amount=25_000)
    client.post(f"/payments/invoices/{invoice.id}/checkout", data={"amount": "1", "unit_amount": "100"})
    assert stripe_double.calls[-1]["params"]["line_items[0][price_data][unit_amount]"] == "2500000"


@pytest.mark.parametrize("amount", [0, -5, 25_000.5, 10**12])
def test_invoice_amount_must_be_sane(make_user, amount):
    with pytest.raises(ValueError, match="out of range"):
        services.create_invoice(make_user(), subject_kind="t", subject_id=1, amount=amount, description="x")


def test_voiding_an_invoice_expires_its_open_session(app, make_invoice, make_user, stripe_double):
    payer = make_user()
    invoice = make_invoice(payer=payer)
    services.start_checkout(payer, invoice, success_url="http://x/ok", cancel_url="http://x/no")
    assert services.void_invoice(invoice, "market day cancelled")
    assert stripe_double.calls[-1]["path"] == f"/v1/checkout/sessions/{invoice.stripe_session_id}/expire"
    assert stripe_double.sessions[invoice.stripe_session_id]["status"] == "expired"


def test_voiding_still_works_when_stripe_refuses_to_expire(app, make_invoice, make_user, stripe_double):
    payer = make_user()
    invoice = make_invoice(payer=payer)
    services.start_checkout(payer, invoice, success_url="http://x/ok", cancel_url="http://x/no")
    stripe_double.sessions[invoice.stripe_session_id]["status"] = "complete"
    stripe_double.fail_next = 3  # unreachable, even after the library's retries
    assert services.void_invoice(invoice, "market day cancelled")
    assert invoice.status == "void"
