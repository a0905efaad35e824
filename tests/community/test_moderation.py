"""Moderation: roles, safe-room approval, flags and auto-hide, thread tools,
suspension, reveal, the log, and the admin lists."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from accounts.models import AuditEvent
from community import moderation, posting, safety
from community.models import Category, Hotline, ModerationAction, Post, Thread
from core.extensions import db
from notifications.models import Notification


def _first_post(thread):
    return db.session.scalar(select(Post).where(Post.thread_id == thread.id, Post.is_first))


MODERATOR_ROUTES = [
    ("get", "/forum/moderation"),
    ("post", "/forum/moderation/p/{post}/approve"),
    ("post", "/forum/moderation/p/{post}/hide"),
    ("post", "/forum/moderation/p/{post}/unhide"),
    ("post", "/forum/moderation/p/{post}/dismiss"),
    ("post", "/forum/moderation/t/{thread}/lock"),
    ("post", "/forum/moderation/t/{thread}/pin"),
    ("get", "/forum/moderation/t/{thread}/move"),
    ("get", "/forum/moderation/p/{post}/suspend"),
    ("get", "/forum/moderation/p/{post}/reveal"),
    ("get", "/forum/moderation/log"),  # moderators read it too (issue 8, item 27)
]
ADMIN_ROUTES = [
    ("get", "/forum/admin/categories"),
    ("get", "/forum/admin/categories/new"),
    ("get", "/forum/admin/crisis-words"),
    ("get", "/forum/admin/hotlines"),
    ("get", "/forum/admin/hotlines/new"),
]


def test_moderator_and_admin_routes_answer_403_to_members(client, forum, member, switch_to, write):
    author = member()
    thread = write.thread(author, forum.safe, anonymous=True)
    post = _first_post(thread)
    walked = 0
    for roles, routes in ((("member",), MODERATOR_ROUTES + ADMIN_ROUTES),
                          (("member", "counselor"), MODERATOR_ROUTES + ADMIN_ROUTES),
                          (("member", "moderator"), ADMIN_ROUTES)):
        switch_to(member(roles=roles))
        for method, route in routes:
            url = route.format(post=post.id, thread=thread.id)
            assert getattr(client, method)(url).status_code == 403, (roles, url)
            walked += 1
    assert walked == 2 * (len(MODERATOR_ROUTES) + len(ADMIN_ROUTES)) + len(ADMIN_ROUTES) == 37
    db.session.expire_all()
    assert _first_post(thread).status == "pending"
    assert db.session.scalar(select(func.count(ModerationAction.id))) == 0


def test_right_roles_get_in(client, forum, member, switch_to, write):
    thread = write.thread(member(), forum.general)
    post = _first_post(thread)
    switch_to(member(roles=("member", "moderator")))
    walked = 0
    for method, route in MODERATOR_ROUTES:
        if method == "get" and "reveal" not in route:
            assert client.get(route.format(post=post.id, thread=thread.id)).status_code == 200
            walked += 1
    assert walked == 4
    assert client.get(f"/forum/moderation/p/{post.id}/reveal").status_code == 404  # not anonymous
    switch_to(member(roles=("member", "admin")))
    for _method, route in ADMIN_ROUTES:
        assert client.get(route).status_code == 200
        walked += 1
    assert walked == 4 + len(ADMIN_ROUTES) == 9
    assert client.get("/forum/moderation/log").status_code == 200


def test_first_anonymous_post_waits_for_approval(client, forum, member, switch_to):
    moderator = member(roles=("member", "moderator"))
    writer = switch_to(member())
    client.post(f"/forum/c/{forum.safe.slug}/new",
                data={"title": "Sulit tidur sejak pulang", "body": "Saya sering mimpi buruk.",
                      "anonymous": "y"})
    thread = db.session.scalar(select(Thread))
    assert thread.status == "pending"
    # The writer sees it with a note; other members do not see it at all.
    assert "Menunggu persetujuan moderator" in client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
    assert db.session.scalar(select(Notification.id).where(Notification.user_id == moderator.id))
    switch_to(member())
    assert client.get(f"/forum/t/{thread.id}").status_code == 404
    assert "Sulit tidur" not in client.get(f"/forum/c/{forum.safe.slug}").get_data(as_text=True)
    assert "Sulit tidur" not in client.get("/forum/search?q=tidur").get_data(as_text=True)
    # The moderator approves it from the queue.
    switch_to(moderator)
    assert "Saya sering mimpi buruk" in client.get("/forum/moderation").get_data(as_text=True)
    client.post(f"/forum/moderation/p/{_first_post(thread).id}/approve")
    switch_to(member())
    assert client.get(f"/forum/t/{thread.id}").status_code == 200
    assert db.session.scalar(select(Notification.id).where(
        Notification.user_id == writer.id, Notification.key.contains("approved")))
    # The second anonymous post no longer waits.
    switch_to(writer)
    client.post(f"/forum/t/{thread.id}/reply", data={"body": "Terima kasih semua", "anonymous": "y"})
    reply = db.session.scalar(select(Post).where(Post.is_first.is_(False)))
    assert reply.status == "visible" and reply.is_anonymous


def test_rejected_post_stays_hidden(client, forum, member, switch_to, write):
    moderator = member(roles=("member", "moderator"))
    thread = write.thread(member(), forum.safe, anonymous=True)
    switch_to(moderator)
    client.post(f"/forum/moderation/p/{_first_post(thread).id}/reject", data={"reason": "data pribadi"})
    switch_to(member())
    assert client.get(f"/forum/t/{thread.id}").status_code == 404


def test_three_different_members_hide_a_post(client, forum, member, switch_to, write):
    moderator = member(roles=("member", "moderator"))
    thread = write.thread(member(), forum.general, title="Lowongan ke Malaysia tanpa biaya")
    post = _first_post(thread)
    first = switch_to(member())
    client.post(f"/forum/p/{post.id}/flag", data={"reason": "scam"})
    client.post(f"/forum/p/{post.id}/flag", data={"reason": "scam"})  # same member twice
    switch_to(member())
    client.post(f"/forum/p/{post.id}/flag", data={"reason": "spam", "note": "calo"})
    db.session.expire_all()
    assert db.session.get(Post, post.id).status == "visible"  # two members so far
    switch_to(member())
    client.post(f"/forum/p/{post.id}/flag", data={"reason": "other"})
    db.session.expire_all()
    assert db.session.get(Post, post.id).status == "hidden"
    switch_to(first)
    assert client.get(f"/forum/t/{thread.id}").status_code == 404
    assert db.session.get(Category, forum.general.id).thread_count == 0
    switch_to(moderator)
    queue = client.get("/forum/moderation").get_data(as_text=True)
    assert "3 laporan" in queue and "Penipuan, calo" in queue
    client.post(f"/forum/moderation/p/{post.id}/dismiss")
    db.session.expire_all()
    assert db.session.get(Post, post.id).status == "visible"
    assert db.session.scalar(select(func.count(ModerationAction.id)).where(
        ModerationAction.action == "auto_hide")) == 1


def test_flag_needs_a_reason(client, forum, member, switch_to, write):
    thread = write.thread(member(), forum.general)
    switch_to(member())
    html = client.post(f"/forum/p/{_first_post(thread).id}/flag", data={"reason": "bogus"}
                       ).get_data(as_text=True)
    assert "Not a valid choice" in html or "Pilih" in html or "bukan pilihan" in html.lower()
    assert db.session.scalar(select(func.count(ModerationAction.id))) == 0


def test_hide_unhide_lock_pin_move_are_logged(client, forum, member, switch_to, write):
    moderator = member(roles=("member", "moderator"))
    thread = write.thread(member(), forum.general)
    post = _first_post(thread)
    switch_to(moderator)
    client.post(f"/forum/moderation/p/{post.id}/hide", data={"reason": "uji"})
    client.post(f"/forum/moderation/p/{post.id}/unhide")
    client.post(f"/forum/moderation/t/{thread.id}/lock")
    client.post(f"/forum/moderation/t/{thread.id}/pin")
    client.post(f"/forum/moderation/t/{thread.id}/move", data={"category": forum.calo.id})
    db.session.expire_all()
    thread = db.session.get(Thread, thread.id)
    assert thread.is_locked and thread.is_pinned and thread.category_id == forum.calo.id
    assert db.session.get(Category, forum.general.id).thread_count == 0
    assert db.session.get(Category, forum.calo.id).thread_count == 1
    actions = db.session.scalars(select(ModerationAction.action).order_by(ModerationAction.id)).all()
    assert actions == ["hide", "unhide", "lock", "pin", "move"]
    assert client.post(f"/forum/moderation/t/{thread.id}/explode").status_code == 404


def test_suspend_needs_reason_and_days(client, forum, member, switch_to, write):
    thread = write.thread(member(), forum.general)
    switch_to(member(roles=("member", "moderator")))
    html = client.post(f"/forum/moderation/p/{_first_post(thread).id}/suspend",
                       data={"days": "0", "reason": ""}).get_data(as_text=True)
    assert "Antara 1 dan 365 hari." in html and "Tulis alasannya." in html
    assert safety.active_suspension(thread.author) is None


def test_reveal_needs_reason_and_is_logged(client, forum, member, switch_to, write):
    author = member(name="Yohanes Tefa")
    thread = write.thread(author, forum.safe, anonymous=True)
    post = _first_post(thread)
    moderator = switch_to(member(roles=("member", "moderator")))
    html = client.post(f"/forum/moderation/p/{post.id}/reveal", data={"reason": ""}).get_data(as_text=True)
    assert "Tulis alasannya" in html and "Yohanes Tefa" not in html
    html = client.post(f"/forum/moderation/p/{post.id}/reveal",
                       data={"reason": "Ancaman keselamatan terhadap anak"}).get_data(as_text=True)
    assert "Yohanes Tefa" in html
    entry = db.session.scalar(select(ModerationAction).where(ModerationAction.action == "reveal"))
    assert entry.moderator_id == moderator.id and "keselamatan" in entry.reason
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "forum.reveal_author"))
    assert audit.actor_id == moderator.id and audit.subject_user_id == author.id
    # Revealing once shows nothing extra on the ordinary pages afterwards.
    assert "Yohanes Tefa" not in client.get(f"/forum/t/{thread.id}").get_data(as_text=True)


def test_admin_edits_categories_with_validation(client, forum, member, switch_to):
    switch_to(member(roles=("member", "admin")))
    html = client.post("/forum/admin/categories/new",
                       data={"slug": "Bukan Slug!", "name_id": "", "name_en": "x", "position": "1"}
                       ).get_data(as_text=True)
    assert "Pakai huruf kecil" in html and "Tulis nama kategori." in html
    assert db.session.scalar(select(func.count(Category.id))) == 3
    response = client.post("/forum/admin/categories/new",
                           data={"slug": "info-pelatihan", "name_id": "Info Pelatihan & KUR",
                                 "name_en": "Training & KUR", "position": "5", "is_safe_room": ""})
    assert response.status_code == 302
    html = client.post("/forum/admin/categories/new",
                       data={"slug": "info-pelatihan", "name_id": "Lagi", "name_en": "Again",
                             "position": "6"}).get_data(as_text=True)
    assert "sudah dipakai" in html


def test_admin_edits_crisis_words_and_hotlines(client, forum, member, switch_to):
    switch_to(member(roles=("member", "admin")))
    client.post("/forum/admin/crisis-words", data={"phrase": "Gaji Tidak Dibayar"})
    html = client.get("/forum/admin/crisis-words").get_data(as_text=True)
    assert "gaji tidak dibayar" in html and "paspor ditahan" in html
    client.post("/forum/admin/hotlines/new", data={"name": "LBH Kupang", "number": "0380 123456",
                                                   "description_id": "Bantuan hukum", "position": "9"})
    assert db.session.scalar(select(Hotline).where(Hotline.name == "LBH Kupang")) is not None
    html = client.post("/forum/admin/hotlines/new", data={"name": "X", "number": "<b>", "position": "1"}
                       ).get_data(as_text=True)
    assert "Pakai angka" in html


@pytest.mark.parametrize("action", ["approve", "hide"])
def test_moderator_cannot_act_on_missing_post(client, forum, member, switch_to, action):
    switch_to(member(roles=("member", "moderator")))
    assert client.post(f"/forum/moderation/p/999/{action}").status_code == 404


def test_a_post_hidden_by_reports_tells_its_writer_what_happened(client, forum, member, switch_to, write):
    """Issue 8, item 28: the writer reads that reports hid it (not "by a moderator"),
    in the page and in the inbox; a moderator's own hide still says so."""
    thread = write.thread(member(), forum.general)
    writer = member()
    reply = write.reply(writer, thread, body="Ada lowongan, hubungi saya.")
    for _ in range(3):
        switch_to(member())
        client.post(f"/forum/p/{reply.id}/flag", data={"reason": "scam"})
    db.session.expire_all()
    assert db.session.get(Post, reply.id).status == "hidden"
    switch_to(writer)
    page = client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
    assert "Disembunyikan otomatis karena beberapa anggota melaporkannya" in page
    assert "Disembunyikan oleh moderator" not in page
    notice = db.session.scalar(select(Notification).where(
        Notification.user_id == writer.id, Notification.key.like("%hidden-by-reports%")))
    assert notice is not None and notice.title == "Tulisan Anda disembunyikan sementara"
    other = write.reply(writer, thread, body="Maaf, saya salah tulis.")
    switch_to(member(roles=("member", "moderator")))
    client.post(f"/forum/moderation/p/{other.id}/hide")
    switch_to(writer)
    page = client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
    assert page.count("Disembunyikan oleh moderator") == 1
    assert page.count("Disembunyikan otomatis") == 1


def test_a_reporter_sees_that_they_reported(client, forum, member, switch_to, write):
    """Issue 8, item 28: after reporting, "Laporkan" gives way to "you reported this"
    for that post only; reporting again changes nothing."""
    thread = write.thread(member(), forum.general)
    reported = write.reply(member(), thread, body="Balasan yang dilaporkan.")
    write.reply(member(), thread, body="Balasan lain.")
    reporter = switch_to(member())
    before = client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
    assert before.count(">Laporkan</a>") == 3 and "Anda sudah melaporkan" not in before
    client.post(f"/forum/p/{reported.id}/flag", data={"reason": "spam"})
    after = client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
    assert after.count(">Laporkan</a>") == 2
    assert after.count("Anda sudah melaporkan tulisan ini") == 1
    assert f'/forum/p/{reported.id}/flag' not in after
    again = client.get(f"/forum/p/{reported.id}/flag", follow_redirects=True).get_data(as_text=True)
    assert "Anda sudah melaporkan tulisan ini" in again
    from community.models import Flag
    assert db.session.scalar(select(func.count(Flag.id)).where(Flag.user_id == reporter.id)) == 1


def test_moderators_read_the_log_as_cards(client, forum, member, switch_to, write):
    """Issue 8, item 27: a moderator reads the log; every entry shows "Tentang" and
    "Alasan" in a card (no wide table pushing them off a phone screen)."""
    thread = write.thread(member(), forum.general, title="Jual beli tiket kapal")
    moderator = switch_to(member(roles=("member", "moderator"), name="Ferdinandus Riwu"))
    client.post(f"/forum/moderation/t/{thread.id}/lock", data={"reason": "ramai sekali"})
    client.post(f"/forum/moderation/p/{_first_post(thread).id}/hide", data={"reason": "iklan"})
    html = client.get("/forum/moderation/log").get_data(as_text=True)
    assert "<table" not in html
    assert html.count('class="card mod-log-entry"') == 2
    assert html.count("<dt>Tentang</dt>") == 2 and html.count("<dt>Alasan</dt>") == 2
    assert "ramai sekali" in html and "iklan" in html and moderator.name in html
    assert "Jual beli tiket kapal" in html
    assert "/forum/moderation/log" in client.get("/forum/moderation").get_data(as_text=True)


def test_moderator_tools_stay_open_after_an_action(client, forum, member, switch_to, write):
    """Issue 8, item 27: back on the thread after lock/pin/move, the panel is open;
    on a plain visit it starts closed."""
    thread = write.thread(member(), forum.general)
    switch_to(member(roles=("member", "moderator")))
    closed = client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
    assert '<details class="card mod-tools" id="alat-moderator">' in closed
    response = client.post(f"/forum/moderation/t/{thread.id}/pin")
    assert response.status_code == 302 and response.location.endswith("#alat-moderator")
    opened = client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
    assert '<details class="card mod-tools" id="alat-moderator" open>' in opened
    assert "Lepas sematan" in opened
    again = client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
    assert '<details class="card mod-tools" id="alat-moderator">' in again


def test_moderation_changes_state_only_from_what_the_moderator_saw(client, forum, member, switch_to, write):
    """Issue 8, item 15: two moderators on one post or thread, the second click is
    refused with "changed meanwhile" and neither state nor log changes twice."""
    thread = write.thread(member(), forum.general)
    post = write.reply(member(), thread, body="Balasan yang dilaporkan.")
    first, second = member(roles=("member", "moderator")), member(roles=("member", "moderator"))

    def act(moderator, url, data=None):
        switch_to(moderator)
        return client.post(url, data=data or {}, follow_redirects=True).get_data(as_text=True)

    for url in (f"/forum/moderation/p/{post.id}/hide", f"/forum/moderation/p/{post.id}/unhide",
                f"/forum/moderation/t/{thread.id}/lock", f"/forum/moderation/t/{thread.id}/pin"):
        assert "Tindakan moderasi sudah disimpan" in act(first, url), url
        html = act(second, url)
        assert "sudah diubah moderator lain sejak Anda membukanya" in html, url
        assert "Tindakan moderasi sudah disimpan" not in html, url
    posting.flag_post(member(), db.session.get(Post, post.id), "spam")
    db.session.commit()
    assert "Tindakan moderasi sudah disimpan" in act(first, f"/forum/moderation/p/{post.id}/dismiss")
    assert "sudah diubah moderator lain" in act(second, f"/forum/moderation/p/{post.id}/dismiss")
    # Both saw the thread in Usaha & UMKM; the first moves it, the second's move is refused.
    move = f"/forum/moderation/t/{thread.id}/move"
    seen = {"seen_category": forum.general.id}
    assert "Topik sudah dipindahkan" in act(first, move, {**seen, "category": forum.calo.id})
    assert "sudah diubah moderator lain" in act(second, move, {**seen, "category": forum.safe.id})
    db.session.expire_all()
    assert db.session.get(Thread, thread.id).category_id == forum.calo.id
    actions = db.session.scalars(select(ModerationAction.action).order_by(ModerationAction.id)).all()
    assert actions == ["hide", "unhide", "lock", "pin", "dismiss_flags", "move"]


def test_approve_and_reject_at_once_one_wins(forum, member, app):
    from core.status import StatusChanged

    result = posting.create_thread(member(), forum.safe, "Berat sekali", "Saya belum bisa cerita.", anonymous=True)
    db.session.commit()
    first, second = member(roles=("member", "moderator")), member(roles=("member", "moderator"))
    moderation.approve(first, result.post)
    with app.test_request_context(), pytest.raises(StatusChanged, match="sudah diubah moderator lain"):
        moderation.reject(second, result.post)
