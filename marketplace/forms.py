"""Marketplace forms. Every message is translatable and says what to do."""
from __future__ import annotations

import re
import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from core.forms import BaseForm, PhoneField, RupiahField
from marketplace.labels import CATEGORY_CHOICES, REGENCY_CHOICES, UNIT_CHOICES
from marketplace.models import MAX_PRICE


def _strip(value):
    return unicodedata.normalize("NFC", value.strip()) if isinstance(value, str) else value


def text_field(label, max_length: int, required_message=None, area: bool = False, **kwargs):
    """A text field that trims and NFC-normalises (``BaseForm`` refuses control
    characters and bidi overrides)."""
    validators = [DataRequired(message=required_message)] if required_message else [Optional()]
    validators += [
        Length(max=max_length, message=_l("Paling panjang %(max)d karakter.", max=max_length)),
    ]
    cls = TextAreaField if area else StringField
    return cls(label, validators=validators, filters=[_strip], **kwargs)


def _nib(form, field):
    if field.data and not re.fullmatch(r"\d{13}", field.data):
        raise ValidationError(_l("NIB terdiri dari tepat 13 angka. Kosongkan jika belum punya."))


def _nib_filter(value):
    if isinstance(value, str):
        return re.sub(r"[\s.-]", "", value)
    return value


class BusinessForm(BaseForm):
    name = text_field(_l("Nama usaha"), 120, _l("Tulis nama usaha Anda."))
    category = SelectField(_l("Jenis usaha"), choices=CATEGORY_CHOICES,
                           validators=[InputRequired(message=_l("Pilih jenis usaha."))])
    description = text_field(_l("Tentang usaha ini"), 2000, _l("Ceritakan singkat apa yang Anda jual."),
                             area=True)
    story = text_field(_l("Cerita Anda (boleh dikosongkan)"), 3000, area=True)
    regency = SelectField(_l("Kabupaten/kota"), choices=REGENCY_CHOICES,
                          validators=[InputRequired(message=_l("Pilih kabupaten/kota."))])
    address = text_field(_l("Alamat"), 300)
    only_at_market = BooleanField(_l("Hanya berjualan di pasar (tanpa alamat toko)"))
    whatsapp = PhoneField(_l("Nomor WhatsApp usaha"),
                          validators=[DataRequired(message=_l("Tulis nomor WhatsApp untuk pesanan."))])
    opening_hours = text_field(_l("Jam buka"), 300)
    nib = StringField(_l("NIB (Nomor Induk Berusaha, boleh dikosongkan)"),
                      validators=[Optional(), _nib], filters=[_nib_filter])
    delivers = BooleanField(_l("Bisa antar pesanan"))
    cash_on_delivery = BooleanField(_l("Bisa bayar di tempat (COD)"))
    stall_only = BooleanField(_l("Hanya jual di lapak"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.address.data and not self.only_at_market.data:
            self.address.errors = [*self.address.errors,
                                   _l("Tulis alamat, atau centang \"hanya berjualan di pasar\".")]
            return False
        return valid


class InviteMemberForm(BaseForm):
    phone = PhoneField(_l("Nomor HP anggota keluarga"),
                       validators=[DataRequired(message=_l("Tulis nomor HP-nya."))])


class ReasonForm(BaseForm):
    """A note to the owner (changes asked for, a reason to decline or suspend)."""

    reason = text_field(_l("Pesan untuk pemilik usaha"), 1000, _l("Tulis alasannya untuk pemilik usaha."),
                        area=True)


class StaffNoteForm(BaseForm):
    body = text_field(_l("Catatan internal"), 2000, _l("Tulis catatannya."), area=True)


class BadgesForm(BaseForm):
    verified = BooleanField(_l("Terverifikasi"))
    returnee = BooleanField(_l("Purna PMI (dijalankan purna PMI)"))


class ProductForm(BaseForm):
    name = text_field(_l("Nama produk"), 120, _l("Tulis nama produk."))
    description = text_field(_l("Keterangan"), 2000, area=True)
    price = RupiahField(_l("Harga (rupiah, tanpa titik)"), min=0, max=MAX_PRICE,
                        required_message=_l("Tulis harga dalam rupiah, misalnya 25000."))
    unit = SelectField(_l("Satuan"), choices=UNIT_CHOICES)
    tags = text_field(_l("Label (pisahkan dengan koma)"), 200)
    photo = FileField(_l("Foto produk (boleh dikosongkan)"))


class PhotoForm(BaseForm):
    photo = FileField(_l("Foto"), validators=[DataRequired(message=_l("Pilih foto dulu."))])
    kind = SelectField(choices=[("business", _l("Foto usaha")), ("qris", _l("Gambar QRIS"))],
                       default="business")


class SalesWeekForm(BaseForm):
    week = StringField(_l("Minggu (tanggal Senin)"), validators=[DataRequired(message=_l("Pilih minggunya."))])
    turnover = IntegerField(_l("Omzet minggu ini (rupiah)"), validators=[
        InputRequired(message=_l("Tulis omzetnya dalam rupiah.")),
        NumberRange(min=0, max=10 * MAX_PRICE, message=_l("Omzet antara Rp 0 dan Rp 1.000.000.000.")),
    ])
    items_sold = IntegerField(_l("Jumlah barang terjual"), validators=[
        InputRequired(message=_l("Tulis jumlahnya.")),
        NumberRange(min=0, max=1_000_000, message=_l("Jumlah antara 0 dan 1.000.000.")),
    ])
    note = text_field(_l("Catatan (boleh dikosongkan)"), 300)


class SearchForm(BaseForm):
    """The market search and its filters (a GET form: no CSRF token, the same
    markup for everyone). Values that do not validate are simply not applied."""

    class Meta:
        csrf = False

    q = StringField(_l("Cari produk atau usaha"), filters=[_strip])
    kategori = SelectField(_l("Jenis"), choices=[("", _l("Semua jenis")), *CATEGORY_CHOICES], default="")
    wilayah = SelectField(_l("Wilayah"), choices=[("", _l("Semua wilayah")), *REGENCY_CHOICES], default="")
    antar = BooleanField(_l("Bisa antar"))
    cod = BooleanField(_l("Bayar di tempat (COD)"))
    min = IntegerField(_l("Harga dari (Rp)"), validators=[Optional(), NumberRange(min=0, max=MAX_PRICE)])
    maks = IntegerField(_l("sampai (Rp)"), validators=[Optional(), NumberRange(min=0, max=MAX_PRICE)])

    def filters(self):
        """The valid filters as ``browsing.Filters`` (invalid ones left out)."""
        from marketplace.browsing import Filters

        self.validate()
        return Filters(
            query=self._query(),
            category=self.kategori.data or None if not self.kategori.errors else None,
            regency=self.wilayah.data or None if not self.wilayah.errors else None,
            delivers=bool(self.antar.data),
            cash_on_delivery=bool(self.cod.data),
            min_price=self.min.data if not self.min.errors else None,
            max_price=self.maks.data if not self.maks.errors else None,
        )

    def _query(self) -> str:
        """The words searched for: spaces collapsed, at most 100 characters."""
        return " ".join((self.q.data or "").split())[:100].strip() if not self.q.errors else ""

    def query_args(self) -> dict:
        """The valid filters as query arguments (after ``filters()``), for the
        pager's links and the kept page's key."""
        args = {"q": self._query()} if self._query() else {}
        for name in ("kategori", "wilayah", "min", "maks"):
            value = self[name].data
            if value not in (None, "") and not self[name].errors:
                args[name] = value
        for name in ("antar", "cod"):
            if self[name].data:
                args[name] = "y"
        return args
