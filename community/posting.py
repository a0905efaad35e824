"""Writing in the forum: threads, replies, edits, deletion, reactions and reports.

Plain functions that take the acting user explicitly and only flush; the view (or
job, or CLI command) commits. People are told things only through ``notify``.
Every notification key to a person starts with ``community:u<user id>:`` so their
pending messages can be cancelled when the account is deleted.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from accounts.models import User
from community import markdown
from community.models import (
    Category,
    Flag,
    MemberProfile,
    ModerationAction,
    Post,
    Reaction,
    Thread,
    ThreadMember,
)
from community.permissions import is_moderator
from community.profiles import PROFILE_PATH, anon_no_for, profile_for
from community.reading import (
    refresh_category,
    refresh_thread,
    thread_member,
)
from community.safety import (
    PostingRefused,
    alert_counselors,
    check_may_post,
    check_not_suspended,
    crisis_words_in,
    is_new_member,
    tell_moderators,
)
from core.db import utcnow
from core.extensions import db
from core.links import site_path
from core.status import StatusChanged, change_status
from notifications.services import N_, notify

AUTO_HIDE_FLAGS = 3
REPLY_NOTICE_MINUTES = 60


@dataclass
class PostResult:
    post: Post
    pending: bool = False
    crisis_words: list[str] = field(default_factory=list)



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


def _check_anonymity(category: Category, anonymous: bool) -> None:
    """Anonymity is honoured in safe rooms only; asked for anywhere else, nothing is
    saved (never published under the real name instead)."""
    if anonymous and not category.is_safe_room:
        raise PostingRefused(
            _("Di kategori ini tulisan tidak bisa dikirim sebagai Anggota anonim: itu hanya bisa di ruang aman. Tulisan Anda belum dikirim dan masih ada di formulir. Kirim lagi tanpa centang anonim bila Anda mau memakai nama Anda.")
        )


def new_post(thread: Thread, author: User, body: str, html: str, *, anonymous: bool,
             is_first: bool, pending: bool = False, title: str | None = None,
             created_at: datetime | None = None) -> Post:
    """A post object (not yet added): its pseudonym when anonymous, its status, the
    approval time of a published anonymous post, and its search text."""
    when = created_at or utcnow()
    post = Post(
        thread_id=thread.id,
        author_id=author.id,
        is_first=is_first,
        is_anonymous=anonymous,
        anon_no=anon_no_for(thread.id, author.id) if anonymous else None,
        body_source=body,
        body_html=html,
        status="pending" if pending else "visible",
        created_at=when,
        approved_at=None if pending else (when if anonymous else None),
    )
    post.thread = thread
    post.search_text = _search_text(post, title)
    return post


def _save_post(user: User, thread: Thread, body: str, anonymous: bool, is_first: bool,
               title: str | None) -> PostResult:
    category = thread.category
    pending = _needs_approval(user, anonymous, category)
    html, mentioned = _render(body)
    post = new_post(thread, user, body, html, anonymous=anonymous, is_first=is_first,
                    pending=pending, title=title)
    words = crisis_words_in(title or "", body)
    post.has_crisis_words = bool(words)
    db.session.add(post)
    db.session.flush()
    if is_first:
        thread.is_anonymous = anonymous
        thread.anon_no = post.anon_no
        thread.status = post.status
    if anonymous or category.is_safe_room:
        thread.was_in_safe_room = True
    _follow_own(user, thread, post)
    if words:
        alert_counselors(post)
    if pending:
        tell_moderators(
            post, "pending",
            title=N_("Tulisan anonim menunggu persetujuan"),
            body=N_("Sebuah tulisan anonim pertama di ruang aman menunggu persetujuan moderator."),
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
    _check_anonymity(category, anonymous)
    check_may_post(user, new_thread=True, texts=[title, body])
    if not anonymous:
        # A profile appearing right after an anonymous post would give its author away.
        profile_for(user)
    thread = Thread(category=category, author_id=user.id, title=title.strip())
    db.session.add(thread)
    db.session.flush()
    return _save_post(user, thread, body, anonymous, True, thread.title)


def create_reply(user: User, thread: Thread, body: str, anonymous: bool = False) -> PostResult:
    """Reply to a thread. Raises ``PostingRefused``."""
    _check_anonymity(thread.category, anonymous)
    check_may_post(user, new_thread=False, texts=[body])
    if not anonymous:
        profile_for(user)
    return _save_post(user, thread, body, anonymous, False, None)


def edit_post(user: User, post: Post, body: str, title: str | None = None) -> PostResult:
    """Change a post within the edit window (the view checks ``can_edit_post``)."""
    check_not_suspended(user)
    if is_new_member(user) and any(markdown.has_link(t) for t in (body, title or "")):
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
        alert_counselors(post)
    db.session.flush()
    return PostResult(post=post, pending=post.status == "pending", crisis_words=words)


def delete_post(user: User, post: Post) -> None:
    """The author removes their post: its text is erased, a placeholder remains."""
    erase(post)
    refresh_thread(post.thread)
    refresh_category(post.thread.category)
    db.session.flush()


def erase(post: Post) -> None:
    post.status = "deleted"
    post.deleted_at = utcnow()
    post.body_source = ""
    post.body_html = ""
    post.search_text = ""


def keeps_to_inbox(thread: Thread) -> bool:
    """Whether notices about ``thread`` stay in the inbox (no WhatsApp/SMS/email, no
    staff call list): once in a safe room, or with an anonymous post, always."""
    return bool(thread.was_in_safe_room or thread.category.is_safe_room)


def publish(post: Post, mentioned: list[MemberProfile] | None = None) -> None:
    """A post became visible: tell followers (batched per thread) and mentioned members."""
    thread = post.thread
    safe_room = keeps_to_inbox(thread)
    channels = ["in_app"] if safe_room else None
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
            url=site_path("community.post", post_id=post.id),
            channels=channels,
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
            url=site_path("community.thread_new", thread_id=thread.id),
            # A follower of a safe-room topic may be its anonymous author: keep the
            # notice in the inbox, away from WhatsApp/SMS and staff call lists, also
            # after the topic is moved out of the safe room.
            channels=channels,
        )


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


def _hide_by_reports(post: Post) -> bool:
    """Hide a visible post after the third report; False when it is not visible any
    more (a moderator, or a report at the same moment, got there first)."""
    try:
        change_status(Post, post, "visible", "hidden", hidden_at=utcnow(), hidden_by_reports=True)
    except StatusChanged:
        return False
    return True


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
    if open_flags >= AUTO_HIDE_FLAGS and _hide_by_reports(post):
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
        tell_moderators(
            post, "auto-hidden",
            title=N_("Tulisan disembunyikan otomatis"),
            body=N_("Tiga anggota melaporkan sebuah tulisan, jadi tulisan itu disembunyikan sampai moderator memeriksanya."),
        )
        if post.author is not None:
            notify(
                post.author,
                key=f"community:u{post.author_id}:p{post.id}:hidden-by-reports",
                title=N_("Tulisan Anda disembunyikan sementara"),
                body=N_("Beberapa anggota melaporkan tulisan Anda, jadi tulisan itu disembunyikan otomatis sampai moderator memeriksanya. Moderator belum memutuskan apa pun."),
                url=site_path("community.post", post_id=post.id),
                # Inbox only: the writer may be anonymous, and a report is nothing to
                # read out to the family from a phone.
                channels=["in_app"],
            )
    db.session.flush()
    return True
