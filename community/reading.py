"""Reading the forum: categories, pages of threads and posts, read markers,
following, and the counters the list pages read (``refresh_*``).

The statements of the pages people read most (a category's threads, a thread's
posts) are built once with bind parameters: building a statement and its cache key
on every visit cost more than running it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from sqlalchemy import and_, bindparam, case, func, literal, or_, select, union_all
from sqlalchemy.orm import joinedload

from accounts.models import User
from community.models import (
    Category,
    Flag,
    Hotline,
    MemberProfile,
    Post,
    Reaction,
    Thread,
    ThreadMember,
    in_language,
)
from core.db import paginated, plain_list, utcnow
from core.extensions import db
from core.i18n import current_language

THREADS_PER_PAGE = 20
POSTS_PER_PAGE = 20


@cache
def author_options(entity) -> tuple:
    """Load authors without their roles: lists never need them, and it saves a query
    per list. (The reader's own roles are loaded before, by Flask-Login.)"""
    return (joinedload(entity.author).noload(User.role_rows),)


@cache
def _thread_statement():
    return select(Thread).options(*author_options(Thread)).where(Thread.id == bindparam("thread_id"))


def get_thread(thread_id: int) -> Thread | None:
    if (Thread, (thread_id,), None) in db.session.identity_map:
        return db.session.get(Thread, thread_id, options=author_options(Thread))
    # Not loaded yet: the same SELECT ``session.get`` would run, built once.
    return db.session.scalar(_thread_statement(), {"thread_id": thread_id})


def get_post(post_id: int) -> Post | None:
    return db.session.get(
        Post, post_id,
        options=[*author_options(Post), joinedload(Post.thread).options(*author_options(Thread))],
    )


_CATEGORIES = select(Category).order_by(Category.position, Category.id)
_CATEGORY_BY_SLUG = select(Category).where(Category.slug == bindparam("slug"))


def categories() -> list[Category]:
    return list(db.session.scalars(_CATEGORIES))


@dataclass(slots=True)
class CategoryRow:
    """A category as the forum index lists it, its name and description in the
    reader's language (``models.in_language``, as ``Category.name``); no ORM object behind it."""

    slug: str
    name: str
    description: str
    is_safe_room: bool
    thread_count: int
    last_activity_at: datetime | None


_CATEGORY_ROWS = (
    select(Category.slug, Category.name_id, Category.name_en, Category.description_id,
           Category.description_en, Category.is_safe_room, Category.thread_count, Category.last_activity_at)
    .order_by(Category.position, Category.id)
)


def category_rows() -> list[CategoryRow]:
    """Every category in the index's order, as plain rows (``core.db.plain_list``)."""
    language = current_language()
    return [
        CategoryRow(slug, in_language(language, name_id, name_en), in_language(language, description_id, description_en),
                    is_safe_room, thread_count, last_activity_at)
        for (slug, name_id, name_en, description_id, description_en, is_safe_room, thread_count,
             last_activity_at) in plain_list(_CATEGORY_ROWS)
    ]


def category_by_slug(slug: str) -> Category | None:
    return db.session.scalar(_CATEGORY_BY_SLUG, {"slug": slug})


@dataclass(slots=True)
class CategoryView:
    """The category a category page shows (its name and description in the
    reader's language, ``models.in_language``, as ``Category.name``), without an ORM object."""

    id: int
    slug: str
    name: str
    description: str
    is_safe_room: bool
    shows_calo_banner: bool


# The columns a ``CategoryView`` is made of (``category_view_of``), for other pages'
# statements to select too (the thread page's).
CATEGORY_VIEW_COLUMNS = (Category.id, Category.slug, Category.name_id, Category.name_en, Category.description_id,
                         Category.description_en, Category.is_safe_room, Category.shows_calo_banner)
_CATEGORY_VIEW = select(*CATEGORY_VIEW_COLUMNS).where(Category.slug == bindparam("slug"))


def category_view_of(values) -> CategoryView:
    """A ``CategoryView`` from the values of ``CATEGORY_VIEW_COLUMNS``, in order."""
    category_id, slug, name_id, name_en, description_id, description_en, is_safe_room, shows_calo_banner = values
    language = current_language()
    return CategoryView(category_id, slug, in_language(language, name_id, name_en),
                        in_language(language, description_id, description_en), is_safe_room, shows_calo_banner)


def category_view(slug: str) -> CategoryView | None:
    """The category of a category page as plain values (``core.db.plain_list``), or None."""
    rows = plain_list(_CATEGORY_VIEW, {"slug": slug})
    return category_view_of(rows[0]) if rows else None


@dataclass(frozen=True, slots=True)
class AuthorRow:
    """What a page shows of a named author (``profiles.author_label``)."""

    name: str
    deleted_at: datetime | None


@dataclass(frozen=True, slots=True)
class ProfileRow:
    handle: str


def author_parts(anonymous: bool, name: str | None, deleted_at, handle: str | None):
    """``(author, author_profile)`` of a listed row: nothing at all for an anonymous
    item (so no page or fragment can read who wrote it), None for a deleted account."""
    if anonymous or name is None:
        return None, None
    return AuthorRow(name, deleted_at), (None if handle is None else ProfileRow(handle))


@dataclass(frozen=True, slots=True)
class ThreadRow:
    """A thread as a list of threads shows it: plain values, no ORM object behind it
    (loading 20 ``Thread`` objects with their authors cost more than the statement).
    It answers the attributes ``_thread_rows.html`` and ``fragments.thread_row_parts``
    read, under the same names as ``Thread``."""

    id: int
    title: str
    is_anonymous: bool
    anon_no: int | None
    is_pinned: bool
    is_locked: bool
    reply_count: int
    last_post_id: int
    last_activity_at: datetime
    author: AuthorRow | None
    author_profile: ProfileRow | None
    category: Category | CategoryView


@cache
def _threads_page_statement():
    return paginated(
        select(
            Thread.id, Thread.title, Thread.is_anonymous, Thread.anon_no, Thread.is_pinned,
            Thread.is_locked, Thread.reply_count, Thread.last_post_id, Thread.last_activity_at,
            User.name, User.deleted_at, MemberProfile.handle, ThreadMember.last_read_post_id,
        )
        .outerjoin(
            ThreadMember,
            and_(ThreadMember.thread_id == Thread.id,
                 ThreadMember.user_id == bindparam("user_id")),
        )
        .outerjoin(User, User.id == Thread.author_id)
        .outerjoin(MemberProfile, MemberProfile.user_id == Thread.author_id)
        .where(Thread.category_id == bindparam("category_id"), Thread.status == "visible")
        .order_by(Thread.is_pinned.desc(), Thread.last_activity_at.desc(), Thread.id.desc())
    )


def threads_page(category: Category | CategoryView, user: User, page: int, per_page: int = THREADS_PER_PAGE):
    """Visible threads of a category (pinned first, then latest activity) as
    ``ThreadRow``s, each with the reader's last read post id. Returns
    ``([(thread, last_read)], has_next)``."""
    params = {"user_id": user.id, "category_id": category.id,
              "limit": per_page + 1, "offset": (page - 1) * per_page}
    rows = plain_list(_threads_page_statement(), params)
    threads = [
        (ThreadRow(row.id, row.title, row.is_anonymous, row.anon_no, row.is_pinned, row.is_locked,
                   row.reply_count, row.last_post_id, row.last_activity_at,
                   *author_parts(row.is_anonymous, row.name, row.deleted_at, row.handle), category),
         row.last_read_post_id)
        for row in rows[:per_page]
    ]
    return threads, len(rows) > per_page


def visible_posts_clause(staff: bool, author=None):
    """Which posts a reader sees: staff every status, a member the visible and
    deleted ones besides her own pending or hidden posts (``author`` her id, a bound
    ``user_id`` by default)."""
    if staff:
        return Post.status.in_(("visible", "deleted", "pending", "hidden"))
    return or_(
        Post.status.in_(("visible", "deleted")),
        and_(Post.author_id == (bindparam("user_id") if author is None else author),
             Post.status.in_(("pending", "hidden"))),
    )


def _visible_posts_clause(user: User):
    return visible_posts_clause(user.has_role("moderator", "counselor"), user.id)


def page_of_post(post: Post, user: User, per_page: int = POSTS_PER_PAGE) -> int:
    """Which page of its thread ``post`` is on, for this reader."""
    before = db.session.scalar(
        select(func.count(Post.id)).where(
            Post.thread_id == post.thread_id, Post.id < post.id, _visible_posts_clause(user)
        )
    ) or 0
    return before // per_page + 1


def first_unread_post(thread: Thread, user: User) -> Post | None:
    """The first post this member has not seen yet (None when all are read)."""
    last_read = db.session.scalar(
        select(ThreadMember.last_read_post_id).where(
            ThreadMember.thread_id == thread.id, ThreadMember.user_id == user.id
        )
    ) or 0
    return db.session.scalar(
        select(Post)
        .where(Post.thread_id == thread.id, Post.id > last_read, _visible_posts_clause(user))
        .order_by(Post.id)
        .limit(1)
    )


# One round trip for both marks a reader leaves on posts: "terima kasih" given, and
# reported (the page then says so instead of offering "Laporkan" again).
_MARKS = union_all(
    select(Reaction.post_id, literal("reacted").label("mark")).where(
        Reaction.user_id == bindparam("user_id"),
        Reaction.post_id.in_(bindparam("post_ids", expanding=True)),
    ),
    select(Flag.post_id, literal("reported").label("mark")).where(
        Flag.user_id == bindparam("user_id"),
        Flag.post_id.in_(bindparam("post_ids", expanding=True)),
    ),
)
_THREAD_MEMBER = select(ThreadMember).where(
    ThreadMember.thread_id == bindparam("thread_id"), ThreadMember.user_id == bindparam("user_id")
)


def marked_post_ids(user: User, post_ids: list[int]) -> tuple[set[int], set[int]]:
    """Of ``post_ids``, those this reader thanked and those they reported."""
    reacted: set[int] = set()
    reported: set[int] = set()
    if post_ids:
        for post_id, mark in db.session.execute(
            _MARKS, {"user_id": user.id, "post_ids": list(post_ids)}
        ):
            (reacted if mark == "reacted" else reported).add(post_id)
    return reacted, reported


def has_reported(user: User, post: Post) -> bool:
    return marked_post_ids(user, [post.id])[1] == {post.id}


def thread_member(user: User, thread: Thread) -> ThreadMember | None:
    return db.session.scalar(_THREAD_MEMBER, {"thread_id": thread.id, "user_id": user.id})


def mark_read(user: User, thread: Thread, member: ThreadMember | None, post_id: int) -> bool:
    """Remember that ``user`` has read ``thread`` up to ``post_id``. Returns whether
    anything was written (a page read again changes nothing)."""
    if member is None:
        # Two first visits at the same moment (two tabs) must not fail on the unique
        # constraint: insert-or-ignore, one statement on SQLite and PostgreSQL.
        dialect = db.engine.dialect.name
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        db.session.execute(
            insert(ThreadMember)
            .values(thread_id=thread.id, user_id=user.id, last_read_post_id=post_id,
                    last_read_at=utcnow())
            .on_conflict_do_nothing(index_elements=["thread_id", "user_id"])
        )
    elif post_id > member.last_read_post_id:
        member.last_read_post_id = post_id
        member.last_read_at = utcnow()
    else:
        return False
    db.session.flush()
    return True


def _followed_statement(user: User):
    return (
        select(Thread, ThreadMember.last_read_post_id)
        .options(*author_options(Thread))
        .join(ThreadMember, ThreadMember.thread_id == Thread.id)
        .where(
            ThreadMember.user_id == user.id,
            ThreadMember.following.is_(True),
            Thread.status == "visible",
        )
    )


def followed_threads(user: User, page: int, per_page: int = THREADS_PER_PAGE):
    """Threads the member follows, latest activity first, with their read marker."""
    statement = (
        _followed_statement(user)
        .order_by(Thread.last_activity_at.desc(), Thread.id.desc())
    )
    statement = paginated(statement, per_page + 1, (page - 1) * per_page)
    rows = [(thread, last_read) for thread, last_read in db.session.execute(statement).unique()]
    return rows[:per_page], len(rows) > per_page


def unread_followed_statement(user_id):
    """The count of followed threads with posts the member has not read (a
    statement, so the home can ask it together with other counts; ``user_id`` a
    value or a bound parameter)."""
    return (
        select(func.count(Thread.id))
        .join(ThreadMember, ThreadMember.thread_id == Thread.id)
        .where(
            ThreadMember.user_id == user_id,
            ThreadMember.following.is_(True),
            Thread.status == "visible",
            Thread.last_post_id > ThreadMember.last_read_post_id,
        )
    )


def public_threads_of(user_id: int, page: int, per_page: int = THREADS_PER_PAGE):
    """A member's threads for their profile: visible and never anonymous."""
    statement = (
        select(Thread)
        .options(*author_options(Thread))
        .where(
            Thread.author_id == user_id,
            Thread.is_anonymous.is_(False),
            Thread.status == "visible",
        )
        .order_by(Thread.created_at.desc(), Thread.id.desc())
    )
    statement = paginated(statement, per_page + 1, (page - 1) * per_page)
    threads = list(db.session.scalars(statement).unique())
    return threads[:per_page], len(threads) > per_page


def hotlines() -> list[Hotline]:
    return list(db.session.scalars(select(Hotline).order_by(Hotline.position, Hotline.id)))

def refresh_thread(thread: Thread) -> None:
    """Recount a thread's replies and latest activity; its status follows its
    opening post (a deleted opening post keeps a thread that has replies)."""
    db.session.flush()
    first_status, replies, last_id, last_at = db.session.execute(
        select(
            func.max(case((Post.is_first.is_(True), Post.status))),
            func.count(case((and_(Post.is_first.is_(False), Post.status == "visible"), 1))),
            func.max(case((Post.status == "visible", Post.id))),
            func.max(case((Post.status == "visible", Post.created_at))),
        ).where(Post.thread_id == thread.id)
    ).one()
    thread.reply_count = replies or 0
    thread.last_post_id = last_id or 0
    if last_at is not None:
        thread.last_activity_at = _aware(last_at)
    if first_status == "deleted" and replies:
        thread.status = "visible"
    else:
        thread.status = first_status or "deleted"


def refresh_category(category: Category) -> None:
    """Recount a category's visible threads and its latest activity."""
    db.session.flush()
    count, last_at = db.session.execute(
        select(func.count(Thread.id), func.max(Thread.last_activity_at)).where(
            Thread.category_id == category.id, Thread.status == "visible"
        )
    ).one()
    category.thread_count = count or 0
    category.last_activity_at = _aware(last_at) if last_at is not None else None


def _aware(value) -> datetime:
    """Aggregates may come back without the column type (naive, or text on SQLite)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def set_following(user: User, thread: Thread, following: bool) -> None:
    member = thread_member(user, thread)
    if member is None:
        db.session.add(ThreadMember(thread_id=thread.id, user_id=user.id, following=following))
    else:
        member.following = following
    db.session.flush()


_LAST_OWN_POST_ANONYMOUS = (
    select(Post.is_anonymous)
    .where(Post.thread_id == bindparam("thread_id"), Post.author_id == bindparam("user_id"))
    .order_by(Post.id.desc())
    .limit(1)
)


def wrote_anonymously(user: User, thread: Thread) -> bool:
    """Whether the member's latest post in ``thread`` (their opening post, or their
    last reply) was anonymous: the reply form then starts anonymous, so one tap
    cannot reveal them."""
    return bool(db.session.scalar(
        _LAST_OWN_POST_ANONYMOUS, {"thread_id": thread.id, "user_id": user.id}
    ))
