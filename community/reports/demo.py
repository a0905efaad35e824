"""Demo reports for ``flask seed-demo``: believable NTT cases in every status, with
one calo's number written three ways so the linking shows (idempotent)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from community.reports import desk, identifiers
from community.reports.models import Report
from community.reports.reporting import ReportInput, submit_report
from core.db import utcnow
from core.extensions import db
from core.i18n import WITA

# (days ago, kind, regency, what, place, when, people, phones, companies, handles,
#  urgent, by member, contact, final status, referral or close reason)
DEMO_REPORTS = [
    (40, "recruiter", "tts", "Seorang calo datang ke desa menawarkan kerja di kebun sawit Malaysia. "
     "Katanya tidak perlu paspor dulu, nanti diurus di Nunukan.", "Desa Oinlasi, Kecamatan Amanatun Selatan",
     "Awal bulan lalu", "Pak Yoseph (calo), mengaku dari PT Sinar Borneo", "0812-3801-7744",
     "PT. Sinar Borneo Mandiri", "", False, False, ("Agustina", "+6281338800111"), "referred", "polri"),
    (33, "fees", "kupang", "Keponakan saya diminta bayar Rp7 juta untuk 'biaya proses' kerja di Malaysia. "
     "Sudah bayar Rp3 juta lewat transfer.", "Oesao", "Tiga minggu lalu", "Yoseph",
     "+62 812 3801 7744", "Sinar Borneo Mandiri PT", "", False, True, None, "verifying", None),
    (21, "fake_ad", "kota-kupang", "Iklan di Facebook: lowongan pengasuh lansia di Taiwan, gaji 20 juta, "
     "berangkat 2 minggu, tanpa pelatihan. Nomor WA di iklan.", "", "Iklan dilihat 3 minggu lalu", "",
     "6281238017744", "", "facebook.com/lowongan.taiwan.ntt", False, False, None, "closed", "acted_on"),
    (12, "held", "malaka", "Adik saya di Malaysia tidak boleh keluar rumah majikan dan paspornya ditahan agen. "
     "Dia menelepon sembunyi-sembunyi kemarin.", "Johor Bahru, Malaysia", "Kemarin",
     "Agen bernama Ibu Lina", "+60 12-345 6789", "", "", True, False, ("Kakaknya", "+6281339900222"),
     "referred", "bp3mi_ntt"),
    (8, "unofficial_route", "sumba-timur", "Ada rombongan enam orang muda yang akan diberangkatkan lewat "
     "pelabuhan kecil ke Batam minggu depan, katanya jalur cepat.", "Waingapu", "Minggu depan", "",
     "", "", "@jalurcepat_kerja", True, False, None, "received", None),
    (5, "abused", "belu", "Teman saya bekerja di Saudi Arabia dan sudah lima bulan tidak digaji.",
     "Riyadh", "Lima bulan terakhir", "", "", "", "", False, False, None, "closed", "insufficient"),
    (2, "recruiter", "ttu", "Orang yang sama dengan iklan Taiwan itu sekarang mencari perempuan di Kefamenanu.",
     "Kefamenanu", "Dua hari lalu", "", "0812 3801 7744", "", "lowongan.taiwan.ntt", False, False, None,
     "received", None),
]


# By the index in DEMO_REPORTS: (days before it was reported, how sure). The
# departure planned "next week" has no date (a report's date is never ahead).
DEMO_HAPPENED = {0: (30, "month"), 1: (21, "about"), 2: (21, "day"), 3: (1, "day"), 5: (150, "about"),
                 6: (2, "day")}


def seed(users: dict) -> None:
    if db.session.scalar(select(func.count(Report.id))):
        return
    officer = users.get("satgas")
    member = users.get("member")
    now = utcnow()
    for index, (days, kind, regency, what, place, when, people, phones, companies, handles, urgent,
                by_member, contact, final, outcome) in enumerate(DEMO_REPORTS):
        created = now - timedelta(days=days)
        before, precision = DEMO_HAPPENED.get(index, (None, ""))
        data = ReportInput(
            kind=kind, regency=regency, what=what, place=place, happened=when, people=people,
            happened_on=(created - timedelta(days=before)).astimezone(WITA).date() if before is not None else None,
            happened_precision=precision,
            phones=identifiers.parse("phone", phones)[0],
            companies=identifiers.parse("company", companies)[0],
            handles=identifiers.parse("handle", handles)[0],
            urgent=urgent,
            contact_name=(contact[0] if contact else "") if not by_member else member.name,
            contact_phone=(contact[1] if contact else "") if not by_member else member.phone,
        )
        report, _secret = submit_report(member if by_member else None, data)
        report.created_at = created
        if officer is None or final == "received":
            continue
        step = created + timedelta(days=1)
        desk.start_verifying(officer, report, "received", now=step)
        if final == "referred" or outcome == "acted_on":
            desk.refer(officer, report, "verifying", outcome if final == "referred" else "polri",
                       "Diserahkan ke unit PPA", now=step + timedelta(days=2))
        if final == "closed":
            desk.close(officer, report, report.status, outcome, now=step + timedelta(days=4))
    db.session.flush()
