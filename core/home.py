"""What feature packages contribute to the home page and the "Layanan" page.

Each is gathered through a signal of ``core.signals``: ``member_home_cards``
(``HomeCard``), ``staff_workspace`` (``StaffPanel``) and ``service_links``
(``ServiceLink``). Lower ``priority`` comes first.

The home is shared by every package, so each keeps to one query for its card and
its panel together: the receivers read through ``once_per_request`` and decide
from what is loaded already (the viewer's roles) whether to ask anything at all.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from flask import current_app, has_request_context, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

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


T = TypeVar("T")
_MEMO = "rumahpurna.home_memo"


def once_per_request(part: str, user, compute: Callable[[], T]) -> T:
    """What ``part`` reads for ``user``'s home, read once per request: a package's
    card and panel receivers both call this with the same ``compute`` (one query
    for the package's card and panel together) and share the answer. Outside a
    request it is simply computed."""
    if not has_request_context():
        return compute()
    memo = request.environ.setdefault(_MEMO, {})
    key = (part, getattr(user, "id", None))
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def _collect(signal, sender) -> list:
    items: list = []
    for _receiver, result in signal.send(sender):
        if result:
            items.extend(result)
    return sorted(items, key=lambda item: item.priority)


def cards_for(user) -> list[HomeCard]:
    """The member home cards for ``user``, in priority order."""
    return _collect(member_home_cards, user)


def service_links_for(user) -> list[ServiceLink]:
    """Every service ``user`` (``None`` for a visitor) may open, in priority order:
    what the packages send, plus the ``CORE_SERVICES`` entries no package sent."""
    links = _collect(service_links, user)
    urls = {link.url for link in links}
    links.extend(link for link in core_service_links(user) if link.url not in urls)
    return sorted(links, key=lambda link: link.priority)


def staff_panels_for(user) -> list[StaffPanel]:
    """The staff workspaces of ``user``'s staff roles, in priority order: what the
    packages send, plus a plain link to the first workspace of each staff role no
    package drew a panel for (so every staff home leads to its work)."""
    from core.templating import STAFF_LINKS

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

