"""Forum safety: suspensions, the posting rate limits and new-member rules, and
crisis words (which show the writer the help lines and alert counselors).

Plain functions; they only flush.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, case, func, select
from sqlalchemy.orm import lazyload, load_only

from accounts.models import User
from community import markdown
from community.models import CrisisTerm, Post, Suspension
from core.db import utcnow
from core.errors import Refused
from core.extensions import db
from core.i18n import format_wita
from core.links import site_path
from notifications.services import N_, notify_role

NEW_MEMBER_HOURS = 24
NEW_MEMBER_THREADS_PER_DAY = 3
NEW_MEMBER_REPLIES_PER_DAY = 10
POST_INTERVAL_SECONDS = 15


class PostingRefused(Refused):
    """A post was not saved; the message (shown under the text, field ``body``) says
    why, in the user's language."""

    def __init__(self, message, field_name: str = "body", **params) -> None:
        super().__init__(message, field_name=field_name, **params)



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


def is_new_member(user: User) -> bool:
    if user.has_role("moderator", "counselor", "admin"):
        return False
    return utcnow() - user.created_at < timedelta(hours=NEW_MEMBER_HOURS)


def suspension_message(suspension: Suspension) -> str:
    return _("Anda sedang tidak bisa menulis di forum sampai %(until)s. Alasan dari moderator: %(reason)s",
             until=format_wita(suspension.until_at, "short_datetime"),
             reason=suspension.reason)


def check_not_suspended(user: User) -> None:
    suspension = active_suspension(user)
    if suspension is not None:
        raise PostingRefused(suspension_message(suspension))


def check_may_post(user: User, *, new_thread: bool, texts: list[str]) -> None:
    """Raise ``PostingRefused`` when a suspension or rate limit forbids this post."""
    check_not_suspended(user)
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
    if not is_new_member(user):
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


PREVIEW_POSTS = 500
PREVIEW_EXAMPLES = 5


@dataclass
class TermPreview:
    """What a crisis term would have matched among recent posts, before it is saved."""

    phrase: str
    checked: int
    match_count: int
    examples: list[Post]

    @property
    def single_word(self) -> bool:
        return len(_normalise(self.phrase).split()) == 1


def preview_crisis_term(phrase: str) -> TermPreview:
    """Try ``phrase`` against the latest visible posts the way posting would: an
    admin sees how many it would have marked (and which) before saving it, so a
    common word such as "dijual" does not turn every sales post into a crisis."""
    needle = _normalise(phrase)
    rows = db.session.scalars(
        select(Post)
        .options(load_only(Post.id, Post.thread_id, Post.search_text), lazyload("*"))
        .where(Post.status == "visible")
        .order_by(Post.id.desc())
        .limit(PREVIEW_POSTS)
    ).all()
    matches = [post for post in rows if needle.strip() and needle in _normalise(post.search_text)]
    return TermPreview(phrase=phrase, checked=len(rows), match_count=len(matches),
                       examples=matches[:PREVIEW_EXAMPLES])


def alert_counselors(post: Post) -> None:
    """An urgent inbox notice to every counselor, linking to the post (no content)."""
    notify_role(
        "counselor",
        key=lambda counselor: f"community:u{counselor.id}:p{post.id}:crisis",
        skip=post.author_id,
        title=N_("Tulisan di forum mungkin butuh perhatian konselor"),
        body=N_("Sebuah tulisan di forum memuat kata-kata yang menandakan krisis. Mohon dibaca dan ditanggapi dengan hati-hati."),
        url=site_path("community.post", post_id=post.id),
        urgent=True,
    )


def tell_moderators(post: Post, event: str, title: str, body: str) -> None:
    """An inbox-and-usual-channels notice to every moderator about ``post``, pointing
    to the queue (about the post, never its author)."""
    notify_role(
        "moderator",
        key=lambda moderator: f"community:u{moderator.id}:p{post.id}:{event}",
        title=title,
        body=body,
        url=site_path("community.moderation_queue"),
    )
