"""The member home's statement and the thread page's thread and posts are read as
plain rows (``core.db.plain_rows``): without the ORM's execution, while the viewer
still comes through it."""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session


def test_thread_page_and_home_lists_skip_the_orm(client, forum, member, write, switch_to):
    author = member()
    thread_id = write.thread(author, forum.general).id  # read now: a later read would refresh it
    switch_to(author)
    through_orm: list[str] = []

    def seen(state):
        through_orm.append(str(state.statement))

    event.listen(Session, "do_orm_execute", seen)
    try:
        assert client.get("/").status_code == 200
        assert client.get(f"/forum/t/{thread_id}").status_code == 200
    finally:
        event.remove(Session, "do_orm_execute", seen)
    assert any("FROM users" in text for text in through_orm)  # the viewer
    assert not any("FROM community_threads" in text for text in through_orm)  # the thread: plain too
    assert not any("community_posts.body_html" in text for text in through_orm)
    assert not any("home_user_id" in text for text in through_orm)


def test_thread_page_and_category_list_rows_answer_names_from_slots(client, forum, member, write, switch_to,
                                                                    monkeypatch):
    """The posts of a thread page and the rows of a category's thread list come as
    ``core.db.plain_list`` named tuples, not SQLAlchemy rows (a name read from a Row
    costs a failed lookup first)."""
    from community import reading, thread_page
    from core import db as core_db

    author = member()
    thread = write.thread(author, forum.general)
    write.reply(author, thread)
    switch_to(author)
    lists = []

    def recorded(statement, params=None):
        rows = core_db.plain_list(statement, params)
        lists.append(rows)
        return rows

    monkeypatch.setattr(thread_page, "plain_list", recorded)
    monkeypatch.setattr(reading, "plain_list", recorded)
    assert client.get(f"/forum/t/{thread.id}").status_code == 200
    assert client.get(f"/forum/c/{forum.general.slug}").status_code == 200
    fields = [rows[0]._fields for rows in lists if rows]
    assert any("body_html" in names for names in fields)  # the thread's posts
    assert any("last_read_post_id" in names for names in fields)  # the category's threads
    assert all("id" in type(rows[0]).__dict__ for rows in lists if rows)
