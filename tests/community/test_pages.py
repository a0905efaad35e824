"""Forum pages: access, listing order, pagination, query budget, reading, editing."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from community import profiles, reading
from community.models import Post, Thread
from core.db import utcnow
from core.extensions import db
from notifications.models import Notification


def _bulk_threads(user, category, n):
    """``n`` threads with a reply each, written directly (fast) then recounted."""
    now = utcnow()
    for i in range(n):
        thread = Thread(category_id=category.id, author_id=user.id, title=f"Topik nomor {i}",
                        last_activity_at=now - timedelta(minutes=i))
        db.session.add(thread)
        db.session.flush()
        for j, first in enumerate((True, False)):
            db.session.add(Post(thread_id=thread.id, author_id=user.id, is_first=first,
                                body_source=f"isi {i}-{j}", body_html=f"<p>isi {i}-{j}</p>",
                                search_text=f"isi {i}"))
        db.session.flush()
        reading.refresh_thread(thread)
    reading.refresh_category(category)
    db.session.commit()


def _bulk_posts(users, thread, n):
    for i in range(n):
        db.session.add(Post(thread_id=thread.id, author_id=users[i % len(users)].id,
                            body_source=f"balasan {i}", body_html=f"<p>balasan {i}</p>",
                            search_text=f"balasan {i}", reaction_count=i % 3))
    db.session.flush()
    reading.refresh_thread(thread)
    db.session.commit()


def test_forum_needs_login(client, forum):
    response = client.get("/forum/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_bottom_navigation_shows_forum(client, forum, login_as):
    login_as("member")
    html = client.get("/").get_data(as_text=True)
    assert 'href="/forum/"' in html


def test_index_lists_categories_with_counts_and_safe_room(client, forum, member, switch_to, write):
    author = member()
    write.thread(author, forum.general)
    switch_to(member())
    html = client.get("/forum/").get_data(as_text=True)
    assert "Usaha &amp; UMKM" in html and "1 topik" in html
    assert "ruang aman" in html


def test_category_names_follow_the_language(client, forum, member, switch_to):
    switch_to(member(locale="en"))
    html = client.get("/forum/").get_data(as_text=True)
    assert "Mental Health" in html and "Kesehatan Mental" not in html
    assert "Business." in html and "Usaha sepulang kerja." not in html  # the description too
    switch_to(member())
    html = client.get("/forum/").get_data(as_text=True)
    assert "Kesehatan Mental" in html and "Usaha sepulang kerja." in html and "Business." not in html


def test_a_category_page_follows_the_language_and_404s_for_an_unknown_slug(client, forum, member, switch_to):
    switch_to(member(locale="en"))
    html = client.get(f"/forum/c/{forum.general.slug}").get_data(as_text=True)
    assert "<h1>Business</h1>" in html and "<p>Business.</p>" in html and "Usaha sepulang kerja." not in html
    html = client.get(f"/forum/c/{forum.calo.slug}").get_data(as_text=True)
    assert "Beware of Brokers" in html
    switch_to(member())
    html = client.get(f"/forum/c/{forum.general.slug}").get_data(as_text=True)
    assert "<h1>Usaha &amp; UMKM</h1>" in html and "<p>Usaha sepulang kerja.</p>" in html
    assert client.get("/forum/c/tidak-ada").status_code == 404


def test_pinned_first_then_latest_activity(client, forum, member, switch_to, write):
    author = member()
    old = write.thread(author, forum.general, title="Topik lama disematkan")
    write.thread(author, forum.general, title="Topik tengah")
    newest = write.thread(author, forum.general, title="Topik terbaru")
    old.is_pinned = True
    db.session.commit()
    switch_to(member())
    html = client.get(f"/forum/c/{forum.general.slug}").get_data(as_text=True)
    assert html.index("Topik lama disematkan") < html.index("Topik terbaru") < html.index("Topik tengah")
    write.reply(author, db.session.get(Thread, old.id))
    assert newest.id


@pytest.mark.parametrize("n", [1, 50])
def test_query_budget_index_category_search(client, forum, member, switch_to, count_queries, n):
    author = member()
    _bulk_threads(author, forum.general, n)
    switch_to(member())
    for url in ("/forum/", f"/forum/c/{forum.general.slug}", "/forum/search?q=isi"):
        with count_queries() as log:
            assert client.get(url).status_code == 200
        assert log.count <= 10, (url, log.statements)


def test_query_budget_same_for_1_and_50(client, forum, member, switch_to, count_queries, make_user):
    """Same number of queries for a category/thread with 1 item and with 50."""
    author = member()
    readers = [member() for _ in range(3)]
    switch_to(readers[0])

    def measure(url):
        with count_queries() as log:
            assert client.get(url).status_code == 200
        return log.count

    _bulk_threads(author, forum.general, 1)
    thread = db.session.scalar(select(Thread))
    small = (measure("/forum/"), measure(f"/forum/c/{forum.general.slug}"),
             measure(f"/forum/t/{thread.id}"), measure(f"/forum/t/{thread.id}"))
    _bulk_threads(author, forum.general, 49)
    _bulk_posts([author, *readers], thread, 48)
    large = (measure("/forum/"), measure(f"/forum/c/{forum.general.slug}"),
             measure(f"/forum/t/{thread.id}"), measure(f"/forum/t/{thread.id}"))
    # The first thread visit adds a read marker, later visits update it.
    assert small == large, (small, large)
    assert max(large) <= 10


def test_thread_shows_twenty_posts_a_page(client, forum, member, switch_to, write):
    author = member()
    thread = write.thread(author, forum.general)
    _bulk_posts([author], thread, 25)  # 26 posts in all
    switch_to(member())
    first = client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
    second = client.get(f"/forum/t/{thread.id}?page=2").get_data(as_text=True)
    assert first.count('<article class="post') == 20 and second.count('<article class="post') == 6
    assert "balasan 18<" in first and "balasan 19<" in second
    assert client.get(f"/forum/t/{thread.id}?page=9").status_code == 404


def test_unread_marker_and_jump_to_new(client, forum, member, switch_to, write):
    author, reader = member(), member()
    thread = write.thread(author, forum.general)
    _bulk_posts([author], thread, 24)
    switch_to(reader)
    client.get(f"/forum/t/{thread.id}")
    client.get(f"/forum/t/{thread.id}?page=2")
    listing = client.get(f"/forum/c/{forum.general.slug}").get_data(as_text=True)
    assert "baru" not in listing.split("<ul class=\"list\">")[1]
    new_post = write.reply(author, db.session.get(Thread, thread.id), body="Kabar terbaru dari Atambua")
    listing = client.get(f"/forum/c/{forum.general.slug}").get_data(as_text=True)
    assert "Lihat yang baru sejak kunjungan terakhir" in listing
    jump = client.get(f"/forum/t/{thread.id}/new")
    assert jump.headers["Location"].endswith(f"page=2#post-{new_post.id}")


def test_reply_goes_to_followers_batched(client, forum, member, switch_to, write):
    author, replier = member(), member()
    thread = write.thread(author, forum.general, title="Modal usaha laundry")
    write.reply(replier, thread)
    write.reply(replier, db.session.get(Thread, thread.id), body="Satu lagi")
    notices = db.session.scalars(select(Notification).where(Notification.user_id == author.id)).all()
    assert len(notices) == 1  # one per thread per period, not one per reply
    assert notices[0].url == f"/forum/t/{thread.id}/new"
    assert notices[0].params == {"title": "Modal usaha laundry"}
    # The replier follows automatically too, but is not told about their own reply.
    assert not db.session.scalars(select(Notification).where(Notification.user_id == replier.id)).all()


def test_unfollow_stops_notices(client, forum, member, switch_to, write):
    author, replier = member(), member()
    thread = write.thread(author, forum.general)
    switch_to(author)
    client.post(f"/forum/t/{thread.id}/follow", data={"follow": "0"})
    write.reply(replier, db.session.get(Thread, thread.id))
    assert not db.session.scalars(select(Notification).where(Notification.user_id == author.id)).all()
    html = client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
    assert "Ikuti topik ini" in html


def test_mention_notifies_the_person(client, forum, member, switch_to, write):
    maria = member(name="Maria Nenobais")
    profiles.profile_for(maria)
    db.session.commit()
    author = member()
    thread = write.thread(author, forum.general, body="Tanya ke @maria_nenobais soal jagung bose")
    notice = db.session.scalar(select(Notification).where(Notification.user_id == maria.id))
    assert notice is not None and "mention" in notice.key
    post = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    assert 'href="/forum/u/maria_nenobais"' in post.body_html


def test_reactions_count_and_toggle(client, forum, member, switch_to, write):
    author = member()
    thread = write.thread(author, forum.general)
    post = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    for _ in range(2):
        switch_to(member())
        client.post(f"/forum/p/{post.id}/react")
    html = client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
    assert "Batal terima kasih · 2" in html
    client.post(f"/forum/p/{post.id}/react")
    db.session.expire_all()
    assert db.session.get(Post, post.id).reaction_count == 1
    switch_to(author)  # no thanking yourself
    assert client.post(f"/forum/p/{post.id}/react").status_code == 404


def test_edit_within_window_shows_edited(client, forum, member, switch_to, write):
    author = member()
    thread = write.thread(author, forum.general)
    post = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    switch_to(author)
    response = client.post(f"/forum/p/{post.id}/edit",
                           data={"title": "Judul yang baru", "body": "Isi yang sudah diperbaiki"})
    assert response.status_code == 302
    html = client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
    assert "Isi yang sudah diperbaiki" in html and "diedit" in html and "Judul yang baru" in html


def test_edit_refused_after_window_and_for_others(client, forum, member, switch_to, write):
    author = member()
    thread = write.thread(author, forum.general)
    post = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    switch_to(member())
    assert client.get(f"/forum/p/{post.id}/edit").status_code == 404
    post.created_at = utcnow() - timedelta(hours=2)
    db.session.commit()
    switch_to(author)
    assert client.post(f"/forum/p/{post.id}/edit", data={"body": "terlambat"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Post, post.id).body_source == "Ada yang mau gabung?"


def test_bad_input_keeps_text_and_saves_nothing(client, forum, member, switch_to):
    switch_to(member())
    response = client.post(f"/forum/c/{forum.general.slug}/new",
                           data={"title": "Hai", "body": "Isi yang panjang dan penting"})
    html = response.get_data(as_text=True)
    assert "Judul 5 sampai 160 karakter." in html
    assert "Isi yang panjang dan penting" in html
    response = client.post(f"/forum/c/{forum.general.slug}/new",
                           data={"title": "Judul yang cukup", "body": "x" * 10_001})
    assert "Isi pesan paling panjang 10.000 karakter." in response.get_data(as_text=True)
    assert db.session.scalar(select(Thread.id)) is None


def test_delete_own_post(client, forum, member, switch_to, write):
    author, other = member(), member()
    thread = write.thread(author, forum.general)
    reply = write.reply(author, thread, body="Nomor HP saya salah tulis")
    switch_to(other)
    assert client.post(f"/forum/p/{reply.id}/delete").status_code == 404
    switch_to(author)
    assert client.post(f"/forum/p/{reply.id}/delete").status_code == 302
    html = client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
    assert "Nomor HP saya salah tulis" not in html and "Tulisan ini sudah dihapus." in html
    db.session.expire_all()
    assert db.session.get(Thread, thread.id).reply_count == 0


def test_deleting_the_only_post_removes_the_thread(client, forum, member, switch_to, write):
    author = member()
    thread = write.thread(author, forum.general)
    post = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    switch_to(author)
    client.post(f"/forum/p/{post.id}/delete")
    switch_to(member())
    assert client.get(f"/forum/t/{thread.id}").status_code == 404
    assert "0 topik" in client.get("/forum/").get_data(as_text=True)


def test_profile_lists_public_threads(client, forum, member, switch_to, write):
    author = member(name="Daniel Lay")
    write.thread(author, forum.general, title="Servis HP di Atambua")
    switch_to(member())
    html = client.get("/forum/u/daniel_lay").get_data(as_text=True)
    assert "Daniel Lay" in html and "Servis HP di Atambua" in html
    assert client.get("/forum/u/tidak_ada").status_code == 404


def test_locked_thread_refuses_replies(client, forum, member, switch_to, write):
    author = member()
    thread = write.thread(author, forum.general)
    thread.is_locked = True
    db.session.commit()
    switch_to(member())
    html = client.get(f"/forum/t/{thread.id}").get_data(as_text=True)
    assert "Topik ini dikunci moderator" in html
    assert client.post(f"/forum/t/{thread.id}/reply", data={"body": "halo semua"}).status_code == 404
    assert db.session.scalar(select(Thread).where(Thread.id == thread.id)).reply_count == 0


def test_two_first_visits_at_once_do_not_fail(forum, member, write):
    """Two tabs opening a thread for the first time: the second read marker is ignored."""
    author, reader = member(), member()
    thread = write.thread(author, forum.general)
    post_id = db.session.scalar(select(Post.id))
    reading.mark_read(reader, thread, None, post_id)
    reading.mark_read(reader, thread, None, post_id)  # would violate the unique constraint
    db.session.commit()
    assert reading.thread_member(reader, thread).last_read_post_id == post_id


def test_query_arguments_go_through_the_kit(client, forum, member, switch_to, write):
    """Issue 8, item 16: page numbers and the search text are read by the kit's
    helpers: a page that is not a number answers 400, a NUL byte never reaches the
    database, an over-long search is cut, not an error."""
    write.thread(member(), forum.general, title="Tenun ikat dari Sikka")
    switch_to(member())
    assert client.get(f"/forum/c/{forum.general.slug}?page=abc").status_code == 400
    assert client.get(f"/forum/c/{forum.general.slug}?page=99999999").status_code == 200
    assert client.get("/forum/search?q=tenun%00").status_code == 400
    assert client.get("/forum/c/usaha%00umkm").status_code in (400, 404)
    html = client.get("/forum/search", query_string={"q": "tenun " + "x" * 200}).get_data(as_text=True)
    assert "Tidak ada tulisan yang cocok" in html
    assert "ikat dari Sikka" in client.get("/forum/search?q=tenun&page=1").get_data(as_text=True)
