"""On a 360 px phone: a vendor applies for next Sunday (JavaScript off); staff run
the allocation and approve; the vendor pays through Stripe Checkout (the test
double answers Stripe's API; Stripe's page is stubbed and its webhook signed as
Stripe signs it), another vendor's cash is recorded by staff; the vendor sees the
stall on the map."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.extensions import db
from marketplace.stalls.models import StallApplication
from payments.models import Invoice
from tests.factories import PASSWORD
from tests.payments.stripe_double import SECRET_KEY, WEBHOOK_SECRET, StripeDouble, event, sign

pytestmark = pytest.mark.browser


def _login(page, base: str, user) -> None:
    page.goto(base + "/login")
    page.get_by_label("Nomor HP atau email").fill(user.phone)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_stall_journey(app, client, live_server, phone_page_nojs, phone_page, make_user, make_business,
                       make_market, next_day, monkeypatch, screenshot):
    double = StripeDouble()
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", SECRET_KEY)
    monkeypatch.setitem(app.config, "STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
    monkeypatch.setitem(app.config, "STRIPE_HTTP_CLIENT", double)
    day = next_day(make_market(fee=25_000))
    first_sunday = day.day
    vendor = make_user(name="Yohanes Tefa")
    business = make_business(owner=vendor, name="Jagung Bose Om Yos", returnee=True)
    cash_vendor = make_user(name="Agustina Lake")
    cash_business = make_business(owner=cash_vendor, name="Kopi Bajawa Mama Agus")
    staff = make_user(name="Yuliana Ndun", roles=["member", "umkm_staff"])
    market_id, day_id = day.market_id, day.id

    page = phone_page_nojs
    _login(page, live_server, vendor)
    page.goto(f"{live_server}/pasar/lapak/")
    page.get_by_role("link", name="Ajukan lapak").click()
    page.locator("input[name=day_ids]").nth(1).check()
    page.get_by_role("button", name="Kirim pengajuan").click()
    assert "Pengajuan lapak terkirim" in page.content(), page.inner_text("body")[:600]
    _no_sideways_scroll(page)
    screenshot(page, "stalls-1-applied")
    from marketplace.stalls import applications as apps

    apps.apply_for_days(cash_vendor, cash_business, [day], "food")
    db.session.commit()

    _login(phone_page, live_server, staff)
    phone_page.goto(f"{live_server}/pasar/lapak/staf/hari/{day_id}")
    assert "Jagung Bose Om Yos" in phone_page.content() and "Purna PMI" in phone_page.content()
    phone_page.get_by_role("button", name="Setujui pembagian lapak ini").click()
    assert "2 lapak dibagikan" in phone_page.content()
    _no_sideways_scroll(phone_page)
    screenshot(phone_page, "stalls-2-allocated")

    db.session.expire_all()
    mine = db.session.scalar(select(StallApplication).where(StallApplication.business_id == business.id))
    theirs = db.session.scalar(select(StallApplication).where(StallApplication.business_id == cash_business.id))
    assert mine.status == theirs.status == "approved"

    # The vendor pays online: Stripe's hosted page is stubbed, its webhook signed.
    page.route("https://checkout.stripe.test/**", lambda route: route.fulfill(
        status=200, content_type="text/html", body="<h1>Stripe test checkout</h1>"))
    page.goto(f"{live_server}/pasar/lapak/pengajuan/{mine.id}")
    code = mine.stall.code
    assert f"Lapak Anda: {code}" in page.content()
    page.get_by_role("link", name="Bayar biaya lapak Rp 25.000").click()
    page.get_by_role("button", name="Bayar daring (kartu atau dompet digital)").click()
    page.get_by_role("link", name="Lanjut ke halaman pembayaran daring").click()
    assert "Stripe test checkout" in page.content()
    invoice = db.session.scalar(select(Invoice).where(Invoice.subject_id == mine.id))
    db.session.refresh(invoice)
    page.goto(f"{live_server}/payments/invoices/{invoice.id}/done")
    assert "belum dibayar" in page.content()  # the success page marks nothing paid
    payload = event("checkout.session.completed", double.pay(invoice.stripe_session_id))
    response = client.post("/payments/stripe/webhook", data=payload, content_type="application/json",
                           headers={"Stripe-Signature": sign(payload)})
    assert response.status_code == 200
    page.goto(f"{live_server}/payments/invoices/{invoice.id}")
    assert "lunas" in page.content()
    screenshot(page, "stalls-3-paid")

    # Staff record the other vendor's cash.
    cash_invoice = db.session.scalar(select(Invoice).where(Invoice.subject_id == theirs.id))
    phone_page.goto(f"{live_server}/payments/staff/invoices/{cash_invoice.id}")
    phone_page.get_by_label("Nomor kuitansi").fill("KW-SABOAK-0042")
    phone_page.get_by_role("button", name="Catat pembayaran").click()
    assert "Pembayaran dicatat" in phone_page.content()
    _no_sideways_scroll(phone_page)

    # The vendor sees the stall on the map, with the table beside it.
    page.goto(f"{live_server}/pasar/lapak/pengajuan/{mine.id}")
    page.get_by_role("link", name="lihat di peta").click()
    page.wait_for_load_state("load")  # the style sheet too, before measuring widths
    assert page.locator("svg[role=img] text", has_text=code).count() == 1
    row = page.locator("tr", has=page.locator("th", has_text=code))
    assert "Jagung Bose Om Yos" in row.inner_text()
    _no_sideways_scroll(page)
    screenshot(page, "stalls-4-map")
    assert first_sunday.weekday() == 6 and market_id
