"""Writing in the forum, on the ``community`` blueprint: new threads, replies,
edits, deletion, "terima kasih" and reports. Registered by ``community.blueprint()``."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community import posting, reading, safety
from community.forms import EditPostForm, FlagForm, ThreadForm
from community.models import Thread
from community.permissions import (
    can_delete_post,
    can_edit_post,
    can_flag_post,
    can_post_anonymously,
    can_react,
    can_reply,
    can_start_thread,
    can_view_thread,
)
from community.views import (
    CRISIS_SESSION_KEY,
    _category_or_404,
    _post_or_404,
    _reply_form,
    _thread_or_404,
    bp,
)
from core.extensions import db
from core.forms import EmptyForm
from core.views_kit import refusal_to_flash


def _posting_form(form, posting_category, save, template: str, **context):
    """The shared flow of writing a thread or a reply: nothing while suspended, a
    refusal (anonymity asked for outside a safe room, a rate limit) shown under the
    text with nothing saved; the anonymous box only where the server honours it."""
    suspension = safety.active_suspension(current_user)
    if form.validate_on_submit() and suspension is None:
        with refusal_to_flash(form, field="body") as outcome:
            result = save(bool(form.anonymous.data))
            db.session.commit()
        if outcome.ok:
            return _after_posting(result)
    if not can_post_anonymously(current_user, posting_category):
        del form.anonymous
    return render_template(
        template,
        form=form,
        suspension_message=safety.suspension_message(suspension) if suspension else None,
        **context,
    )


def _after_posting(result: posting.PostResult):
    """Where a member lands after writing: their post, with the crisis card when
    crisis words appeared, and a word about approval when it waits."""
    if result.crisis_words:
        session[CRISIS_SESSION_KEY] = result.post.id
    if result.pending:
        flash(
            _("Terima kasih. Karena ini tulisan anonim pertama Anda di ruang aman, moderator akan memeriksanya dulu. Hanya Anda yang bisa melihatnya sampai disetujui."),
            "info",
        )
    else:
        flash(_("Tulisan Anda sudah terkirim."), "success")
    return redirect(url_for("community.post", post_id=result.post.id))


@bp.route("/c/<slug>/new", methods=["GET", "POST"])
@login_required
def new_thread(slug: str):
    category = _category_or_404(slug)
    if not can_start_thread(current_user, category):
        abort(404)
    form = ThreadForm()
    return _posting_form(
        form,
        category,
        lambda anonymous: posting.create_thread(
            current_user, category, form.title.data, form.body.data, anonymous=anonymous
        ),
        "community/new_thread.html",
        category=category,
    )


@bp.route("/t/<int:thread_id>/reply", methods=["GET", "POST"])
@login_required
def reply(thread_id: int):
    thread = _thread_or_404(thread_id)
    if not can_reply(current_user, thread):
        abort(404)
    form = _reply_form(thread)
    return _posting_form(
        form,
        thread.category,
        lambda anonymous: posting.create_reply(
            current_user, thread, form.body.data, anonymous=anonymous
        ),
        "community/reply.html",
        thread=thread,
    )


@bp.route("/p/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit_post(post_id: int):
    post = _post_or_404(post_id)
    if not can_edit_post(current_user, post):
        abort(404)
    form = EditPostForm(obj=None)
    if request.method == "GET":
        form.body.data = post.body_source
        form.title.data = post.thread.title if post.is_first else None
    if not post.is_first:
        del form.title
    if form.validate_on_submit():
        with refusal_to_flash(form, field="body", success=_("Perubahan sudah disimpan.")) as outcome:
            result = posting.edit_post(
                current_user, post, form.body.data,
                title=form.title.data if post.is_first else None,
            )
            db.session.commit()
        if outcome.ok:
            if result.crisis_words:
                session[CRISIS_SESSION_KEY] = post.id
            return redirect(url_for("community.post", post_id=post.id))
    return render_template("community/edit_post.html", post=post, form=form)


@bp.route("/p/<int:post_id>/delete", methods=["GET", "POST"])
@login_required
def delete_post(post_id: int):
    post = _post_or_404(post_id)
    if not can_delete_post(current_user, post):
        abort(404)
    form = EmptyForm()
    if form.validate_on_submit():
        thread_id = post.thread_id
        posting.delete_post(current_user, post)
        db.session.commit()
        flash(_("Tulisan Anda sudah dihapus."), "info")
        thread = db.session.get(Thread, thread_id)
        if thread is not None and can_view_thread(current_user, thread):
            return redirect(url_for("community.thread", thread_id=thread_id))
        return redirect(url_for("community.index"))
    return render_template("community/delete_post.html", post=post, form=form)


@bp.route("/p/<int:post_id>/react", methods=["POST"])
@login_required
def react(post_id: int):
    post = _post_or_404(post_id)
    if not can_react(current_user, post):
        abort(404)
    if EmptyForm().validate_on_submit():
        posting.toggle_reaction(current_user, post)
        db.session.commit()
    return redirect(url_for("community.post", post_id=post_id))


@bp.route("/p/<int:post_id>/flag", methods=["GET", "POST"])
@login_required
def flag(post_id: int):
    post = _post_or_404(post_id)
    if not can_flag_post(current_user, post):
        abort(404)
    if reading.has_reported(current_user, post):
        flash(_("Anda sudah melaporkan tulisan ini. Moderator akan memeriksanya."), "info")
        return redirect(url_for("community.post", post_id=post.id))
    form = FlagForm()
    if form.validate_on_submit():
        posting.flag_post(current_user, post, form.reason.data, form.note.data or "")
        db.session.commit()
        flash(_("Terima kasih. Laporan Anda sudah kami terima dan akan diperiksa moderator."), "info")
        return redirect(url_for("community.post", post_id=post.id))
    return render_template("community/flag.html", post=post, form=form)
