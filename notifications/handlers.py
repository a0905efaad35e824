"""Signal receivers of the notifications package, connected by ``connect()``
(called by ``core.register_handlers``; importing connects nothing)."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from core.receivers import connect_receivers
from notifications.personal_data import erase_for, export_for


def _seed(users, **_):
    """A few believable notices for the demo member and one call task for staff."""
    from core.db import utcnow
    from core.extensions import db
    from core.i18n import format_wita
    from notifications.services import N_, add_inbox_notice, open_call_task

    member = users.get("member")
    if member is None:
        return
    add_inbox_notice(
        member.id,
        "demo:welcome",
        N_("Selamat datang di Rumah Purna"),
        N_("Atur cara kami menghubungi Anda di Akun, Pengaturan notifikasi."),
        {},
        "/account/notifications",
    )
    add_inbox_notice(
        member.id,
        "demo:training-tenun",
        N_("Pelatihan baru: %(title)s"),
        N_("Pendaftaran dibuka sampai %(deadline)s."),
        # A deadline ahead of the day the demo is seeded, never one already past.
        {"title": "Tenun ikat untuk pemula",
         "deadline": format_wita(utcnow() + timedelta(days=14), "short", locale="id")},
        None,
    )
    other = users.get("vendor") or member
    open_call_task(
        SimpleNamespace(
            base_key="kur:demo:documents-reminder",
            user_id=other.id,
            title=N_("Dokumen pengajuan KUR Anda belum lengkap"),
            params={},
            url=None,
        )
    )
    db.session.flush()


def connect() -> None:
    """Connect the receivers (connecting twice is harmless), and have the bell's
    unread count loaded with the logged-in user (one statement fewer per page)."""
    from accounts.auth import load_with_user
    from notifications.inbox import UNREAD_FACT, unread_count_column

    load_with_user(UNREAD_FACT, unread_count_column())
    connect_receivers("notifications", export=export_for, erase=erase_for, demo=_seed)
