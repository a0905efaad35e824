"""Signal receivers of Lapor: data export and deletion, the note on the deletion
page, the member home card and demo data."""
from __future__ import annotations

from flask_babel import gettext as _

from community.reports import personal_data
from core.signals import (
    account_deleting,
    account_deletion_notes,
    collect_personal_data,
    seed_demo,
)


def export(user, **_kwargs):
    data = personal_data.export_for(user)
    return ("reports", data) if data else None


def erase(user, **_kwargs) -> None:
    personal_data.erase_for(user)


def deletion_note(user, **_kwargs) -> str | None:
    kept = personal_data.kept_on_deletion(user)
    if not kept:
        return None
    return _(
        "%(num)d laporan Anda ke Satgas sudah diteruskan dan menjadi bagian dari penanganan kasus: "
        "laporan itu tetap disimpan, tetapi tidak lagi terhubung ke akun Anda dan kontak Anda dihapus. "
        "Laporan lain dihapus.", num=kept,
    )


def demo(users, **_kwargs) -> None:
    from community.reports.demo import seed

    seed(users)


def connect() -> None:
    collect_personal_data.connect(export)
    account_deleting.connect(erase)
    account_deletion_notes.connect(deletion_note)
    seed_demo.connect(demo)


connect()
