"""Report forms. Every message is translatable and says what to do."""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    StopValidation,
    ValidationError,
)

from accounts.data import REGENCIES
from community.reports import identifiers
from community.reports._common import (
    CLOSE_REASON_LABELS,
    KIND_LABELS,
    REFERRAL_LABELS,
    STATUS_LABELS,
)
from community.reports.models import (
    CLOSE_REASONS,
    HAPPENED_ABOUT,
    HAPPENED_DAY,
    HAPPENED_MONTH,
    KINDS,
    REFERRAL_BODIES,
    STATUSES,
)
from core.forms import BaseForm, PhoneField, strip
from core.i18n import WITA

WHAT_MAX = 5000
SHORT_MAX = 300
PEOPLE_MAX = 1000
NOTE_MAX = 3000
MAX_PICTURES = 3


EARLIEST_HAPPENED = date(1980, 1, 1)
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")
# The queue's "when it happened" filter: within so many days, or without a date.
WHEN_FILTERS = (("30", _l("30 hari terakhir")), ("90", _l("3 bulan terakhir")),
                ("365", _l("12 bulan terakhir")), ("none", _l("Tanpa tanggal")))


def _today_wita() -> date:
    return datetime.now(WITA).date()


class PastDateField(DateField):
    """An optional day, not in the future (in WITA), typed as the phone's date
    picker sends it (2026-03-15) or by hand (15/03/2026)."""

    def process_formdata(self, valuelist):
        self.data = None
        raw = (valuelist[0] if valuelist else "") or ""
        raw = raw.strip()[:20]
        if not raw:
            return
        for fmt in DATE_FORMATS:
            try:
                self.data = datetime.strptime(raw, fmt).date()
                return
            except ValueError:
                continue
        raise ValueError(_l("Tanggal tidak terbaca. Pilih dari kalender atau tulis seperti 15/03/2026."))

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()
        if self.data is None:
            return
        if self.data > _today_wita():
            raise StopValidation(_l("Tanggal ini belum lewat. Pilih hari ini atau tanggal yang sudah lewat."))
        if self.data < EARLIEST_HAPPENED:
            raise StopValidation(_l("Tanggal terlalu lama. Periksa tahunnya."))

    def _value(self):
        if self.raw_data:
            return self.raw_data[0][:20]
        return self.data.isoformat() if self.data else ""


def _choices(keys, labels):
    return [(key, _l(labels[key])) for key in keys]


def _identifier_lines(kind: str, message):
    def check(form, field):
        lines = identifiers.split_lines(field.data)
        if len(lines) > identifiers.MAX_PER_KIND:
            raise ValidationError(_l("Paling banyak %(num)d baris.", num=identifiers.MAX_PER_KIND))
        _found, bad = identifiers.parse(kind, field.data)
        if bad:
            raise ValidationError(message)

    return check


def _at_most_pictures(form, field):
    if len(chosen_files(field)) > MAX_PICTURES:
        raise ValidationError(_l("Paling banyak %(num)d gambar.", num=MAX_PICTURES))


def chosen_files(field) -> list:
    """The files actually chosen (a form without a file sends one empty part)."""
    return [item for item in (field.data or []) if getattr(item, "filename", "")]


class ReportForm(BaseForm):
    kind = RadioField(
        _l("Apa yang terjadi?"),
        choices=_choices(KINDS, KIND_LABELS),
        validators=[InputRequired(message=_l("Pilih yang paling sesuai dengan kejadiannya."))],
    )
    what = TextAreaField(
        _l("Ceritakan singkat"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Tulis singkat apa yang terjadi.")),
            Length(min=10, max=WHAT_MAX, message=_l("Cerita 10 sampai 5.000 karakter.")),
        ],
    )
    regency = SelectField(
        _l("Di kabupaten/kota mana?"),
        choices=[("", _l("Pilih kabupaten/kota"))] + REGENCIES,
        validators=[DataRequired(message=_l("Pilih kabupaten/kota tempat kejadian."))],
    )
    place = StringField(
        _l("Tempat (desa, kecamatan, atau alamat)"), filters=[strip],
        validators=[Optional(), Length(max=SHORT_MAX, message=_l("Paling panjang 300 karakter."))],
    )
    happened = StringField(
        _l("Kapan?"), filters=[strip],
        validators=[Optional(), Length(max=SHORT_MAX, message=_l("Paling panjang 300 karakter."))],
    )
    happened_on = PastDateField(_l("Tanggal kejadian (jika tahu)"), validators=[Optional()])
    happened_precision = RadioField(
        _l("Seberapa pasti tanggalnya?"),
        choices=[(HAPPENED_DAY, _l("Tepat tanggal itu")), (HAPPENED_ABOUT, _l("Kira-kira, sekitar tanggal itu")),
                 (HAPPENED_MONTH, _l("Hanya bulan dan tahunnya yang saya ingat"))],
        default=HAPPENED_DAY, validators=[Optional()],
    )
    people = TextAreaField(
        _l("Nama orang yang terlibat (sejauh Anda tahu)"), filters=[strip],
        validators=[Optional(), Length(max=PEOPLE_MAX, message=_l("Paling panjang 1.000 karakter."))],
    )
    phones = TextAreaField(
        _l("Nomor HP yang dipakai (satu per baris)"), filters=[strip],
        validators=[Optional(), _identifier_lines(
            "phone", _l("Ada nomor yang tidak dikenali. Tulis seperti 0812 3456 7890, satu nomor per baris."))],
    )
    companies = TextAreaField(
        _l("Nama perusahaan atau agen (satu per baris)"), filters=[strip],
        validators=[Optional(), _identifier_lines("company", _l("Ada nama perusahaan yang tidak bisa dibaca."))],
    )
    handles = TextAreaField(
        _l("Akun media sosial (Facebook, TikTok, Instagram; satu per baris)"), filters=[strip],
        validators=[Optional(), _identifier_lines(
            "handle", _l("Ada akun yang tidak dikenali. Tulis nama akun atau alamat profilnya, satu per baris."))],
    )
    pictures = MultipleFileField(
        _l("Foto atau tangkapan layar (chat, iklan; paling banyak 3)"),
        validators=[_at_most_pictures],
    )
    urgent = BooleanField(_l("Seseorang dalam bahaya sekarang"))
    anonymous = BooleanField(_l("Kirim tanpa nama dan tanpa kontak (anonim)"))
    contact_name = StringField(
        _l("Nama Anda (boleh nama panggilan)"), filters=[strip],
        validators=[Optional(), Length(max=120, message=_l("Nama paling panjang 120 karakter."))],
    )
    contact_phone = PhoneField(_l("Nomor HP Anda"), filters=[strip], validators=[Optional()])
    contact_notify = BooleanField(_l("Kirimi saya pesan WhatsApp atau SMS bila ada kabar baru"))


class LookupForm(BaseForm):
    code = StringField(
        _l("Kode laporan"), filters=[strip],
        validators=[DataRequired(message=_l("Tulis kode laporan.")), Length(max=40)],
    )
    secret = StringField(
        _l("Kode rahasia"), filters=[strip],
        validators=[DataRequired(message=_l("Tulis kode rahasia.")), Length(max=40)],
    )


class CodeForm(LookupForm):
    """The look-up where a neutral message links: no word of what the code is for."""

    code = StringField(
        _l("Kode"), filters=[strip],
        validators=[DataRequired(message=_l("Tulis kode Anda.")), Length(max=40)],
    )


class SeenStatusForm(BaseForm):
    """A status change carries the status the officer saw."""

    seen_status = HiddenField(validators=[DataRequired()])


class ReferForm(SeenStatusForm):
    body = SelectField(_l("Diteruskan ke"), choices=_choices(REFERRAL_BODIES, REFERRAL_LABELS),
                       validators=[DataRequired(message=_l("Pilih lembaga tujuan."))])
    note = TextAreaField(
        _l("Catatan rujukan (kepada siapa, nomor surat)"), filters=[strip],
        validators=[Optional(), Length(max=SHORT_MAX, message=_l("Paling panjang 300 karakter."))],
    )


class CloseForm(SeenStatusForm):
    reason = SelectField(_l("Alasan menutup"), choices=_choices(CLOSE_REASONS, CLOSE_REASON_LABELS),
                         validators=[DataRequired(message=_l("Pilih alasan menutup laporan."))])


class NoteForm(BaseForm):
    text = TextAreaField(
        _l("Catatan internal (tidak pernah dilihat pelapor)"), filters=[strip],
        validators=[DataRequired(message=_l("Tulis catatannya.")),
                    Length(max=NOTE_MAX, message=_l("Paling panjang 3.000 karakter."))],
    )


class QueueFilterForm(BaseForm):
    class Meta:
        csrf = False

    kind = SelectField(_l("Jenis"), choices=[("", _l("Semua jenis"))] + _choices(KINDS, KIND_LABELS),
                       validators=[Optional()])
    regency = SelectField(_l("Kabupaten/kota"), choices=[("", _l("Semua"))] + REGENCIES,
                          validators=[Optional()])
    status = SelectField(_l("Status"), choices=[("", _l("Semua status"))] + _choices(STATUSES, STATUS_LABELS),
                         validators=[Optional()])
    when = SelectField(_l("Tanggal kejadian"), choices=[("", _l("Kapan saja"))] + list(WHEN_FILTERS),
                       validators=[Optional()])
    sort = SelectField(_l("Urutkan"), choices=[("", _l("Baru dikirim dulu")), ("happened", _l("Baru terjadi dulu"))],
                       validators=[Optional()])
