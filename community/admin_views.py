"""Admin pages on the ``community`` blueprint: categories, crisis words, hotlines."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from accounts import audit
from accounts.permissions import roles_required
from community import reading, safety
from community.forms import CategoryForm, CrisisTermForm, HotlineForm
from community.models import Category, CrisisTerm, Hotline
from community.moderation import remember_safe_room
from community.views import bp
from core.extensions import db
from core.forms import ButtonForm, EmptyForm

CATEGORY_FIELDS = (
    "slug", "name_id", "name_en", "description_id", "description_en", "position",
    "is_safe_room", "shows_calo_banner",
)
HOTLINE_FIELDS = ("name", "number", "description_id", "description_en", "position")


@bp.route("/admin/categories")
@roles_required("admin")
def admin_categories():
    return render_template("community/admin_categories.html", categories=reading.categories())


def _slug_taken(slug: str, exclude_id: int | None = None) -> bool:
    statement = select(Category.id).where(Category.slug == slug)
    if exclude_id is not None:
        statement = statement.where(Category.id != exclude_id)
    return db.session.scalar(statement) is not None


@bp.route("/admin/categories/new", methods=["GET", "POST"])
@roles_required("admin")
def admin_new_category():
    return _category_form(None)


@bp.route("/admin/categories/<int:category_id>", methods=["GET", "POST"])
@roles_required("admin")
def admin_category(category_id: int):
    category = db.session.get(Category, category_id)
    if category is None:
        abort(404)
    return _category_form(category)


def _category_form(category: Category | None):
    form = CategoryForm(obj=category)
    if form.validate_on_submit():
        if _slug_taken(form.slug.data, category.id if category else None):
            form.slug.errors.append(_("Alamat singkat ini sudah dipakai kategori lain."))
        else:
            if category is None:
                category = Category()
                db.session.add(category)
            for name in CATEGORY_FIELDS:
                value = getattr(form, name).data
                setattr(category, name, value if value is not None else "")
            db.session.flush()
            if category.is_safe_room:
                remember_safe_room(category)
            audit.record(current_user, "forum.category_saved", object_type="community_category",
                         object_id=category.id)
            db.session.commit()
            flash(_("Kategori sudah disimpan."), "success")
            return redirect(url_for("community.admin_categories"))
    return render_template("community/admin_category.html", form=form, category=category)


@bp.route("/admin/crisis-words", methods=["GET", "POST"])
@roles_required("admin")
def admin_crisis_terms():
    """Add a crisis word or phrase; "Uji" first shows what it would have matched
    among recent posts, without saving."""
    form = CrisisTermForm()
    preview = None
    if form.validate_on_submit():
        phrase = " ".join(form.phrase.data.lower().split())
        exists = db.session.scalar(
            select(CrisisTerm.id).where(func.lower(CrisisTerm.phrase) == phrase)
        )
        if exists:
            form.phrase.errors.append(_("Kata ini sudah ada di daftar."))
        elif form.preview.data:
            preview = safety.preview_crisis_term(phrase)
        else:
            db.session.add(CrisisTerm(phrase=phrase))
            db.session.commit()
            flash(_("Kata sudah ditambahkan."), "success")
            return redirect(url_for("community.admin_crisis_terms"))
    terms = db.session.scalars(select(CrisisTerm).order_by(CrisisTerm.phrase)).all()
    return render_template(
        "community/admin_crisis_terms.html", form=form, terms=terms, action_form=ButtonForm(),
        preview=preview,
    )


@bp.route("/admin/crisis-words/<int:term_id>/delete", methods=["POST"])
@roles_required("admin")
def admin_delete_crisis_term(term_id: int):
    term = db.session.get(CrisisTerm, term_id)
    if term is None:
        abort(404)
    if EmptyForm().validate_on_submit():
        db.session.delete(term)
        db.session.commit()
        flash(_("Kata sudah dihapus dari daftar."), "info")
    return redirect(url_for("community.admin_crisis_terms"))


@bp.route("/admin/hotlines")
@roles_required("admin")
def admin_hotlines():
    return render_template(
        "community/admin_hotlines.html", hotlines=reading.hotlines(), action_form=ButtonForm()
    )


@bp.route("/admin/hotlines/new", methods=["GET", "POST"])
@roles_required("admin")
def admin_new_hotline():
    return _hotline_form(None)


@bp.route("/admin/hotlines/<int:hotline_id>", methods=["GET", "POST"])
@roles_required("admin")
def admin_hotline(hotline_id: int):
    hotline = db.session.get(Hotline, hotline_id)
    if hotline is None:
        abort(404)
    return _hotline_form(hotline)


def _hotline_form(hotline: Hotline | None):
    form = HotlineForm(obj=hotline)
    if form.validate_on_submit():
        if hotline is None:
            hotline = Hotline()
            db.session.add(hotline)
        for name in HOTLINE_FIELDS:
            value = getattr(form, name).data
            setattr(hotline, name, value if value is not None else "")
        db.session.commit()
        flash(_("Layanan bantuan sudah disimpan."), "success")
        return redirect(url_for("community.admin_hotlines"))
    return render_template("community/admin_hotline.html", form=form, hotline=hotline)


@bp.route("/admin/hotlines/<int:hotline_id>/delete", methods=["POST"])
@roles_required("admin")
def admin_delete_hotline(hotline_id: int):
    hotline = db.session.get(Hotline, hotline_id)
    if hotline is None:
        abort(404)
    if EmptyForm().validate_on_submit():
        db.session.delete(hotline)
        db.session.commit()
        flash(_("Layanan bantuan sudah dihapus."), "info")
    return redirect(url_for("community.admin_hotlines"))
