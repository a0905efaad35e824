"""What one reader's thread page needs, in one statement: the thread with the
reader's state (read marker, following, whether they are suspended, whether their
last post there was anonymous), joined to the page of posts with the reader's
marks ("terima kasih" given, reported). These were five statements once, then two;
on a busy server every statement costs more than the rows it brings (about a
fifth of a millisecond of Python and a round trip).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import NamedTuple

from sqlalchemy import and_, bindparam, exists, select, true, update

from accounts.models import User
from community import reading
from community.models import (
    Category,
    Flag,
    MemberProfile,
    Post,
    Reaction,
    Suspension,
    Thread,
    ThreadMember,
)
from community.permissions import can_delete_post, can_edit_post, can_flag_post, can_react
from core.db import paginated, plain_rows, utcnow
from core.extensions import db
from core.read_only import writes_ahead


@dataclass(frozen=True)
class ReaderState:
    last_read: int | None  # None: the reader never opened the thread
    following: bool
    suspended: bool
    wrote_anonymously: bool


def _member_column(column):
    return (
        select(column)
        .where(ThreadMember.thread_id == Thread.id, ThreadMember.user_id == bindparam("user_id"))
        .scalar_subquery()
    )


# What a ``ThreadView`` holds but its category, in its order.
_THREAD_COLUMNS = (Thread.id, Thread.title, Thread.status, Thread.author_id, Thread.is_locked, Thread.is_pinned,
                   Thread.reply_count)


def _thread_statement():
    suspended = exists().where(
        Suspension.user_id == bindparam("user_id"),
        Suspension.until_at > bindparam("now"),
        Suspension.lifted_at.is_(None),
    )
    last_own_anonymous = (
        select(Post.is_anonymous)
        .where(Post.thread_id == Thread.id, Post.author_id == bindparam("user_id"))
        .order_by(Post.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return (
        # The page names the authors of its posts (``_posts_statement``), never the
        # thread's own: only its author's id is read (the permission checks).
        select(
            *_THREAD_COLUMNS, *reading.CATEGORY_VIEW_COLUMNS,
            _member_column(ThreadMember.last_read_post_id).label("last_read"),
            _member_column(ThreadMember.following).label("following"),
            suspended.label("suspended"),
            last_own_anonymous.label("wrote_anonymously"),
        )
        .join(Category, Category.id == Thread.category_id)
        .where(Thread.id == bindparam("thread_id"))
    )


@dataclass(slots=True)
class ThreadView:
    """The thread a thread page shows: plain values, no ORM object behind it. It
    answers what the page, its posts' ``can_*`` predicates and ``mark_read`` read,
    under the same names as ``Thread``; its category is a ``reading.CategoryView``."""

    id: int
    title: str
    status: str
    author_id: int | None
    is_locked: bool
    is_pinned: bool
    reply_count: int
    category: reading.CategoryView


# Where each part starts in a row of ``_page_statement``.
_CATEGORY_AT = len(_THREAD_COLUMNS)
_STATE_AT = _CATEGORY_AT + len(reading.CATEGORY_VIEW_COLUMNS)
_POST_AT = _STATE_AT + len(ReaderState.__dataclass_fields__)


@dataclass(slots=True)
class PostRow:
    """A post as the thread page shows it: plain values, nothing to change, no
    ORM object behind it. It answers the attributes the templates, the shared
    fragments and the ``can_*`` predicates read, under the same names as ``Post``.
    An anonymous post carries no author and no profile at all."""

    id: int
    author_id: int | None
    is_anonymous: bool
    anon_no: int | None
    body_html: str
    status: str
    reaction_count: int
    created_at: datetime
    edited_at: datetime | None
    hidden_by_reports: bool
    author: reading.AuthorRow | None
    author_profile: reading.ProfileRow | None
    thread: ThreadView


def _posts_statement(staff: bool):
    mine = bindparam("viewer_id")
    visible = reading.visible_posts_clause(staff)
    return paginated(
        select(
            Post.id, Post.author_id, Post.is_anonymous, Post.anon_no, Post.body_html, Post.status,
            Post.reaction_count, Post.created_at, Post.edited_at, Post.hidden_by_reports,
            User.name, User.deleted_at, MemberProfile.handle,
            exists().where(Reaction.post_id == Post.id, Reaction.user_id == mine).label("reacted"),
            exists().where(Flag.post_id == Post.id, Flag.user_id == mine).label("reported"),
        )
        .outerjoin(User, User.id == Post.author_id)
        .outerjoin(MemberProfile, MemberProfile.user_id == Post.author_id)
        .where(Post.thread_id == bindparam("thread_id"), visible)
        .order_by(Post.id)
    )


@cache
def _page_statement(staff: bool):
    """The thread with the reader's state (one row, kept apart so its subqueries run
    once) joined to the page of posts with the reader's marks: a row per post, or one
    row without a post when the page has none; no row when there is no such thread."""
    thread = _thread_statement().cte("reader_thread").prefix_with("MATERIALIZED")
    posts = _posts_statement(staff).subquery("page_posts")
    return select(thread, posts).select_from(thread.outerjoin(posts, true())).order_by(posts.c.id)


@dataclass(slots=True)
class ThreadPage:
    thread: ThreadView
    state: ReaderState
    posts: list[PostRow]
    has_next: bool
    reacted: set[int]  # ids of the page's posts this reader said "terima kasih" to
    reported: set[int]  # and reported


def page_for(thread_id: int, user: User, page: int, per_page: int = reading.POSTS_PER_PAGE) -> ThreadPage | None:
    """What a thread page shows this reader, in one statement: the thread and its
    category, the reader's state in it, and the page of posts they may see
    (``reading.visible_posts_clause``) as ``PostRow``s with their marks; None when
    there is no such thread. Whether they may see the thread at all is the caller's
    question (``can_view_thread``)."""
    staff = user.has_role("moderator", "counselor")
    params = {"thread_id": thread_id, "user_id": user.id, "viewer_id": user.id, "now": utcnow(),
              "limit": per_page + 1, "offset": (page - 1) * per_page}
    rows = plain_rows(_page_statement(staff), params).all()
    if not rows:
        return None
    first = rows[0]
    category = reading.category_view_of(first[_CATEGORY_AT:_STATE_AT])
    thread = ThreadView(*first[:_CATEGORY_AT], category)
    last_read, following, suspended, wrote_anonymously = first[_STATE_AT:_POST_AT]
    state = ReaderState(last_read=last_read, following=bool(following), suspended=bool(suspended),
                        wrote_anonymously=bool(wrote_anonymously))
    posts, reacted, reported = [], set(), set()
    for row in rows[:per_page]:
        (post_id, author_id, is_anonymous, anon_no, body_html, status, reaction_count, created_at, edited_at,
         hidden_by_reports, name, deleted_at, handle, was_reacted, was_reported) = row[_POST_AT:]
        if post_id is None:  # the page has no post
            break
        posts.append(PostRow(
            post_id, author_id, is_anonymous, anon_no, body_html, status, reaction_count, created_at, edited_at,
            hidden_by_reports, *reading.author_parts(is_anonymous, name, deleted_at, handle), thread,
        ))
        if was_reacted:
            reacted.add(post_id)
        if was_reported:
            reported.add(post_id)
    return ThreadPage(thread, state, posts, len(rows) > per_page, reacted, reported)


class PostActions(NamedTuple):
    """What this reader may do with one post of the page: the ``can_*`` predicates,
    asked here once per post instead of through the template (where every call
    goes through Jinja and the ``current_user`` proxy). A tuple: it is part of the
    key a kept article is found by (``fragments.reader_posts``)."""

    react: bool
    flag: bool
    edit: bool
    delete: bool


def with_actions(user: User, posts: list[PostRow]) -> list[tuple[PostRow, PostActions]]:
    """Each post of the page with what ``user`` may do with it."""
    return [
        (post, PostActions(can_react(user, post), can_flag_post(user, post),
                           can_edit_post(user, post), can_delete_post(user, post)))
        for post in posts
    ]


def mark_read(user: User, thread: ThreadView, state: ReaderState, post_id: int) -> bool:
    """Remember that ``user`` read ``thread`` up to ``post_id``; whether anything was
    written. The update only moves the marker forward (two tabs cannot move it back)."""
    if state.last_read is not None and post_id <= state.last_read:
        return False
    writes_ahead()  # the page is served read-only (core/read_only.py) until here
    if state.last_read is None:
        return reading.mark_read(user, thread, None, post_id)
    db.session.execute(
        update(ThreadMember)
        .where(and_(ThreadMember.thread_id == thread.id, ThreadMember.user_id == user.id,
                    ThreadMember.last_read_post_id < post_id))
        .values(last_read_post_id=post_id, last_read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return True
