"""``can_*`` predicates for the forum, used by views (404 when false) and templates.

Reading: every logged-in member reads visible threads and posts. Authors also see
their own pending or hidden posts (with a note saying so). Moderators see every
post that is not deleted; counselors see pending and hidden posts too, because a
crisis alert may point at a post still waiting for approval.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app

from core.db import utcnow

DEFAULT_EDIT_MINUTES = 30


def _authenticated(user) -> bool:
    return bool(user is not None and user.is_authenticated)


def is_moderator(user) -> bool:
    return _authenticated(user) and user.has_role("moderator")


def _sees_unpublished(user) -> bool:
    return _authenticated(user) and user.has_role("moderator", "counselor")


def can_view_thread(user, thread) -> bool:
    if not _authenticated(user) or thread is None or thread.status == "deleted":
        return False
    if thread.status == "visible":
        return True
    return _sees_unpublished(user) or thread.author_id == user.id


def can_view_post(user, post) -> bool:
    if not can_view_thread(user, post.thread):
        return False
    if post.status in ("visible", "deleted"):
        return True  # a deleted post shows as a placeholder
    return _sees_unpublished(user) or post.author_id == user.id


def can_start_thread(user, category) -> bool:
    return _authenticated(user) and category is not None


def can_reply(user, thread) -> bool:
    if not _authenticated(user) or thread.status != "visible":
        return False
    return not thread.is_locked or is_moderator(user)


def can_post_anonymously(user, category) -> bool:
    return _authenticated(user) and bool(category.is_safe_room)


def edit_window() -> timedelta:
    return timedelta(minutes=current_app.config.get("FORUM_EDIT_MINUTES", DEFAULT_EDIT_MINUTES))


def can_edit_post(user, post) -> bool:
    if not _authenticated(user) or post.author_id != user.id:
        return False
    if post.status not in ("visible", "pending") or post.thread.is_locked:
        return False
    return utcnow() - post.created_at <= edit_window()


def can_delete_post(user, post) -> bool:
    return _authenticated(user) and post.author_id == user.id and post.status != "deleted"


def can_react(user, post) -> bool:
    return (
        _authenticated(user)
        and post.status == "visible"
        and post.author_id != user.id
    )


def can_flag_post(user, post) -> bool:
    return (
        _authenticated(user)
        and post.status == "visible"
        and post.author_id != user.id
    )


def can_moderate(user) -> bool:
    return is_moderator(user)


def can_reveal_author(user, post) -> bool:
    return is_moderator(user) and post.is_anonymous


def can_manage_forum(user) -> bool:
    return _authenticated(user) and user.has_role("admin")


def can_read_moderation_log(user) -> bool:
    """Moderators read what their colleagues did (issue 8, item 27); admins too."""
    return _authenticated(user) and user.has_role("moderator", "admin")


TEMPLATE_PREDICATES = {
    "can_reply": can_reply,
    "can_edit_post": can_edit_post,
    "can_delete_post": can_delete_post,
    "can_react": can_react,
    "can_flag_post": can_flag_post,
    "can_moderate": can_moderate,
    "can_reveal_author": can_reveal_author,
    "can_manage_forum": can_manage_forum,
    "can_read_moderation_log": can_read_moderation_log,
    "can_post_anonymously": can_post_anonymously,
}
