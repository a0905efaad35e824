"""The application factory. ``create_app`` reads like a table of contents."""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask

from config import BASE_DIR, INSTANCE_DIR, Config, config_from_env


def create_app(config: Config | None = None) -> Flask:
    app = Flask(
        "rumahpurna",
        root_path=str(BASE_DIR),
        instance_path=str(INSTANCE_DIR),
        template_folder=str(BASE_DIR / "templates"),
        static_folder=str(BASE_DIR / "static"),
    )
    # Templates are a fixed set of files, all loaded at start-up (``warm_up``): keep
    # them in a plain dict. Jinja's default 400-entry LRU moves a template to the front
    # of a deque on every lookup, a scan of the ~200 templates for each extends,
    # import and include of every page.
    app.jinja_options = {**app.jinja_options, "cache_size": -1}
    app.config.from_object(config or config_from_env())
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    configure_logging(app)
    configure_proxy(app)
    use_session_cookies(app)
    register_extensions(app)
    register_blueprints(app)
    register_handlers()
    register_template_helpers(app)
    serve_static_files(app)
    register_error_handlers(app)
    register_security_headers(app)
    register_commands(app)
    return app


def configure_logging(app: Flask) -> None:
    from core.log_privacy import install_log_record_factory

    install_log_record_factory()  # no SQL DETAIL values in any log line (core/log_privacy.py)
    level = getattr(logging, str(app.config.get("LOG_LEVEL", "INFO")).upper(), logging.INFO)
    logging.getLogger("rumahpurna").setLevel(level)
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def use_session_cookies(app: Flask) -> None:
    from core.security import SessionCookies

    app.session_interface = SessionCookies()  # Flask's signed cookie, its serializer built once


def serve_static_files(app: Flask) -> None:
    from core.static_files import init_static_files

    init_static_files(app)  # versioned links, kept a year by the browser


def configure_proxy(app: Flask) -> None:
    """Behind a reverse proxy, trust its X-Forwarded-For/-Proto (``PROXY_COUNT`` hops)
    so rate limits see each visitor's address, not the proxy's."""
    hops = app.config.get("PROXY_COUNT", 0)
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def register_extensions(app: Flask) -> None:
    from core.db import configure_postgres_liveness, configure_sqlite, keep_long_statement_texts
    from core.extensions import babel, csrf, db, limiter, login_manager, migrate
    from core.i18n import select_locale

    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
        configure_postgres_liveness(db.engine)
        keep_long_statement_texts(db.engine)
    from core.read_only import init_read_only

    init_read_only(app)
    from core.uploads import init_uploads

    init_uploads(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    # Each part keeps its own catalog under translations/<part>/; Flask-Babel merges them.
    catalogs = sorted(str(p) for p in (BASE_DIR / "translations").iterdir() if p.is_dir())
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=";".join(catalogs),
    )
    from core.i18n import install_fast_gettext

    install_fast_gettext(app, babel)
    limiter.init_app(app)
    from core.limits import skip_idle_middleware

    skip_idle_middleware(app, limiter)

    from accounts.auth import configure_login

    configure_login(login_manager)
    login_manager.init_app(app)


def register_blueprints(app: Flask) -> None:
    from accounts import admin_views  # noqa: F401  (routes on the accounts blueprint)
    from accounts.views import bp as accounts_bp
    from community import blueprint as community_blueprint
    from core.views import bp as site_bp
    from marketplace.stalls.views import nest as nest_stalls
    from marketplace.views import bp as marketplace_bp
    from mentoring.views import bp as mentoring_bp
    from notifications.views import bp as notifications_bp
    from payments.views import bp as payments_bp

    app.register_blueprint(site_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(community_blueprint())
    app.register_blueprint(notifications_bp)
    app.register_blueprint(mentoring_bp)
    app.register_blueprint(payments_bp)
    nest_stalls()  # marketplace.stalls inside marketplace
    app.register_blueprint(marketplace_bp)


def register_handlers() -> None:
    """Connect every package's signal receivers: each ``handlers.py`` has a
    ``connect()`` (one ``core.receivers.connect_receivers`` call) and connects
    nothing until it is called here. Receivers of one signal run in this order."""
    from community import handlers as community_handlers
    from community.adminduk import handlers as adminduk_handlers
    from community.reports import handlers as reports_handlers
    from marketplace import handlers as marketplace_handlers
    from marketplace.stalls import handlers as stalls_handlers
    from mentoring import home as mentoring_home
    from mentoring.counseling import handlers as counseling_handlers
    from mentoring.kur import handlers as kur_handlers
    from mentoring.training import handlers as training_handlers
    from notifications import handlers as notifications_handlers
    from payments import handlers as payments_handlers

    # stalls and payments first: their receivers come first, as when they connected on import
    stalls_handlers.connect()
    payments_handlers.connect()
    community_handlers.connect()
    adminduk_handlers.connect()
    counseling_handlers.connect()
    marketplace_handlers.connect()
    training_handlers.connect()
    kur_handlers.connect()
    mentoring_home.connect()
    reports_handlers.connect()
    notifications_handlers.connect()


def register_template_helpers(app: Flask) -> None:
    from core.templating import init_templating

    init_templating(app)


def register_error_handlers(app: Flask) -> None:
    from core.errors import register_error_handlers as register

    register(app)


def register_security_headers(app: Flask) -> None:
    from core.security import register_security_headers as register

    register(app)


def register_commands(app: Flask) -> None:
    from core.cli import register_commands as register

    register(app)


def warm_up(app: Flask) -> None:
    """Do at start-up what the first requests of a worker would otherwise do: set up
    SQLAlchemy's mappers and compile every template (about a second). Then no
    member's first page after a restart waits for it (a thread page's first view
    91 -> 45 ms, the training list's 38 -> 15 ms, through the test client), and
    ``gc.freeze()`` after this also takes the compiled templates out of the
    collector's sight."""
    from sqlalchemy.orm import configure_mappers

    configure_mappers()
    for name in app.jinja_env.list_templates():
        app.jinja_env.get_template(name)
