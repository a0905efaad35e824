"""Template globals and filters: permissions, navigation, WITA time."""
from __future__ import annotations

from flask import Flask, current_app, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core.i18n import wita

# Bottom navigation on phones / top bar on desktop. An item shows only once its
# endpoint exists, so no link ever leads to a page that is not built yet.
NAV_ITEMS = [
    ("site.home", _l("Beranda"), "home"),
    ("community.index", _l("Forum"), "forum"),
    ("mentoring.counselors", _l("Konseling"), "heart"),
    ("marketplace.index", _l("Pasar"), "market"),
    ("accounts.account", _l("Akun"), "user"),
]

# Staff workspaces listed on the Akun page, for the roles that may open them (an
# entry shows only once its endpoint exists).
STAFF_LINKS = [
    ("counselor", "mentoring.staff_dashboard", _l("Dasbor konselor")),
    ("umkm_staff", "mentoring.staff_trainings", _l("Kelola pelatihan")),
    ("umkm_staff", "mentoring.kur_applications", _l("Pengajuan KUR")),
    ("moderator", "community.moderation_queue", _l("Antrean moderasi")),
    ("admin", "accounts.admin_users", _l("Kelola pengguna")),
    ("admin", "accounts.admin_audit", _l("Log audit")),
    ("admin", "community.moderation_log", _l("Catatan moderasi")),
    ("admin", "community.admin_categories", _l("Kategori forum")),
    ("admin", "community.admin_crisis_terms", _l("Kata krisis")),
    ("admin", "community.admin_hotlines", _l("Nomor bantuan")),
]


def staff_links(user) -> list[dict]:
    """The staff workspaces ``user`` may open, in a stable order."""
    if not user.is_authenticated:
        return []
    views = current_app.view_functions
    return [
        {"url": url_for(endpoint), "label": label}
        for role, endpoint, label in STAFF_LINKS
        if endpoint in views and user.has_role(role)
    ]


def _unread_notifications() -> int:
    from notifications.services import unread_count

    return unread_count(current_user) if current_user.is_authenticated else 0


def init_templating(app: Flask) -> None:
    from accounts.permissions import TEMPLATE_PREDICATES

    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["wita"] = wita
    app.jinja_env.globals.update(TEMPLATE_PREDICATES)
    app.jinja_env.globals["unread_notifications"] = _unread_notifications
    app.jinja_env.globals["staff_links"] = staff_links

    @app.context_processor
    def _globals():
        items = [
            {"endpoint": ep, "label": label, "icon": icon, "url": url_for(ep)}
            for ep, label, icon in NAV_ITEMS
            if ep in app.view_functions
        ]
        return {
            "nav_items": items,
            "current_locale": str(get_locale() or "id"),
            "current_endpoint": request.endpoint or "",
            "current_user": current_user,
        }
