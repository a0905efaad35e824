"""What feature packages contribute to the home page and the "Layanan" page.

Each is gathered through a signal of ``core.signals``: ``member_home_cards``
(``HomeCard``), ``staff_workspace`` (``StaffPanel``) and ``service_links``
(``ServiceLink``). Lower ``priority`` comes first.

The home is shared by every package, so what the packages read for their cards
and panels is asked in one statement: each package registers its one-row SELECT
with ``home_query`` (deciding from what is loaded already, the viewer's roles,
what to ask) and its receivers read the answer with ``home_row``.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from flask import current_app, has_request_context, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, literal_column, select, true

from core.db import plain_rows, utcnow
from core.signals import member_home_cards, service_links, staff_workspace


@dataclass(frozen=True)
class HomeCard:
    """One "what is next" card: a title, a sentence and one link."""

    title: str
    text: str
    url: str
    action: str
    priority: int = 50  # lower comes first


@dataclass(frozen=True)
class ServiceLink:
    """One service on the "Layanan" page: what it is, a sentence, where it is,
    and the name of its icon in ``_macros/icons.html``."""

    title: str
    text: str
    url: str
    icon: str = "home"
    priority: int = 50  # lower comes first


@dataclass(frozen=True)
class StaffPanel:
    """A staff workspace shown first on a staff member's home: a title, short
    lines of today's work (``"3 sesi hari ini"``), an optional count that needs
    attention (urgent flags, queue length) and one link to the workspace."""

    title: str
    url: str
    action: str
    lines: tuple[str, ...] = field(default_factory=tuple)
    count: int | None = None
    priority: int = 50  # lower comes first
    role: str = ""  # the staff role it serves; core adds a plain panel for roles without one


def USER_ID():  # noqa: N802 (a placeholder, read like a constant)
    """The viewer's id in a ``home_query`` statement."""
    return bindparam("home_user_id")


def NOW():  # noqa: N802
    """The time of the request in a ``home_query`` statement."""
    return bindparam("home_now")


@dataclass(frozen=True)
class _Part:
    name: str
    build: Callable[[], Select]
    when: Callable[[Any], bool] | None
    params: Callable[[Any], dict] | None


_PARTS: dict[str, _Part] = {}
_STATEMENTS: dict[tuple[str, ...], tuple[Select, tuple]] = {}
_ROWS = "rumahpurna.home_rows"
_FOUND = "home_row_found"


def home_query(part: str, build: Callable[[], Select], *, when: Callable[[Any], bool] | None = None,
               params: Callable[[Any], dict] | None = None) -> None:
    """Register what ``part`` reads for the home (a card, a staff panel or both):
    ``build()`` gives a SELECT of at most one row (an aggregate, or ``LIMIT 1``)
    that stands on its own (not correlated with anything), naming the viewer as
    ``USER_ID()`` and the time as ``NOW()``; ``when(user)`` says whether to ask it
    for this viewer (a role), ``params(user)`` gives its other values. Built once
    per process for each set of parts that apply (building and keying a statement
    cost more than running it); registered from the package's ``connect()``."""
    _PARTS[part] = _Part(part, build, when, params)
    _STATEMENTS.clear()


def home_row(part: str, user) -> SimpleNamespace | None:
    """``part``'s row for ``user`` (its columns by label), or ``None`` when its
    SELECT found no row or did not apply. The first call in a request asks every
    part that applies at once, in one statement: each part's SELECT a derived table,
    joined ``ON true`` to a one-row base, so a part without a row gives NULLs and
    the others are unaffected. The home is shared by every package, and each part
    as its own query cost a round trip and a statement's overhead."""
    if not has_request_context():
        return _ask_all(user).get(part)
    memo = request.environ.setdefault(_ROWS, {})
    key = getattr(user, "id", None)
    if key not in memo:
        memo[key] = _ask_all(user)
    return memo[key].get(part)


def _statement(names: tuple[str, ...]) -> tuple[Select, tuple]:
    built = _STATEMENTS.get(names)
    if built is None:
        joined = select(literal_column("1").label("one")).subquery("home")
        layout = []
        for name in names:
            subquery = _PARTS[name].build().add_columns(literal_column("1").label(_FOUND)).subquery(name)
            joined = joined.outerjoin(subquery, true())
            layout.append((name, subquery, tuple(column.key for column in subquery.c)))
        columns = [column for _name, subquery, _keys in layout for column in subquery.c]
        built = select(*columns).select_from(joined), tuple((name, keys) for name, _s, keys in layout)
        _STATEMENTS[names] = built
    return built


def _ask_all(user) -> dict[str, SimpleNamespace]:
    parts = [part for part in _PARTS.values() if part.when is None or part.when(user)]
    if not parts:
        return {}
    statement, layout = _statement(tuple(part.name for part in parts))
    values = {"home_user_id": user.id, "home_now": utcnow()}
    for part in parts:
        if part.params is not None:
            values.update(part.params(user))
    found = iter(plain_rows(statement, values).one())
    rows = {}
    for name, keys in layout:
        row = {key: next(found) for key in keys}
        if row.pop(_FOUND) is not None:
            rows[name] = SimpleNamespace(**row)
    return rows


def _collect(signal, sender) -> list:
    items: list = []
    for _receiver, result in signal.send(sender):
        if result:
            items.extend(result)
    return sorted(items, key=lambda item: item.priority)


def cards_for(user) -> list[HomeCard]:
    """The member home cards for ``user``, in priority order."""
    return _collect(member_home_cards, user)


_SERVICES_KEPT = "rumahpurna.service_links"


def service_links_for(user) -> list[ServiceLink]:
    """Every service ``user`` (``None`` for a visitor) may open, in priority order:
    what the packages send, plus the ``CORE_SERVICES`` entries no package sent.

    A ``service_links`` receiver decides from whether there is a viewer and from
    the viewer's roles, never from their data, so the list is kept per app,
    language, mount point and role set (asking every package and drawing their
    labels and links was a tenth of the member home's time)."""
    if not has_request_context():
        return _service_links(user)
    from core.i18n import current_language

    roles = frozenset(user.roles) if getattr(user, "is_authenticated", False) else None
    key = (current_language(), request.script_root, user is not None, roles, tuple(service_links.receivers))
    kept = current_app.extensions.setdefault(_SERVICES_KEPT, {})
    links = kept.get(key)
    if links is None:
        links = tuple(_service_links(user))
        if len(kept) >= 256:  # languages x role sets: never reached, but bounded
            kept.clear()
        kept[key] = links
    return list(links)


def _service_links(user) -> list[ServiceLink]:
    links = _collect(service_links, user)
    urls = {link.url for link in links}
    links.extend(link for link in core_service_links(user) if link.url not in urls)
    return sorted(links, key=lambda link: link.priority)


def staff_panels_for(user) -> list[StaffPanel]:
    """The staff workspaces of ``user``'s staff roles, in priority order: what the
    packages send, plus a plain link to the first workspace of each staff role no
    package drew a panel for (so every staff home leads to its work)."""
    from core.templating import STAFF_LINKS

    if not user.is_staff:  # a member's home (most homes): no package is asked
        return []
    panels = _collect(staff_workspace, user)
    covered = {panel.role for panel in panels}
    urls = {panel.url for panel in panels}
    views = current_app.view_functions
    for role, endpoint, label in STAFF_LINKS:
        if role not in covered and endpoint in views and user.has_role(role):
            covered.add(role)
            if url_for(endpoint) in urls:  # a package panel already leads there
                continue
            panels.append(StaffPanel(title=str(label), url=url_for(endpoint), action=_("Buka"),
                                     role=role, priority=90))
    return sorted(panels, key=lambda panel: panel.priority)


# Services whose packages do not send their own ``service_links`` yet (a package's
# own link to the same address replaces the entry):
# (endpoint, title, text, icon, priority). An entry shows once its endpoint exists.
CORE_SERVICES = [
    ("community.index", _l("Forum"),
     _l("Bertanya dan berbagi dengan sesama purna PMI, juga tanpa nama."), "forum", 10),
    ("mentoring.counseling.counselors", _l("Konseling"),
     _l("Bicara dengan konselor. Rahasia dan gratis."), "heart", 20),
    ("marketplace.index", _l("Pasar"),
     _l("Belanja dari usaha sesama purna PMI, atau daftarkan usaha Anda."), "market", 50),
    ("notifications.inbox", _l("Kotak masuk"),
     _l("Pengingat dan kabar tentang jadwal dan pengajuan Anda."), "inbox", 95),
]


def core_service_links(user) -> list[ServiceLink]:
    """The ``CORE_SERVICES`` that exist, for ``user`` (a visitor sees the forum only)."""
    views = current_app.view_functions
    return [
        ServiceLink(title=str(title), text=str(text), url=url_for(endpoint), icon=icon,
                    priority=priority)
        for endpoint, title, text, icon, priority in CORE_SERVICES
        if endpoint in views and (user is not None or endpoint == "community.index")
    ]

