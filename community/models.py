"""The forum: categories, threads, posts, reactions, flags, moderation and safety lists.

Counters on categories and threads (thread count, reply count, latest activity) are
kept by ``reading.refresh_*`` so the list pages read one row per item. Anonymous
authorship is stored (``author_id``) so a moderator can reveal it through a logged
action, but nothing shown to anyone else reads it: pages use ``display_author``.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    column,
    event,
    false,
    func,
    literal_column,
)
from sqlalchemy.orm import Mapped, foreign, mapped_column, relationship

from accounts.models import User
from core.db import UTCDateTime, utcnow
from core.extensions import db
from core.i18n import current_language

POST_STATUSES = ("pending", "visible", "hidden", "deleted")
FLAG_REASONS = ("spam", "abusive", "personal_info", "scam", "other")


def in_language(language: str, indonesian: str, english: str | None) -> str:
    """A category's text for a reader in ``language``: the English one for an English
    reader when it was written, else the Indonesian (the forum's own language)."""
    return english if language == "en" and english else indonesian


class Category(db.Model):
    """A forum room. Names and descriptions exist in both languages."""

    __tablename__ = "community_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name_id: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    description_id: Mapped[str] = mapped_column(String(300), default="")
    description_en: Mapped[str] = mapped_column(String(300), default="")
    is_safe_room: Mapped[bool] = mapped_column(default=False)
    # Shows the "placement is free, check the agency's licence" banner.
    shows_calo_banner: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    thread_count: Mapped[int] = mapped_column(default=0)
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def name(self) -> str:
        return in_language(current_language(), self.name_id, self.name_en)

    @property
    def description(self) -> str:
        return in_language(current_language(), self.description_id, self.description_en)


class MemberProfile(db.Model):
    """A member's forum handle (for ``@mentions`` and the profile page URL)."""

    __tablename__ = "community_member_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    handle: Mapped[str] = mapped_column(String(40), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class Thread(db.Model):
    """A conversation. Authorship mirrors its opening post (``Post.is_first``)."""

    __tablename__ = "community_threads"
    __table_args__ = (
        Index(
            "ix_community_threads_listing",
            "category_id",
            "status",
            "is_pinned",
            "last_activity_at",
        ),
        Index("ix_community_threads_author", "author_id", "status", "is_anonymous"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("community_categories.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(160))
    is_anonymous: Mapped[bool] = mapped_column(default=False)
    anon_no: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(12), default="visible")
    is_pinned: Mapped[bool] = mapped_column(default=False)
    is_locked: Mapped[bool] = mapped_column(default=False)
    # Set once the thread is (or was) in a safe room, or holds an anonymous post, and
    # never cleared: its notices stay in the inbox wherever a moderator moves it, so
    # no WhatsApp/SMS text or staff call list ties a member to it (issue 8, item 5).
    was_in_safe_room: Mapped[bool] = mapped_column(default=False, server_default=false())
    reply_count: Mapped[int] = mapped_column(default=0)
    last_post_id: Mapped[int] = mapped_column(default=0)  # no FK: posts point here
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    category: Mapped[Category] = relationship(lazy="joined", innerjoin=True)
    author: Mapped[User | None] = relationship(lazy="joined")
    author_profile: Mapped[MemberProfile | None] = relationship(
        primaryjoin=lambda: foreign(Thread.author_id) == MemberProfile.user_id,
        viewonly=True,
        lazy="joined",
    )


class Post(db.Model):
    """One message in a thread: markdown source and its sanitised HTML, rendered on save."""

    __tablename__ = "community_posts"
    __table_args__ = (
        Index("ix_community_posts_thread", "thread_id", "status", "id"),
        Index("ix_community_posts_author_created", "author_id", "created_at"),
        # PostgreSQL full-text search over titles and bodies. The expression must match
        # the one in search.py exactly for the planner to use the index. SQLite uses
        # FTS5 instead (search.py creates the virtual table and its triggers).
        Index(
            "ix_community_posts_search",
            func.to_tsvector(literal_column("'simple'::regconfig"), column("search_text")),
            postgresql_using="gin",
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("community_threads.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    is_first: Mapped[bool] = mapped_column(default=False)
    is_anonymous: Mapped[bool] = mapped_column(default=False)
    anon_no: Mapped[int | None]
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)  # sanitised once on save (markdown.py)
    # Plain text for search and snippets: the title (opening post) and the body.
    search_text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="visible")
    reaction_count: Mapped[int] = mapped_column(default=0)
    has_crisis_words: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Hidden automatically by members' reports (not by a moderator): the writer is
    # told so, and a moderator's decision clears it.
    hidden_by_reports: Mapped[bool] = mapped_column(default=False, server_default=false())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    thread: Mapped[Thread] = relationship(lazy="joined", innerjoin=True)
    author: Mapped[User | None] = relationship(lazy="joined")
    author_profile: Mapped[MemberProfile | None] = relationship(
        primaryjoin=lambda: foreign(Post.author_id) == MemberProfile.user_id,
        viewonly=True,
        lazy="joined",
    )


@event.listens_for(Post.__table__, "after_create")
def _create_sqlite_search_index(target, connection, **kw):
    from community.search import install_sqlite_index

    install_sqlite_index(connection, rebuild=True)


class Reaction(db.Model):
    """A "terima kasih" on a post, one per member."""

    __tablename__ = "community_reactions"
    __table_args__ = (UniqueConstraint("post_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("community_posts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ThreadMember(db.Model):
    """A member's relation to a thread: following, and how far they have read."""

    __tablename__ = "community_thread_members"
    __table_args__ = (UniqueConstraint("thread_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("community_threads.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # None: never chosen (not following); True/False: the member's choice.
    following: Mapped[bool | None]
    last_read_post_id: Mapped[int] = mapped_column(default=0)
    last_read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Flag(db.Model):
    """A member's report of a post. Open until a moderator resolves it."""

    __tablename__ = "community_flags"
    __table_args__ = (
        UniqueConstraint("post_id", "user_id"),
        Index("ix_community_flags_open", "resolved_at", "post_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("community_posts.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class ModerationAction(db.Model):
    """The moderation log: every moderator action, and automatic hides."""

    __tablename__ = "community_moderation_log"
    __table_args__ = (Index("ix_community_moderation_log_created", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(30))
    thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("community_threads.id", ondelete="SET NULL")
    )
    post_id: Mapped[int | None] = mapped_column(
        ForeignKey("community_posts.id", ondelete="SET NULL")
    )
    # The member the action was about. When ``conceals_identity`` is set (the post
    # was anonymous) the log page never shows who it was.
    target_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    conceals_identity: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(String(500), default="")

    moderator: Mapped[User | None] = relationship(foreign_keys=[moderator_id], lazy="joined")
    target: Mapped[User | None] = relationship(foreign_keys=[target_user_id], lazy="joined")
    thread: Mapped[Thread | None] = relationship(foreign_keys=[thread_id], lazy="joined")


class Suspension(db.Model):
    """A member may not post until ``until_at``."""

    __tablename__ = "community_suspensions"
    __table_args__ = (Index("ix_community_suspensions_user_until", "user_id", "until_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    until_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(String(500))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CrisisTerm(db.Model):
    """A word or phrase that shows the writer the hotlines and alerts counselors."""

    __tablename__ = "community_crisis_terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    phrase: Mapped[str] = mapped_column(String(80), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Hotline(db.Model):
    """A help line shown on the crisis card and the help page (admin-editable)."""

    __tablename__ = "community_hotlines"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    number: Mapped[str] = mapped_column(String(40))
    description_id: Mapped[str] = mapped_column(String(300), default="")
    description_en: Mapped[str] = mapped_column(String(300), default="")
    position: Mapped[int] = mapped_column(default=0)

    @property
    def description(self) -> str:
        if current_language() == "en" and self.description_en:
            return self.description_en
        return self.description_id

    @property
    def tel(self) -> str:
        """Digits for a ``tel:`` link (the first number when there is an extension)."""
        head = self.number.split("ext")[0]
        return "".join(ch for ch in head if ch.isdigit() or ch == "+")
