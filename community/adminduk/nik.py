"""NIK (Nomor Induk Kependudukan) and KK number checks, pure functions.

A NIK is 16 digits: the region of first registration (2 digits province, 2
regency/city, 2 district), the date of birth as DDMMYY with 40 added to the day
for women, then a 4-digit serial that is never 0000. A KK number has the same
region part. The province table is complete; the regency table is NTT's (its
22 regencies and cities, codes 5301-5321 and 5371).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from notifications.services import N_

PROVINCES = {
    "11": "Aceh", "12": "Sumatera Utara", "13": "Sumatera Barat", "14": "Riau",
    "15": "Jambi", "16": "Sumatera Selatan", "17": "Bengkulu", "18": "Lampung",
    "19": "Kepulauan Bangka Belitung", "21": "Kepulauan Riau", "31": "DKI Jakarta",
    "32": "Jawa Barat", "33": "Jawa Tengah", "34": "DI Yogyakarta", "35": "Jawa Timur",
    "36": "Banten", "51": "Bali", "52": "Nusa Tenggara Barat", "53": "Nusa Tenggara Timur",
    "61": "Kalimantan Barat", "62": "Kalimantan Tengah", "63": "Kalimantan Selatan",
    "64": "Kalimantan Timur", "65": "Kalimantan Utara", "71": "Sulawesi Utara",
    "72": "Sulawesi Tengah", "73": "Sulawesi Selatan", "74": "Sulawesi Tenggara",
    "75": "Gorontalo", "76": "Sulawesi Barat", "81": "Maluku", "82": "Maluku Utara",
    "91": "Papua", "92": "Papua Barat", "93": "Papua Selatan", "94": "Papua Tengah",
    "95": "Papua Pegunungan", "96": "Papua Barat Daya",
}

# NTT's regencies and cities (Kemendagri codes) -> the slugs of accounts.data.REGENCIES.
NTT_REGENCIES = {
    "5301": "sumba-barat", "5302": "sumba-timur", "5303": "kupang", "5304": "tts",
    "5305": "ttu", "5306": "belu", "5307": "alor", "5308": "lembata",
    "5309": "flores-timur", "5310": "sikka", "5311": "ende", "5312": "ngada",
    "5313": "manggarai", "5314": "rote-ndao", "5315": "manggarai-barat",
    "5316": "sumba-tengah", "5317": "sumba-barat-daya", "5318": "nagekeo",
    "5319": "manggarai-timur", "5320": "sabu-raijua", "5321": "malaka",
    "5371": "kota-kupang",
}

MSG_DIGITS = N_("NIK harus 16 angka, tanpa spasi atau tanda lain.")
MSG_REGION = N_("Enam angka pertama NIK bukan kode wilayah yang dikenal. Periksa lagi di KTP atau KK Anda.")
MSG_DATE = N_("Angka tanggal lahir di NIK (angka ke-7 sampai ke-12) bukan tanggal yang ada. Periksa lagi di KTP Anda.")
MSG_SERIAL = N_("Empat angka terakhir NIK tidak boleh 0000.")
MSG_KK_DIGITS = N_("Nomor KK harus 16 angka, tanpa spasi atau tanda lain.")
MSG_KK_REGION = N_("Enam angka pertama nomor KK bukan kode wilayah yang dikenal.")


@dataclass(frozen=True)
class NikInfo:
    province: str
    regency_slug: str | None  # for NTT only
    birth_date: date
    female: bool


def clean_number(value: str) -> str:
    """Spaces, dots and dashes people type between the digits removed."""
    return re.sub(r"[\s.\-]", "", value or "")


def region_known(code: str) -> bool:
    """Province in the table; NTT regencies in NTT's table; never a 00 part."""
    province, regency, district = code[:2], code[2:4], code[4:6]
    if province not in PROVINCES or regency == "00" or district == "00":
        return False
    if province == "53":
        return code[:4] in NTT_REGENCIES
    return True


def birth_date_of(part: str, today: date) -> tuple[date, bool] | None:
    """DDMMYY (day + 40 for women) -> (date, female), or None when no such date."""
    day, month, year = int(part[:2]), int(part[2:4]), int(part[4:6])
    female = day > 40
    if female:
        day -= 40
    for century in (2000, 1900):
        full = century + year
        if full > today.year:
            continue
        try:
            born = date(full, month, day)
        except ValueError:
            return None
        if born <= today:
            return born, female
    return None


def nik_error(value: str, today: date | None = None) -> str | None:
    """The msgid explaining what is wrong with a NIK, or ``None`` when valid."""
    nik = clean_number(value)
    if not re.fullmatch(r"\d{16}", nik):
        return MSG_DIGITS
    if not region_known(nik[:6]):
        return MSG_REGION
    if birth_date_of(nik[6:12], today or date.today()) is None:
        return MSG_DATE
    if nik[12:] == "0000":
        return MSG_SERIAL
    return None


def parse_nik(value: str, today: date | None = None) -> NikInfo:
    """What a valid NIK says (``ValueError`` when it is not valid)."""
    error = nik_error(value, today)
    if error:
        raise ValueError(error)
    nik = clean_number(value)
    born, female = birth_date_of(nik[6:12], today or date.today())
    return NikInfo(nik[:2], NTT_REGENCIES.get(nik[:4]), born, female)


def kk_error(value: str) -> str | None:
    """The msgid explaining what is wrong with a KK number, or ``None``."""
    number = clean_number(value)
    if not re.fullmatch(r"\d{16}", number):
        return MSG_KK_DIGITS
    if not region_known(number[:6]):
        return MSG_KK_REGION
    return None


def mask(number: str | None) -> str:
    """``5371••••••••0012``: enough to recognise, not enough to use."""
    if not number:
        return ""
    return number[:4] + "•" * (len(number) - 8) + number[-4:]
