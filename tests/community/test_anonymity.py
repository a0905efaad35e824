"""Anonymous authorship never leaks: pages, HTML source, lists, search, profile,
notifications, another member's export, the moderation log."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from community import moderation, posting, profiles, reading
from community.models import Post, Thread
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
    switch_to(member())
    pages = [
        "/forum/",
        f"/forum/c/{forum.safe.slug}",
        f"/forum/t/{thread.id}",
        "/forum/search?q=paspor",
        "/forum/search?q=tenang",
        "/forum/u/agustina_rahasiawati",
        "/forum/following",
    ]
    for url in pages:
        html = client.get(url).get_data(as_text=True)
        if url.startswith("/forum/u/"):
            assert SECRET_NAME in html  # her profile, but…
            assert "Paspor saya ditahan agen" not in html and "Resep sambal" in html
            continue
        _assert_no_leak(html, author)
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
    for notice in db.session.scalars(select(Notification)):
        text = json.dumps([notice.title, notice.body, notice.params, notice.url])
        assert SECRET_NAME not in text and "Paspor saya ditahan" not in text


def test_other_members_export_holds_nothing_of_hers(client, anon_thread, member, switch_to):
    author, _thread, _moderator = anon_thread
    reader = member()
    switch_to(reader)
    response = client.post("/account/data", data={"current_password": "kopi bajawa pagi hari"})
    body = response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    assert SECRET_NAME not in body and "Saya takut pulang" not in body


def test_moderator_pages_do_not_show_the_name_without_reveal(client, anon_thread, switch_to):
    author, thread, moderator = anon_thread
    post = db.session.scalar(select(Post).where(Post.thread_id == thread.id, Post.is_first))
    posting.flag_post(moderator, post, "other")  # put it in the queue
    db.session.commit()
    switch_to(moderator)
    for url in ("/forum/moderation", f"/forum/t/{thread.id}"):
        _assert_no_leak(client.get(url).get_data(as_text=True), author)


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
    user = switch_to(member())
    client.post(f"/forum/c/{forum.general.slug}/new",
                data={"title": "Tanya modal usaha", "body": "Berapa modal awal?", "anonymous": "y"})
    post = db.session.scalar(select(Post).where(Post.author_id == user.id))
    assert post is not None and not post.is_anonymous and post.status == "visible"
    form_html = client.get(f"/forum/c/{forum.general.slug}/new").get_data(as_text=True)
    assert "Anggota anonim" not in form_html


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
