"""The forum for members: categories, threads, following, search, profiles and the
help page. Writing (``posting_views``), moderation and admin pages add their routes
to the same blueprint; ``community.blueprint()`` returns it with all of them, for
``core.register_blueprints``."""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from accounts.data import REGENCY_NAMES
from community import demo, fragments, profiles, reading, safety, thread_page
from community import search as search_service
from community.forms import (
    FLAG_REASON_LABELS,
    SEARCH_MAX,
    ReplyForm,
    SearchForm,
)
from community.models import Post, Thread
from community.permissions import (
    can_post_anonymously,
    can_reply,
    can_view_post,
    can_view_thread,
)
from core.extensions import db
from core.forms import ButtonForm, EmptyForm
from core.read_only import read_only
from core.views_kit import page_arg, query_text

bp = Blueprint("community", __name__, url_prefix="/forum")

CRISIS_SESSION_KEY = "community_crisis_post"
MOD_TOOLS_SESSION_KEY = "community_mod_tools"


def counselor_booking_url() -> str | None:
    """The "book a counselor" link, only once the counseling pages exist."""
    if "mentoring.counseling.counselors" in current_app.view_functions:
        return url_for("mentoring.counseling.counselors")
    return None


# Handed to every template by ``core.templating.expose_permissions``.
TEMPLATE_HELPERS = {
    "forum_author_label": profiles.author_label,
    "forum_author_url": profiles.author_url,
    "forum_counselor_url": counselor_booking_url,
    "forum_flag_reasons": FLAG_REASON_LABELS,
    "forum_post_parts": fragments.post_parts,
    "forum_reader_marks": fragments.reader_marks,
    "forum_reader_posts": fragments.reader_posts,
    "forum_thread_row_parts": fragments.thread_row_parts,
    "forum_reader_thread_rows": fragments.reader_thread_rows,
    "forum_snippet": search_service.snippet,
}


def _category_or_404(slug: str):
    category = reading.category_by_slug(slug)
    if category is None:
        abort(404)
    return category


def _thread_or_404(thread_id: int) -> Thread:
    thread = reading.get_thread(thread_id)
    if thread is None or not can_view_thread(current_user, thread):
        abort(404)
    return thread


def _post_or_404(post_id: int) -> Post:
    post = reading.get_post(post_id)
    if post is None or not can_view_post(current_user, post):
        abort(404)
    return post


def _reply_anonymous(thread: thread_page.ThreadView, state: thread_page.ReaderState) -> bool | None:
    """The reply form's anonymous box under ``thread``: None where anonymity is not
    honoured (no box), else whether it starts ticked (the member's last post there
    was anonymous, so one tap cannot reveal them)."""
    if not can_post_anonymously(current_user, thread.category):
        return None
    return state.wrote_anonymously


def _reply_form(thread: Thread) -> ReplyForm:
    """The submitted (or asked for) reply form of ``thread``; its anonymous box (safe
    rooms only) starts ticked when the member's last post there was anonymous."""
    form = ReplyForm()
    if can_post_anonymously(current_user, thread.category) and request.method == "GET":
        form.anonymous.data = reading.wrote_anonymously(current_user, thread)
    return form


@bp.route("/")
@read_only
@login_required
def index():
    return render_template(
        "community/index.html",
        categories=reading.category_rows(),
        search_form=SearchForm(formdata=None),
    )


@bp.route("/c/<slug>")
@read_only
@login_required
def category(slug: str):
    category = reading.category_view(slug)  # plain values: the page only shows it
    if category is None:
        abort(404)
    page = page_arg()
    rows, has_next = reading.threads_page(category, current_user, page)
    return render_template(
        "community/category.html", category=category, rows=rows, page=page, has_next=has_next
    )


@bp.route("/following")
@login_required
def following():
    page = page_arg()
    rows, has_next = reading.followed_threads(current_user, page)
    return render_template("community/following.html", rows=rows, page=page, has_next=has_next)


@bp.route("/t/<int:thread_id>")
@read_only
@login_required
def thread(thread_id: int):
    page = page_arg()
    loaded = thread_page.page_for(thread_id, current_user, page)
    if loaded is None or not can_view_thread(current_user, loaded.thread):
        abort(404)
    thread, state, posts = loaded.thread, loaded.state, loaded.posts
    if not posts and page > 1:
        abort(404)
    replying = can_reply(current_user, thread)
    suspension = safety.active_suspension(current_user) if replying and state.suspended else None
    crisis_post_id = session.pop(CRISIS_SESSION_KEY, None)
    html = render_template(
        "community/thread.html",
        thread=thread,
        posts=thread_page.with_actions(current_user._get_current_object(), posts),
        page=page,
        has_next=loaded.has_next,
        reacted=loaded.reacted,
        reported=loaded.reported,
        following=state.following,
        last_read=state.last_read or 0,
        suspension_message=safety.suspension_message(suspension) if suspension else None,
        reply_fields=fragments.reply_fields(_reply_anonymous(thread, state)) if replying else None,
        action_form=ButtonForm(),
        hotlines=reading.hotlines() if crisis_post_id else [],
        crisis_post_id=crisis_post_id,
        tools_open=session.pop(MOD_TOOLS_SESSION_KEY, None) == thread.id,
    )
    # Reading is remembered after the page is drawn, so drawing needs no reload.
    # Nothing to commit when the page was already read (the usual revisit).
    if posts and thread_page.mark_read(current_user, thread, state, max(p.id for p in posts)):
        db.session.commit()
    return html


@bp.route("/t/<int:thread_id>/new")
@login_required
def thread_new(thread_id: int):
    """Jump to the first post the member has not read yet."""
    thread = _thread_or_404(thread_id)
    post = reading.first_unread_post(thread, current_user)
    if post is None:
        return redirect(url_for("community.thread", thread_id=thread.id))
    page = reading.page_of_post(post, current_user)
    return redirect(url_for("community.thread", thread_id=thread.id, page=page, _anchor=f"post-{post.id}"))


@bp.route("/p/<int:post_id>")
@login_required
def post(post_id: int):
    """A link to one post: the thread page it is on."""
    post = _post_or_404(post_id)
    page = reading.page_of_post(post, current_user)
    return redirect(
        url_for("community.thread", thread_id=post.thread_id, page=page, _anchor=f"post-{post.id}")
    )


@bp.route("/t/<int:thread_id>/follow", methods=["POST"])
@login_required
def follow(thread_id: int):
    thread = _thread_or_404(thread_id)
    if EmptyForm().validate_on_submit():
        following = request.form.get("follow") == "1"
        reading.set_following(current_user, thread, following)
        db.session.commit()
        if following:
            flash(_("Anda mengikuti topik ini. Balasan baru akan masuk ke kotak masuk Anda."), "success")
        else:
            flash(_("Anda tidak lagi mengikuti topik ini."), "info")
    return redirect(url_for("community.thread", thread_id=thread.id))


@bp.route("/search")
@login_required
def search():
    query = query_text("q", max_len=SEARCH_MAX)
    form = SearchForm(formdata=None, q=query)
    page = page_arg()
    results, has_next = search_service.search_posts(query, page) if query else ([], False)
    return render_template(
        "community/search.html",
        form=form,
        query=query,
        results=results,
        page=page,
        has_next=has_next,
        highlight=search_service.highlight,
        snippet=search_service.snippet,
    )


@bp.route("/u/<handle>")
@login_required
def profile(handle: str):
    profile = profiles.profile_by_handle(handle)
    if profile is None or profile.user.deleted_at is not None:
        abort(404)
    page = page_arg()
    threads, has_next = reading.public_threads_of(profile.user_id, page)
    return render_template(
        "community/profile.html",
        profile=profile,
        member=profile.user,
        regency_name=REGENCY_NAMES.get(profile.user.regency or "", ""),
        threads=threads,
        page=page,
        has_next=has_next,
    )


@bp.route("/help")
@login_required
def help_lines():
    return render_template("community/help.html", hotlines=reading.hotlines())


@bp.cli.command("seed-defaults")
def seed_defaults_command():
    """Add the default crisis words and hotlines when their lists are empty."""
    demo.seed_defaults()
    db.session.commit()
    print("Forum crisis words and hotlines ready.")  # noqa: T201
