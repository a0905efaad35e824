"""Issue 8 item 26 in the forum: one formatter, no seconds, the reader's language."""
from __future__ import annotations

import re
from datetime import UTC, datetime

from flask_babel import force_locale
from sqlalchemy import select

from community import moderation, safety
from community.models import MemberProfile, Post, Suspension
from core.extensions import db
from notifications.models import Notification

SECONDS = re.compile(r"\b\d{1,2}[.:]\d{2}[.:]\d{2}\b")
JOINED = datetime(2030, 12, 4, 5, 7, 9, tzinfo=UTC)  # Wednesday 13.07.09 WITA


def test_profile_says_when_a_member_joined_without_seconds(client, forum, member, switch_to, write):
    author = member(created_at=JOINED)
    write.thread(author, forum.general)
    switch_to(member())
    handle = db.session.scalar(select(MemberProfile.handle).where(MemberProfile.user_id == author.id))
    html = client.get(f"/forum/u/{handle}").get_data(as_text=True)
    assert "4 Des 2030" in html and not SECONDS.search(html)
    client.post("/lang", data={"lang": "en", "next": "/"})
    html = client.get(f"/forum/u/{handle}").get_data(as_text=True)
    assert "4 Dec 2030" in html and not SECONDS.search(html)


def test_suspension_notice_and_refusal_are_written_by_the_kit(app, forum, member, write):
    author = member(locale="en")
    thread = write.thread(author, forum.general)
    post = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    moderator = member(roles=("member", "moderator"))
    suspension = moderation.suspend(moderator, post, 3, "Spam")
    db.session.commit()
    suspension.until_at = JOINED
    notice = db.session.scalar(select(Notification).where(Notification.user_id == author.id))
    # The English reader gets the English style ("13:07 WITA", never "%d-%m-%Y").
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} WITA", notice.params["until"])
    assert not SECONDS.search(notice.params["until"])
    with app.test_request_context():
        with force_locale("id"):
            text = safety.suspension_message(db.session.get(Suspension, suspension.id))
            assert "sampai 4 Des 2030, 13.07 WITA" in text
        with force_locale("en"):
            text = safety.suspension_message(db.session.get(Suspension, suspension.id))
            assert "4 Dec 2030, 13:07 WITA" in text
