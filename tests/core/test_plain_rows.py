"""``core.db.plain_rows``: lists read as plain rows on the session's connection,
without the ORM's per-statement work, and still the rows the ORM would give."""
from __future__ import annotations

from datetime import UTC, timedelta

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from accounts.models import User
from community import demo, posting
from community.models import Category
from core.db import plain_rows, utcnow
from core.extensions import db
from tests.factories import Auth


def test_the_same_rows_as_the_session_gives(app, make_user):
    for _ in range(3):
        make_user()
    statement = select(User.id, User.name, User.created_at).order_by(User.id)
    plain = plain_rows(statement).all()
    assert plain == db.session.execute(statement).all()
    assert plain[0].created_at.tzinfo is UTC  # the column types still apply


def test_a_change_not_yet_flushed_is_read_back(app, make_user):
    user = make_user(name="Maria Bere")
    statement = select(User.name).where(User.id == user.id)
    user.name = "Maria Nahak"  # pending in the session, not flushed
    assert plain_rows(statement).scalar_one() == "Maria Nahak"


def test_thread_page_and_home_lists_skip_the_orm(client, app, make_user, monkeypatch):
    """The member home's statement and the thread page's posts run without the ORM's
    execution (no ``do_orm_execute``); the viewer and the thread itself still do."""
    demo.seed_defaults()
    category = Category(slug="usaha-umkm", name_id="Usaha", name_en="Business",
                        description_id="Usaha.", description_en="Business.")
    db.session.add(category)
    db.session.commit()
    monkeypatch.setitem(app.config, "FORUM_POST_INTERVAL_SECONDS", 0)
    author = make_user(roles=("member",), created_at=utcnow() - timedelta(days=30))
    thread = posting.create_thread(author, category, "Jual ikan kering", "Siapa mau ikut?").post.thread
    db.session.commit()
    Auth(client).login(author)
    through_orm: list[str] = []

    def seen(state):
        through_orm.append(str(state.statement))

    event.listen(Session, "do_orm_execute", seen)
    try:
        assert client.get("/").status_code == 200
        assert client.get(f"/forum/t/{thread.id}").status_code == 200
    finally:
        event.remove(Session, "do_orm_execute", seen)
    assert any("FROM users" in text for text in through_orm)  # the viewer
    assert not any("community_posts.body_html" in text for text in through_orm)
    assert not any(" AS home" in text or "home_user_id" in text for text in through_orm)
