"""What the report services share: the refusal error and status labels."""
from __future__ import annotations

from core.errors import Refused
from core.status import StatusChanged
from notifications.services import N_

CHANGED_MEANWHILE = N_("Status laporan ini baru saja diubah petugas lain. Periksa lagi sebelum melanjutkan.")


class ReportRefused(Refused):
    """A rule about reports said no; the message is safe to show."""


class ChangedMeanwhile(StatusChanged):
    """Someone else changed the report's status after the officer opened it."""

    def __init__(self):
        super().__init__(CHANGED_MEANWHILE)


KIND_LABELS = {
    "recruiter": N_("Calo menawarkan kerja ke luar negeri di luar prosedur resmi"),
    "fees": N_("Diminta membayar biaya untuk berangkat kerja"),
    "fake_ad": N_("Lowongan kerja palsu atau mencurigakan"),
    "held": N_("Seseorang ditahan atau disekap"),
    "abused": N_("Tidak digaji atau disiksa di luar negeri"),
    "unofficial_route": N_("Keberangkatan lewat jalur tidak resmi"),
}
KIND_SHORT = {
    "recruiter": N_("Calo"),
    "fees": N_("Biaya"),
    "fake_ad": N_("Lowongan palsu"),
    "held": N_("Ditahan"),
    "abused": N_("Tidak digaji/disiksa"),
    "unofficial_route": N_("Jalur tidak resmi"),
}
STATUS_LABELS = {
    "received": N_("diterima"),
    "verifying": N_("sedang diperiksa"),
    "referred": N_("diteruskan"),
    "closed": N_("selesai"),
}
REFERRAL_LABELS = {
    "polri": N_("Polri"),
    "bp3mi_ntt": N_("BP3MI NTT"),
    "disnaker": N_("Dinas tenaga kerja"),
    "other": N_("Lembaga lain"),
}
CLOSE_REASON_LABELS = {
    "acted_on": N_("Sudah ditindaklanjuti"),
    "insufficient": N_("Informasi belum cukup"),
    "duplicate": N_("Laporan ganda"),
    "not_placement": N_("Bukan kasus penempatan kerja"),
}
IDENTIFIER_LABELS = {
    "phone": N_("Nomor HP"),
    "company": N_("Perusahaan/agen"),
    "handle": N_("Akun media sosial"),
}
ROLE_LABEL = N_("Petugas Satgas PMI")  # accounts.admin_views.ROLE_LABELS["satgas"], translated here
