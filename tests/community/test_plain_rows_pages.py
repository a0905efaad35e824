"""The member home's statement and the thread page's posts are read as plain rows
(``core.db.plain_rows``): without the ORM's execution, while the viewer and the
thread itself still come through it."""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session


def test_thread_page_and_home_lists_skip_the_orm(client, forum, member, write, switch_to):
    author = member()
    thread = write.thread(author, forum.general)
    switch_to(author)
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
    assert any("FROM community_threads" in text for text in through_orm)  # the thread
    assert not any("community_posts.body_html" in text for text in through_orm)
    assert not any("home_user_id" in text for text in through_orm)
