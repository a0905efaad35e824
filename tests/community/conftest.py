"""Forum fixtures: categories, members who are not new, and posting helpers."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from community import demo, posting
from community.models import Category
from core.db import utcnow
from core.extensions import db
from tests.factories import Auth


@pytest.fixture(autouse=True)
def _no_post_interval(app, monkeypatch):
    """Tests write several posts a second; the 15-second rule has its own test."""
    monkeypatch.setitem(app.config, "FORUM_POST_INTERVAL_SECONDS", 0)


@pytest.fixture
def forum():
    demo.seed_defaults()
    general = Category(slug="usaha-umkm", name_id="Usaha & UMKM", name_en="Business",
                       description_id="Usaha sepulang kerja.", description_en="Business.")
    safe = Category(slug="kesehatan-mental", name_id="Kesehatan Mental", name_en="Mental Health",
                    is_safe_room=True, position=1)
    calo = Category(slug="waspada-calo", name_id="Waspada Calo & TPPO", name_en="Beware of Brokers",
                    is_safe_room=True, shows_calo_banner=True, position=2)
    db.session.add_all([general, safe, calo])
    db.session.commit()
    return SimpleNamespace(general=general, safe=safe, calo=calo)


@pytest.fixture
def member(make_user):
    """A member who joined a month ago (no new-member limits)."""

    def factory(roles=("member",), **fields):
        fields.setdefault("created_at", utcnow() - timedelta(days=30))
        return make_user(roles=roles, **fields)

    return factory


@pytest.fixture
def switch_to(client):
    """Log the client in as ``user`` (logging out whoever was logged in)."""

    def do(user):
        client.post("/logout")
        response = Auth(client).login(user)
        assert response.status_code == 302, response.data[:300]
        return user

    return do


@pytest.fixture
def write():
    """Post through the services and commit, as the views do."""

    def thread(user, category, title="Jualan se'i sapi di pasar", body="Ada yang mau gabung?",
               anonymous=False):
        result = posting.create_thread(user, category, title, body, anonymous=anonymous)
        db.session.commit()
        return result.post.thread

    def reply(user, thread, body="Saya mau ikut.", anonymous=False):
        result = posting.create_reply(user, thread, body, anonymous=anonymous)
        db.session.commit()
        return result.post

    return SimpleNamespace(thread=thread, reply=reply)
