"""What the forum reads for the home page, in one query: how many followed
threads have unread replies (the member's card) and, for a moderator only, the
moderation queue counts (their panel). The card and the panel share it through
``core.home.once_per_request``."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from community.moderation import queue_count_statements
from community.permissions import can_moderate
from community.reading import unread_followed_statement
from core.extensions import db
from core.home import once_per_request


@dataclass(frozen=True)
class HomeCounts:
    unread_followed: int
    waiting: int | None = None  # None: the viewer is no moderator
    reported: int | None = None


def home_counts(user) -> HomeCounts:
    """The forum's counts for ``user``'s home (one query per request)."""

    def compute() -> HomeCounts:
        columns = [unread_followed_statement(user).scalar_subquery()]
        moderator = can_moderate(user)
        if moderator:
            columns += [statement.scalar_subquery() for statement in queue_count_statements()]
        row = [value or 0 for value in db.session.execute(select(*columns)).one()]
        return HomeCounts(row[0], *row[1:]) if moderator else HomeCounts(row[0])

    return once_per_request("community", user, compute)
