"""The member's forum data (UU PDP): export, and what account deletion erases."""
from __future__ import annotations

from sqlalchemy import delete, func, select

from accounts.models import User
from community.models import Flag, MemberProfile, Post, Reaction, Suspension, Thread, ThreadMember
from community.posting import erase
from community.reading import refresh_category, refresh_thread
from core.extensions import db


def export_member_data(user: User) -> dict | None:
    """The member's own forum data, including their anonymous posts (their data)."""
    posts = list(
        db.session.scalars(
            select(Post).where(Post.author_id == user.id).order_by(Post.id)
        ).unique()
    )
    profile = db.session.scalar(select(MemberProfile).where(MemberProfile.user_id == user.id))
    flags = list(db.session.scalars(select(Flag).where(Flag.user_id == user.id)))
    follows = list(
        db.session.scalars(
            select(ThreadMember.thread_id).where(
                ThreadMember.user_id == user.id, ThreadMember.following.is_(True)
            )
        )
    )
    suspensions = list(db.session.scalars(select(Suspension).where(Suspension.user_id == user.id)))
    if not (posts or profile or flags or follows or suspensions):
        return None
    return {
        "handle": profile.handle if profile else None,
        "posts": [
            {
                "thread_id": p.thread_id,
                "thread_title": p.thread.title if p.is_first else None,
                "opening_post": p.is_first,
                "anonymous": p.is_anonymous,
                "status": p.status,
                "text": p.body_source,
                "created_at": p.created_at.isoformat(),
                "edited_at": p.edited_at.isoformat() if p.edited_at else None,
            }
            for p in posts
        ],
        "followed_thread_ids": follows,
        "reports_made": [
            {"post_id": f.post_id, "reason": f.reason, "note": f.note,
             "created_at": f.created_at.isoformat()}
            for f in flags
        ],
        "suspensions": [
            {"until": s.until_at.isoformat(), "reason": s.reason} for s in suspensions
        ],
    }


def forget_member(user: User) -> None:
    """Account deletion. Anonymous posts are erased (their text may identify the
    writer, who chose anonymity); named posts stay in the conversations they belong
    to but lose their author ("Mantan anggota"). Reactions, reports, follows, read
    markers and the forum profile are deleted."""
    touched_threads: dict[int, Thread] = {}
    for post in db.session.scalars(select(Post).where(Post.author_id == user.id)).unique():
        touched_threads[post.thread_id] = post.thread
        if post.is_anonymous and post.status != "deleted":
            erase(post)
        post.author_id = None
    for thread in db.session.scalars(select(Thread).where(Thread.author_id == user.id)).unique():
        touched_threads[thread.id] = thread
        thread.author_id = None
    db.session.flush()
    reaction_posts = list(db.session.scalars(select(Reaction.post_id).where(Reaction.user_id == user.id)))
    db.session.execute(delete(Reaction).where(Reaction.user_id == user.id))
    db.session.execute(delete(Flag).where(Flag.user_id == user.id))
    db.session.execute(delete(ThreadMember).where(ThreadMember.user_id == user.id))
    db.session.execute(delete(MemberProfile).where(MemberProfile.user_id == user.id))
    for post_id in set(reaction_posts):
        post = db.session.get(Post, post_id)
        if post is not None:
            post.reaction_count = db.session.scalar(
                select(func.count(Reaction.id)).where(Reaction.post_id == post_id)
            ) or 0
    categories_touched = {}
    for thread in touched_threads.values():
        refresh_thread(thread)
        categories_touched[thread.category_id] = thread.category
    for category in categories_touched.values():
        refresh_category(category)
    db.session.flush()
