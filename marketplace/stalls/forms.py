"""Forms of the stalls pages. No form carries a fee or an amount to pay."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from core.forms import BaseForm, strip
from marketplace.stalls.models import VENDOR_ZONES, ZONES

ZONE_LABELS = {
    "food": _l("Kuliner"),
    "crafts": _l("Kerajinan dan busana"),
    "produce": _l("Hasil bumi"),
    "services": _l("Jasa"),
    "public_service": _l("Layanan publik"),
}
STATUS_LABELS = {
    "applied": _l("menunggu"),
    "approved": _l("disetujui"),
    "waitlisted": _l("daftar tunggu"),
    "resubmit": _l("perlu dilengkapi"),
    "declined": _l("ditolak"),
    "withdrawn": _l("ditarik"),
    "cancelled": _l("dibatalkan"),
    "expired": _l("lewat batas bayar"),
    "attended": _l("hadir"),
    "no_show": _l("tidak hadir"),
    "ended": _l("selesai"),
}


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ApplyForm(BaseForm):
    business_id = SelectField(_l("Usaha"), coerce=int)
    day_ids = MultiCheckboxField(_l("Hari pasar"), coerce=int,
                                 validators=[DataRequired(message=_l("Pilih paling sedikit satu hari pasar."))])
    zone = SelectField(_l("Zona"), choices=[(z, ZONE_LABELS[z]) for z in VENDOR_ZONES])
    note = TextAreaField(_l("Catatan untuk petugas (tidak wajib)"), filters=[strip],
                         validators=[Optional(), Length(max=500, message=_l("Paling banyak 500 karakter."))])


class LeaseForm(BaseForm):
    business_id = SelectField(_l("Usaha"), coerce=int)
    start_month = SelectField(_l("Mulai bulan"))
    months = IntegerField(_l("Lama sewa (bulan)"), default=6, validators=[
        InputRequired(message=_l("Isi lama sewa.")),
        NumberRange(min=1, max=12, message=_l("Lama sewa 1 sampai 12 bulan.")),
    ])
    note = TextAreaField(_l("Catatan untuk petugas (tidak wajib)"), filters=[strip],
                         validators=[Optional(), Length(max=500, message=_l("Paling banyak 500 karakter."))])


class NoteForm(BaseForm):
    note = TextAreaField(_l("Apa yang Anda ubah"), filters=[strip],
                         validators=[DataRequired(message=_l("Tulis apa yang Anda ubah.")), Length(max=500)])


def _bounded(label, low, high, default=None):
    return IntegerField(label, default=default, validators=[
        InputRequired(message=_l("Wajib diisi.")),
        NumberRange(min=low, max=high, message=_l("Isi angka dari %(min)s sampai %(max)s.")),
    ])


class StallForm(BaseForm):
    code = StringField(_l("Kode lapak"), filters=[strip], validators=[
        DataRequired(message=_l("Isi kode lapak.")),
        Regexp(r"^[A-Za-z0-9-]{1,12}$", message=_l("Kode lapak: huruf, angka dan tanda -, paling banyak 12.")),
    ])
    zone = SelectField(_l("Zona"), choices=[(z, ZONE_LABELS[z]) for z in ZONES])
    width_cm = _bounded(_l("Lebar (cm)"), 50, 2000, 300)
    depth_cm = _bounded(_l("Dalam (cm)"), 50, 2000, 300)
    has_power = BooleanField(_l("Ada listrik"))
    fee = _bounded(_l("Biaya (Rp)"), 0, 10_000_000, 0)
    x = _bounded(_l("Posisi x"), 0, 1000, 0)
    y = _bounded(_l("Posisi y"), 0, 1000, 0)
    w = _bounded(_l("Lebar di peta"), 1, 200, 4)
    h = _bounded(_l("Tinggi di peta"), 1, 200, 4)
    active = BooleanField(_l("Dipakai"), default=True)


class DecisionForm(BaseForm):
    decision = SelectField(_l("Keputusan"), choices=[
        ("approve", _l("Setujui dengan lapak")),
        ("waitlist", _l("Daftar tunggu")),
        ("resubmit", _l("Minta dilengkapi")),
        ("decline", _l("Tolak")),
    ])
    stall_code = StringField(_l("Kode lapak (untuk menyetujui)"), filters=[strip],
                             validators=[Optional(), Length(max=12)])
    reason = StringField(_l("Alasan (untuk minta dilengkapi atau tolak)"), filters=[strip],
                         validators=[Optional(), Length(max=500)])


class BulkForm(BaseForm):
    application_ids = MultiCheckboxField(_l("Pengajuan"), coerce=int, validate_choice=False,
                                         validators=[DataRequired(message=_l("Pilih pengajuan."))])
    decision = SelectField(_l("Keputusan untuk yang dipilih"), choices=[
        ("waitlist", _l("Daftar tunggu")),
        ("resubmit", _l("Minta dilengkapi")),
        ("decline", _l("Tolak")),
    ])
    reason = StringField(_l("Alasan"), filters=[strip], validators=[Optional(), Length(max=500)])


class ReasonForm(BaseForm):
    reason = StringField(_l("Alasan"), filters=[strip], validators=[
        DataRequired(message=_l("Tulis alasannya.")), Length(max=300),
    ])


class MoveForm(BaseForm):
    application_id = SelectField(_l("Pedagang yang menunggu"), coerce=int, validate_choice=False)
    stall_id = SelectField(_l("Lapak kosong"), coerce=int, validate_choice=False)
