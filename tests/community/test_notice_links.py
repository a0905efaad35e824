"""Links in forum notices (built with ``core.links.site_path``) open the page the
notice is about: the recipient follows the link and lands there."""
from __future__ import annotations

from sqlalchemy import select

from community.models import Post, Thread
from core.extensions import db
from notifications.models import Notification


def _notice(user, contains: str) -> Notification:
    notice = db.session.scalar(select(Notification).where(
        Notification.user_id == user.id, Notification.key.contains(contains)))
    assert notice is not None, contains
    return notice


def _endpoint(app, url: str) -> str:
    return app.url_map.bind("localhost").match(url)[0]


def test_forum_notice_links_lead_to_their_pages(app, client, forum, member, switch_to, write):
    moderator = member(roles=("member", "moderator"))
    counselor = member(roles=("member", "counselor"))
    author, replier = member(), member()
    thread = write.thread(author, forum.general, title="Modal usaha tenun")
    reply = write.reply(replier, thread)

    # A follower's reply notice jumps to the first unread post of the thread.
    switch_to(author)
    notice = _notice(author, ":replies:")
    assert _endpoint(app, notice.url) == "community.thread_new"
    jump = client.get(notice.url)
    assert jump.status_code == 302 and f"/forum/t/{thread.id}" in jump.headers["Location"]
    assert jump.headers["Location"].endswith(f"#post-{reply.id}")

    # An anonymous safe-room post: the moderators' queue notice, then the writer's approval.
    writer = switch_to(member())
    client.post(f"/forum/c/{forum.safe.slug}/new",
                data={"title": "Sulit tidur sejak pulang", "body": "Saya sering mimpi buruk.", "anonymous": "y"})
    pending = db.session.scalar(select(Post).where(Post.author_id == writer.id))
    switch_to(moderator)
    queue = _notice(moderator, f"p{pending.id}:")
    assert _endpoint(app, queue.url) == "community.moderation_queue"
    page = client.get(queue.url)
    assert page.status_code == 200 and "Saya sering mimpi buruk" in page.get_data(as_text=True)
    client.post(f"/forum/moderation/p/{pending.id}/approve")
    switch_to(writer)
    approved = _notice(writer, "approved")
    assert _endpoint(app, approved.url) == "community.post"
    landing = client.get(approved.url, follow_redirects=True)
    assert landing.status_code == 200 and "Saya sering mimpi buruk" in landing.get_data(as_text=True)

    # A crisis-word alert takes the counselor to the post.
    switch_to(member())
    client.post(f"/forum/c/{forum.safe.slug}/new",
                data={"title": "Tidak kuat lagi", "body": "Kadang saya ingin mati saja."})
    switch_to(counselor)
    alert = _notice(counselor, ":crisis")
    assert _endpoint(app, alert.url) == "community.post"
    crisis = client.get(alert.url, follow_redirects=True)
    assert crisis.status_code == 200 and "ingin mati" in crisis.get_data(as_text=True)

    # A suspension notice leads to the forum.
    switch_to(moderator)
    client.post(f"/forum/moderation/p/{reply.id}/suspend", data={"days": "3", "reason": "Promosi berulang"})
    suspended = _notice(replier, "suspension")
    assert _endpoint(app, suspended.url) == "community.index"
    switch_to(replier)
    assert client.get(suspended.url).status_code == 200
    assert db.session.get(Thread, thread.id) is not None
