"""Sales log (private), CSV and evidence page, the KUR evidence signal, the UMKM
staff dashboard, data export and account deletion, demo data, home panels."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.signals import market_sales_evidence
from core.uploads import StoredFile
from marketplace import photos, sales
from marketplace.models import Business, MarketPhoto, Product, SalesWeek
from tests.uploads.conftest import jpeg_bytes


def last_monday():
    return sales.this_monday() - timedelta(weeks=1)


def test_member_records_weeks_and_downloads_csv_and_evidence(client, login_as, make_business):
    owner = login_as("member", name="Yohanes Tefa")
    business = make_business(owner=owner, nib="9120301234567", name="Kopi Tefa")
    url = f"/pasar/usaha-saya/{business.id}/penjualan"
    for week, turnover, items in ((last_monday(), "750000", "31"), (sales.this_monday(), "820.000", "35")):
        assert client.post(url, data={"week": week.isoformat(), "turnover": turnover.replace(".", ""),
                                      "items_sold": items}).status_code == 302
    # Correcting a week replaces it.
    client.post(url, data={"week": (last_monday() + timedelta(days=3)).isoformat(), "turnover": "700000",
                           "items_sold": "30"})
    assert db.session.scalar(select(func.count(SalesWeek.id))) == 2
    page = client.get(url)
    assert page.headers["Cache-Control"] == "no-store"
    assert "Rp 1.520.000" in page.get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(client.get(f"{url}.csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["Minggu mulai", "Omzet (Rp)", "Barang terjual"]
    assert rows[1][1:3] == ["820000", "35"] and rows[2][1:3] == ["700000", "30"]
    evidence = client.get(f"{url}/bukti").get_data(as_text=True)
    assert "Yohanes Tefa" in evidence and business.name in evidence and "Rp 1.520.000" in evidence
    assert "9120301234567" in evidence and "Rp 760.000" in evidence  # the weekly average


@pytest.mark.parametrize("week,message", [("2099-01-05", "belum tiba"), ("kemarin", "Tulis tanggal")])
def test_bad_weeks_are_refused(client, login_as, make_business, week, message):
    business = make_business(owner=login_as("member"))
    response = client.post(f"/pasar/usaha-saya/{business.id}/penjualan",
                           data={"week": week, "turnover": "1000", "items_sold": "1"}, follow_redirects=True)
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(SalesWeek.id))) == 0


def test_sales_log_is_private_to_members_and_staff(client, auth, make_user, make_business):
    owner = make_user()
    business = make_business(owner=owner)
    sales.record_week(owner, business, last_monday(), 500000, 20)
    db.session.commit()
    url = f"/pasar/usaha-saya/{business.id}/penjualan"
    assert client.get(url).status_code == 302  # to the login page
    auth.login(make_user())
    for path in ("", ".csv", "/bukti"):
        assert client.get(url + path).status_code == 404
    auth.logout()
    auth.login(make_user(roles=("umkm_staff",)))
    assert "Rp 500.000" in client.get(url).get_data(as_text=True)
    assert client.get(url + "/bukti").status_code == 200
    # Staff read, they do not write.
    assert client.post(url, data={"week": last_monday().isoformat(), "turnover": "1", "items_sold": "1"}).status_code == 404


def test_kur_page_is_offered_the_evidence_through_a_signal(make_user, make_business, app):
    owner = make_user()
    with_log, without_log = make_business(owner=owner), make_business(owner=owner)
    sales.record_week(owner, with_log, last_monday(), 500000, 20)
    db.session.commit()
    answers = [a for _r, a in market_sales_evidence.send(owner) if a]
    assert answers == [[(with_log.name, f"/pasar/usaha-saya/{with_log.id}/penjualan/bukti")]]
    assert without_log.name not in str(answers)


def test_staff_dashboard_has_svg_charts_tables_and_csv(client, login_as, make_business):
    login_as("umkm_staff")
    a = make_business(category="kuliner", regency="kota-kupang")
    make_business(category="kuliner", regency="ngada")
    make_business(category="kerajinan", regency="kota-kupang")
    make_business(category="jasa", status="pending")
    sales.record_week(a.members[0].user, a, last_monday(), 1_250_000, 40)
    db.session.commit()
    body = client.get("/pasar/staf/dasbor").get_data(as_text=True)
    assert body.count("<svg class=\"chart\"") == 4 and "<script" not in body
    assert "<th scope=\"row\">Kuliner</th><td>2</td>" in body
    assert "Rp 1.250.000" in body
    rows = list(csv.reader(io.StringIO(client.get("/pasar/staf/dasbor.csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert ["Jenis", "Kuliner", "2"] in rows and ["Wilayah", "Kota Kupang", "2"] in rows
    assert ["Omzet mingguan (Rp)", last_monday().isoformat(), "1250000"] in rows


def test_csv_cells_cannot_become_formulas(client, login_as, make_business):
    owner = login_as("member")
    business = make_business(owner=owner)
    sales.record_week(owner, business, last_monday(), 1000, 1, note="=HYPERLINK(\"http://evil\")")
    db.session.commit()
    text = client.get(f"/pasar/usaha-saya/{business.id}/penjualan.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in text


def test_data_export_has_businesses_products_and_photos(client, login_as, make_business, make_product, upload_root):
    owner = login_as("member")
    business = make_business(owner=owner)
    product = make_product(business, name="Kopi Bajawa", price=65000)
    photos.add_photo(owner, business, jpeg_bytes((300, 300)), product=product)
    db.session.commit()
    from accounts.services import export_personal_data

    data = export_personal_data(owner)["marketplace"]["businesses"]
    assert data[0]["name"] == business.name and data[0]["whatsapp"] == business.whatsapp
    assert data[0]["products"][0]["name"] == "Kopi Bajawa" and data[0]["products"][0]["price_rupiah"] == 65000
    assert data[0]["photos"][0]["webp_base64"].startswith("UklGR")  # "RIFF": a WebP file


def test_deleting_the_account_removes_businesses_run_alone_after_telling(client, login_as, make_user, make_business,
                                                                        make_product, upload_root):
    owner = login_as("member")
    alone = make_business(owner=owner, name="Kue Rambut Oma")
    photos.add_photo(owner, alone, jpeg_bytes((300, 300)), product=make_product(alone))
    shared = make_business(owner=owner, name="Tenun Bersama")
    from core.db import utcnow
    from marketplace.models import BusinessMember

    sister = make_user()
    db.session.add(BusinessMember(business_id=shared.id, user_id=sister.id, accepted_at=utcnow()))
    db.session.commit()
    page = client.get("/account/delete").get_data(as_text=True)
    assert "Kue Rambut Oma" in page and "Tenun Bersama" not in page
    from accounts.services import delete_account

    delete_account(owner)
    db.session.commit()
    assert db.session.scalar(select(Business.name)) == "Tenun Bersama"
    assert db.session.get(Business, shared.id).member_ids() == {sister.id}
    assert db.session.scalar(select(func.count(Product.id))) == 0
    assert db.session.scalar(select(func.count(MarketPhoto.id))) == 0
    assert db.session.scalar(select(func.count(StoredFile.id))) == 0
    assert not [p for p in upload_root.rglob("*") if p.is_file()]


def test_seed_demo_is_idempotent_with_pending_businesses(runner, upload_root):
    for _ in range(2):
        result = runner.invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
    from marketplace.demo import BUSINESSES

    ours = [fields["name"] for _o, _s, _r, _v, fields, _p in BUSINESSES]
    rows = db.session.execute(select(Business.name, Business.status).where(Business.name.in_(ours))).all()
    names = dict(rows)
    assert len(rows) == len(ours) == 7  # each once, although seeded twice
    assert names["Se'i Om Yohanes"] == "approved" and list(names.values()).count("pending") == 2
    vendor = db.session.scalar(select(Business).where(Business.name == "Se'i Om Yohanes"))
    assert any(m.user.phone == "+6281200000002" for m in vendor.members)
    thumbs = db.session.scalars(select(StoredFile.size).where(StoredFile.variant == "thumb")).all()
    assert thumbs and max(thumbs) <= 40_000


def test_layanan_link_and_umkm_staff_home_panel(app, make_user, make_business):
    from core.home import service_links_for, staff_panels_for

    make_business(status="pending")
    staff = make_user(roles=("member", "umkm_staff"))
    with app.test_request_context():
        assert any(link.url == "/pasar/" for link in service_links_for(None))
        panels = [p for p in staff_panels_for(staff) if p.url == "/pasar/staf"]
        assert not [p for p in staff_panels_for(make_user()) if p.url == "/pasar/staf"]
    assert panels and panels[0].count == 1


def test_bottom_navigation_leads_to_the_market(client, login_as):
    login_as("member")
    assert 'href="/pasar/"' in client.get("/").get_data(as_text=True)


def test_member_home_shows_invitations_and_businesses_sent_back(client, auth, make_user, make_business):
    from marketplace.models import BusinessMember

    owner, sister = make_user(), make_user()
    business = make_business(owner=owner, status="changes_requested", name="Tenun Ina Boi")
    db.session.add(BusinessMember(business_id=business.id, user_id=sister.id))
    db.session.commit()
    auth.login(sister)
    assert "Anda diajak ikut mengelola Tenun Ina Boi" in client.get("/").get_data(as_text=True)
    auth.logout()
    auth.login(owner)
    home = client.get("/").get_data(as_text=True)
    assert "Usaha Anda perlu dilengkapi" in home and "Tenun Ina Boi" in home and "Anda diajak" not in home
    auth.logout()
    auth.login(make_user())
    assert "Tenun Ina Boi" not in client.get("/").get_data(as_text=True)
