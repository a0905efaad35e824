"""Guides as content: markdown rendered and sanitised once on save (as the forum
does), every save a new version (who, when), any version restorable; and the
editable Dukcapil offices."""
from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from sqlalchemy import func, select

from accounts.models import User
from community.adminduk._common import AdmindukError
from community.adminduk.models import Guide, GuideVersion, Office
from core.db import utcnow
from core.extensions import db
from notifications.services import N_

ALLOWED_TAGS = {"h2", "h3", "h4", "p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "a", "hr"}
CONTENT_FIELDS = ("title", "title_en", "summary", "summary_en", "body_md", "body_md_en",
                  "checklist", "checklist_en")

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable("image")


def render_markdown(source: str) -> str:
    """Markdown to sanitised HTML (raw HTML off; only safe tags and http(s)/mailto links)."""
    return nh3.clean(
        _MD.render(source or ""), tags=ALLOWED_TAGS, attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"}, link_rel="nofollow noopener", strip_comments=True,
    ).strip()


def content_of(guide: Guide) -> dict:
    return {name: getattr(guide, name) for name in CONTENT_FIELDS}


def _apply(guide: Guide, content: dict) -> None:
    for name in CONTENT_FIELDS:
        setattr(guide, name, (content.get(name) or "").strip())
    guide.body_html = render_markdown(guide.body_md)
    guide.body_html_en = render_markdown(guide.body_md_en)


def create_guide(actor: User | None, *, slug: str, topic: str, position: int, content: dict) -> Guide:
    """A new guide with its first version."""
    guide = Guide(slug=slug, topic=topic, position=position, version=1,
                  updated_by_id=actor.id if actor else None)
    _apply(guide, content)
    db.session.add(guide)
    db.session.flush()
    db.session.add(GuideVersion(guide_id=guide.id, number=1, content=content_of(guide),
                                edited_by_id=guide.updated_by_id))
    db.session.flush()
    return guide


def save_guide(actor: User, guide: Guide, content: dict, *, expected_version: int | None = None) -> Guide:
    """Save an edit as a new version (refused when someone saved meanwhile)."""
    if not (content.get("title") or "").strip():
        raise AdmindukError(N_("Judul panduan wajib diisi."))
    if expected_version is not None and expected_version != guide.version:
        raise AdmindukError(N_("Panduan ini baru saja diubah orang lain. Muat ulang lalu ubah lagi."))
    if content_of(guide) == {name: (content.get(name) or "").strip() for name in CONTENT_FIELDS}:
        return guide
    _apply(guide, content)
    guide.version += 1
    guide.updated_at = utcnow()
    guide.updated_by_id = actor.id
    db.session.add(GuideVersion(guide_id=guide.id, number=guide.version, content=content_of(guide),
                                edited_by_id=actor.id))
    db.session.flush()
    return guide


def versions(guide: Guide) -> list[GuideVersion]:
    return list(db.session.scalars(
        select(GuideVersion).where(GuideVersion.guide_id == guide.id).order_by(GuideVersion.number.desc())
    ))


def restore_version(actor: User, guide: Guide, number: int) -> Guide:
    """Bring back an old version (saved as the newest version: nothing is lost)."""
    version = db.session.scalar(select(GuideVersion).where(
        GuideVersion.guide_id == guide.id, GuideVersion.number == number))
    if version is None:
        raise AdmindukError(N_("Versi itu tidak ada."))
    return save_guide(actor, guide, dict(version.content))


def guide_by_slug(slug: str) -> Guide | None:
    return db.session.scalar(select(Guide).where(Guide.slug == slug))


def offices() -> list[Office]:
    return list(db.session.scalars(select(Office).order_by(Office.name)))


def update_office(actor: User, office: Office, *, name: str, address: str, hours: str, phone: str) -> None:
    office.name, office.address, office.hours, office.phone = name.strip(), address.strip(), hours.strip(), phone.strip()
    office.updated_at = utcnow()
    db.session.flush()


def guide_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Guide)) or 0
