"""The kept fragments of thread pages and thread lists (community/fragments.py):
each reader still sees only their own marks and buttons, an anonymous writer is
never in any kept fragment or page, every change shows at the next request, the
language is the reader's, and keeping fragments costs no query."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from accounts.models import User
from community import fragments, moderation, posting, profiles
from community.models import Post, Thread
from core.extensions import db
from tests.factories import Auth

SECRET_NAME = "Yohana Rahasiaputri"


@pytest.fixture(autouse=True)
def _empty_cache():
    fragments.clear()
    yield
    fragments.clear()


@pytest.fixture
def second_client(app):
    """A second phone, for a second member logged in at the same time."""
    return app.test_client()


def _login(client, user):
    response = Auth(client).login(user)
    assert response.status_code == 302, response.data[:300]
    return user


def _html(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _article(html, post_id):
    start = html.index(f'id="post-{post_id}"')
    return html[start:html.index("</article>", start)]


def test_two_members_each_see_their_own_marks(client, second_client, forum, member, write):
    author = member(name="Maria Nenobais")
    first = write.thread(author, forum.general, title="Modal usaha laundry", body="Berapa modalnya?")
    thanked = write.reply(author, first, body="Saya mulai dengan dua mesin.")
    reported = write.reply(author, first, body="Hubungi nomor ini untuk pinjaman cepat.")
    ana, beni = member(name="Ana Tefa"), member(name="Beni Lay")
    posting.toggle_reaction(ana, thanked)
    posting.flag_post(beni, reported, "scam")
    db.session.commit()
    _login(client, ana)
    _login(second_client, beni)
    url = f"/forum/t/{first.id}"
    for _round in range(2):  # the second round is drawn from kept fragments
        ana_html, beni_html = _html(client, url), _html(second_client, url)
        assert "Batal terima kasih · 1" in _article(ana_html, thanked.id)
        assert "Batal terima kasih" not in beni_html
        assert "Terima kasih · 1" in _article(beni_html, thanked.id)
        assert "Anda sudah melaporkan tulisan ini" in _article(beni_html, reported.id)
        assert "Anda sudah melaporkan tulisan ini" not in ana_html
        assert "Laporkan" in _article(ana_html, reported.id)
    # Ana has read the thread; Beni never opened the category list: both rows differ.
    write.reply(author, first, body="Satu kabar lagi.")
    _html(client, url)
    ana_list = _html(client, f"/forum/c/{forum.general.slug}")
    beni_list = _html(second_client, f"/forum/c/{forum.general.slug}")
    assert "list__row--unread" not in ana_list
    assert "list__row--unread" in beni_list
    # The writer sees her own buttons, the others never do.
    author_client = second_client.application.test_client()
    _login(author_client, author)
    author_html = _html(author_client, url)
    assert f'href="/forum/p/{thanked.id}/edit"' in author_html
    assert "/edit" not in _html(client, url) and "/delete" not in _html(second_client, url)


def test_own_anonymous_badge_is_the_writers_only(client, second_client, forum, member, write):
    writer, reader = member(), member()
    moderator = member(roles=("member", "moderator"))
    thread = write.thread(writer, forum.safe, title="Saya butuh teman bicara",
                          body="Sulit tidur sejak pulang.", anonymous=True)
    first = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    if first.status == "pending":
        moderation.approve(moderator, first)
        db.session.commit()
    _login(client, writer)
    _login(second_client, reader)
    url = f"/forum/t/{thread.id}"
    assert "tulisan Anda" in _html(client, url)
    assert "tulisan Anda" not in _html(second_client, url)
    assert "tulisan Anda" in _html(client, url)


def _assert_not_named(text):
    assert SECRET_NAME not in text
    assert "yohana" not in text.lower()


def test_anonymous_writer_is_in_no_kept_fragment(client, second_client, forum, member, write):
    """Issue 14: anonymity through every cache, also after a moderator reveals the
    writer and after the thread moves to a public category."""
    writer = member(name=SECRET_NAME)
    profiles.profile_for(writer)
    moderator = member(roles=("member", "moderator"))
    thread = write.thread(writer, forum.safe, title="Paspor saya ditahan agen",
                          body="Saya takut pulang.", anonymous=True)
    first = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    if first.status == "pending":
        moderation.approve(moderator, first)
        db.session.commit()
    reply = write.reply(writer, thread, body="Sudah lebih tenang.", anonymous=True)
    _login(client, member(name="Daniel Lay"))
    _login(second_client, moderator)
    pages = [f"/forum/t/{thread.id}", f"/forum/c/{forum.safe.slug}", "/forum/following"]

    def check_everything():
        for url in pages:
            _assert_not_named(_html(client, url))
        _assert_not_named(repr(fragments.entries()))

    check_everything()
    _html(second_client, f"/forum/t/{thread.id}")  # the moderator's view is kept too
    revealed = second_client.post(f"/forum/moderation/p/{reply.id}/reveal",
                                  data={"reason": "Ancaman keselamatan, perlu dihubungi."})
    assert revealed.status_code == 200 and SECRET_NAME in revealed.get_data(as_text=True)
    _html(second_client, f"/forum/t/{thread.id}")
    check_everything()
    moved = db.session.get(Thread, thread.id)
    moderation.move_thread(moderator, moved, forum.general, "salah kategori")
    db.session.commit()
    pages.append(f"/forum/c/{forum.general.slug}")
    _html(second_client, f"/forum/t/{thread.id}")
    check_everything()
    assert "Anggota anonim #" in _html(client, f"/forum/t/{thread.id}")
    assert fragments.entries(), "the pages above were drawn from kept fragments"


def test_every_change_shows_at_the_next_request(client, second_client, forum, member, write):
    author = member(name="Maria Nenobais")
    profiles.profile_for(author)
    moderator = member(roles=("member", "moderator"))
    thread = write.thread(author, forum.general, title="Jualan tenun ikat", body="Motif Sikka.")
    reply = write.reply(author, thread, body="Harga mulai 300 ribu.")
    _login(client, member())
    _login(second_client, author)
    url, listing = f"/forum/t/{thread.id}", f"/forum/c/{forum.general.slug}"
    assert "Harga mulai 300 ribu." in _html(client, url) and "diedit" not in _html(client, url)
    assert "Jualan tenun ikat" in _html(client, listing)

    posting.edit_post(author, db.session.get(Post, reply.id), "Harga mulai 250 ribu.")
    db.session.commit()
    html = _html(client, url)
    assert "Harga mulai 250 ribu." in html and "300 ribu" not in html and "diedit" in html

    moderation.hide(moderator, db.session.get(Post, reply.id), "spam")
    db.session.commit()
    assert "250 ribu" not in _html(client, url)
    assert "Disembunyikan oleh moderator" in _article(_html(second_client, url), reply.id)
    moderation.unhide(moderator, db.session.get(Post, reply.id))
    db.session.commit()
    assert "Disembunyikan oleh moderator" not in _html(second_client, url)
    assert "250 ribu" in _html(client, url)

    posting.delete_post(author, db.session.get(Post, reply.id))
    db.session.commit()
    assert "Tulisan ini sudah dihapus." in _article(_html(client, url), reply.id)

    # A change made by another worker or host, with no hook of this process seeing it.
    db.session.execute(update(User).where(User.id == author.id).values(name="Maria Lay"))
    db.session.execute(update(Thread).where(Thread.id == thread.id).values(
        title="Jualan tenun ikat Sikka", is_pinned=True, reply_count=7))
    db.session.commit()
    html = _html(client, url)
    assert "Maria Lay" in html and "Maria Nenobais" not in html
    row = _html(client, listing)
    assert "Jualan tenun ikat Sikka" in row and "disematkan" in row and "7 balasan" in row
    assert "Maria Lay" in row and "Maria Nenobais" not in row
    db.session.execute(update(User).where(User.id == author.id).values(deleted_at=db.func.now()))
    db.session.commit()
    assert "Mantan anggota" in _html(client, url) and "Maria Lay" not in _html(client, listing)


def test_language_switch_gives_the_readers_language(client, forum, member, write):
    author = member()
    thread = write.thread(author, forum.general, title="Servis HP di Atambua", body="Buka tiap hari.")
    reply = write.reply(author, thread, body="Lokasi dekat pasar.")
    posting.edit_post(author, db.session.get(Post, reply.id), "Lokasi dekat pasar baru.")
    db.session.commit()
    _login(client, member())
    url = f"/forum/t/{thread.id}"
    assert "diedit" in _html(client, url) and "1 balasan" in _html(client, f"/forum/c/{forum.general.slug}")
    client.post("/lang", data={"lang": "en", "next": url})
    html = _html(client, url)
    assert "edited" in html and "diedit" not in html
    row = _html(client, f"/forum/c/{forum.general.slug}")
    assert "1 reply" in row or "1 replies" in row
    assert "balasan" not in row.split('<ul class="list">')[1]
    client.post("/lang", data={"lang": "id", "next": url})
    assert "diedit" in _html(client, url)


def test_kept_fragments_cost_no_query(client, forum, member, write, count_queries):
    author = member()
    thread = write.thread(author, forum.general, title="Modal usaha laundry", body="Berapa?")
    for n in range(25):
        write.reply(author, thread, body=f"balasan {n}")
    _login(client, member())
    counts = []
    for url in (f"/forum/t/{thread.id}", f"/forum/c/{forum.general.slug}"):
        _html(client, url)  # the first visit also remembers what was read
        fragments.clear()
        for _attempt in range(2):  # drawn, then kept
            with count_queries() as log:
                _html(client, url)
            counts.append(log.count)
    assert counts[0] == counts[1] and counts[2] == counts[3], counts
    assert max(counts) <= 10, counts


def _anonymous_safe_room_thread(forum, member, write):
    """A named writer's anonymous safe-room thread (approved), a named helper with a
    handle, and a moderator: (writer, helper, moderator, thread)."""
    writer = member(name=SECRET_NAME)
    profiles.profile_for(writer)
    helper = member(name="Daniel Lay")
    profiles.profile_for(helper)
    moderator = member(roles=("member", "moderator"))
    thread = write.thread(writer, forum.safe, title="Paspor saya ditahan agen", body="Saya takut.",
                          anonymous=True)
    first = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    if first.status == "pending":
        moderation.approve(moderator, first)
    return writer, helper, moderator, thread


def test_the_thread_page_reads_posts_as_plain_rows_without_an_anonymous_author(app, forum, member, write):
    """The posts of a thread page are plain rows (no ORM objects to build), and an
    anonymous post's row has no author at all: not the name, not the profile."""
    from community import thread_page

    writer, helper, moderator, thread = _anonymous_safe_room_thread(forum, member, write)
    write.reply(helper, thread, body="Hubungi hotline BP3MI.")
    db.session.commit()
    for reader in (member(name="Ana Tefa"), moderator):
        with app.test_request_context("/"):
            posts = thread_page.page_for(thread.id, reader, 1).posts
        assert len(posts) == 2 and not any(isinstance(post, Post) for post in posts)
        anonymous, named = posts
        assert anonymous.is_anonymous and anonymous.author is None and anonymous.author_profile is None
        assert anonymous.author_id == writer.id  # the reader's own-post checks still work
        _assert_not_named(repr(anonymous))
        assert named.author.name == "Daniel Lay" and named.author_profile.handle


def test_the_thread_list_reads_threads_as_plain_rows_without_an_anonymous_author(app, forum, member, write):
    """A category's thread list is plain rows (no ORM objects to build), and an
    anonymous thread's row has no author at all: not the name, not the profile."""
    from community import reading

    writer, helper, moderator, hidden = _anonymous_safe_room_thread(forum, member, write)
    write.thread(helper, forum.safe, title="Hotline BP3MI", body="Nomornya ada di sini.")
    db.session.commit()
    for reader in (member(name="Ana Tefa"), moderator):
        with app.test_request_context("/"):
            rows, _has_next = reading.threads_page(forum.safe, reader, 1)
        threads = {thread.title: thread for thread, _last_read in rows}
        assert len(threads) == 2 and not any(isinstance(thread, Thread) for thread in threads.values())
        anonymous, named = threads["Paspor saya ditahan agen"], threads["Hotline BP3MI"]
        assert anonymous.is_anonymous and anonymous.author is None and anonymous.author_profile is None
        _assert_not_named(repr(anonymous))
        assert named.author.name == "Daniel Lay" and named.author_profile.handle


def _anonymous_box(html):
    start = html.index('name="anonymous"')
    return html[html.rindex("<input", 0, start):html.index(">", start) + 1]


def _csrf_tokens(html):
    return set(re.findall(r'name="csrf_token" type="hidden" value="([^"]+)"', html))


def test_each_member_gets_their_own_reply_form(app, client, second_client, forum, member, write, monkeypatch):
    """The fields of the reply form under a thread are drawn once per language and
    anonymous box (``fragments.reply_fields``): around them each member still gets
    their own session's CSRF token, their own box (ticked for the one whose last
    post there was anonymous), their own "following", and a bad submit without
    JavaScript still gives the form back with its error and what was typed."""
    writer, _helper, _moderator, thread = _anonymous_safe_room_thread(forum, member, write)
    reader = member(name="Ana Tefa")
    db.session.commit()
    _login(client, writer)
    _login(second_client, reader)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    url = f"/forum/t/{thread.id}"
    for _round in range(2):  # the second round's fields are kept ones
        writer_html, reader_html = _html(client, url), _html(second_client, url)
        writer_tokens, reader_tokens = _csrf_tokens(writer_html), _csrf_tokens(reader_html)
        assert len(writer_tokens) == len(reader_tokens) == 1  # the reply form's is the page's
        assert writer_tokens != reader_tokens
        assert "checked" in _anonymous_box(writer_html)
        assert "checked" not in _anonymous_box(reader_html)
        assert "Berhenti mengikuti" in writer_html and "Ikuti topik ini" not in writer_html
        assert "Ikuti topik ini" in reader_html and "Berhenti mengikuti" not in reader_html
        _assert_not_named(reader_html)
    kept = fragments.entries()
    assert any(key[0] == "reply-fields" for key in kept)
    for token in writer_tokens | reader_tokens:
        assert token not in repr(kept)
    _assert_not_named(repr(kept))

    (writer_token,), (reader_token,) = writer_tokens, reader_tokens
    another_sessions = second_client.post(f"{url}/reply", data={"body": "Semangat ya.", "csrf_token": writer_token})
    assert another_sessions.status_code == 400
    blank = second_client.post(f"{url}/reply", data={"body": " ", "anonymous": "y", "csrf_token": reader_token})
    html = blank.get_data(as_text=True)
    assert blank.status_code == 200 and "field__error" in html and "checked" in _anonymous_box(html)
    assert second_client.post(f"{url}/reply", data={"body": "Semangat ya.", "csrf_token": reader_token}
                              ).status_code == 302
    assert "Semangat ya." in _html(client, url)


def test_kept_articles_take_each_members_own_csrf_token(app, client, second_client, forum, member, write,
                                                         monkeypatch):
    """A member's thread page is drawn from kept articles (``fragments.reader_posts``),
    one per content and marks: each member's "Terima kasih" buttons still carry
    their own session's token, the kept articles carry no token, and the gap they
    are kept with never reaches a page."""
    author = member(name="Maria Nenobais")
    thread = write.thread(author, forum.general, title="Jual kue rambut", body="Siapa mau pesan?")
    reply = write.reply(author, thread, body="Saya mau dua toples.")
    ana, beni = member(name="Ana Tefa"), member(name="Beni Lay")
    db.session.commit()
    _login(client, ana)
    _login(second_client, beni)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    url = f"/forum/t/{thread.id}"
    for _round in range(2):  # the second round's articles are kept ones, with the same marks
        ana_html, beni_html = _html(client, url), _html(second_client, url)
        ana_tokens = _csrf_tokens(_article(ana_html, reply.id))
        beni_tokens = _csrf_tokens(_article(beni_html, reply.id))
        assert len(ana_tokens) == len(beni_tokens) == 1 and ana_tokens != beni_tokens
        assert ana_tokens == _csrf_tokens(ana_html) and beni_tokens == _csrf_tokens(beni_html)
        assert "\x00" not in ana_html and "\x00" not in beni_html
    kept = fragments.entries()
    articles = [value for key, value in kept.items() if key[0] == "reader-post"]
    assert len(articles) == 2  # the thread's first post and the reply, shared by Ana and Beni
    for token in ana_tokens | beni_tokens:
        assert token not in repr(kept)

    (ana_token,), (beni_token,) = ana_tokens, beni_tokens
    assert second_client.post(f"/forum/p/{reply.id}/react", data={"csrf_token": ana_token}).status_code == 400
    assert second_client.post(f"/forum/p/{reply.id}/react", data={"csrf_token": beni_token}).status_code == 302
    assert "Batal terima kasih · 1" in _article(_html(second_client, url), reply.id)
    assert "Terima kasih · 1" in _article(_html(client, url), reply.id)
    assert "Batal terima kasih" not in _html(client, url)


def test_thread_rows_are_kept_per_reader_booleans_only(client, second_client, forum, member, write):
    """A thread list's rows are kept whole per content and the reader's "baru" and
    jump (``fragments.reader_thread_rows``): a member who read the thread before its
    new reply gets the jump to the new posts, one who never opened it gets "baru"
    without the jump, and once both are up to date they share one kept row."""
    author = member(name="Maria Nenobais")
    thread = write.thread(author, forum.general, title="Pelatihan menjahit di Oesapa", body="Siapa ikut?")
    ana, beni = member(name="Ana Tefa"), member(name="Beni Lay")
    db.session.commit()
    _login(client, ana)
    _login(second_client, beni)
    _html(client, f"/forum/t/{thread.id}")  # Ana reads it, then a reply comes
    write.reply(author, thread, body="Saya ikut, bawa kain sendiri.")
    listing = f"/forum/c/{forum.general.slug}"
    jump = f'href="/forum/t/{thread.id}/new"'
    for _round in range(2):  # the second round's rows are kept ones
        ana_list, beni_list = _html(client, listing), _html(second_client, listing)
        assert "list__row--unread" in ana_list and jump in ana_list
        assert "list__row--unread" in beni_list and jump not in beni_list
    rows = [key for key in fragments.entries() if key[0] == "reader-thread"]
    assert len(rows) == 2  # (unread, jump) for Ana, (unread, no jump) for Beni
    _html(client, f"/forum/t/{thread.id}")
    _html(second_client, f"/forum/t/{thread.id}")
    ana_list, beni_list = _html(client, listing), _html(second_client, listing)
    assert "list__row--unread" not in ana_list and "list__row--unread" not in beni_list
    assert jump not in ana_list and jump not in beni_list
    assert len([key for key in fragments.entries() if key[0] == "reader-thread"]) == 3
