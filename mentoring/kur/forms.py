"""Forms for KUR applications. Times are typed in WITA and kept as UTC."""
from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from accounts.data import REGENCIES
from core.db import utcnow
from core.forms import BaseForm, BoundedIntegerField, RupiahField, WitaDateTimeField, strip
from mentoring.kur.data import KUR_BANKS, KUR_MAX_AMOUNT, KUR_MIN_AMOUNT, KUR_STAGES

YES_NO = [("yes", _l("Ya")), ("no", _l("Tidak"))]


class KurStartForm(BaseForm):
    has_ektp = RadioField(
        _l("Apakah Anda punya e-KTP?"), choices=YES_NO,
        validators=[InputRequired(message=_l("Pilih ya atau tidak."))],
    )
    adult_or_married = RadioField(
        _l("Apakah Anda berumur 21 tahun ke atas, atau sudah menikah?"), choices=YES_NO,
        validators=[InputRequired(message=_l("Pilih ya atau tidak."))],
    )
    no_other_credit = RadioField(
        _l("Apakah Anda bebas dari KUR atau kredit usaha lain yang masih berjalan?"), choices=YES_NO,
        validators=[InputRequired(message=_l("Pilih ya atau tidak."))],
    )
    business_name = StringField(
        _l("Nama usaha"),
        validators=[
            DataRequired(message=_l("Tulis nama usaha Anda.")),
            Length(max=120, message=_l("Nama usaha paling panjang 120 karakter.")),
        ],
        filters=[strip],
    )
    business_months = BoundedIntegerField(
        _l("Sudah berapa bulan usaha berjalan?"), min=0, max=600,
        required_message=_l("Tulis berapa bulan, misalnya 8."),
        message=_l("Tulis jumlah bulan antara 0 dan 600."),
    )
    regency = SelectField(
        _l("Kabupaten/kota tempat usaha"),
        choices=[("", _l("Pilih…"))] + REGENCIES,
        validators=[DataRequired(message=_l("Pilih kabupaten/kota tempat usaha."))],
    )
    amount = RupiahField(
        _l("Jumlah pinjaman yang diajukan (rupiah)"),
        min=KUR_MIN_AMOUNT, max=KUR_MAX_AMOUNT,
        required_message=_l("Tulis jumlah pinjaman."),
    )
    bank = SelectField(
        _l("Bank penyalur KUR"),
        choices=[("", _l("Pilih bank…"))] + KUR_BANKS,
        validators=[DataRequired(message=_l("Pilih bank."))],
    )


class KurChecklistForm(BaseForm):
    doc_ktp = BooleanField(_l("e-KTP (fotokopi dan asli)"))
    doc_kk = BooleanField(_l("KK (Kartu Keluarga)"))
    doc_business_letter = BooleanField(
        _l("Surat keterangan usaha dari kelurahan/desa, atau NIB (Nomor Induk Berusaha)")
    )
    doc_npwp = BooleanField(_l("NPWP (Nomor Pokok Wajib Pajak), wajib untuk pinjaman di atas Rp50 juta"))


class KurAppointmentForm(BaseForm):
    appointment_at = WitaDateTimeField(
        _l("Tanggal dan jam janji di bank (WITA)"), validators=[Optional()]
    )

    def validate_appointment_at(self, field):
        if field.data is None:
            return
        now = utcnow()
        if field.data <= now:
            raise ValidationError(_l("Janji di bank harus di masa depan."))
        if field.data > now + timedelta(days=365):
            raise ValidationError(_l("Janji di bank paling lambat setahun dari sekarang."))


class KurMoveForm(BaseForm):
    to_stage = SelectField(
        _l("Pindah ke tahap"), choices=[],
        validators=[DataRequired(message=_l("Pilih tahap."))],
    )
    note = TextAreaField(
        _l("Catatan untuk anggota (terlihat oleh anggota)"),
        validators=[Optional(), Length(max=1000, message=_l("Catatan paling panjang 1.000 karakter."))],
        filters=[strip],
    )

    def validate_note(self, field):
        if self.to_stage.data == "rejected" and not field.data:
            raise ValidationError(_l("Tulis alasan penolakan supaya anggota mengerti."))


class KurFilterForm(BaseForm):
    class Meta:
        csrf = False

    stage = SelectField(_l("Tahap"), choices=[("", _l("Semua tahap"))] + KUR_STAGES,
                        validators=[Optional()])
    regency = SelectField(_l("Kabupaten/kota"), choices=[("", _l("Semua tempat"))] + REGENCIES,
                          validators=[Optional()])
    sort = SelectField(
        _l("Urutkan"),
        choices=[("stuck", _l("Paling lama di satu tahap")), ("newest", _l("Paling baru"))],
        validators=[Optional()],
    )


class KurWithdrawForm(BaseForm):
    reason = TextAreaField(
        _l("Alasan (boleh dikosongkan)"),
        validators=[Optional(), Length(max=500, message=_l("Alasan paling panjang 500 karakter."))],
        filters=[strip],
    )
