"""The member home's statement and the thread page's one statement are read as
plain rows (``core.db.plain_rows``): without the ORM's execution, while the viewer
still comes through it."""
from __future__ import annotations

import pytest
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


def test_category_list_rows_answer_names_from_slots(client, forum, member, write, switch_to, monkeypatch):
    """The rows of a category's thread list come as ``core.db.plain_list`` named
    tuples, not SQLAlchemy rows (a name read from a Row costs a failed lookup
    first). The thread page reads its one statement's rows by position."""
    from community import reading
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

    monkeypatch.setattr(reading, "plain_list", recorded)
    assert client.get(f"/forum/c/{forum.general.slug}").status_code == 200
    fields = [rows[0]._fields for rows in lists if rows]
    assert any("last_read_post_id" in names for names in fields)  # the category's threads
    assert all("id" in type(rows[0]).__dict__ for rows in lists if rows)


@pytest.mark.parametrize("reader_roles", [("member",), ("member", "moderator")])
def test_a_thread_page_is_the_viewer_and_one_statement(client, forum, member, write, switch_to, count_queries,
                                                       reader_roles):
    """The thread, the reader's state in it and the page of posts with their marks
    come in one statement, on every page of the thread and whatever its length;
    the viewer is the only other one. A page past the last is a 404."""
    author = member()
    thread = write.thread(author, forum.general, title="Mencari kerja di Kupang", body="Ada info?")
    for number in range(24):
        write.reply(author, thread, body=f"Balasan nomor {number}.")
    reader = member(roles=reader_roles)
    switch_to(reader)
    url = f"/forum/t/{thread.id}"
    assert client.get(url).status_code == 200  # the first visit writes the read marker
    assert client.get(f"{url}?page=2").status_code == 200  # and moves it on
    for page in (1, 2):
        with count_queries() as log:
            response = client.get(f"{url}?page={page}")
        assert response.status_code == 200
        assert log.count == 2, log.statements
        html = response.get_data(as_text=True)
        assert html.count('<article class="post') == (20 if page == 1 else 5)
    assert client.get(f"{url}?page=3").status_code == 404
    assert client.get(f"/forum/t/{thread.id + 1000}").status_code == 404
