"""Anonymous authorship never leaks: pages, HTML source, lists, search, profile,
notifications, another member's export, the moderation log."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from community import moderation, posting, profiles, reading
from community.models import Post, Thread
from community.safety import PostingRefused
from core.extensions import db
from notifications.models import Notification

SECRET_NAME = "Agustina Rahasiawati"


@pytest.fixture
def anon_thread(forum, member, write):
    """A member with an approved anonymous history writes an anonymous thread and
    an anonymous reply in a safe room; a public thread of hers exists too."""
    author = member(name=SECRET_NAME)
    profiles.profile_for(author)
    moderator = member(roles=("member", "moderator"))
    first = write.thread(author, forum.safe, title="Paspor saya ditahan agen",
                         body="Saya takut pulang ke kampung.", anonymous=True)
    moderation.approve(moderator, db.session.scalar(select(Post).where(Post.thread_id == first.id)))
    db.session.commit()
    other = member(name="Daniel Lay")
    write.reply(other, first, body="Kakak tidak sendiri.")
    write.reply(author, first, body="Terima kasih, saya sudah lebih tenang.", anonymous=True)
    write.thread(author, forum.general, title="Resep sambal lu'at", body="Cabai, jeruk, kemangi.")
    return author, first, moderator


def _assert_no_leak(html, author):
    assert SECRET_NAME not in html
    assert "agustina_rahasiawati" not in html
    assert "agustina" not in html.lower()
    assert author.phone not in html and author.phone[3:] not in html


def test_every_member_page_hides_the_author(client, anon_thread, member, switch_to, forum):
    author, thread, _moderator = anon_thread
    reader = switch_to(member())
    reading.set_following(reader, thread, True)
    db.session.commit()
    # Each page with what it must show: a 404 or an error page would hide the name too.
    pages = {
        "/forum/": "Kesehatan Mental",
        f"/forum/c/{forum.safe.slug}": "Paspor saya ditahan agen",
        f"/forum/t/{thread.id}": "Saya takut pulang ke kampung.",
        "/forum/search?q=paspor": "saya ditahan agen",
        "/forum/search?q=tenang": "sudah lebih",
        "/forum/u/agustina_rahasiawati": "Resep sambal",
        "/forum/following": "Paspor saya ditahan agen",
    }
    for url, expected in pages.items():
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and expected in html, url
        if url.startswith("/forum/u/"):
            assert SECRET_NAME in html  # her profile, but…
            assert "Paspor saya ditahan agen" not in html
            continue
        _assert_no_leak(html, author)
        if url != "/forum/":
            assert "Anggota anonim #" in html, url
    thread_html = client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
    assert "Anggota anonim #" in thread_html


def test_pseudonym_is_stable_in_a_thread_and_differs_across_threads(anon_thread, forum, write):
    author, thread, _moderator = anon_thread
    numbers = set(db.session.scalars(
        select(Post.anon_no).where(Post.thread_id == thread.id, Post.author_id == author.id)))
    assert len(numbers) == 1
    number = numbers.pop()
    assert number != author.id or number >= 100
    other_numbers = {profiles.pseudonym_number(thread.id + k, author.id) for k in range(1, 6)}
    assert len(other_numbers | {number}) > 1  # not a per-person constant


def test_search_results_show_the_pseudonym(client, anon_thread, member, switch_to):
    author, thread, _moderator = anon_thread
    switch_to(member())
    html = client.get("/forum/search?q=kampung").get_data(as_text=True)
    assert "Anggota anonim #" in html and "<mark>kampung</mark>" in html
    _assert_no_leak(html, author)


def test_notifications_do_not_name_the_anonymous_writer(anon_thread):
    author, thread, _moderator = anon_thread
    notices = db.session.scalars(select(Notification)).all()
    # Her own notices exist (approval, the reply to her thread): they just never name her.
    assert {n.user_id for n in notices} >= {author.id}
    assert any(n.url == f"/forum/t/{thread.id}/new" for n in notices if n.user_id == author.id)
    for notice in notices:
        text = json.dumps([notice.title, notice.body, notice.params, notice.url])
        assert SECRET_NAME not in text and "Paspor saya ditahan" not in text


def test_other_members_export_holds_nothing_of_hers(client, anon_thread, member, switch_to):
    author, _thread, _moderator = anon_thread
    reader = member()
    switch_to(reader)
    response = client.post("/account/data", data={"current_password": "kopi bajawa pagi hari"})
    body = response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    assert reader.phone in body  # the reader's own export, not an empty or error answer
    assert SECRET_NAME not in body and "Saya takut pulang" not in body


def test_moderator_pages_do_not_show_the_name_without_reveal(client, anon_thread, switch_to):
    author, thread, moderator = anon_thread
    post = db.session.scalar(select(Post).where(Post.thread_id == thread.id, Post.is_first))
    posting.flag_post(moderator, post, "other")  # put it in the queue
    db.session.commit()
    switch_to(moderator)
    for url in ("/forum/moderation", f"/forum/t/{thread.id}"):
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "Anggota anonim #" in html and "Saya takut pulang" in html
        _assert_no_leak(html, author)


def test_moderation_log_conceals_anonymous_targets(client, anon_thread, member, switch_to):
    author, thread, moderator = anon_thread
    post = db.session.scalar(select(Post).where(Post.thread_id == thread.id, Post.is_first))
    moderation.hide(moderator, post, "uji")
    moderation.suspend(moderator, post, 3, "melanggar aturan")
    db.session.commit()
    switch_to(member(roles=("member", "admin")))
    html = client.get("/forum/moderation/log").get_data(as_text=True)
    assert "menangguhkan" in html and "Anggota anonim" in html
    assert SECRET_NAME not in html


def test_thread_list_row_for_anonymous_thread(client, anon_thread, member, switch_to, forum):
    author, thread, _moderator = anon_thread
    switch_to(member())
    html = client.get(f"/forum/c/{forum.safe.slug}").get_data(as_text=True)
    row = html.split("Paspor saya ditahan agen")[1][:400]
    assert "Anggota anonim #" in row
    assert db.session.get(Thread, thread.id).is_anonymous


def test_anonymous_only_in_safe_rooms(client, forum, member, switch_to):
    """Issue 8, item 1: anonymity asked for outside a safe room is refused with a clear
    message and nothing is saved, never published under the real name; the box is
    not offered there, and is offered in a safe room."""
    user = switch_to(member())
    response = client.post(f"/forum/c/{forum.general.slug}/new",
                           data={"title": "Tanya modal usaha", "body": "Berapa modal awal?", "anonymous": "y"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "hanya bisa di ruang aman" in html and "Berapa modal awal?" in html
    assert db.session.scalar(select(Post).where(Post.author_id == user.id)) is None
    form_html = client.get(f"/forum/c/{forum.general.slug}/new").get_data(as_text=True)
    assert "Anggota anonim" not in form_html and 'name="title"' in form_html
    assert "Anggota anonim" in client.get(f"/forum/c/{forum.safe.slug}/new").get_data(as_text=True)


def test_reply_form_offers_anonymity_only_where_honoured(client, forum, member, switch_to, write):
    """Issue 8, item 1: the reply form under a public thread has no anonymous box, and
    a hand-made anonymous reply there is refused, nothing saved."""
    thread = write.thread(member(), forum.general)
    replier = switch_to(member())
    page = client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
    assert "Kirim balasan" in page and "Kirim sebagai Anggota anonim" not in page
    assert "Kirim sebagai Anggota anonim" not in client.get(f"/forum/t/{thread.id}/reply").get_data(as_text=True)
    response = client.post(f"/forum/t/{thread.id}/reply", data={"body": "Saya ikut, Kak.", "anonymous": "y"})
    assert response.status_code == 200
    assert "hanya bisa di ruang aman" in response.get_data(as_text=True)
    assert "Tulisan Anda sudah terkirim" not in response.get_data(as_text=True)
    assert db.session.scalar(select(Post).where(Post.author_id == replier.id)) is None
    safe_thread = write.thread(member(), forum.safe)
    assert "Kirim sebagai Anggota anonim" in client.get(f"/forum/t/{safe_thread.id}").get_data(as_text=True)


def test_service_refuses_anonymity_outside_safe_rooms(app, forum, member, write):
    thread = write.thread(member(), forum.general)
    with app.test_request_context(), pytest.raises(PostingRefused, match="hanya bisa di ruang aman"):
        posting.create_reply(member(), thread, "Saya ikut.", anonymous=True)
    with app.test_request_context(), pytest.raises(PostingRefused, match="hanya bisa di ruang aman"):
        posting.create_thread(member(), forum.general, "Judul topik", "Isi topik.", anonymous=True)


def _anonymous_box(html: str) -> str:
    start = html.index('name="anonymous"')
    return html[html.rindex("<input", 0, start):html.index(">", start) + 1]


def test_anonymous_box_starts_the_way_the_member_last_posted(client, forum, member, switch_to, write):
    """Issue 8, item 2: in a thread started (or last replied in) anonymously, the box
    starts ticked; after a named reply, unticked; a stranger's starts unticked."""
    author = member()
    thread = write.thread(author, forum.safe, anonymous=True)
    moderation.approve(member(roles=("member", "moderator")),
                       db.session.scalar(select(Post).where(Post.thread_id == thread.id)))
    db.session.commit()
    switch_to(author)
    assert "checked" in _anonymous_box(client.get(f"/forum/t/{thread.id}").get_data(as_text=True))
    assert "checked" in _anonymous_box(client.get(f"/forum/t/{thread.id}/reply").get_data(as_text=True))
    write.reply(author, thread, body="Sekarang dengan nama saya.")
    assert "checked" not in _anonymous_box(client.get(f"/forum/t/{thread.id}").get_data(as_text=True))
    write.reply(author, thread, body="Lagi tanpa nama.", anonymous=True)
    assert "checked" in _anonymous_box(client.get(f"/forum/t/{thread.id}").get_data(as_text=True))
    switch_to(member())
    assert "checked" not in _anonymous_box(client.get(f"/forum/t/{thread.id}").get_data(as_text=True))


# --- found in the security review -------------------------------------------------

def test_an_anonymous_post_creates_no_public_profile(forum, member):
    from sqlalchemy import func

    from community.models import MemberProfile

    writer = member(name="Maria Survivor")
    posting.create_thread(writer, forum.safe, "Berat sekali", "Saya belum bisa cerita ke siapa pun.", anonymous=True)
    db.session.commit()
    count = db.session.scalar(select(func.count(MemberProfile.id)).where(MemberProfile.user_id == writer.id))
    assert count == 0


def test_safe_room_notices_never_leave_the_inbox(forum, member):
    from notifications.models import OutboxMessage

    writer, follower, moderator = member(), member(), member(roles=("member", "moderator"))
    result = posting.create_thread(writer, forum.safe, "Paspor saya", "Paspor masih ditahan agen.", anonymous=True)
    moderation.approve(moderator, result.post)
    reading.set_following(follower, result.post.thread, True)
    reply = posting.create_reply(member(), result.post.thread, "Kami di sini untuk Anda.")
    if reply.post.status == "pending":
        moderation.approve(moderator, reply.post)
    db.session.commit()
    # Moderators are told a post waits for review (about the post, not its author);
    # nothing to the author or the followers leaves the inbox.
    for_members = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.user_id.in_([writer.id, follower.id]))
    ).all()
    assert for_members == [], [(m.key, m.channel) for m in for_members]


def test_moved_safe_room_thread_keeps_notices_in_the_inbox(forum, member, write):
    """Issue 8, item 5: a safe-room thread moved to a public category: the anonymous
    author's reply notice is in the inbox, and nothing about it reaches WhatsApp/SMS/
    email or a staff call list (dispatch run with every phone channel failing)."""
    from notifications import dispatch
    from notifications.models import CallTask, OutboxMessage

    author, moderator = member(name=SECRET_NAME), member(roles=("member", "moderator"))
    public_follower = member()
    thread = write.thread(author, forum.safe, title="Paspor saya ditahan", anonymous=True)
    moderation.approve(moderator, db.session.scalar(select(Post).where(Post.thread_id == thread.id)))
    moderation.move_thread(moderator, thread, forum.general, "salah kategori")
    db.session.commit()
    assert db.session.get(Thread, thread.id).category_id == forum.general.id
    reading.set_following(public_follower, thread, True)
    db.session.commit()
    write.reply(member(), thread, body="Semoga cepat kembali, Kak.")
    inbox = db.session.scalars(select(Notification).where(Notification.user_id == author.id)).all()
    assert [n.key for n in inbox if ":replies:" in n.key], [n.key for n in inbox]
    dispatch.dispatch_due()
    db.session.commit()
    outbox = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.user_id.in_([author.id, public_follower.id]))
    ).all()
    assert outbox == [], [(m.key, m.channel) for m in outbox]
    assert db.session.scalars(select(CallTask)).all() == []
    # A thread never in a safe room still uses the phone channels (the rule is per thread).
    plain = write.thread(author, forum.general, title="Resep jagung bose")
    write.reply(member(), plain, body="Enak sekali.")
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.user_id == author.id))
