"""Forms of the notifications package."""
from __future__ import annotations

from datetime import time

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField
from wtforms.validators import ValidationError

from core.forms import BaseForm

HOURS = [f"{hour:02d}:00" for hour in range(24)]
WEEKLY_CAPS = [3, 5, 7, 10, 14, 20, 30]
MAX_QUIET_HOURS = 14


def parse_hour(value: str) -> time:
    hour, minute = value.split(":")
    return time(int(hour), int(minute))


def _one_of(choices, message):
    def check(form, field):
        if field.data not in choices:
            raise ValidationError(message)

    return check


class PreferencesForm(BaseForm):
    whatsapp = BooleanField(_l("WhatsApp"))
    sms = BooleanField(_l("SMS"))
    email = BooleanField(_l("Email"))
    full_text = BooleanField(_l("Tulis isi lengkap pemberitahuan di pesan ke HP"))
    quiet_from = SelectField(
        _l("Waktu tenang mulai pukul"),
        choices=[(h, h) for h in HOURS],
        validate_choice=False,
        validators=[_one_of(HOURS, _l("Pilih jam dari daftar."))],
    )
    quiet_until = SelectField(
        _l("Waktu tenang selesai pukul"),
        choices=[(h, h) for h in HOURS],
        validate_choice=False,
        validators=[_one_of(HOURS, _l("Pilih jam dari daftar."))],
    )
    weekly_cap = SelectField(
        _l("Paling banyak pesan biasa per minggu"),
        choices=[(str(n), str(n)) for n in WEEKLY_CAPS],
        validate_choice=False,
        validators=[
            _one_of([str(n) for n in WEEKLY_CAPS], _l("Pilih jumlah dari daftar."))
        ],
    )

    def __init__(self, *args, has_email: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_email = has_email

    def validate_email(self, field):
        if field.data and not self.has_email:
            raise ValidationError(
                _l("Akun Anda belum punya alamat email. Tambahkan dulu di Akun, lalu pilih lagi.")
            )

    def validate_quiet_until(self, field):
        if self.quiet_from.data not in HOURS or field.data not in HOURS:
            return
        start, end = parse_hour(self.quiet_from.data), parse_hour(field.data)
        if start == end:
            raise ValidationError(_l("Jam mulai dan jam selesai tidak boleh sama."))
        length = (end.hour - start.hour) % 24
        if length > MAX_QUIET_HOURS:
            raise ValidationError(
                _l("Waktu tenang paling lama %(hours)d jam, supaya pesan penting tetap sampai hari itu juga.",
                   hours=MAX_QUIET_HOURS)
            )
