"""The KUR page: the document checklist is a record once handed in (issue 8 item 34),
and the page offers what helps the application from other parts — the market's sales
evidence (through a signal) and help with civil papers (a link)."""
from __future__ import annotations

import pytest

from core.extensions import db
from core.signals import market_sales_evidence
from mentoring.kur import applications
from mentoring.kur._common import KurError
from mentoring.kur.models import KurApplication


def _ready(member, kur_start) -> KurApplication:
    application = applications.start_kur_application(member, kur_start())
    applications.update_checklist(member, application, ["doc_ktp", "doc_kk", "doc_business_letter"])
    db.session.commit()
    return application


def test_checklist_is_editable_while_preparing_and_offers_papers_help(client, login_as, kur_start):
    member = login_as("member")
    application = _ready(member, kur_start)
    page = client.get(f"/kur/{application.id}").get_data(as_text=True)
    assert "Simpan daftar berkas" in page
    assert "/forum/adminduk/bundle" in page


def test_checklist_cannot_change_after_the_documents_were_handed_in(client, login_as, kur_start):
    member = login_as("member")
    application = _ready(member, kur_start)
    applications.mark_submitted(member, application)
    db.session.commit()

    page = client.get(f"/kur/{application.id}").get_data(as_text=True)
    assert "Simpan daftar berkas" not in page
    assert "sudah Anda serahkan ke bank" in page

    response = client.post(f"/kur/{application.id}/checklist", data={}, follow_redirects=True)
    assert "daftar berkas tidak bisa diubah lagi" in response.get_data(as_text=True)
    db.session.expire_all()
    saved = db.session.get(KurApplication, application.id)
    assert saved.doc_ktp and saved.doc_kk and saved.doc_business_letter


def test_service_refuses_a_checklist_change_after_hand_in(make_user, kur_start):
    member = make_user()
    application = _ready(member, kur_start)
    applications.mark_submitted(member, application)
    with pytest.raises(KurError, match="tidak bisa diubah lagi"):
        applications.update_checklist(member, application, [])


def test_sales_evidence_from_the_market_is_offered(client, login_as, kur_start):
    member = login_as("member")
    application = _ready(member, kur_start)

    def receiver(user, **_kwargs):
        return [("Se'i Sapi Mama Ester", "/pasar/usaha-saya/7/penjualan/bukti")] if user.id == member.id else []

    market_sales_evidence.connect(receiver)
    try:
        page = client.get(f"/kur/{application.id}").get_data(as_text=True)
    finally:
        market_sales_evidence.disconnect(receiver)
    assert "Bukti penjualan untuk bank" in page
    assert 'href="/pasar/usaha-saya/7/penjualan/bukti"' in page

    without = client.get(f"/kur/{application.id}").get_data(as_text=True)
    assert "Bukti penjualan untuk bank" not in without
