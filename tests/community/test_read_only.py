"""Read-only pages (core/read_only.py) on PostgreSQL: the forum's pages send their
statements outside a transaction (no BEGIN/ROLLBACK round trips), the thread page
still writes the reader's marker in a real transaction, and a write slipped into a
read-only page fails instead of being autocommitted."""
from __future__ import annotations

import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import event, func, select

from community import thread_page
from community.models import Post, ThreadMember
from core.extensions import db
from core.read_only import WriteInReadOnly
from tests.conftest import POSTGRES

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES, reason="needs PostgreSQL (TEST_DATABASE_URL)"),
]


@pytest.fixture
def transaction_states():
    """(first words of each statement, whether it ran inside a transaction)."""
    seen: list[tuple[str, bool]] = []

    def after(conn, _cursor, statement, *_args):
        status = conn.connection.dbapi_connection.info.transaction_status
        seen.append((" ".join(statement.split()[:4]), status != TransactionStatus.IDLE))

    event.listen(db.engine, "after_cursor_execute", after)
    yield seen
    event.remove(db.engine, "after_cursor_execute", after)


def _settled(client, path):
    """Visit once (markers written), then commit so the next request starts clean."""
    assert client.get(path).status_code == 200
    db.session.commit()


def test_forum_pages_run_outside_a_transaction(client, forum, member, write, switch_to,
                                               transaction_states):
    author, reader = member(), member()
    thread = write.thread(author, forum.general)
    write.reply(author, thread)
    switch_to(reader)
    paths = ("/forum/", f"/forum/c/{forum.general.slug}", f"/forum/t/{thread.id}")
    for path in paths:
        _settled(client, path)
        transaction_states.clear()
        html = client.get(path).get_data(as_text=True)
        assert "Usaha &amp; UMKM" in html or "Jualan se&#39;i sapi di pasar" in html
        assert transaction_states, path
        assert not [s for s, in_tx in transaction_states if in_tx], (path, transaction_states)


def test_a_page_not_marked_read_only_keeps_its_transaction(client, member, switch_to,
                                                           transaction_states):
    switch_to(member())
    db.session.commit()
    transaction_states.clear()
    assert client.get("/account/profile").status_code == 200
    assert transaction_states and all(in_tx for _s, in_tx in transaction_states)


def test_the_thread_page_writes_the_marker_in_a_transaction(client, forum, member, write,
                                                            switch_to, transaction_states):
    author, reader = member(), member()
    thread = write.thread(author, forum.general)
    switch_to(reader)
    path, thread_id, reader_id = f"/forum/t/{thread.id}", thread.id, reader.id
    db.session.commit()  # the request starts with nothing open, as in production
    transaction_states.clear()
    assert client.get(path).status_code == 200
    writes = [(s, in_tx) for s, in_tx in transaction_states if not s.upper().startswith(("SELECT", "WITH"))]
    assert writes and all(in_tx for _s, in_tx in writes), transaction_states
    reads_before = [in_tx for s, in_tx in transaction_states[:2]]
    assert reads_before == [False, False]  # the user and the thread's page: outside a transaction
    db.session.rollback()
    marker = db.session.scalar(
        select(ThreadMember.last_read_post_id).where(
            ThreadMember.thread_id == thread_id, ThreadMember.user_id == reader_id
        )
    )
    newest = db.session.scalar(select(func.max(Post.id)).where(Post.thread_id == thread_id))
    assert newest is not None and marker == newest


def test_a_write_in_a_read_only_page_fails(client, forum, member, write, switch_to, monkeypatch):
    author, reader = member(), member()
    thread = write.thread(author, forum.general)
    switch_to(reader)
    path, thread_id, reader_id = f"/forum/t/{thread.id}", thread.id, reader.id
    db.session.commit()
    monkeypatch.setattr(thread_page, "writes_ahead", lambda: None)  # a page that forgot it
    with pytest.raises(WriteInReadOnly, match="read-only request"):
        client.get(path)
    db.session.rollback()
    assert db.session.scalar(
        select(ThreadMember.id).where(ThreadMember.thread_id == thread_id,
                                      ThreadMember.user_id == reader_id)
    ) is None


def test_the_session_writes_normally_after_a_read_only_request(client, forum, member, switch_to):
    switch_to(member())
    db.session.commit()
    assert client.get("/forum/").status_code == 200
    forum.general.description_en = "Small business."
    db.session.commit()  # the test's own write: in a transaction, not refused
    db.session.expire_all()
    assert forum.general.description_en == "Small business."
