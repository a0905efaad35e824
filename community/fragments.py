"""Rendered pieces of posts and thread rows that every reader sees alike, kept per
process and drawn once instead of once per row per request.

A post on a thread page has parts that are the same for everyone (the author's
label and link, the time, "diedit", the body and a moderator's "hidden" notice)
and parts that depend on the reader (their own anonymous post, "baru", the buttons
they may use, "you reported this", the moderator tools). The shared parts come
from the macros of ``templates/community/_shared_parts.html``, called here with the
row only: those macros never see ``current_user``, the session or the reader's
marks.

What a reader adds to them is a handful of booleans, so the whole post or row is
kept too, per content, language and those booleans: on a thread page the
actions they may take (``thread_page.PostActions``) and their marks
(``ReaderMarks``), with a gap for the session's CSRF input filled per request
(``reader_posts``); in a thread list "baru" and the jump to the new posts
(``reader_thread_rows``). Many readers share each of the few combinations; none
of them is in a key or a piece but as a boolean. A moderator's posts carry their
tools and are drawn per request (``_posts.html``).

The cache key is the content itself, in the reader's language: every column the
shared macros read. A post that is edited, hidden, deleted or approved, an author
who changes their name, handle or deletes their account, a thread that is
renamed, pinned, locked or gets a reply all load with another key on the very
next request, in every worker and on every host. Nothing has to be told to
forget anything, so nothing can be forgotten; old keys fall out of the LRU.

Anonymity: the key and the fragment of an anonymous post or thread hold only its
pseudonym number, never who wrote it (the macros do not read ``author``), so no
fragment can carry the real author, whatever a moderator reveals later or
wherever the thread is moved.

Kept in each process (``core.kept``), not in Redis: a fragment costs a few tens of microseconds
to draw, about what a Redis round trip costs, and it keeps the texts of safe-room
posts out of one more store.
"""
from __future__ import annotations

from typing import NamedTuple

from flask import current_app, request
from markupsafe import Markup

from community.forms import ReplyForm
from core.i18n import current_language
from core.kept import clear, entries, kept  # noqa: F401 (the forum's tests clear and read them here)

_modules: dict[str, tuple] = {}


def _parts_module(name: str = "community/_shared_parts.html"):
    env = current_app.jinja_env
    loaded = _modules.get(name)
    if loaded is None or loaded[0] is not env:
        loaded = _modules[name] = (env, env.get_template(name).module)
    return loaded[1]


def _who(item) -> tuple:
    """What the author label and link read: the pseudonym number only for an
    anonymous item; the name, account state and handle otherwise."""
    if item.is_anonymous:
        return ("anonymous", item.anon_no)
    author = item.author
    profile = item.author_profile
    return (
        "named",
        None if author is None else author.name,
        author is None or author.deleted_at is not None,
        None if profile is None else profile.handle,
    )


def _post_key(post) -> tuple:
    """Every column of a post the shared macros read."""
    return (post.id, post.status, post.hidden_by_reports, post.created_at, post.edited_at, post.body_html,
            _who(post))


def post_parts(post) -> tuple[Markup, Markup, Markup]:
    """``(head, time, body)`` of a post: the opening of its article up to the author,
    the time line, and the body (or the "deleted" placeholder) with its notice."""
    key = ("post", current_language(), *_post_key(post))

    def draw():
        macros = _parts_module()
        return (macros.post_head(post), macros.post_time(post), macros.post_body(post))

    return kept(key, draw)


class ReaderMarks(NamedTuple):
    """What one reader's view of a post adds to what everyone sees: booleans only,
    never who the reader is."""

    own: bool  # they wrote it, where that shows: their anonymous post's badge, a pending post's notice
    new: bool  # written after the last post they read here
    reacted: bool  # they said "terima kasih"
    reported: bool  # they reported it


def reader_marks(posts, viewer_id: int, last_read: int, reacted: set[int], reported: set[int]):
    """``(post, actions, ReaderMarks)`` for each ``(post, actions)`` of a thread page."""
    return [
        (post, may, ReaderMarks(
            post.author_id == viewer_id and (post.is_anonymous or post.status == "pending"),
            bool(last_read) and post.id > last_read, post.id in reacted, post.id in reported,
        ))
        for post, may in posts
    ]


_CSRF_HERE = Markup("\x00csrf\x00")  # where a kept post takes the session's CSRF input


def reader_posts(posts, viewer_id: int, last_read: int, reacted: set[int], reported: set[int],
                 csrf: Markup) -> Markup:
    """The articles of a thread page for a reader who is not a moderator (their
    tools are drawn per request, ``_posts.html``). Each article is drawn once per
    content, language and ``(PostActions, ReaderMarks)`` and kept with a gap where
    the session's CSRF input goes, which is filled here: the kept pieces hold no
    token, no reader and no anonymous post's author."""
    language, root = current_language(), request.script_root
    drawn = []
    for post, may, marks in reader_marks(posts, viewer_id, last_read, reacted, reported):
        key = ("reader-post", language, root, *_post_key(post), post.reaction_count, may, marks)
        pieces = kept(key, lambda post=post, may=may, marks=marks: tuple(
            _parts_module("community/_reader_post.html").article(post, may, marks, _CSRF_HERE).split(_CSRF_HERE)))
        drawn.append(csrf.join(pieces) if len(pieces) > 1 else pieces[0])
    return Markup("").join(drawn)


def _thread_key(thread, show_category: bool) -> tuple:
    """Every column of a thread row the shared macros read."""
    return (thread.id, thread.title, thread.is_pinned, thread.is_locked, thread.reply_count,
            thread.last_activity_at, _who(thread), thread.category.name if show_category else None)


def thread_row_parts(thread, show_category: bool) -> tuple[Markup, Markup]:
    """``(before, after)`` around the reader's "baru" badge in a thread row."""
    key = ("thread", current_language(), request.script_root, *_thread_key(thread, show_category))

    def draw():
        macros = _parts_module()
        return (macros.thread_before(thread), macros.thread_after(thread, show_category))

    return kept(key, draw)


def reader_thread_rows(rows, show_category: bool) -> Markup:
    """The rows of a thread list for one reader: ``rows`` pairs each thread with the
    last post this reader read there (None: never opened). Each row is kept per
    content, language and the reader's "baru" and jump (two booleans)."""
    language, root = current_language(), request.script_root
    drawn = []
    for thread, last_read in rows:
        unread = thread.last_post_id > (last_read or 0)
        jump = unread and bool(last_read)
        key = ("reader-thread", language, root, *_thread_key(thread, show_category), unread, jump)
        drawn.append(kept(key, lambda thread=thread, unread=unread, jump=jump: _parts_module(
            "community/_reader_thread_row.html").thread_row(thread, show_category, unread, jump)))
    return Markup("").join(drawn)


def reply_fields(anonymous: bool | None) -> Markup:
    """The fields and button of the unfilled reply form under a thread: the same for
    every reader in a language but for the anonymous box (None: not offered; else
    whether it starts ticked, which is the key). The form around them, with the
    session's CSRF token, is drawn per request (``_reply_form.html``); a submitted
    form with what the member typed and its errors is never kept (``reply.html``)."""

    def draw():
        form = ReplyForm(formdata=None)
        if anonymous is None:
            del form.anonymous
        else:
            form.anonymous.data = anonymous
        return _parts_module().reply_fields(form)

    return kept(("reply-fields", current_language(), anonymous), draw)


def queue_row(row, overdue: bool, assignee: str | None) -> Markup:
    """A registrars' queue row (``community.adminduk.desk.QueueRow``): plain
    values only, the same for every registrar; ``assignee`` is the assigned
    registrar's name (None: nobody yet), ``overdue`` the row's "Terlambat" badge."""
    key = ("adminduk-queue", current_language(), request.script_root, row.id, row.status,
           row.status_changed_at, row.regency, row.member_name, tuple(row.services), overdue, assignee)
    return kept(key, lambda: _parts_module("community/adminduk/_queue_row.html").queue_row(
        row, overdue, assignee))


def queue_rows(rows, cutoff, waiting_on_us) -> Markup:
    """The registrars' queue rows of a page, each kept (``queue_row``): overdue when
    its status waits on the registrars and has not changed since ``cutoff``."""
    return Markup("\n  ").join(
        queue_row(row, row.status in waiting_on_us and row.status_changed_at < cutoff, row.assignee_name)
        for row in rows
    )


def report_rows(rows) -> Markup:
    """The Satgas queue rows of a page, each kept (``report_row``)."""
    return Markup("\n  ").join(report_row(row) for row in rows)


def report_row(row) -> Markup:
    """A row of the Satgas queue (``community.reports.desk.queue_page``): the listed
    columns of a report only (code, kind, region, status, urgency, dates), the
    same for every officer; no reporter and no contact are read or kept."""
    key = ("report-queue", current_language(), request.script_root, row.id, row.code, row.urgent,
           row.status, row.kind, row.regency, row.created_at, row.happened_on, row.happened_precision)
    return kept(key, lambda: _parts_module("community/reports/_row.html").report_row(row))
