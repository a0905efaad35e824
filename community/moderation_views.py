"""Moderator pages on the ``community`` blueprint: the queue, post and thread
actions, suspension, revealing an anonymous author, the moderation log (moderators
and admins)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.permissions import roles_required
from community import moderation, reading
from community.forms import MoveForm, ReasonForm, RevealForm, SuspendForm
from community.models import Category, Post, Thread
from community.permissions import can_reveal_author
from community.views import MOD_TOOLS_SESSION_KEY, bp
from core.extensions import db
from core.views_kit import page_arg, refusal_to_flash

POST_ACTIONS = {
    "approve": moderation.approve,
    "reject": moderation.reject,
    "hide": moderation.hide,
    "unhide": moderation.unhide,
    "dismiss": moderation.dismiss_flags,
}


def _post_or_404(post_id: int) -> Post:
    post = db.session.get(Post, post_id)
    if post is None or post.status == "deleted":
        abort(404)
    return post


def _thread_or_404(thread_id: int) -> Thread:
    thread = db.session.get(Thread, thread_id)
    if thread is None or thread.status == "deleted":
        abort(404)
    return thread


def _back(default: str) -> str:
    target = request.form.get("next", "")
    return target if target.startswith("/forum/") and not target.startswith("//") else default


def _back_to_tools(thread: Thread):
    """Back to the thread with the moderator tools still open (they used to close
    after every action)."""
    session[MOD_TOOLS_SESSION_KEY] = thread.id
    return redirect(url_for("community.thread", thread_id=thread.id, _anchor="alat-moderator"))


@bp.route("/moderation")
@roles_required("moderator")
def moderation_queue():
    return render_template(
        "community/moderation_queue.html", items=moderation.queue(), form=ReasonForm()
    )


@bp.route("/moderation/p/<int:post_id>/<action>", methods=["POST"])
@roles_required("moderator")
def moderate_post(post_id: int, action: str):
    if action not in POST_ACTIONS:
        abort(404)
    post = _post_or_404(post_id)
    form = ReasonForm()
    if form.validate_on_submit():
        with refusal_to_flash(success=_("Tindakan moderasi sudah disimpan.")):
            POST_ACTIONS[action](current_user, post, form.reason.data or "")
            db.session.commit()
    else:
        flash(_("Alasan paling panjang 500 karakter."), "info")
    return redirect(_back(url_for("community.moderation_queue")))


@bp.route("/moderation/t/<int:thread_id>/<action>", methods=["POST"])
@roles_required("moderator")
def moderate_thread(thread_id: int, action: str):
    if action not in moderation.THREAD_ACTIONS:
        abort(404)
    thread = _thread_or_404(thread_id)
    form = ReasonForm()
    if form.validate_on_submit():
        with refusal_to_flash(success=_("Tindakan moderasi sudah disimpan.")):
            moderation.set_thread_flag(current_user, thread, action, form.reason.data or "")
            db.session.commit()
    return _back_to_tools(thread)


@bp.route("/moderation/t/<int:thread_id>/move", methods=["GET", "POST"])
@roles_required("moderator")
def move_thread(thread_id: int):
    thread = _thread_or_404(thread_id)
    form = MoveForm()
    form.category.choices = [(c.id, c.name) for c in reading.categories()]
    if request.method == "GET":
        form.category.data = thread.category_id
        form.seen_category.data = thread.category_id
    if form.validate_on_submit():
        target = db.session.get(Category, form.category.data)
        if target is None:
            form.category.errors.append(_("Pilih kategori."))
        else:
            with refusal_to_flash(success=_("Topik sudah dipindahkan.")):
                moderation.move_thread(current_user, thread, target, form.reason.data or "",
                                       seen_category_id=form.seen_category.data)
                db.session.commit()
            return _back_to_tools(thread)
    return render_template("community/move_thread.html", thread=thread, form=form)


@bp.route("/moderation/p/<int:post_id>/suspend", methods=["GET", "POST"])
@roles_required("moderator")
def suspend_author(post_id: int):
    post = _post_or_404(post_id)
    if post.author_id is None or post.author_id == current_user.id:
        abort(404)
    form = SuspendForm()
    if form.validate_on_submit():
        moderation.suspend(current_user, post, form.days.data, form.reason.data)
        db.session.commit()
        flash(_("Penulis tulisan ini ditangguhkan dari menulis di forum."), "success")
        return redirect(url_for("community.moderation_queue"))
    return render_template("community/suspend.html", post=post, form=form)


@bp.route("/moderation/p/<int:post_id>/reveal", methods=["GET", "POST"])
@roles_required("moderator")
def reveal_author(post_id: int):
    post = _post_or_404(post_id)
    if not can_reveal_author(current_user, post):
        abort(404)
    form = RevealForm()
    revealed = None
    if form.validate_on_submit():
        revealed = moderation.reveal_author(current_user, post, form.reason.data)
        db.session.commit()
    return render_template(
        "community/reveal.html", post=post, form=form, revealed=revealed,
        revealed_done=form.is_submitted() and not form.errors,
    )


@bp.route("/moderation/log")
@roles_required("moderator", "admin")
def moderation_log():
    page = page_arg()
    return render_template("community/moderation_log.html", pagination=moderation.log_page(page))
