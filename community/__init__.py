"""The community forum (issue 4): categories, threads and posts in markdown, safe
rooms with anonymous posting, crisis-word support, moderation, search.

Account deletion (``handlers.forget_member`` via ``account_deleting``): anonymous
posts are erased, because their text may identify a writer who chose anonymity;
named posts stay in the conversations they belong to, shown as "Mantan anggota".
Reactions, reports, follows, read markers and the forum profile are deleted, and
pending forum messages to the person are cancelled.
"""

from __future__ import annotations

from functools import cache

from flask import Blueprint


def blueprint() -> Blueprint:
    """The ``community`` blueprint with every forum page: members' reading
    (``views``) and writing (``posting_views``), moderators' (``moderation_views``)
    and admins' (``admin_views``). Nested
    blueprints of sub-packages (``adminduk``, ``reports``) are registered on it here."""
    # Moderator and admin pages put their routes on ``views.bp`` when first imported
    # (once per process, like every module-level route); named here, not at the end of
    # views.py, so the table of contents in ``create_app`` shows where they come from.
    from community import admin_views, moderation_views, posting_views, views  # noqa: F401

    _nest_sub_packages(views.bp)
    return views.bp


@cache
def _nest_sub_packages(parent: Blueprint) -> None:
    """Once per process, like the routes: a blueprint cannot take children after
    its first registration on an app."""
    from community.adminduk import blueprint as adminduk_blueprint
    from community.reports.views import bp as reports_bp
    from community.reports.views import code_bp as reports_code_bp

    parent.register_blueprint(reports_bp)
    parent.register_blueprint(reports_code_bp)
    parent.register_blueprint(adminduk_blueprint())
