"""Telling every holder of a staff role at once: ``notify_role``.

The one way a package fans a notice out to its staff (every Satgas officer for an
urgent report, every counselor for a crisis word or a wellbeing alarm, every
moderator for a post waiting in the queue). Each holder gets an ordinary
``notify`` with their own key, so the usual rules (preferences, quiet hours,
idempotent keys) apply unchanged; the caller keeps its message's privacy rule by
what it passes (``inbox_only``, a neutral ``outside`` text).
"""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from accounts.models import User, UserRole
from core.extensions import db
from notifications.outbox import notify


def role_holders(role: str) -> list[User]:
    """Every active, not deleted account holding ``role``, in account order (one query)."""
    return list(db.session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == role, User.active.is_(True), User.deleted_at.is_(None))
        .order_by(User.id).distinct()
    ))


def notify_role(
    role: str,
    *,
    key: Callable[[User], str],
    skip: int | None = None,
    inbox_only: bool = False,
    each_handles: bool = False,
    **options,
) -> int:
    """``notify`` every holder of ``role``; returns how many were told.

    ``key(holder)`` is each holder's message key (it must name the holder, so the
    same news reaches each once). ``skip``: an account id left out (the author of
    the post the alert is about). ``inbox_only``: the notice stays in the inbox
    (``channels=["in_app"]``). ``each_handles``: should the phone channels fail,
    the call task is that holder's own (``handled_by``), not every colleague's.
    ``options`` go to ``notify`` as they are (title, body, params, url, urgent,
    outside, ...).
    """
    if inbox_only:
        options["channels"] = ["in_app"]
    told = 0
    for holder in role_holders(role):
        if skip is not None and holder.id == skip:
            continue
        notify(holder, key=key(holder), handled_by=holder if each_handles else None, **options)
        told += 1
    return told
