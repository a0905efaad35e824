"""Forum names: per-thread pseudonyms of anonymous writers, member handles, and the
author label every page shows (never revealing an anonymous author).

Plain functions; they only flush.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from accounts.models import User
from community.models import MemberProfile, Post
from core.extensions import db

PROFILE_PATH = "/forum/u/{handle}"


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


HANDLE_ATTEMPTS = 12


def _free_handle(base: str, attempt: int) -> str:
    """The first free ``base``, ``base2``, ``base3``… as far as this transaction can
    see; after a few collisions with members writing at the same moment, a random
    suffix so that they stop choosing the same next number."""
    if attempt >= 3:
        return f"{base}{secrets.randbelow(9000) + 1000}"
    taken = set(
        db.session.scalars(
            select(MemberProfile.handle).where(MemberProfile.handle.startswith(base))
        )
    )
    handle, n = base, 1
    while handle in taken:
        n += 1
        handle = f"{base}{n}"
    return handle


def _profile_of(user: User) -> MemberProfile | None:
    return db.session.scalar(select(MemberProfile).where(MemberProfile.user_id == user.id))


def profile_for(user: User) -> MemberProfile:
    """The member's forum profile, created with a handle from their name if missing.

    Ten members called Maria Nenobais writing their first post at the same moment
    all get one: a handle another transaction took meanwhile fails on the unique
    index inside a savepoint, and the next suffix is tried (issue 8, item 14)."""
    profile = _profile_of(user)
    if profile is not None:
        return profile
    base = _handle_base(user.name)
    for attempt in range(HANDLE_ATTEMPTS):
        try:
            with db.session.begin_nested():
                profile = MemberProfile(user_id=user.id, handle=_free_handle(base, attempt))
                db.session.add(profile)
        except IntegrityError:
            # Either the handle was taken meanwhile, or this member's own profile was
            # created by a second request (two tabs): then that one is theirs.
            profile = _profile_of(user)
            if profile is not None:
                return profile
            continue
        return profile
    raise RuntimeError(f"no free forum handle after {HANDLE_ATTEMPTS} attempts")


def profile_by_handle(handle: str) -> MemberProfile | None:
    return db.session.scalar(
        select(MemberProfile)
        .options(joinedload(MemberProfile.user).noload(User.role_rows))
        .where(MemberProfile.handle == handle.lower())
    )
