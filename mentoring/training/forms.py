"""Forms for trainings. Times are typed in WITA and kept as UTC."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from accounts.data import REGENCIES
from core.db import utcnow
from core.forms import BaseForm, BoundedIntegerField, WitaDateTimeField, strip
from mentoring.training.data import TRAINING_PROVIDERS, TRAINING_TAGS


class MultiCheckboxField(SelectMultipleField):
    """Several choices shown as checkboxes (rendered in the template)."""


class TrainingForm(BaseForm):
    title = StringField(
        _l("Judul pelatihan"),
        validators=[
            DataRequired(message=_l("Tulis judul pelatihan.")),
            Length(min=3, max=150, message=_l("Judul 3 sampai 150 karakter.")),
        ],
        filters=[strip],
    )
    description = TextAreaField(
        _l("Keterangan (boleh dikosongkan)"),
        validators=[Optional(), Length(max=4000, message=_l("Keterangan paling panjang 4.000 karakter."))],
        filters=[strip],
    )
    provider = SelectField(
        _l("Penyelenggara"),
        choices=[("", _l("Pilih…"))] + TRAINING_PROVIDERS,
        validators=[DataRequired(message=_l("Pilih penyelenggara."))],
    )
    provider_name = StringField(
        _l("Nama penyelenggara (boleh dikosongkan)"),
        validators=[Optional(), Length(max=120, message=_l("Paling panjang 120 karakter."))],
        filters=[strip],
    )
    place = StringField(
        _l("Tempat"),
        validators=[Optional(), Length(max=200, message=_l("Tempat paling panjang 200 karakter."))],
        filters=[strip],
    )
    online_url = URLField(
        _l("Tautan pertemuan daring"),
        validators=[Optional(), Length(max=300, message=_l("Tautan paling panjang 300 karakter."))],
        filters=[strip],
    )
    regency = SelectField(
        _l("Kabupaten/kota"),
        choices=[("", _l("Pilih…"))] + REGENCIES,
        validators=[DataRequired(message=_l("Pilih kabupaten/kota."))],
    )
    tags = MultiCheckboxField(_l("Topik"), choices=TRAINING_TAGS, validators=[Optional()])
    starts_at = WitaDateTimeField(
        _l("Mulai (WITA)"), validators=[InputRequired(message=_l("Tulis kapan pelatihan dimulai."))]
    )
    ends_at = WitaDateTimeField(
        _l("Selesai (WITA)"), validators=[InputRequired(message=_l("Tulis kapan pelatihan selesai."))]
    )
    registration_deadline_at = WitaDateTimeField(
        _l("Batas pendaftaran (WITA, boleh dikosongkan)"), validators=[Optional()]
    )
    capacity = BoundedIntegerField(
        _l("Jumlah tempat"), min=1, max=1000,
        required_message=_l("Tulis jumlah tempat."), message=_l("Jumlah tempat 1 sampai 1.000."),
    )

    def __init__(self, *args, original_start: datetime | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.original_start = original_start
        self.tags.validate_choice = True

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        now = utcnow()
        if not self.place.data and not self.online_url.data:
            self.place.errors.append(_l("Tulis tempat pelatihan, atau tautan jika daring."))
            ok = False
        if self.online_url.data and not re.match(r"^https?://[^\s/]+", self.online_url.data, re.I):
            self.online_url.errors.append(_l("Tautan harus dimulai dengan https:// atau http://."))
            ok = False
        start, end = self.starts_at.data, self.ends_at.data
        if start:
            changed = self.original_start is None or start.replace(
                second=0, microsecond=0) != self.original_start.replace(second=0, microsecond=0)
            if changed and start <= now:
                self.starts_at.errors.append(_l("Waktu mulai harus di masa depan."))
                ok = False
            elif start > now + timedelta(days=730):
                self.starts_at.errors.append(_l("Waktu mulai paling lambat dua tahun dari sekarang."))
                ok = False
        if start and end:
            if end <= start:
                self.ends_at.errors.append(_l("Waktu selesai harus sesudah waktu mulai."))
                ok = False
            elif end - start > timedelta(days=31):
                self.ends_at.errors.append(_l("Satu pelatihan paling lama 31 hari."))
                ok = False
        deadline = self.registration_deadline_at.data
        if start and deadline and deadline >= start:
            self.registration_deadline_at.errors.append(
                _l("Batas pendaftaran harus sebelum pelatihan dimulai.")
            )
            ok = False
        if self.tags.data and len(self.tags.data) > 5:
            self.tags.errors.append(_l("Pilih paling banyak 5 topik."))
            ok = False
        return ok


class TrainingFilterForm(BaseForm):
    """GET filter on the training list (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    tag = SelectField(_l("Topik"), choices=[("", _l("Semua topik"))] + TRAINING_TAGS,
                      validators=[Optional()])
    regency = SelectField(_l("Kabupaten/kota"), choices=[("", _l("Semua tempat"))] + REGENCIES,
                          validators=[Optional()])


class CancelTrainingForm(BaseForm):
    reason = TextAreaField(
        _l("Alasan (ditampilkan di halaman pelatihan, boleh dikosongkan)"),
        validators=[Optional(), Length(max=500, message=_l("Alasan paling panjang 500 karakter."))],
        filters=[strip],
    )
    confirm = BooleanField(
        _l("Ya, batalkan pelatihan ini dan beri tahu semua yang terdaftar."),
        validators=[DataRequired(message=_l("Centang kotak ini untuk membatalkan."))],
    )


class AttendanceForm(BaseForm):
    attended = SelectMultipleField(_l("Hadir"), coerce=int, validators=[Optional()])

