"""Counseling forms. Every validator says, in the user's language, what to do."""
from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from core.forms import BaseForm, BoundedIntegerField, NameField, PhoneField, strip
from mentoring.counseling.wellbeing import WELLBEING_QUESTIONS

SLOT_FORMAT = "%Y%m%dT%H%MZ"

LANGUAGE_CHOICES = [
    ("id", _l("Bahasa Indonesia")),
    ("dawan", _l("Dawan (Uab Meto)")),
    ("tetun", _l("Tetun")),
    ("rote", _l("Rote")),
    ("sabu", _l("Sabu")),
    ("manggarai", _l("Manggarai")),
    ("en", _l("Inggris")),
]
MODE_CHOICES = [
    ("in_person", _l("Bertemu langsung")),
    ("phone", _l("Telepon")),
    ("video", _l("Panggilan video")),
]
WEEKDAY_CHOICES = [
    ("0", _l("Senin")),
    ("1", _l("Selasa")),
    ("2", _l("Rabu")),
    ("3", _l("Kamis")),
    ("4", _l("Jumat")),
    ("5", _l("Sabtu")),
    ("6", _l("Minggu")),
]
LANGUAGE_NAMES = dict(LANGUAGE_CHOICES)
MODE_NAMES = dict(MODE_CHOICES)
WEEKDAY_NAMES = {int(k): v for k, v in WEEKDAY_CHOICES}


def slot_value(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(SLOT_FORMAT)


def parse_slot(value: str | None) -> datetime | None:
    """A slot written as ``20261124T0100Z`` (UTC), or ``None`` when malformed."""
    if not value or len(value) > 20:
        return None
    try:
        return datetime.strptime(value, SLOT_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


def _slot_required(form, field):
    if parse_slot(field.data) is None:
        raise ValidationError(_l("Pilih salah satu waktu yang tersedia."))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CounselorFilterForm(BaseForm):
    class Meta:
        csrf = False

    language = SelectField(
        _l("Bahasa"), choices=[("", _l("Semua bahasa"))] + LANGUAGE_CHOICES, validators=[Optional()]
    )
    mode = SelectField(
        _l("Cara bertemu"), choices=[("", _l("Semua cara"))] + MODE_CHOICES, validators=[Optional()]
    )


class BookingForm(BaseForm):
    start = HiddenField(validators=[_slot_required])
    mode = RadioField(
        _l("Cara bertemu"),
        choices=MODE_CHOICES,
        validators=[InputRequired(message=_l("Pilih cara bertemu."))],
    )
    topic = StringField(
        _l("Dalam satu kalimat, apa yang ingin Anda bicarakan? (boleh dikosongkan)"),
        validators=[Optional(), Length(max=200, message=_l("Paling panjang 200 karakter."))],
        filters=[strip],
    )
    use_pseudonym = BooleanField(_l("Konselor cukup melihat nama panggilan saya"))
    pseudonym = StringField(
        _l("Nama panggilan"),
        validators=[Length(max=40, message=_l("Nama panggilan paling panjang 40 karakter."))],
        filters=[strip],
    )

    def validate_pseudonym(self, field):
        if self.use_pseudonym.data and not field.data:
            raise ValidationError(_l("Tulis nama panggilan yang boleh dilihat konselor."))


class ReasonForm(BaseForm):
    reason = TextAreaField(
        _l("Alasan"),
        validators=[
            DataRequired(message=_l("Tulis alasannya dalam satu atau dua kalimat.")),
            Length(max=300, message=_l("Paling panjang 300 karakter.")),
        ],
        filters=[strip],
    )


class SlotForm(BaseForm):
    start = HiddenField(validators=[_slot_required])


class ProfileForm(BaseForm):
    bio = TextAreaField(
        _l("Tentang Anda (singkat)"),
        validators=[Optional(), Length(max=1000, message=_l("Paling panjang 1000 karakter."))],
        filters=[strip],
    )
    languages = MultiCheckboxField(
        _l("Bahasa yang Anda pakai"),
        choices=LANGUAGE_CHOICES,
        validators=[DataRequired(message=_l("Pilih minimal satu bahasa."))],
    )
    modes = MultiCheckboxField(
        _l("Cara bertemu yang Anda layani"),
        choices=MODE_CHOICES,
        validators=[DataRequired(message=_l("Pilih minimal satu cara bertemu."))],
    )
    place = StringField(
        _l("Tempat bertemu langsung"),
        # Not Optional(): it would skip the check that in-person sessions name a place.
        validators=[Length(max=200, message=_l("Paling panjang 200 karakter."))],
        filters=[strip],
    )
    video_link = URLField(
        _l("Tautan panggilan video"),
        validators=[Length(max=300, message=_l("Paling panjang 300 karakter."))],
        filters=[strip],
    )
    accepts_new_clients = BooleanField(_l("Saya menerima klien baru"))
    requires_confirmation = BooleanField(_l("Saya mengonfirmasi setiap permintaan sendiri"))
    session_minutes = BoundedIntegerField(
        _l("Lama satu sesi (menit)"), min=15, max=180, message=_l("Antara 15 dan 180 menit.")
    )
    buffer_minutes = BoundedIntegerField(
        _l("Jeda antar sesi (menit)"), min=0, max=120, message=_l("Antara 0 dan 120 menit.")
    )
    min_notice_hours = BoundedIntegerField(
        _l("Pemesanan paling lambat (jam sebelum sesi)"), min=0, max=168, message=_l("Antara 0 dan 168 jam.")
    )
    horizon_days = BoundedIntegerField(
        _l("Bisa dipesan sampai (hari ke depan)"), min=1, max=90, message=_l("Antara 1 dan 90 hari.")
    )
    daily_max = BoundedIntegerField(
        _l("Paling banyak sesi per hari"), min=1, max=20, message=_l("Antara 1 dan 20 sesi.")
    )
    cancel_notice_hours = BoundedIntegerField(
        _l("Batas pembatalan (jam sebelum sesi)"), min=0, max=168, message=_l("Antara 0 dan 168 jam.")
    )

    def validate_place(self, field):
        if "in_person" in (self.modes.data or []) and not field.data:
            raise ValidationError(_l("Tulis tempat bertemu untuk sesi langsung."))

    def validate_video_link(self, field):
        if "video" in (self.modes.data or []) and not field.data:
            raise ValidationError(_l("Tulis tautan untuk sesi video."))
        if field.data:
            if not field.data.startswith("https://"):
                raise ValidationError(_l("Tulis tautan lengkap, diawali https://"))
            URL(require_tld=True, message=_l("Tulis tautan lengkap, diawali https://"))(self, field)


class RangeForm(BaseForm):
    weekday = SelectField(_l("Hari"), choices=WEEKDAY_CHOICES)
    start = TimeField(
        _l("Mulai"), validators=[InputRequired(message=_l("Tulis jam mulai, misalnya 09:00."))]
    )
    end = TimeField(
        _l("Selesai"),
        validators=[InputRequired(message=_l("Tulis jam selesai, misalnya 12:00 (00:00 = tengah malam)."))],
    )


class ExceptionForm(BaseForm):
    day = DateField(_l("Tanggal"), validators=[InputRequired(message=_l("Pilih tanggal."))])
    kind = SelectField(
        _l("Jenis"),
        choices=[("off", _l("Libur / tidak tersedia")), ("open", _l("Jam tambahan"))],
    )
    start = TimeField(_l("Mulai (kosongkan untuk seharian)"), validators=[Optional()])
    end = TimeField(_l("Selesai"), validators=[Optional()])


class NoteForm(BaseForm):
    body = TextAreaField(
        _l("Catatan sesi"),
        validators=[
            DataRequired(message=_l("Catatan masih kosong.")),
            Length(max=10000, message=_l("Paling panjang 10.000 karakter.")),
        ],
    )


class HandoverForm(BaseForm):
    body = TextAreaField(
        _l("Catatan serah terima (singkat)"),
        validators=[
            DataRequired(message=_l("Catatan masih kosong.")),
            Length(max=500, message=_l("Paling panjang 500 karakter.")),
        ],
        filters=[strip],
    )


class HandoverConsentForm(BaseForm):
    consent = BooleanField(
        _l("Saya setuju catatan serah terima dibagikan ke konselor lain yang menangani saya.")
    )


def wellbeing_form_class():
    """A form with one required radio question per wellbeing question."""

    class WellbeingForm(BaseForm):
        appointment = HiddenField()

    for name, question, choices, _acute in WELLBEING_QUESTIONS:
        setattr(
            WellbeingForm,
            name,
            RadioField(
                _l(question),
                choices=[(code, _l(label)) for code, label in choices],
                validators=[InputRequired(message=_l("Pilih satu jawaban."))],
            ),
        )
    return WellbeingForm


class FindMemberForm(BaseForm):
    class Meta:
        csrf = False

    phone = PhoneField(
        _l("Nomor HP anggota"), validators=[DataRequired(message=_l("Tulis nomor HP anggota."))]
    )


class NewMemberForm(BaseForm):
    name = NameField(_l("Nama lengkap"), required_message=_l("Tulis nama anggota."))
    phone = PhoneField(
        _l("Nomor HP (WhatsApp)"), validators=[DataRequired(message=_l("Tulis nomor HP anggota."))]
    )
    consent = BooleanField(
        _l("Orang ini sudah mendengar pemberitahuan privasi dan setuju didaftarkan serta dijadwalkan."),
        validators=[DataRequired(message=_l("Tanpa persetujuan orang ini, akun tidak bisa dibuat."))],
    )


class OnBehalfBookingForm(BaseForm):
    member_phone = HiddenField()
    start = SelectField(_l("Waktu"), choices=[], validators=[_slot_required], validate_choice=False)
    mode = RadioField(
        _l("Cara bertemu"),
        choices=MODE_CHOICES,
        validators=[InputRequired(message=_l("Pilih cara bertemu."))],
    )
    topic = StringField(
        _l("Catatan singkat untuk jadwal (boleh dikosongkan)"),
        validators=[Optional(), Length(max=200, message=_l("Paling panjang 200 karakter."))],
        filters=[strip],
    )
