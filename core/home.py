"""What feature packages contribute to the home page and the "Layanan" page.

Each is gathered through a signal of ``core.signals``: ``member_home_cards``
(``HomeCard``), ``staff_workspace`` (``StaffPanel``) and ``service_links``
(``ServiceLink``). Lower ``priority`` comes first.
"""
from __future__ import annotations

from dataclasses import dataclass, field

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
    """Every service ``user`` (``None`` for a visitor) may open, in priority order."""
    return _collect(service_links, user)


def staff_panels_for(user) -> list[StaffPanel]:
    """The staff workspaces of ``user``'s staff roles, in priority order."""
    return _collect(staff_workspace, user)
