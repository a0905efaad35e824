"""Search (FTS5 / PostgreSQL full text), personal data export and deletion, demo seed."""
from __future__ import annotations

import json

from sqlalchemy import func, select

from accounts import services as account_services
from community import moderation, posting
from community.models import Category, Post, Thread
from community.search import highlight, search_posts, snippet
from core.extensions import db
from core.signals import seed_demo


def test_search_finds_titles_and_bodies_with_highlight(client, forum, member, switch_to, write):
    author = member()
    write.thread(author, forum.general, title="Modal usaha tenun ikat",
                 body="Benang dan alat tenun dari Sikka.")
    write.thread(author, forum.general, title="Jagung bose", body="Resep dari nenek di Kupang.")
    switch_to(member())
    html = client.get("/forum/search?q=tenun").get_data(as_text=True)
    assert "<mark>tenun</mark>" in html and "Jagung bose" not in html
    html = client.get("/forum/search?q=kupang").get_data(as_text=True)
    assert "Jagung bose" in html and "<mark>Kupang</mark>" in html
    assert "Tidak ada tulisan yang cocok" in client.get("/forum/search?q=zzzqqq").get_data(as_text=True)


def test_search_prefix_and_all_words(forum, member, write):
    author = member()
    write.thread(author, forum.general, title="Pelatihan barista", body="Kopi Bajawa di Kupang")
    write.thread(author, forum.general, title="Kopi sachet", body="Jualan di pasar")
    assert len(search_posts("kop", 1)[0]) == 2
    assert [p.thread.title for p in search_posts("kopi kupang", 1)[0]] == ["Pelatihan barista"]


def test_search_never_returns_hidden_deleted_or_pending(forum, member, write):
    author, moderator = member(), member(roles=("member", "moderator"))
    hidden = write.thread(author, forum.general, title="Rahasia satu", body="kata unik")
    deleted = write.thread(author, forum.general, title="Rahasia dua", body="kata unik")
    write.thread(member(), forum.safe, title="Rahasia tiga", body="kata unik", anonymous=True)
    moderation.hide(moderator, db.session.scalar(select(Post).where(Post.thread_id == hidden.id)))
    posting.delete_post(author, db.session.scalar(select(Post).where(Post.thread_id == deleted.id)))
    db.session.commit()
    assert search_posts("unik", 1)[0] == []
    assert search_posts("rahasia", 1)[0] == []


def test_search_follows_edits(forum, member, write):
    author = member()
    thread = write.thread(author, forum.general, body="kata pertama")
    post = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    posting.edit_post(author, post, "kata kedua")
    db.session.commit()
    assert search_posts("pertama", 1)[0] == [] and len(search_posts("kedua", 1)[0]) == 1


def test_highlight_escapes_before_marking():
    out = str(highlight("<b>tenun</b> & <script>", "tenun script"))
    assert out == "&lt;b&gt;<mark>tenun</mark>&lt;/b&gt; &amp; &lt;<mark>script</mark>&gt;"
    assert "…" in str(snippet("a " * 300 + "tenun", "tenun"))


def test_search_query_is_escaped(client, forum, member, switch_to):
    switch_to(member())
    html = client.get("/forum/search", query_string={"q": '"><svg onload=alert(1)>'}).get_data(as_text=True)
    assert "<svg onload" not in html and "&lt;svg onload" in html


def test_export_holds_own_posts_including_anonymous(client, forum, member, switch_to, write):
    author = member()
    thread = write.thread(author, forum.safe, title="Cerita saya", body="Saya ditipu agen.", anonymous=True)
    write.reply(author, db.session.get(Thread, thread.id), body="Balasan saya sendiri")
    data = account_services.export_personal_data(author)
    forum_data = data["forum"]
    texts = [p["text"] for p in forum_data["posts"]]
    assert "Saya ditipu agen." in texts and forum_data["posts"][0]["anonymous"] is True
    json.dumps(data)


def test_account_deletion_erases_anonymous_and_anonymises_named(client, forum, member, switch_to, write):
    author, other = member(name="Melkianus Kana"), member()
    anon = write.thread(author, forum.safe, title="Tidak bisa tidur", body="Mimpi buruk tiap malam", anonymous=True)
    moderation.approve(member(roles=("member", "moderator")),
                       db.session.scalar(select(Post).where(Post.thread_id == anon.id)))
    db.session.commit()
    named = write.thread(author, forum.general, title="Jualan sambal lu'at", body="Pedas sekali")
    write.reply(other, db.session.get(Thread, named.id), body="Saya pesan dua botol")
    switch_to(author)
    response = client.post("/account/delete", data={"current_password": "kopi bajawa pagi hari",
                                                       "confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Post.id)).where(Post.author_id == author.id)) == 0
    assert db.session.scalar(select(Post.body_source).where(Post.thread_id == anon.id)) == ""
    assert db.session.get(Thread, anon.id).status == "deleted"
    switch_to(other)
    html = client.get(f"/forum/t/{named.id}").get_data(as_text=True)
    assert "Pedas sekali" in html and "Mantan anggota" in html and "Melkianus Kana" not in html
    assert search_posts("mimpi", 1)[0] == []


def test_seed_demo_fills_every_category_idempotently(app, make_user):
    from accounts.demo import seed_demo_accounts

    users = seed_demo_accounts("purna-demo")
    seed_demo.send(users)
    db.session.commit()
    categories = db.session.scalars(select(Category)).all()
    assert len(categories) == 7
    assert all(c.thread_count >= 2 for c in categories)
    posts = db.session.scalar(select(func.count(Post.id)))
    seed_demo.send(seed_demo_accounts("purna-demo"))
    db.session.commit()
    assert db.session.scalar(select(func.count(Post.id))) == posts
    assert db.session.scalar(select(Category).where(Category.slug == "waspada-calo")).shows_calo_banner
    assert len(search_posts("paspor", 1)[0]) >= 1


def test_full_text_index_exists_for_the_database_in_use():
    from sqlalchemy import text

    if db.engine.dialect.name == "postgresql":
        definition = db.session.scalar(text(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_community_posts_search'"))
        assert definition and "gin" in definition and "to_tsvector('simple'::regconfig" in definition
    else:
        assert db.session.scalar(text(
            "SELECT name FROM sqlite_master WHERE name = 'community_posts_fts'"))


def test_demo_forum_members_are_not_counselors_nor_new(app, make_user):
    """Issue 8, item 29: no forum demo member carries a demo counselor's name, and
    the writers of weeks-old demo posts are not "new members" (no first-day limits)."""
    from accounts.demo import seed_demo_accounts
    from accounts.models import User, UserRole
    from community.safety import is_new_member

    seed_demo.send(seed_demo_accounts("purna-demo"))
    db.session.commit()
    counselor_names = set(db.session.scalars(
        select(User.name).join(UserRole, UserRole.user_id == User.id).where(UserRole.role == "counselor")))
    authors = db.session.scalars(
        select(User).where(User.id.in_(select(Post.author_id).distinct()))).unique().all()
    assert len(authors) >= 8 and len(counselor_names) >= 2
    named_members = {a.name for a in authors if not a.has_role("counselor")}
    assert "Yakobus Bria" in named_members and "Orpa Selan" in named_members
    assert not named_members & counselor_names, named_members & counselor_names
    with app.test_request_context():
        assert [a.name for a in authors if is_new_member(a)] == []
