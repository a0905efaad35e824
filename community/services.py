"""Forum operations: posting, reading, following, reactions, flags, safety.

Plain functions that take the acting user explicitly and only flush; the view (or
job, or CLI command) commits. People are told things only through ``notify``.
Every notification key to a person starts with ``community:u<user id>:`` so their
pending messages can be cancelled when the account is deleted.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, case, delete, func, or_, select
from sqlalchemy.orm import defer, joinedload, lazyload
from sqlalchemy.orm.attributes import set_committed_value

from accounts.models import User, UserRole
from community import markdown
from community.models import (
    Category,
    CrisisTerm,
    Flag,
    Hotline,
    MemberProfile,
    ModerationAction,
    Post,
    Reaction,
    Suspension,
    Thread,
    ThreadMember,
)
from community.permissions import is_moderator
from core.db import utcnow
from core.extensions import db
from core.i18n import WITA
from notifications.services import N_, notify

THREADS_PER_PAGE = 20
POSTS_PER_PAGE = 20
AUTO_HIDE_FLAGS = 3
NEW_MEMBER_HOURS = 24
NEW_MEMBER_THREADS_PER_DAY = 3
NEW_MEMBER_REPLIES_PER_DAY = 10
POST_INTERVAL_SECONDS = 15
REPLY_NOTICE_MINUTES = 60

THREAD_PATH = "/forum/t/{thread_id}"
POST_PATH = "/forum/p/{post_id}"
PROFILE_PATH = "/forum/u/{handle}"

DEFAULT_CRISIS_TERMS = [
    "bunuh diri", "ingin mati", "mau mati", "mengakhiri hidup", "disiksa", "dianiaya",
    "paspor ditahan", "dokumen ditahan", "dijual", "diperdagangkan", "disekap",
    "suicide", "kill myself", "want to die", "end my life", "abused", "trafficked",
    "passport held",
]
DEFAULT_HOTLINES = [
    ("SEJIWA", "119 ext 8",
     "Layanan konsultasi kesehatan jiwa. Tekan 8 setelah tersambung ke 119.",
     "Mental health support line. Press 8 after you reach 119."),
    ("Crisis Center KP2MI/BP2MI", "0800-1000",
     "Pengaduan pekerja migran: kekerasan, gaji tidak dibayar, paspor ditahan, pemulangan. Gratis.",
     "Migrant worker complaints: abuse, unpaid wages, held passports, repatriation. Free."),
    ("SAPA 129", "129",
     "Layanan Sahabat Perempuan dan Anak untuk kekerasan terhadap perempuan dan anak.",
     "Support line for violence against women and children."),
    ("Polisi", "110", "Keadaan darurat dan kejahatan.", "Emergencies and crime."),
]


class PostingRefused(Exception):
    """A post was not saved; ``message`` says why, in the user's language."""

    def __init__(self, message: str, field_name: str = "body"):
        super().__init__(message)
        self.message = message
        self.field_name = field_name


@dataclass
class PostResult:
    post: Post
    pending: bool = False
    crisis_words: list[str] = field(default_factory=list)


# --- names and pseudonyms ----------------------------------------------------------

def pseudonym_number(thread_id: int, user_id: int) -> int:
    """A stable number for ``user_id`` inside one thread; says nothing about the user."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"forum-anon:{thread_id}:{user_id}".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:4], "big") % 900 + 100


def anon_no_for(thread_id: int, user_id: int) -> int:
    """The pseudonym number of ``user_id`` in this thread; a second author whose
    number would collide takes the next free one."""
    rows = db.session.execute(
        select(Post.author_id, Post.anon_no).where(
            Post.thread_id == thread_id, Post.is_anonymous.is_(True)
        )
    ).all()
    for author_id, number in rows:
        if author_id == user_id and number:
            return number
    taken = {number for _author, number in rows}
    number = pseudonym_number(thread_id, user_id)
    while number in taken:
        number = number + 1 if number < 999 else 100
    return number


def author_label(item) -> str:
    """The name shown for a post or thread author, never revealing anonymous ones."""
    if item.is_anonymous:
        return _("Anggota anonim #%(n)d", n=item.anon_no or 0)
    author = item.author
    if author is None or author.deleted_at is not None:
        return _("Mantan anggota")
    return author.name


def author_url(item) -> str | None:
    """The author's profile page, or None for anonymous and deleted authors."""
    if item.is_anonymous or item.author_profile is None:
        return None
    return PROFILE_PATH.format(handle=item.author_profile.handle)


def _handle_base(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_name.lower())
    base = "_".join(words[:2]) if words else "anggota"
    base = base[:24]
    return base if len(base) >= 3 else f"{base}_pmi"


def profile_for(user: User) -> MemberProfile:
    """The member's forum profile, created with a handle from their name if missing."""
    profile = db.session.scalar(select(MemberProfile).where(MemberProfile.user_id == user.id))
    if profile is not None:
        return profile
    base = _handle_base(user.name)
    taken = set(
        db.session.scalars(
            select(MemberProfile.handle).where(MemberProfile.handle.startswith(base))
        )
    )
    handle, n = base, 1
    while handle in taken:
        n += 1
        handle = f"{base}{n}"
    profile = MemberProfile(user_id=user.id, handle=handle)
    db.session.add(profile)
    db.session.flush()
    return profile


def profile_by_handle(handle: str) -> MemberProfile | None:
    return db.session.scalar(
        select(MemberProfile)
        .options(joinedload(MemberProfile.user).noload(User.role_rows))
        .where(MemberProfile.handle == handle.lower())
    )


# --- listing -----------------------------------------------------------------------
# The statements of the pages people read most (a category's threads, a thread's
# posts) are built once with bind parameters: building a statement and its cache key
# on every visit cost more than running it.

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


def category_by_slug(slug: str) -> Category | None:
    return db.session.scalar(_CATEGORY_BY_SLUG, {"slug": slug})


@cache
def _threads_page_statement():
    return (
        select(Thread, ThreadMember.last_read_post_id)
        .outerjoin(
            ThreadMember,
            and_(ThreadMember.thread_id == Thread.id,
                 ThreadMember.user_id == bindparam("user_id")),
        )
        .options(*author_options(Thread), lazyload(Thread.category))
        .where(Thread.category_id == bindparam("category_id"), Thread.status == "visible")
        .order_by(Thread.is_pinned.desc(), Thread.last_activity_at.desc(), Thread.id.desc())
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )


def threads_page(category: Category, user: User, page: int, per_page: int = THREADS_PER_PAGE):
    """Visible threads of a category (pinned first, then latest activity), each with
    the reader's last read post id. Returns ``([(thread, last_read)], has_next)``."""
    params = {"user_id": user.id, "category_id": category.id,
              "limit": per_page + 1, "offset": (page - 1) * per_page}
    rows = [(thread, last_read) for thread, last_read
            in db.session.execute(_threads_page_statement(), params).unique()]
    for thread, _last_read in rows:
        set_committed_value(thread, "category", category)  # no query: it is this category
    return rows[:per_page], len(rows) > per_page


def _visible_posts_clause(user: User):
    if user.has_role("moderator", "counselor"):
        return Post.status.in_(("visible", "deleted", "pending", "hidden"))
    return or_(
        Post.status.in_(("visible", "deleted")),
        and_(Post.author_id == user.id, Post.status.in_(("pending", "hidden"))),
    )


@cache
def _posts_page_statement(sees_unpublished: bool):
    """The page of posts, for staff (every status) or for a member (their own
    pending/hidden posts besides the visible and deleted ones). The posts' thread is
    not joined in (the caller holds it) and the columns pages never show (markdown
    source, search text) are left out."""
    if sees_unpublished:
        visible = Post.status.in_(("visible", "deleted", "pending", "hidden"))
    else:
        visible = or_(
            Post.status.in_(("visible", "deleted")),
            and_(Post.author_id == bindparam("user_id"), Post.status.in_(("pending", "hidden"))),
        )
    return (
        select(Post)
        .options(*author_options(Post), lazyload(Post.thread),
                 defer(Post.body_source), defer(Post.search_text))
        .where(Post.thread_id == bindparam("thread_id"), visible)
        .order_by(Post.id)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )


def posts_page(thread: Thread, user: User, page: int, per_page: int = POSTS_PER_PAGE):
    """The posts of ``thread`` this reader may see, oldest first, 20 a page.
    Returns ``(posts, has_next)``."""
    staff = user.has_role("moderator", "counselor")
    params = {"thread_id": thread.id, "limit": per_page + 1, "offset": (page - 1) * per_page}
    if not staff:
        params["user_id"] = user.id
    posts = list(db.session.scalars(_posts_page_statement(staff), params).unique())
    for post in posts:
        set_committed_value(post, "thread", thread)  # no query: it is this thread
    return posts[:per_page], len(posts) > per_page


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


_REACTED = select(Reaction.post_id).where(
    Reaction.user_id == bindparam("user_id"),
    Reaction.post_id.in_(bindparam("post_ids", expanding=True)),
)
_THREAD_MEMBER = select(ThreadMember).where(
    ThreadMember.thread_id == bindparam("thread_id"), ThreadMember.user_id == bindparam("user_id")
)


def reacted_post_ids(user: User, post_ids: list[int]) -> set[int]:
    if not post_ids:
        return set()
    return set(db.session.scalars(_REACTED, {"user_id": user.id, "post_ids": list(post_ids)}))


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
        .limit(per_page + 1)
        .offset((page - 1) * per_page)
    )
    rows = [(thread, last_read) for thread, last_read in db.session.execute(statement).unique()]
    return rows[:per_page], len(rows) > per_page


def unread_followed_count(user: User) -> int:
    """How many followed threads have posts the member has not read."""
    return db.session.scalar(
        select(func.count(Thread.id))
        .join(ThreadMember, ThreadMember.thread_id == Thread.id)
        .where(
            ThreadMember.user_id == user.id,
            ThreadMember.following.is_(True),
            Thread.status == "visible",
            Thread.last_post_id > ThreadMember.last_read_post_id,
        )
    ) or 0


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
        .limit(per_page + 1)
        .offset((page - 1) * per_page)
    )
    threads = list(db.session.scalars(statement).unique())
    return threads[:per_page], len(threads) > per_page


def hotlines() -> list[Hotline]:
    return list(db.session.scalars(select(Hotline).order_by(Hotline.position, Hotline.id)))


# --- safety: suspensions, rate limits, crisis words --------------------------------

_ACTIVE_SUSPENSION = (
    select(Suspension)
    .where(
        Suspension.user_id == bindparam("user_id"),
        Suspension.until_at > bindparam("now"),
        Suspension.lifted_at.is_(None),
    )
    .order_by(Suspension.until_at.desc())
    .limit(1)
)


def active_suspension(user: User) -> Suspension | None:
    return db.session.scalar(_ACTIVE_SUSPENSION, {"user_id": user.id, "now": utcnow()})


def _is_new_member(user: User) -> bool:
    if user.has_role("moderator", "counselor", "admin"):
        return False
    return utcnow() - user.created_at < timedelta(hours=NEW_MEMBER_HOURS)


def suspension_message(suspension: Suspension) -> str:
    return _("Anda sedang tidak bisa menulis di forum sampai %(until)s. Alasan dari moderator: %(reason)s",
             until=suspension.until_at.astimezone(WITA).strftime("%d-%m-%Y %H:%M WITA"),
             reason=suspension.reason)


def _check_not_suspended(user: User) -> None:
    suspension = active_suspension(user)
    if suspension is not None:
        raise PostingRefused(suspension_message(suspension))


def _check_may_post(user: User, *, new_thread: bool, texts: list[str]) -> None:
    """Raise ``PostingRefused`` when a suspension or rate limit forbids this post."""
    _check_not_suspended(user)
    now = utcnow()
    interval = current_app.config.get("FORUM_POST_INTERVAL_SECONDS", POST_INTERVAL_SECONDS)
    recent = db.session.scalar(
        select(func.count(Post.id)).where(
            Post.author_id == user.id, Post.created_at > now - timedelta(seconds=interval)
        )
    )
    if recent:
        raise PostingRefused(
            _("Anda baru saja menulis. Tunggu %(seconds)d detik, lalu kirim lagi. Tulisan Anda masih ada di formulir.",
              seconds=interval)
        )
    if not _is_new_member(user):
        return
    if any(markdown.has_link(t) for t in texts):
        raise PostingRefused(
            _("Anggota baru belum bisa menulis tautan (alamat web) pada 24 jam pertama. Hapus tautannya, lalu kirim lagi.")
        )
    since = now - timedelta(hours=24)
    counts = db.session.execute(
        select(
            func.count(case((Post.is_first.is_(True), 1))),
            func.count(case((Post.is_first.is_(False), 1))),
        ).where(Post.author_id == user.id, Post.created_at > since)
    ).one()
    threads_today, replies_today = counts
    if new_thread and threads_today >= NEW_MEMBER_THREADS_PER_DAY:
        raise PostingRefused(
            _("Pada hari pertama, anggota baru bisa membuat paling banyak %(n)d topik. Silakan coba lagi besok.",
              n=NEW_MEMBER_THREADS_PER_DAY)
        )
    if not new_thread and replies_today >= NEW_MEMBER_REPLIES_PER_DAY:
        raise PostingRefused(
            _("Pada hari pertama, anggota baru bisa menulis paling banyak %(n)d balasan. Silakan coba lagi besok.",
              n=NEW_MEMBER_REPLIES_PER_DAY)
        )


def _normalise(value: str) -> str:
    return " " + " ".join(re.findall(r"\w+", (value or "").lower())) + " "


def crisis_words_in(*texts: str) -> list[str]:
    """The crisis words or phrases (admin list) that appear in ``texts``."""
    haystack = _normalise(" ".join(texts))
    found = []
    for phrase in db.session.scalars(select(CrisisTerm.phrase).order_by(CrisisTerm.id)):
        if _normalise(phrase) != "  " and _normalise(phrase) in haystack:
            found.append(phrase)
    return found


def _alert_counselors(post: Post) -> None:
    """An urgent inbox notice to every counselor, linking to the post (no content)."""
    counselors = db.session.scalars(
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == "counselor", User.active.is_(True), User.deleted_at.is_(None))
    ).unique()
    for counselor in counselors:
        if counselor.id == post.author_id:
            continue
        notify(
            counselor,
            key=f"community:u{counselor.id}:p{post.id}:crisis",
            title=N_("Tulisan di forum mungkin butuh perhatian konselor"),
            body=N_("Sebuah tulisan di forum memuat kata-kata yang menandakan krisis. Mohon dibaca dan ditanggapi dengan hati-hati."),
            url=POST_PATH.format(post_id=post.id),
            urgent=True,
        )


def _moderators() -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == "moderator", User.active.is_(True), User.deleted_at.is_(None))
        ).unique()
    )


# --- writing -----------------------------------------------------------------------

def _render(source: str) -> tuple[str, list[MemberProfile]]:
    handles = markdown.mentioned_handles(source)
    profiles = []
    if handles:
        profiles = list(
            db.session.scalars(select(MemberProfile).where(MemberProfile.handle.in_(handles[:20])))
        )
    html = markdown.render(
        source, [p.handle for p in profiles], lambda h: PROFILE_PATH.format(handle=h)
    )
    return html, profiles


def _search_text(post: Post, title: str | None) -> str:
    body = markdown.plain_text(post.body_html)
    return f"{title}\n{body}" if title else body


def _needs_approval(user: User, anonymous: bool, category: Category) -> bool:
    """A member's first anonymous post in a safe room waits for a moderator."""
    if not anonymous or not category.is_safe_room or is_moderator(user):
        return False
    approved = db.session.scalar(
        select(Post.id)
        .where(
            Post.author_id == user.id,
            Post.is_anonymous.is_(True),
            Post.approved_at.is_not(None),
        )
        .limit(1)
    )
    return approved is None


def _follow_own(user: User, thread: Thread, post: Post) -> None:
    member = thread_member(user, thread)
    if member is None:
        member = ThreadMember(thread_id=thread.id, user_id=user.id, following=True)
        db.session.add(member)
    elif member.following is None:
        member.following = True
    member.last_read_post_id = max(member.last_read_post_id or 0, post.id)
    member.last_read_at = utcnow()


def _save_post(user: User, thread: Thread, body: str, anonymous: bool, is_first: bool,
               title: str | None) -> PostResult:
    category = thread.category
    anonymous = bool(anonymous and category.is_safe_room)
    pending = _needs_approval(user, anonymous, category)
    html, mentioned = _render(body)
    post = Post(
        thread_id=thread.id,
        author_id=user.id,
        is_first=is_first,
        is_anonymous=anonymous,
        anon_no=anon_no_for(thread.id, user.id) if anonymous else None,
        body_source=body,
        body_html=html,
        status="pending" if pending else "visible",
        approved_at=None if pending else (utcnow() if anonymous else None),
    )
    post.thread = thread
    post.search_text = _search_text(post, title)
    words = crisis_words_in(title or "", body)
    post.has_crisis_words = bool(words)
    db.session.add(post)
    db.session.flush()
    if is_first:
        thread.is_anonymous = anonymous
        thread.anon_no = post.anon_no
        thread.status = post.status
    _follow_own(user, thread, post)
    if words:
        _alert_counselors(post)
    if pending:
        for moderator in _moderators():
            notify(
                moderator,
                key=f"community:u{moderator.id}:p{post.id}:pending",
                title=N_("Tulisan anonim menunggu persetujuan"),
                body=N_("Sebuah tulisan anonim pertama di ruang aman menunggu persetujuan moderator."),
                url="/forum/moderation",
            )
    else:
        publish(post, mentioned)
        category.last_activity_at = utcnow()
    refresh_thread(thread)
    if is_first:
        refresh_category(category)
    db.session.flush()
    return PostResult(post=post, pending=pending, crisis_words=words)


def create_thread(user: User, category: Category, title: str, body: str,
                  anonymous: bool = False) -> PostResult:
    """Start a thread with its opening post. Raises ``PostingRefused``."""
    _check_may_post(user, new_thread=True, texts=[title, body])
    if not anonymous:
        # A profile appearing right after an anonymous post would give its author away.
        profile_for(user)
    thread = Thread(category=category, author_id=user.id, title=title.strip())
    db.session.add(thread)
    db.session.flush()
    return _save_post(user, thread, body, anonymous, True, thread.title)


def create_reply(user: User, thread: Thread, body: str, anonymous: bool = False) -> PostResult:
    """Reply to a thread. Raises ``PostingRefused``."""
    _check_may_post(user, new_thread=False, texts=[body])
    if not anonymous:
        profile_for(user)
    return _save_post(user, thread, body, anonymous, False, None)


def edit_post(user: User, post: Post, body: str, title: str | None = None) -> PostResult:
    """Change a post within the edit window (the view checks ``can_edit_post``)."""
    _check_not_suspended(user)
    if _is_new_member(user) and any(markdown.has_link(t) for t in (body, title or "")):
        raise PostingRefused(
            _("Anggota baru belum bisa menulis tautan (alamat web) pada 24 jam pertama. Hapus tautannya, lalu kirim lagi.")
        )
    thread = post.thread
    if post.is_first and title:
        thread.title = title.strip()
    html, _mentioned = _render(body)
    post.body_source = body
    post.body_html = html
    post.search_text = _search_text(post, thread.title if post.is_first else None)
    post.edited_at = utcnow()
    words = crisis_words_in(thread.title if post.is_first else "", body)
    post.has_crisis_words = post.has_crisis_words or bool(words)
    if words:
        _alert_counselors(post)
    db.session.flush()
    return PostResult(post=post, pending=post.status == "pending", crisis_words=words)


def delete_post(user: User, post: Post) -> None:
    """The author removes their post: its text is erased, a placeholder remains."""
    _erase(post)
    refresh_thread(post.thread)
    refresh_category(post.thread.category)
    db.session.flush()


def _erase(post: Post) -> None:
    post.status = "deleted"
    post.deleted_at = utcnow()
    post.body_source = ""
    post.body_html = ""
    post.search_text = ""


def publish(post: Post, mentioned: list[MemberProfile] | None = None) -> None:
    """A post became visible: tell followers (batched per thread) and mentioned members."""
    thread = post.thread
    safe_room = thread.category.is_safe_room
    if mentioned is None:
        _html, mentioned = _render(post.body_source)
    notified: set[int] = {post.author_id} if post.author_id else set()
    for profile in mentioned[:10]:
        if profile.user_id in notified:
            continue
        notified.add(profile.user_id)
        notify(
            profile.user,
            key=f"community:u{profile.user_id}:p{post.id}:mention",
            title=N_("Anda disebut di forum"),
            body=N_("Seseorang menyebut nama Anda dalam sebuah tulisan di forum."),
            url=POST_PATH.format(post_id=post.id),
        )
    if post.is_first:
        return
    minutes = current_app.config.get("FORUM_REPLY_NOTICE_MINUTES", REPLY_NOTICE_MINUTES)
    bucket = int(utcnow().timestamp()) // (minutes * 60)
    followers = db.session.scalars(
        select(User)
        .join(ThreadMember, ThreadMember.user_id == User.id)
        .where(
            ThreadMember.thread_id == thread.id,
            ThreadMember.following.is_(True),
            User.deleted_at.is_(None),
        )
    ).unique()
    for follower in followers:
        if follower.id in notified:
            continue
        if safe_room:
            title = N_("Balasan baru di topik ruang aman yang Anda ikuti")
            body, params = N_("Ada balasan baru. Buka untuk membacanya."), {}
        else:
            title = N_("Balasan baru di topik yang Anda ikuti")
            body, params = N_("Ada balasan baru di \"%(title)s\"."), {"title": thread.title}
        notify(
            follower,
            key=f"community:u{follower.id}:t{thread.id}:replies:{bucket}",
            title=title,
            body=body,
            params=params,
            url=THREAD_PATH.format(thread_id=thread.id) + "/new",
            # A follower of a safe-room topic may be its anonymous author: keep the
            # notice in the inbox, away from WhatsApp/SMS and staff call lists.
            channels=["in_app"] if safe_room else None,
        )


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


def toggle_reaction(user: User, post: Post) -> bool:
    """Add or take back a "terima kasih". Returns whether it is now given."""
    existing = db.session.scalar(
        select(Reaction).where(Reaction.post_id == post.id, Reaction.user_id == user.id)
    )
    if existing is not None:
        db.session.delete(existing)
        given = False
    else:
        db.session.add(Reaction(post_id=post.id, user_id=user.id))
        given = True
    db.session.flush()
    post.reaction_count = db.session.scalar(
        select(func.count(Reaction.id)).where(Reaction.post_id == post.id)
    ) or 0
    db.session.flush()
    return given


def flag_post(user: User, post: Post, reason: str, note: str = "") -> bool:
    """Report a post. After reports from three different members it is hidden until
    a moderator looks at it. Returns False when this member had already reported it."""
    exists = db.session.scalar(
        select(Flag.id).where(Flag.post_id == post.id, Flag.user_id == user.id)
    )
    if exists:
        return False
    db.session.add(Flag(post_id=post.id, user_id=user.id, reason=reason, note=note.strip()))
    db.session.flush()
    open_flags = db.session.scalar(
        select(func.count(func.distinct(Flag.user_id))).where(
            Flag.post_id == post.id, Flag.resolved_at.is_(None)
        )
    ) or 0
    if open_flags >= AUTO_HIDE_FLAGS and post.status == "visible":
        post.status = "hidden"
        post.hidden_at = utcnow()
        db.session.add(
            ModerationAction(
                moderator_id=None,
                action="auto_hide",
                thread_id=post.thread_id,
                post_id=post.id,
                target_user_id=post.author_id,
                conceals_identity=post.is_anonymous,
                reason=f"{open_flags} flags",
            )
        )
        refresh_thread(post.thread)
        refresh_category(post.thread.category)
        for moderator in _moderators():
            notify(
                moderator,
                key=f"community:u{moderator.id}:p{post.id}:auto-hidden",
                title=N_("Tulisan disembunyikan otomatis"),
                body=N_("Tiga anggota melaporkan sebuah tulisan, jadi tulisan itu disembunyikan sampai moderator memeriksanya."),
                url="/forum/moderation",
            )
    db.session.flush()
    return True


# --- defaults ----------------------------------------------------------------------

def seed_defaults() -> None:
    """The crisis words and hotlines every installation starts with (idempotent:
    only when the admin lists are empty, so an admin's deletions stick)."""
    if db.session.scalar(select(func.count(CrisisTerm.id))) == 0:
        for phrase in DEFAULT_CRISIS_TERMS:
            db.session.add(CrisisTerm(phrase=phrase))
    if db.session.scalar(select(func.count(Hotline.id))) == 0:
        for position, (name, number, desc_id, desc_en) in enumerate(DEFAULT_HOTLINES):
            db.session.add(
                Hotline(name=name, number=number, description_id=desc_id,
                        description_en=desc_en, position=position)
            )
    db.session.flush()


# --- personal data (UU PDP) --------------------------------------------------------

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
            _erase(post)
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
