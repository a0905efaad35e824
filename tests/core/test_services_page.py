"""The "Layanan" page (all services, fed by ``service_links``), the bottom
navigation and the staff workspace panels shown first on a staff home."""
from __future__ import annotations

import pytest

from core.home import ServiceLink, StaffPanel
from core.signals import service_links, staff_workspace


def test_layanan_lists_every_part_in_one_tap(client, login_as):
    login_as("member")
    html = client.get("/layanan").get_data(as_text=True)
    for title, url in [("Forum purna PMI", "/forum/"), ("Konseling", "/counseling"), ("Pelatihan", "/trainings"),
                       ("Modal usaha (KUR)", "/kur"), ("Kotak masuk", "/inbox")]:
        assert f"<strong>{title}</strong>" in html, title
        assert f'href="{url}' in html, url
    assert html.count('class="list__row list__row--card"') >= 5


def test_layanan_is_in_the_bottom_navigation_with_five_items(client, login_as):
    login_as("member")
    html = client.get("/").get_data(as_text=True)
    nav = html.split('<nav class="bottomnav"', 1)[1].split("</nav>", 1)[0]
    assert 'href="/layanan"' in nav and "<span>Layanan</span>" in nav
    assert nav.count("<a ") == 5
    assert 'href="/layanan"' in html.split('<nav class="bottomnav"', 1)[0]  # also on the home body


def test_layanan_for_a_visitor_invites_to_log_in(client):
    html = client.get("/layanan").get_data(as_text=True)
    assert "<strong>Forum purna PMI</strong>" in html
    assert "<strong>Konseling</strong>" not in html
    assert "/login?next=/layanan" in html


def test_a_package_adds_its_service_through_the_signal(client, login_as):
    def receiver(user, **_kwargs):
        return [ServiceLink(title="Bantuan dokumen", text="Akta dan KTP.", url="/papers", icon="book",
                            priority=1)]

    service_links.connect(receiver)
    try:
        login_as("member")
        html = client.get("/layanan").get_data(as_text=True)
    finally:
        service_links.disconnect(receiver)
    assert html.index("Bantuan dokumen") < html.index("<strong>Forum purna PMI</strong>")
    main = html.split('<main', 1)[1].split("</main>", 1)[0]
    assert main.count('href="/forum/"') == 1  # the forum's own link replaced core's


@pytest.mark.parametrize("role", ["counselor", "moderator", "admin", "umkm_staff"])
def test_staff_home_shows_the_workspace_first(client, login_as, role):
    login_as("member", role)
    html = client.get("/").get_data(as_text=True)
    assert "Ruang kerja Anda" in html
    workspace = html.index("Ruang kerja Anda")
    assert workspace < html.index("Butuh bantuan segera?")
    expected = {"counselor": "/counseling/staff", "moderator": "/forum/moderation",
                "admin": "/admin/users", "umkm_staff": "/staff/kur"}[role]
    assert f'href="{expected}' in html[workspace:]


def test_member_home_has_no_workspace(client, login_as):
    login_as("member")
    html = client.get("/").get_data(as_text=True)
    assert "Halo" in html and "Ruang kerja Anda" not in html


def test_a_package_panel_replaces_the_plain_link(client, login_as):
    def receiver(user, **_kwargs):
        if not user.has_role("counselor"):
            return []
        return [StaffPanel(title="Sesi hari ini", url="/counseling/staff", action="Buka dasbor",
                           lines=("3 sesi hari ini",), count=2, role="counselor")]

    staff_workspace.connect(receiver)
    try:
        login_as("member", "counselor")
        html = client.get("/").get_data(as_text=True)
    finally:
        staff_workspace.disconnect(receiver)
    assert "Sesi hari ini" in html and "3 sesi hari ini" in html
    assert "Dasbor konselor" not in html.split("Ruang kerja Anda", 1)[1].split("</ul>", 1)[0]


def test_umkm_staff_panel_leads_to_trainings_and_kur(client, login_as):
    login_as("member", "umkm_staff")
    html = client.get("/").get_data(as_text=True)
    workspace = html.split("Ruang kerja Anda", 1)[1]
    assert "Kelola pelatihan dan KUR" in workspace and 'href="/staff/kur"' in workspace


def test_member_home_lists_every_service_in_one_tap(client, login_as, count_queries):
    login_as("member")
    client.get("/")
    with count_queries() as log:
        html = client.get("/").get_data(as_text=True)
    home = html.split('<main', 1)[1].split("</main>", 1)[0]
    for url in ['href="/forum/"', 'href="/counseling', 'href="/trainings"', 'href="/kur"', 'href="/inbox"',
                'href="/layanan"']:
        assert url in home, url
    assert log.count <= 10


def test_the_kept_list_follows_language_login_and_receivers(app, client, login_as):
    """``service_links_for`` keeps the list per language, login and role set, and a
    receiver connected later still shows: a visitor, a member in Indonesian, a
    member in English, then the same member after a new service appears."""
    from core.home import service_links_for

    visitor = client.get("/layanan").get_data(as_text=True)
    assert "<strong>Konseling</strong>" not in visitor
    maria = login_as("member")
    assert "<strong>Konseling</strong>" in client.get("/layanan").get_data(as_text=True)
    client.post("/logout")
    login_as("member", locale="en")
    english = client.get("/layanan").get_data(as_text=True)
    assert "<strong>Counseling</strong>" in english and "<strong>Konseling</strong>" not in english
    assert "Returned migrant workers&#39; forum" in english

    def receiver(user, **_kwargs):
        return [ServiceLink(title="Bantuan dokumen", text="Akta dan KTP.", url="/papers", icon="book")]

    service_links.connect(receiver)
    try:
        assert "Bantuan dokumen" in client.get("/layanan").get_data(as_text=True)
        with app.test_request_context("/"):
            assert "Bantuan dokumen" in [link.title for link in service_links_for(maria)]
    finally:
        service_links.disconnect(receiver)
    assert "Bantuan dokumen" not in client.get("/layanan").get_data(as_text=True)
