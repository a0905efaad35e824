"""The ways to the report form: member home, Layanan, the Satgas home panel, the
Waspada Calo room and the forum's crisis card."""
from __future__ import annotations

from core.home import service_links_for, staff_panels_for
from tests.community.conftest import _no_post_interval, forum, member, switch_to  # noqa: F401


def test_the_member_home_links_to_the_report_form(client, login_as):
    login_as("member")
    html = client.get("/").get_data(as_text=True)
    assert 'href="/forum/lapor/"' in html and "Lapor calo atau perdagangan orang" in html
    assert html.index("0800-1000") < html.index('href="/forum/lapor/"')


def test_layanan_lists_lapor_calo(app, make_user):
    with app.test_request_context():
        links = service_links_for(None)
    assert any(link.title == "Lapor calo" and link.url == "/forum/lapor/" for link in links)


def test_the_satgas_home_panel_counts_what_waits(app, make_user, make_report):
    officer = make_user(roles=("member", "satgas"))
    plain = make_user()
    make_report(urgent=True)
    make_report()
    with app.test_request_context():
        panels = [p for p in staff_panels_for(officer) if p.url == "/forum/lapor/desk"]
        assert not [p for p in staff_panels_for(plain) if p.url == "/forum/lapor/desk"]
    assert len(panels) == 1 and panels[0].count == 1
    assert panels[0].lines == ("1 mendesak", "2 laporan baru")


def test_the_waspada_calo_room_links_to_the_form(client, forum, member, switch_to):  # noqa: F811
    switch_to(member())
    html = client.get(f"/forum/c/{forum.calo.slug}").get_data(as_text=True)
    assert "Lapor calo atau perdagangan orang ke Satgas PMI" in html and 'href="/forum/lapor/"' in html
    assert "ke Satgas PMI" not in client.get(f"/forum/c/{forum.general.slug}").get_data(as_text=True)


def test_the_crisis_card_offers_the_form_in_the_calo_room_only(client, forum, member, switch_to):  # noqa: F811
    switch_to(member())
    html = client.post(f"/forum/c/{forum.calo.slug}/new",
                       data={"title": "Adik saya ditahan agen", "body": "Saya ingin mati saja rasanya."},
                       follow_redirects=True).get_data(as_text=True)
    assert "Anda tidak sendirian" in html and "Kalau ini tentang calo" in html
    html = client.post(f"/forum/c/{forum.general.slug}/new",
                       data={"title": "Tidak kuat lagi", "body": "Kadang saya ingin mati saja."},
                       follow_redirects=True).get_data(as_text=True)
    assert "Anda tidak sendirian" in html and "Kalau ini tentang calo" not in html
