"""Signal receivers of the forum, connected by ``connect()`` (called by
``core.register_handlers``): personal data export and deletion, the member home
card, the moderator's workspace panel, the forum's entry on the "Layanan" page and
demo data."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from community import demo
from community.personal_data import export_member_data, forget_member
from core.home import HomeCard, ServiceLink, StaffPanel
from core.receivers import connect_receivers


def forget(user) -> None:
    """The member's forum data is erased, and the notices about it cancelled."""
    from notifications.services import cancel_messages

    forget_member(user)
    cancel_messages(f"community:u{user.id}:")


def home_cards(user, **_kw) -> list[HomeCard]:
    """A card when followed threads have replies the member has not read."""
    from community.home import home_counts

    count = home_counts(user).unread_followed
    if not count:
        return []
    return [
        HomeCard(
            title=_("Balasan baru di forum: %(num)d topik", num=count),
            text=_("Ada yang menanggapi percakapan yang Anda ikuti."),
            url=url_for("community.following"),
            action=_("Baca balasan"),
            priority=60,
        )
    ]


def workspace(user, **_kw) -> list[StaffPanel]:
    """A moderator's home starts with the moderation queue: how many posts wait for
    approval and how many carry open reports."""
    from community.home import home_counts
    from community.permissions import can_moderate

    if not can_moderate(user):
        return []
    counts = home_counts(user)
    waiting, reported = counts.waiting, counts.reported
    lines = (
        _("%(n)d tulisan menunggu persetujuan", n=waiting),
        _("%(n)d tulisan dilaporkan anggota", n=reported),
    )
    return [
        StaffPanel(
            title=_("Antrean moderasi forum"),
            url=url_for("community.moderation_queue"),
            action=_("Buka antrean moderasi"),
            lines=lines,
            count=(waiting + reported) or None,
            priority=20,
            role="moderator",
        )
    ]


def services(user, **_kw) -> list[ServiceLink]:
    """The forum on the "Layanan" page (members only: the forum needs a login, but a
    visitor learns it exists)."""
    return [
        ServiceLink(
            title=_("Forum purna PMI"),
            text=_("Berbagi pengalaman dan saling mengingatkan. Di ruang aman Anda boleh menulis tanpa nama."),
            url=url_for("community.index"),
            icon="forum",
            priority=20,
        )
    ]


def connect() -> None:
    """Connect the receivers (connecting twice is harmless)."""
    from community import home

    home.connect()
    connect_receivers("forum", export=export_member_data, erase=forget, demo=demo.seed_forum,
                      member_home_cards=home_cards, staff_workspace=workspace,
                      service_links=services)
