"""Reference lists for KUR: banks, stages, amounts and thresholds."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

# Banks and institutions that distribute KUR in NTT. Bank NTT is one of many.
KUR_BANKS = [
    ("bank-ntt", "Bank NTT"),
    ("bri", "BRI (Bank Rakyat Indonesia)"),
    ("bni", "BNI (Bank Negara Indonesia)"),
    ("mandiri", "Bank Mandiri"),
    ("bsi", "BSI (Bank Syariah Indonesia)"),
    ("btn", "BTN (Bank Tabungan Negara)"),
    ("bca", "BCA (Bank Central Asia)"),
    ("pegadaian", "Pegadaian"),
    ("other", _l("Bank penyalur KUR lain")),
]
BANK_NAMES = dict(KUR_BANKS)

# preparing documents -> submitted to the bank -> survey/interview -> decision ->
# contract and disbursement; or rejected (with a reason) from any active stage;
# or withdrawn by the member before the bank decides.
KUR_STAGES = [
    ("preparing", _l("Menyiapkan berkas")),
    ("submitted", _l("Berkas diserahkan ke bank")),
    ("survey", _l("Survei dan wawancara bank")),
    ("decision", _l("Menunggu keputusan bank")),
    ("disbursed", _l("Akad kredit dan pencairan")),
    ("rejected", _l("Ditolak")),
    ("withdrawn", _l("Dibatalkan")),
]
STAGE_NAMES = dict(KUR_STAGES)
FORWARD_STAGES = ["preparing", "submitted", "survey", "decision", "disbursed"]
ACTIVE_STAGES = ("preparing", "submitted", "survey", "decision")
FINAL_STAGES = ("disbursed", "rejected", "withdrawn")
# The member may withdraw only before the application waits for the bank's decision.
WITHDRAWABLE_STAGES = ("preparing", "submitted", "survey")

KUR_MAX_AMOUNT = 500_000_000
KUR_MIN_AMOUNT = 1_000_000
# NPWP (tax number) is required for KUR above this amount.
NPWP_THRESHOLD = 50_000_000
MIN_BUSINESS_MONTHS = 6
