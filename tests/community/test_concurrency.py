"""Forum writes at the same moment (PostgreSQL, real threads, small and bounded)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from accounts.models import User
from community import posting
from community.models import Category, MemberProfile, Post
from core.extensions import db
from tests.conftest import POSTGRES

pytestmark = pytest.mark.skipif(not POSTGRES, reason="true concurrency needs PostgreSQL")


def test_ten_namesakes_first_posts_at_once_all_saved_with_distinct_handles(forum, member, run_together):
    """Issue 8, item 14: no unique-handle error, no lost post."""
    people = [member(name="Maria Nenobais") for _ in range(10)]
    ids, category_id = [p.id for p in people], forum.general.id
    db.session.remove()

    def first_post(user_id):
        def job():
            user = db.session.get(User, user_id)
            posting.create_thread(user, db.session.get(Category, category_id),
                                  "Salam kenal dari Oebobo", "Halo semua, saya Maria.")
        return job

    outcomes = run_together([first_post(user_id) for user_id in ids])
    assert outcomes.errors == [] and len(outcomes) == 10
    handles = db.session.scalars(
        select(MemberProfile.handle).where(MemberProfile.user_id.in_(ids))
    ).all()
    assert len(handles) == 10 and len(set(handles)) == 10
    assert all(h.startswith("maria_nenobais") for h in handles)
    assert db.session.scalar(select(func.count(Post.id)).where(Post.author_id.in_(ids))) == 10
