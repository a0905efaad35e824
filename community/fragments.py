"""Rendered pieces of posts and thread rows that every reader sees alike, kept per
process and drawn once instead of once per row per request.

A post on a thread page has parts that are the same for everyone (the author's
label and link, the time, "diedit", the body and a moderator's "hidden" notice)
and parts that depend on the reader (their own anonymous post, "baru", the buttons
they may use, "you reported this", the moderator tools). The shared parts come
from the macros of ``templates/community/_shared_parts.html``, called here with the
row only: those macros never see ``current_user``, the session or the reader's
marks. The reader's parts are a thin loop around them (``_posts.html``,
``_thread_rows.html``).

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


def post_parts(post) -> tuple[Markup, Markup, Markup]:
    """``(head, time, body)`` of a post: the opening of its article up to the author,
    the time line, and the body (or the "deleted" placeholder) with its notice."""
    key = ("post", current_language(), post.id, post.status, post.hidden_by_reports,
           post.created_at, post.edited_at, post.body_html, _who(post))

    def draw():
        macros = _parts_module()
        return (macros.post_head(post), macros.post_time(post), macros.post_body(post))

    return kept(key, draw)


def thread_row_parts(thread, show_category: bool) -> tuple[Markup, Markup]:
    """``(before, after)`` around the reader's "baru" badge in a thread row."""
    key = ("thread", current_language(), request.script_root, thread.id, thread.title, thread.is_pinned,
           thread.is_locked, thread.reply_count, thread.last_activity_at, _who(thread),
           thread.category.name if show_category else None)

    def draw():
        macros = _parts_module()
        return (macros.thread_before(thread), macros.thread_after(thread, show_category))

    return kept(key, draw)


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


def report_row(row) -> Markup:
    """A row of the Satgas queue (``community.reports.desk.queue_page``): the listed
    columns of a report only (code, kind, region, status, urgency, dates), the
    same for every officer; no reporter and no contact are read or kept."""
    key = ("report-queue", current_language(), request.script_root, row.id, row.code, row.urgent,
           row.status, row.kind, row.regency, row.created_at, row.happened_on, row.happened_precision)
    return kept(key, lambda: _parts_module("community/reports/_row.html").report_row(row))
