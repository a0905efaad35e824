"""Reference lists used in forms: NTT regencies and destination countries."""
from flask_babel import lazy_gettext as _l

# The 22 kabupaten/kota of Nusa Tenggara Timur, plus "other".
REGENCIES = [
    ("kota-kupang", "Kota Kupang"),
    ("kupang", "Kabupaten Kupang"),
    ("tts", "Timor Tengah Selatan (TTS)"),
    ("ttu", "Timor Tengah Utara (TTU)"),
    ("belu", "Belu"),
    ("malaka", "Malaka"),
    ("alor", "Alor"),
    ("lembata", "Lembata"),
    ("flores-timur", "Flores Timur"),
    ("sikka", "Sikka"),
    ("ende", "Ende"),
    ("nagekeo", "Nagekeo"),
    ("ngada", "Ngada"),
    ("manggarai", "Manggarai"),
    ("manggarai-timur", "Manggarai Timur"),
    ("manggarai-barat", "Manggarai Barat"),
    ("sumba-timur", "Sumba Timur"),
    ("sumba-tengah", "Sumba Tengah"),
    ("sumba-barat", "Sumba Barat"),
    ("sumba-barat-daya", "Sumba Barat Daya"),
    ("rote-ndao", "Rote Ndao"),
    ("sabu-raijua", "Sabu Raijua"),
    ("other", _l("Di luar NTT / lainnya")),
]
REGENCY_NAMES = dict(REGENCIES)


def regency_label(code: str | None) -> str:
    """The regency's name for a code ("" for none; an unknown code as it is)."""
    return str(REGENCY_NAMES.get(code, code or ""))

COUNTRIES = [
    ("MY", _l("Malaysia")),
    ("SG", _l("Singapura")),
    ("HK", _l("Hong Kong")),
    ("TW", _l("Taiwan")),
    ("SA", _l("Arab Saudi")),
    ("BN", _l("Brunei Darussalam")),
    ("AE", _l("Uni Emirat Arab")),
    ("QA", _l("Qatar")),
    ("KR", _l("Korea Selatan")),
    ("JP", _l("Jepang")),
    ("other", _l("Negara lain")),
]
COUNTRY_NAMES = dict(COUNTRIES)

LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}
