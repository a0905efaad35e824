"""The forum's contributions to pages of other packages: the moderator's workspace
panel on their home and the forum's entry on the "Layanan" page."""
from __future__ import annotations

from sqlalchemy import select

from community import posting
from community.models import Post
from core.extensions import db
from core.home import service_links_for, staff_panels_for


def test_moderators_home_panel_counts_the_queue(app, forum, member, write):
    moderator = member(roles=("member", "moderator"))
    posting.create_thread(member(), forum.safe, "Berat sekali", "Saya belum bisa cerita.", anonymous=True)
    db.session.commit()
    reported = write.thread(member(), forum.general)
    post = db.session.scalar(select(Post).where(Post.thread_id == reported.id))
    posting.flag_post(member(), post, "spam")
    db.session.commit()
    with app.test_request_context():
        panels = [p for p in staff_panels_for(moderator) if p.url == "/forum/moderation"]
        assert len(panels) == 1
        panel = panels[0]
        assert panel.title == "Antrean moderasi forum" and panel.count == 2
        assert panel.lines == ("1 tulisan menunggu persetujuan", "1 tulisan dilaporkan anggota")
        assert [p for p in staff_panels_for(member()) if p.url == "/forum/moderation"] == []


def test_forum_is_on_the_services_page(app, member):
    with app.test_request_context():
        links = [link for link in service_links_for(member()) if link.url == "/forum/"]
        assert len(links) == 1 and links[0].title == "Forum purna PMI" and links[0].icon == "forum"
