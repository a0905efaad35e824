"""Template globals and filters: permissions, navigation, WITA time."""
from __future__ import annotations

from flask import Flask, current_app, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from core.forms import format_rupiah
from core.i18n import current_language, format_wita, wita_filter

# Bottom navigation on phones / top bar on desktop. An item shows only once its
# endpoint exists, so no link ever leads to a page that is not built yet.
NAV_ITEMS = [
    ("site.home", _l("Beranda"), "home"),
    ("community.index", _l("Forum"), "forum"),
    ("mentoring.counseling.counselors", _l("Konseling"), "heart"),
    # Every other part (training, KUR, the market, papers help, reports, the inbox)
    # is one tap away on "Layanan", so the bar keeps five items at 360 px.
    ("site.services", _l("Layanan"), "grid"),
    ("accounts.account", _l("Akun"), "user"),
]

# Staff workspaces listed on the Akun page, for the roles that may open them (an
# entry shows only once its endpoint exists).
STAFF_LINKS = [
    ("counselor", "mentoring.counseling.staff_dashboard", _l("Dasbor konselor")),
    ("umkm_staff", "mentoring.training.staff_trainings", _l("Kelola pelatihan")),
    ("umkm_staff", "mentoring.kur.kur_applications", _l("Pengajuan KUR")),
    ("moderator", "community.moderation_queue", _l("Antrean moderasi")),
    ("satgas", "community.reports.queue", _l("Meja Satgas")),
    ("admin", "accounts.admin_users", _l("Kelola pengguna")),
    ("admin", "accounts.admin_audit", _l("Log audit")),
    ("admin", "community.moderation_log", _l("Catatan moderasi")),
    ("admin", "community.admin_categories", _l("Kategori forum")),
    ("admin", "community.admin_crisis_terms", _l("Kata krisis")),
    ("admin", "community.admin_hotlines", _l("Nomor bantuan")),
    ("admin", "community.reports.queue", _l("Laporan ke Satgas (dibaca tercatat)")),
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


def icon_renderer(env):
    """``render_icon(name)``: the SVG the ``svg`` macro in ``_macros/icons.html``
    draws for ``name``, drawn once per name and then reused (pages show the same
    few icons many times)."""
    drawn: dict = {}

    def render_icon(name: str):
        markup = drawn.get(name)
        if markup is None:
            markup = env.get_template("_macros/icons.html").module.svg(name)
            if len(drawn) < 100:
                drawn[name] = markup
        return markup

    return render_icon


_URL_MARKER = 918273645546372819


def row_url(endpoint: str, key: str, **values):
    """``row_url(endpoint, key, **values)(n)`` gives ``url_for(endpoint, **values,
    key=n)`` for a row id ``n``, with one ``url_for`` call for the whole list instead
    of one per row (links repeated on every row of a page)."""
    url = url_for(endpoint, **values, **{key: _URL_MARKER})
    head, found, tail = url.partition(str(_URL_MARKER))
    if not found or str(_URL_MARKER) in tail:
        return lambda n: url_for(endpoint, **values, **{key: n})

    def build(n) -> str:
        if not isinstance(n, int) or n < 0:  # let url_for accept or refuse it
            return url_for(endpoint, **values, **{key: n})
        return f"{head}{n}{tail}"

    return build


def hidden_tag_once(form):
    """``form.hidden_tag()``, drawn once per form object and reused: a page with one
    small form per row (``button_form``) passes the same form every time, and its
    hidden fields (the session's CSRF token) are the same markup each time."""
    markup = form.__dict__.get("_hidden_tag_markup")
    if markup is None:
        markup = form.__dict__["_hidden_tag_markup"] = form.hidden_tag()
    return markup


def flatten_template_globals(env) -> None:
    """Give each template its globals as a plain dict instead of Jinja's ChainMap.

    Jinja copies or compares a template's globals on every render, include and
    ``{% from ... import %}``; over a ChainMap each of those is a Python loop over
    all the globals, over a dict it runs in C. Template-specific globals still win
    and never leak into the environment. As Jinja's own docs ask, register globals
    while the app is built (``create_app``), before any template is loaded.
    """

    def make_globals(d=None):
        return {**env.globals, **(d or {})}

    env.make_globals = make_globals


def expose_permissions(app: Flask, *modules) -> None:
    """Hand every ``can_*`` predicate of each ``permissions`` module to the templates
    (its ``TEMPLATE_PREDICATES`` dict), so the buttons a page shows are decided by
    the same functions the views check; and every label or helper of a module's
    ``TEMPLATE_HELPERS`` dict (``stall_status_label``, ``regency_names``…) — the one
    way a package hands something to its templates (no context processors, no
    ``record_once``). Called once, from ``init_templating``; two packages exposing
    the same name with different objects is a mistake and stops the app from starting."""
    exposed: dict[str, object] = {}
    for module in modules:
        named = {**getattr(module, "TEMPLATE_PREDICATES", {}), **getattr(module, "TEMPLATE_HELPERS", {})}
        for name, helper in named.items():
            if exposed.get(name, helper) is not helper:
                raise RuntimeError(f"template predicate {name!r} exposed twice ({module.__name__})")
            exposed[name] = helper
    app.jinja_env.globals.update(exposed)


def _unread_notifications() -> int:
    from notifications.services import unread_count

    return unread_count(current_user) if current_user.is_authenticated else 0


def init_templating(app: Flask) -> None:
    from accounts import permissions as accounts_permissions
    from community import permissions as community_permissions
    from community import views as community_views
    from community.adminduk import permissions as adminduk_permissions
    from community.adminduk import views as adminduk_views
    from community.reports import permissions as reports_permissions
    from community.reports import views as reports_views
    from marketplace import permissions as marketplace_permissions
    from marketplace import views as marketplace_views
    from marketplace.stalls import permissions as stalls_permissions
    from marketplace.stalls import views as stalls_views
    from mentoring import blueprint as mentoring_blueprint
    from mentoring.counseling import blueprint as counseling_blueprint
    from mentoring.counseling import permissions as counseling_permissions
    from mentoring.kur import blueprint as kur_blueprint
    from mentoring.kur import permissions as kur_permissions
    from mentoring.training import blueprint as training_blueprint
    from mentoring.training import permissions as training_permissions
    from notifications import permissions as notifications_permissions
    from payments import permissions as payments_permissions

    flatten_template_globals(app.jinja_env)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["wita"] = wita_filter
    app.jinja_env.filters["rupiah"] = format_rupiah
    app.jinja_env.filters["format_wita"] = format_wita
    expose_permissions(
        app,
        accounts_permissions,
        community_permissions,
        notifications_permissions,
        counseling_permissions,
        training_permissions,
        kur_permissions,
        payments_permissions,
        reports_permissions,
        marketplace_permissions,
        adminduk_permissions,
        stalls_permissions,
        # labels and helpers (TEMPLATE_HELPERS)
        community_views,
        adminduk_views,
        reports_views,
        marketplace_views,
        stalls_views,
        mentoring_blueprint,
        counseling_blueprint,
        training_blueprint,
        kur_blueprint,
    )
    app.jinja_env.globals["unread_notifications"] = _unread_notifications
    app.jinja_env.globals["staff_links"] = staff_links
    app.jinja_env.globals["render_icon"] = icon_renderer(app.jinja_env)
    app.jinja_env.globals["hidden_tag_once"] = hidden_tag_once
    app.jinja_env.globals["row_url"] = row_url

    # The parts of the layout that are the same for every page of one endpoint in
    # one language, logged in or not (navigation, links, labels, the footer) are
    # drawn once per (mount point, language, endpoint, logged in) by the macros of
    # ``_partials/_shell.html`` and reused; base.html fills in the rest (title, the
    # bell's count, the CSRF token, the flashes, the page). A label is drawn exactly
    # as its lazy string draws itself (``LazyString.__html__``).
    shells: dict[tuple, dict[str, Markup]] = {}

    def shell_for(language: str, endpoint: str, logged_in: bool) -> dict[str, Markup]:
        key = (request.script_root, language, endpoint, logged_in)
        shell = shells.get(key)
        if shell is None:
            parts = app.jinja_env.get_template("_partials/_shell.html").module
            items = [
                {"endpoint": ep, "label": Markup(label.__html__()),  # noqa: S704 (our msgids)
                 "icon": icon, "url": url_for(ep)}
                for ep, label, icon in NAV_ITEMS
                if ep in app.view_functions
            ]
            drawn = {
                "head": parts.head(), "brand": parts.brand(), "bell_open": parts.bell_open(),
                "unread_label": parts.unread_label(), "lang_form": parts.lang_form(),
                "lang_button": parts.lang_button(language), "login": parts.login(),
                "footer": parts.footer(),
                "topnav": parts.topnav(items, endpoint) if logged_in else Markup(""),
                "bottomnav": parts.bottomnav(items, endpoint) if logged_in else Markup(""),
            }
            shell = {name: Markup(str(part).strip("\n")) for name, part in drawn.items()}  # noqa: S704
            if len(shells) >= 2000:  # endpoints x languages x 2: bounded by the app
                shells.clear()
            shells[key] = shell
        return shell

    @app.context_processor
    def _globals():
        language = current_language()
        user = current_user._get_current_object()
        return {
            "current_locale": language,
            "shell": shell_for(language, request.endpoint or "", user.is_authenticated),
            # The user object itself: templates read it many times, and each read
            # through the ``current_user`` proxy costs a context lookup.
            "current_user": user,
        }
