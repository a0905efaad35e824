"""What the forum reads for the home page: how many followed threads have unread
replies (the member's card) and, for a moderator only, the moderation queue counts
(their panel), asked with every other part of the home in one statement
(``core.home.home_query``)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from community.moderation import queue_count_statements
from community.permissions import can_moderate
from community.reading import unread_followed_statement
from core.home import USER_ID, home_query, home_row


@dataclass(frozen=True)
class HomeCounts:
    unread_followed: int
    waiting: int | None = None  # None: the viewer is no moderator
    reported: int | None = None


def unread_statement():
    return select(unread_followed_statement(USER_ID()).scalar_subquery().label("unread"))


def queue_statement():
    waiting, reported = queue_count_statements()
    return select(waiting.scalar_subquery().label("waiting"), reported.scalar_subquery().label("reported"))


def home_counts(user) -> HomeCounts:
    """The forum's counts for ``user``'s home."""
    unread = home_row("community", user)
    count = (unread.unread or 0) if unread is not None else 0
    queue = home_row("community_queue", user)
    if queue is None:
        return HomeCounts(count)
    return HomeCounts(count, queue.waiting or 0, queue.reported or 0)


def connect() -> None:
    home_query("community", unread_statement)
    home_query("community_queue", queue_statement, when=can_moderate)
