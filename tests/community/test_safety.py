"""Safety: XSS, crisis words, the Waspada Calo banner, rate limits, suspension."""
from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from community import moderation
from community.models import CrisisTerm, Post, Thread
from core.db import utcnow
from core.extensions import db
from notifications.models import Notification


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def assert_inert(html: str) -> None:
    """No script or image element, no event-handler attribute, no script/data link."""
    parser = _Tags()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag not in ("script", "img", "iframe", "object"), (tag, attrs)
        if tag == "svg":
            assert attrs.get("class") == "icon", attrs
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        href = (attrs.get("href") or "").strip().lower()
        assert not href.startswith(("javascript:", "data:", "vbscript:")), (tag, attrs)


XSS = [
    "<img src=x onerror=alert(1)>",
    "[klik](javascript:alert(1))",
    '"><svg onload=alert(1)>',
    "<script>alert(1)</script>",
    "[x](JaVaScRiPt:alert(1)) [y](data:text/html;base64,PHNjcmlwdD4=)",
]


@pytest.mark.parametrize("payload", XSS)
def test_markdown_payloads_render_inert(client, forum, member, switch_to, payload):
    switch_to(member())
    client.post(f"/forum/c/{forum.general.slug}/new",
                data={"title": f"Judul {payload}", "body": f"Isi {payload}"})
    thread = db.session.scalar(select(Thread))
    html = client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
    assert "Isi " in html
    assert_inert(html)
    assert_inert(client.get("/forum/search", query_string={"q": "Isi " + payload}).get_data(as_text=True))
    assert_inert(client.get(f"/forum/c/{forum.general.slug}").get_data(as_text=True))


def test_links_get_nofollow_noopener(client, forum, member, switch_to, write):
    author = member()
    thread = write.thread(author, forum.general, body="Cek izin di [KP2MI](https://kp2mi.go.id) ya")
    switch_to(member())
    html = client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
    assert '<a href="https://kp2mi.go.id" rel="nofollow noopener">KP2MI</a>' in html


def test_crisis_words_show_hotlines_and_alert_counselors(client, forum, member, switch_to):
    counselor = member(roles=("member", "counselor"))
    writer = switch_to(member())
    response = client.post(f"/forum/c/{forum.safe.slug}/new",
                           data={"title": "Tidak kuat lagi", "body": "Kadang saya ingin mati saja."},
                           follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Anda tidak sendirian" in html
    assert "0800-1000" in html and "119 ext 8" in html and "129" in html and "110" in html
    # The post itself is published, not blocked.
    post = db.session.scalar(select(Post).where(Post.author_id == writer.id))
    assert post.status == "visible" and post.has_crisis_words
    alert = db.session.scalar(select(Notification).where(Notification.user_id == counselor.id))
    assert alert is not None and alert.url == f"/forum/p/{post.id}"
    assert "ingin mati" not in (alert.body or "") and "Tidak kuat" not in str(alert.params)
    # The card is shown once, not on every later visit.
    assert "Anda tidak sendirian" not in client.get(f"/forum/t/{post.thread_id}").get_data(as_text=True)


def test_booking_link_only_when_counseling_exists(client, app, forum, member, switch_to, monkeypatch):
    switch_to(member())
    html = client.post(f"/forum/c/{forum.safe.slug}/new",
                       data={"title": "I want to die", "body": "I think about suicide."},
                       follow_redirects=True).get_data(as_text=True)
    assert "Buat jadwal dengan konselor" in html and "/counseling" in html
    # Without the counseling pages (an installation without them), the hotlines only.
    monkeypatch.delitem(app.view_functions, "mentoring.counseling.counselors")
    html = client.post(f"/forum/c/{forum.safe.slug}/new",
                       data={"title": "I want to end my life", "body": "I want to die."},
                       follow_redirects=True).get_data(as_text=True)
    assert "Anda tidak sendirian" in html
    assert "Buat jadwal dengan konselor" not in html and "0800-1000" in html


def test_english_crisis_words_and_admin_list(client, forum, member, switch_to):
    counselor = member(roles=("member", "counselor"))
    db.session.add(CrisisTerm(phrase="gaji ditahan"))
    db.session.commit()
    switch_to(member())
    client.post(f"/forum/c/{forum.general.slug}/new",
                data={"title": "Masalah gaji", "body": "Gaji ditahan majikan dua tahun."})
    assert db.session.scalar(
        select(func.count(Notification.id)).where(Notification.user_id == counselor.id)) == 1


def test_ordinary_words_do_not_alert(client, forum, member, switch_to):
    counselor = member(roles=("member", "counselor"))
    switch_to(member())
    html = client.post(f"/forum/c/{forum.general.slug}/new",
                       data={"title": "Jualan kopi Bajawa", "body": "Kopi Bajawa dibuat sendiri."},
                       follow_redirects=True).get_data(as_text=True)
    assert "Kopi Bajawa dibuat sendiri." in html  # her new thread's page
    assert "Anda tidak sendirian" not in html
    assert not db.session.scalar(select(Notification.id).where(Notification.user_id == counselor.id))


def test_calo_banner_only_in_its_category(client, forum, member, switch_to):
    switch_to(member())
    calo = client.get(f"/forum/c/{forum.calo.slug}").get_data(as_text=True)
    assert "Waspada calo: layanan ini gratis" in calo and "P3MI" in calo
    assert "Waspada calo" not in client.get(f"/forum/c/{forum.general.slug}").get_data(as_text=True)


def test_one_post_per_fifteen_seconds(client, app, forum, member, switch_to, write, monkeypatch):
    monkeypatch.setitem(app.config, "FORUM_POST_INTERVAL_SECONDS", 15)
    author = member()
    thread = write.thread(author, forum.general)
    switch_to(author)
    html = client.post(f"/forum/t/{thread.id}/reply",
                       data={"body": "Balasan terlalu cepat"}).get_data(as_text=True)
    assert "Tunggu 15 detik" in html and "Balasan terlalu cepat" in html
    assert db.session.get(Thread, thread.id).reply_count == 0
    post = db.session.scalar(select(Post))
    post.created_at = utcnow() - timedelta(seconds=16)
    db.session.commit()
    assert client.post(f"/forum/t/{thread.id}/reply", data={"body": "Sekarang boleh"}).status_code == 302


def test_new_members_no_links_and_three_threads_a_day(client, forum, login_as):
    user = login_as("member")  # joined just now
    html = client.post(f"/forum/c/{forum.general.slug}/new",
                       data={"title": "Kerja enak di luar", "body": "Daftar di https://calo.example"}
                       ).get_data(as_text=True)
    assert "belum bisa menulis tautan" in html
    assert db.session.scalar(select(Thread.id)) is None
    for i in range(3):
        response = client.post(f"/forum/c/{forum.general.slug}/new",
                               data={"title": f"Salam kenal nomor {i}", "body": "Halo semua"})
        assert response.status_code == 302
    html = client.post(f"/forum/c/{forum.general.slug}/new",
                       data={"title": "Salam kenal keempat", "body": "Halo lagi"}).get_data(as_text=True)
    assert "paling banyak 3 topik" in html
    assert db.session.scalar(select(func.count(Thread.id)).where(Thread.author_id == user.id)) == 3


def test_new_members_ten_replies_a_day(client, forum, member, login_as, write):
    thread = write.thread(member(), forum.general)
    login_as("member")
    for i in range(10):
        assert client.post(f"/forum/t/{thread.id}/reply", data={"body": f"balasan {i}"}).status_code == 302
    html = client.post(f"/forum/t/{thread.id}/reply", data={"body": "kesebelas"}).get_data(as_text=True)
    assert "paling banyak 10 balasan" in html
    assert db.session.get(Thread, thread.id).reply_count == 10


def test_suspended_member_cannot_post(client, forum, member, switch_to, write):
    moderator = member(roles=("member", "moderator"))
    author = member()
    thread = write.thread(author, forum.general)
    post = db.session.scalar(select(Post))
    moderation.suspend(moderator, post, 7, "Menawarkan kerja lewat calo")
    db.session.commit()
    switch_to(author)
    html = client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
    assert "Menawarkan kerja lewat calo" in html and "Kirim balasan" not in html
    client.post(f"/forum/t/{thread.id}/reply", data={"body": "Saya tetap menulis"})
    client.post(f"/forum/c/{forum.general.slug}/new", data={"title": "Topik baru lagi", "body": "isi"})
    assert db.session.scalar(select(func.count(Post.id))) == 1
    notice = db.session.scalar(select(Notification).where(Notification.user_id == author.id))
    assert notice is not None and "Menawarkan" not in str(notice.params)


LINK_SPELLINGS = [
    "Daftar [di sini][1]\n\n[1]: //evil.example/kerja",
    "Daftar [di sini](//evil.example/kerja)",
    "Daftar di <https://evil.example>",
    "Daftar di //evil.example/kerja",
    "Daftar di https:evil.example",
]


@pytest.mark.parametrize("body", LINK_SPELLINGS)
def test_new_members_no_links_in_any_spelling(client, forum, login_as, body):
    """Issue 8, item 18: the rule is checked on the rendered HTML, so reference-style
    and scheme-relative links are caught like plain ones; nothing is saved."""
    login_as("member")  # joined just now
    html = client.post(f"/forum/c/{forum.general.slug}/new",
                       data={"title": "Kerja enak di luar", "body": body}).get_data(as_text=True)
    assert "belum bisa menulis tautan" in html
    assert db.session.scalar(select(Thread.id)) is None
    ok = client.post(f"/forum/c/{forum.general.slug}/new",
                     data={"title": "Kerja enak di luar", "body": "Tanya dan/atau cerita, jam 10//11."})
    assert ok.status_code == 302


def test_scheme_relative_links_are_written_as_off_site(client, forum, member, switch_to, write):
    """Issue 8, item 18: nh3 keeps no ``//host`` link; it becomes an explicit https
    link to the other site, with the off-site rel."""
    thread = write.thread(member(), forum.general, body="Info [di sini][1]\n\n[1]: //kp2mi.go.id/cek")
    switch_to(member())
    html = client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
    assert '<a href="https://kp2mi.go.id/cek" rel="nofollow noopener">di sini</a>' in html
    assert 'href="//' not in html.split("<main", 1)[-1]


def test_sales_posts_are_not_crises_but_trafficking_phrases_are(client, forum, member, switch_to):
    """Issue 8, item 21: "dijual" alone (a sales post) marks nothing; "dijual ke
    agen" (trafficking) still alerts counselors."""
    counselor = member(roles=("member", "counselor"))
    switch_to(member())
    html = client.post(f"/forum/c/{forum.general.slug}/new",
                       data={"title": "Se'i sapi dijual murah", "body": "Dijual se'i sapi, 100 ribu sekilo."},
                       follow_redirects=True).get_data(as_text=True)
    assert "Tulisan Anda sudah terkirim" in html and "Anda tidak sendirian" not in html
    assert not db.session.scalar(select(Notification.id).where(Notification.user_id == counselor.id))
    assert "dijual" not in db.session.scalars(select(CrisisTerm.phrase)).all()
    client.post(f"/forum/c/{forum.safe.slug}/new",
                data={"title": "Adik saya hilang", "body": "Katanya adik saya dijual ke agen di Batam."})
    assert db.session.scalar(
        select(func.count(Notification.id)).where(Notification.user_id == counselor.id)) == 1


def test_admin_tries_a_term_on_recent_posts_before_saving(client, forum, member, switch_to, write):
    """Issue 8, item 21: "Uji" shows how many recent posts a term would mark, warns
    about single words, and saves nothing; "Tambah" saves."""
    write.thread(member(), forum.general, title="Kopi Bajawa dijual", body="Kopi dijual per bungkus.")
    write.thread(member(), forum.general, title="Tenun ikat", body="Sarung tenun dijual di pasar.")
    write.thread(member(), forum.general, title="Jagung bose", body="Resep jagung bose.")
    before = db.session.scalar(select(func.count(CrisisTerm.id)))
    switch_to(member(roles=("member", "admin")))
    html = client.post("/forum/admin/crisis-words",
                       data={"phrase": "Dijual", "preview": "1"}).get_data(as_text=True)
    assert "Dari 3 tulisan terbaru, 2 memuat frasa ini" in html
    assert "Ini satu kata saja" in html and "Kopi Bajawa" in html and "Resep jagung" not in html
    assert db.session.scalar(select(func.count(CrisisTerm.id))) == before
    html = client.post("/forum/admin/crisis-words",
                       data={"phrase": "dijual di pasar", "preview": "1"}).get_data(as_text=True)
    assert "Dari 3 tulisan terbaru, 1 memuat frasa ini" in html and "Ini satu kata saja" not in html
    assert client.post("/forum/admin/crisis-words", data={"phrase": "dijual di pasar"}).status_code == 302
    assert "dijual di pasar" in db.session.scalars(select(CrisisTerm.phrase)).all()
