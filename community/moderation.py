"""Moderation operations: the queue, approve/hide, lock/pin/move, suspend, reveal.

Every action is written to the moderation log (``ModerationAction``) and changes
state only from the one the moderator saw (``core.status.change_status``): of two
moderators pressing at the same moment, one wins and the other reads "changed
meanwhile". Revealing
who wrote an anonymous post also goes to the audit log, with the reason. Plain
functions taking the acting moderator; they only flush.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from accounts import audit
from accounts.models import User
from community.models import Category, Flag, ModerationAction, Post, Suspension, Thread
from community.posting import keeps_to_inbox, publish
from community.reading import refresh_category, refresh_thread
from core.db import utcnow
from core.extensions import db
from core.i18n import format_wita
from core.links import site_path
from core.status import StatusChanged, change_status
from notifications.services import N_, notify

LOG_PER_PAGE = 50


@dataclass
class QueueItem:
    post: Post
    flag_count: int
    reasons: list[str]


def _log(moderator: User | None, action: str, *, post: Post | None = None,
         thread: Thread | None = None, reason: str = "") -> ModerationAction:
    thread = thread or (post.thread if post is not None else None)
    target_id = post.author_id if post is not None else (thread.author_id if thread else None)
    anonymous = post.is_anonymous if post is not None else bool(thread and thread.is_anonymous)
    entry = ModerationAction(
        moderator_id=moderator.id if moderator else None,
        action=action,
        thread_id=thread.id if thread else None,
        post_id=post.id if post is not None else None,
        target_user_id=target_id,
        conceals_identity=anonymous,
        reason=reason.strip()[:500],
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def queue() -> list[QueueItem]:
    """Posts waiting for approval and posts with open reports, oldest first."""
    flag_rows = db.session.execute(
        select(Flag.post_id, Flag.reason).where(Flag.resolved_at.is_(None))
    ).all()
    reasons: dict[int, list[str]] = {}
    for post_id, reason in flag_rows:
        reasons.setdefault(post_id, []).append(reason)
    statement = (
        select(Post)
        .where(
            (Post.status == "pending")
            | (Post.id.in_(list(reasons)) & (Post.status != "deleted"))
        )
        .order_by(Post.created_at)
        .limit(100)
    )
    posts = db.session.scalars(statement).unique()
    return [
        QueueItem(post=p, flag_count=len(reasons.get(p.id, [])), reasons=sorted(set(reasons.get(p.id, []))))
        for p in posts
    ]


def _resolve_flags(moderator: User, post: Post) -> int:
    """Close the open reports of ``post``; returns how many were still open."""
    return db.session.execute(
        update(Flag)
        .where(Flag.post_id == post.id, Flag.resolved_at.is_(None))
        .values(resolved_at=utcnow(), resolved_by_id=moderator.id)
        .execution_options(synchronize_session=False)
    ).rowcount


def _after_status_change(post: Post) -> None:
    refresh_thread(post.thread)
    refresh_category(post.thread.category)
    db.session.flush()


MODERATED_MEANWHILE = _l(
    "Tulisan atau topik ini sudah diubah moderator lain sejak Anda membukanya. "
    "Lihat keadaannya sekarang, lalu putuskan lagi."
)


def _change(post: Post, expected, to: str, **values) -> None:
    """Move ``post`` to ``to`` only from the status the moderator saw (``expected``,
    implied by the button they pressed); ``StatusChanged`` otherwise."""
    change_status(Post, post, expected, to, message=MODERATED_MEANWHILE, **values)


def approve(moderator: User, post: Post, reason: str = "") -> None:
    """A pending post becomes visible; followers and mentions are told now."""
    _change(post, "pending", "visible", approved_at=utcnow())
    _log(moderator, "approve", post=post, reason=reason)
    _after_status_change(post)
    publish(post)
    if post.author is not None:
        notify(
            post.author,
            key=f"community:u{post.author_id}:p{post.id}:approved",
            # Only anonymous safe-room posts wait for approval: in the inbox only, so no
            # WhatsApp/SMS failure puts the author's name on a staff call list.
            channels=["in_app"],
            title=N_("Tulisan Anda sudah tampil di forum"),
            body=N_("Moderator sudah menyetujui tulisan Anda. Terima kasih sudah berbagi."),
            url=site_path("community.post", post_id=post.id),
        )


def reject(moderator: User, post: Post, reason: str = "") -> None:
    """A pending post stays out of sight (hidden); the writer is told, gently."""
    _change(post, "pending", "hidden", hidden_at=utcnow(), hidden_by_reports=False)
    _log(moderator, "reject", post=post, reason=reason)
    _after_status_change(post)
    if post.author is not None:
        notify(
            post.author,
            key=f"community:u{post.author_id}:p{post.id}:rejected",
            # Only anonymous safe-room posts wait for approval: in the inbox only, so no
            # WhatsApp/SMS failure puts the author's name on a staff call list.
            channels=["in_app"],
            title=N_("Tulisan Anda belum bisa ditampilkan"),
            body=N_("Moderator belum bisa menampilkan tulisan Anda. Anda tetap bisa membacanya sendiri, dan bisa menulis lagi kapan saja."),
            url=site_path("community.post", post_id=post.id),
        )


def hide(moderator: User, post: Post, reason: str = "") -> None:
    """A visible (or pending) post is hidden; its open reports are closed."""
    _change(post, ("visible", "pending"), "hidden", hidden_at=utcnow(), hidden_by_reports=False)
    _resolve_flags(moderator, post)
    _log(moderator, "hide", post=post, reason=reason)
    _after_status_change(post)


def unhide(moderator: User, post: Post, reason: str = "") -> None:
    """A hidden post shows again; its open reports are closed."""
    approved = {"approved_at": utcnow()} if post.is_anonymous and post.approved_at is None else {}
    _change(post, "hidden", "visible", hidden_at=None, hidden_by_reports=False, **approved)
    _resolve_flags(moderator, post)
    _log(moderator, "unhide", post=post, reason=reason)
    _after_status_change(post)


def dismiss_flags(moderator: User, post: Post, reason: str = "") -> None:
    """The reports were not right: close them (an auto-hidden post shows again).
    Refused when another moderator closed them meanwhile."""
    if not _resolve_flags(moderator, post):
        raise StatusChanged(message=MODERATED_MEANWHILE)
    _log(moderator, "dismiss_flags", post=post, reason=reason)
    if post.status == "hidden" and post.hidden_by_reports:
        _change(post, "hidden", "visible", hidden_at=None, hidden_by_reports=False)
    _after_status_change(post)


THREAD_ACTIONS = {
    "lock": ("is_locked", True),
    "unlock": ("is_locked", False),
    "pin": ("is_pinned", True),
    "unpin": ("is_pinned", False),
}


def set_thread_flag(moderator: User, thread: Thread, action: str, reason: str = "") -> None:
    """Lock/unlock or pin/unpin a thread, only from the opposite state (the one the
    moderator saw): a second moderator's same click is refused, not logged twice."""
    attribute, value = THREAD_ACTIONS[action]
    change_status(Thread, thread, [not value], value, column=attribute, message=MODERATED_MEANWHILE)
    _log(moderator, action, thread=thread, reason=reason)


def move_thread(moderator: User, thread: Thread, category: Category, reason: str = "",
                seen_category_id: int | None = None) -> None:
    """Move a thread to another category. Moving out of a safe room keeps anonymous
    posts anonymous, and the thread's notices in the inbox (``was_in_safe_room``);
    anonymous posting is only offered in safe rooms from then on."""
    old = thread.category
    if old.id == category.id:
        return
    remembered = {"was_in_safe_room": True} if category.is_safe_room else {}
    change_status(Thread, thread, [seen_category_id or old.id], category.id, column="category_id",
                  message=MODERATED_MEANWHILE, **remembered)
    set_committed_value(thread, "category", category)
    _log(moderator, "move", thread=thread, reason=f"{old.slug} → {category.slug}. {reason}".strip())
    db.session.flush()
    refresh_category(old)
    refresh_category(category)


def remember_safe_room(category: Category) -> None:
    """A category became (or stays) a safe room: its threads keep their notices in
    the inbox from now on, even if the admin turns the safe room off later."""
    db.session.execute(
        update(Thread)
        .where(Thread.category_id == category.id, Thread.was_in_safe_room.is_(False))
        .values(was_in_safe_room=True)
    )


def suspend(moderator: User, post: Post, days: int, reason: str) -> Suspension | None:
    """Suspend the author of ``post`` from posting for ``days`` days. Works for
    anonymous posts without showing the moderator who the author is."""
    if post.author is None:
        return None
    until = utcnow() + timedelta(days=days)
    suspension = Suspension(
        user_id=post.author_id, until_at=until, reason=reason.strip(), created_by_id=moderator.id
    )
    db.session.add(suspension)
    _log(moderator, "suspend", post=post, reason=f"{days} d: {reason}")
    notify(
        post.author,
        key=f"community:u{post.author_id}:suspension:{int(until.timestamp())}",
        title=N_("Anda sementara tidak bisa menulis di forum"),
        body=N_("Moderator menangguhkan akses menulis Anda sampai %(until)s. Anda tetap bisa membaca forum. Alasannya ada di halaman forum."),
        params={"until": format_wita(until, "short_datetime", locale=post.author.locale or "id")},
        url=site_path("community.index"),
        channels=["in_app"] if post.is_anonymous or keeps_to_inbox(post.thread) else None,
    )
    db.session.flush()
    return suspension


def reveal_author(moderator: User, post: Post, reason: str) -> User | None:
    """Show a moderator who wrote an anonymous post; logged with the reason in the
    moderation log and the audit log."""
    _log(moderator, "reveal", post=post, reason=reason)
    audit.record(
        moderator,
        "forum.reveal_author",
        subject=post.author,
        object_type="community_post",
        object_id=post.id,
        detail=reason.strip()[:500],
    )
    return post.author


def log_page(page: int, per_page: int = LOG_PER_PAGE):
    statement = select(ModerationAction).order_by(ModerationAction.id.desc())
    return db.paginate(statement, page=page, per_page=per_page, error_out=False)


def queue_count_statements():
    """How many posts wait for approval, and how many (not deleted) carry open
    reports, as two count statements: the moderator's panel on their home asks
    them together with the member's own counts (``community.home``)."""
    waiting = select(func.count(Post.id)).where(Post.status == "pending")
    reported = (
        select(func.count(func.distinct(Flag.post_id)))
        .join(Post, Post.id == Flag.post_id)
        .where(Flag.resolved_at.is_(None), Post.status != "deleted")
    )
    return waiting, reported
