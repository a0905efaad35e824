"""Forms of the adminduk pages (all from ``core.forms.BaseForm``)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from accounts.data import REGENCIES
from community.adminduk import nik as niklib
from community.adminduk.models import SERVICES, STATUS_LABELS, STATUSES
from core.forms import BaseForm


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def service_choices():
    return [(key, label) for key, label in SERVICES.items()]


def regency_choices(blank=None):
    choices = [(slug, name) for slug, name in REGENCIES]
    return ([("", blank)] if blank else []) + choices


def _nik(form, field):
    if field.data and niklib.nik_error(field.data):
        raise ValidationError(_l(niklib.nik_error(field.data)))


def _kk(form, field):
    if field.data and niklib.kk_error(field.data):
        raise ValidationError(_l(niklib.kk_error(field.data)))


CONSENT_LABEL = _l(
    "Saya setuju NIK, nomor KK dan dokumen saya disimpan terenkripsi dan hanya dilihat "
    "pendamping adminduk untuk membantu permintaan ini. Dokumen dihapus 30 hari setelah "
    "permintaan selesai."
)


class RequestForm(BaseForm):
    services = MultiCheckboxField(_l("Layanan yang Anda perlukan"), choices=service_choices,
                                  validators=[DataRequired(_l("Pilih paling sedikit satu layanan."))])
    regency = SelectField(_l("Kabupaten/kota tempat Anda tinggal"), choices=regency_choices,
                          validators=[DataRequired()])
    description = TextAreaField(_l("Ceritakan keadaan Anda"), validators=[
        DataRequired(_l("Ceritakan sedikit keadaan Anda.")), Length(max=4000)])
    nik = StringField(_l("NIK (boleh dikosongkan)"), validators=[Optional(), Length(max=30), _nik])
    kk_number = StringField(_l("Nomor KK (boleh dikosongkan)"), validators=[Optional(), Length(max=30), _kk])
    files = MultipleFileField(_l("Foto atau PDF dokumen (boleh dikosongkan)"))
    consent = BooleanField(CONSENT_LABEL)


class MessageForm(BaseForm):
    body = TextAreaField(_l("Pesan"), validators=[Optional(), Length(max=4000)])
    files = MultipleFileField(_l("Lampirkan foto atau PDF"))
    consent = BooleanField(CONSENT_LABEL)
    expected = HiddenField()


class StatusForm(BaseForm):
    status = SelectField(_l("Status baru"), choices=[(s, STATUS_LABELS[s]) for s in STATUSES])
    note = TextAreaField(_l("Keterangan untuk anggota (wajib untuk 'perlu dilengkapi' dan 'ditutup')"),
                         validators=[Optional(), Length(max=2000)])
    expected = HiddenField()


class AssignForm(BaseForm):
    assignee = SelectField(_l("Tugaskan ke"), coerce=int)


class NoteForm(BaseForm):
    body = TextAreaField(_l("Catatan internal (anggota tidak melihatnya)"),
                         validators=[DataRequired(), Length(max=4000)])


class AppointmentForm(BaseForm):
    starts_at = DateTimeLocalField(_l("Waktu (WITA)"), format="%Y-%m-%dT%H:%M",
                                   validators=[DataRequired(_l("Isi tanggal dan jam."))])
    place = StringField(_l("Tempat"), validators=[DataRequired(), Length(max=200)])


class QueueFilterForm(BaseForm):
    class Meta:
        csrf = False

    status = SelectField(_l("Status"), choices=lambda: (
        [("open", _l("Semua yang masih berjalan")), ("overdue", _l("Terlambat")), ("all", _l("Semua"))]
        + [(s, STATUS_LABELS[s]) for s in STATUSES]
    ), default="open")
    service = SelectField(_l("Layanan"), choices=lambda: [("", _l("Semua layanan"))] + service_choices(),
                          default="")
    regency = SelectField(_l("Kabupaten/kota"), choices=lambda: regency_choices(_l("Semua wilayah")),
                          default="")
    assigned = SelectField(_l("Ditangani"), choices=lambda: [
        ("", _l("Siapa saja")), ("me", _l("Saya")), ("nobody", _l("Belum ada"))], default="")


class AuditFilterForm(BaseForm):
    class Meta:
        csrf = False

    registrar = SelectField(_l("Pendamping"), coerce=int, default=0)
    start = DateField(_l("Dari tanggal"), validators=[Optional()])
    end = DateField(_l("Sampai tanggal"), validators=[Optional()])


class GuideForm(BaseForm):
    title = StringField(_l("Judul"), validators=[DataRequired(), Length(max=200)])
    title_en = StringField(_l("Judul (English)"), validators=[Optional(), Length(max=200)])
    summary = StringField(_l("Ringkasan"), validators=[Optional(), Length(max=300)])
    summary_en = StringField(_l("Ringkasan (English)"), validators=[Optional(), Length(max=300)])
    body_md = TextAreaField(_l("Isi (markdown)"), validators=[Optional(), Length(max=20000)])
    body_md_en = TextAreaField(_l("Isi (English, markdown)"), validators=[Optional(), Length(max=20000)])
    checklist = TextAreaField(_l("Yang dibawa, satu per baris"), validators=[Optional(), Length(max=4000)])
    checklist_en = TextAreaField(_l("Yang dibawa (English), satu per baris"), validators=[Optional(), Length(max=4000)])
    version = HiddenField()


class OfficeForm(BaseForm):
    name = StringField(_l("Nama kantor"), validators=[DataRequired(), Length(max=200)])
    address = StringField(_l("Alamat"), validators=[DataRequired(), Length(max=300)])
    hours = StringField(_l("Jam buka"), validators=[DataRequired(), Length(max=200)])
    phone = StringField(_l("Telepon"), validators=[Optional(), Length(max=40)])


class QuestionnaireForm(BaseForm):
    moved = BooleanField(_l("Apakah Anda pindah alamat (selama di luar negeri atau sejak pulang)?"))
    married = BooleanField(_l("Apakah Anda menikah di luar negeri?"))
    child = BooleanField(_l("Apakah anak Anda lahir di luar negeri?"))
    ktp_lost = BooleanField(_l("Apakah KTP-el Anda hilang atau rusak?"))
    kk_outdated = BooleanField(_l("Apakah data di KK Anda sudah tidak sesuai?"))


class OutreachForm(BaseForm):
    regency = SelectField(_l("Kabupaten/kota"), choices=regency_choices, validators=[DataRequired()])
    day = DateField(_l("Tanggal"), validators=[DataRequired(_l("Isi tanggal."))])
    place = StringField(_l("Tempat (desa/kecamatan)"), validators=[DataRequired(), Length(max=200)])
    services = MultiCheckboxField(_l("Layanan"), choices=service_choices)
    note = TextAreaField(_l("Keterangan"), validators=[Optional(), Length(max=2000)])
