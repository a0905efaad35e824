"""Forum forms. Every field is declared; every validator says what to do."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from core.forms import BaseForm, strip

TITLE_MAX = 160
BODY_MAX = 10_000
SEARCH_MAX = 100

FLAG_REASON_CHOICES = [
    ("spam", _l("Iklan atau spam")),
    ("abusive", _l("Kasar, menghina, atau mengancam")),
    ("personal_info", _l("Membuka data pribadi orang lain")),
    ("scam", _l("Penipuan, calo, atau tawaran kerja yang mencurigakan")),
    ("other", _l("Alasan lain")),
]
FLAG_REASON_LABELS = dict(FLAG_REASON_CHOICES)


def _not_blank(message):
    def check(form, field):
        if field.data is not None and not re.sub(r"\s+", "", field.data):
            raise ValidationError(message)

    return check


BODY_VALIDATORS = [
    DataRequired(message=_l("Tulis isi pesan Anda.")),
    Length(min=2, max=BODY_MAX, message=_l("Isi pesan paling panjang 10.000 karakter.")),
]


class ThreadForm(BaseForm):
    title = StringField(
        _l("Judul"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Tulis judul topik.")),
            Length(min=5, max=TITLE_MAX, message=_l("Judul 5 sampai 160 karakter.")),
        ],
    )
    body = TextAreaField(_l("Isi"), validators=BODY_VALIDATORS)
    anonymous = BooleanField(_l("Kirim sebagai Anggota anonim"))


class ReplyForm(BaseForm):
    body = TextAreaField(_l("Balasan Anda"), validators=BODY_VALIDATORS)
    anonymous = BooleanField(_l("Kirim sebagai Anggota anonim"))


class EditPostForm(BaseForm):
    title = StringField(
        _l("Judul"),
        filters=[strip],
        validators=[
            Optional(),
            Length(min=5, max=TITLE_MAX, message=_l("Judul 5 sampai 160 karakter.")),
        ],
    )
    body = TextAreaField(_l("Isi"), validators=BODY_VALIDATORS)


class FlagForm(BaseForm):
    reason = SelectField(
        _l("Alasan"),
        choices=FLAG_REASON_CHOICES,
        validators=[InputRequired(message=_l("Pilih alasan laporan."))],
    )
    note = TextAreaField(
        _l("Keterangan (boleh dikosongkan)"),
        filters=[strip],
        validators=[Optional(), Length(max=500, message=_l("Keterangan paling panjang 500 karakter."))],
    )


class SearchForm(BaseForm):
    class Meta:
        csrf = False

    # Not "Cari di forum": the search page's heading says that already.
    q = StringField(
        _l("Kata yang dicari"),
        filters=[strip],
        validators=[Optional(), Length(max=SEARCH_MAX, message=_l("Kata pencarian paling panjang 100 karakter."))],
    )


class ReasonForm(BaseForm):
    """Optional reason for a moderation action."""

    reason = StringField(
        _l("Alasan (boleh dikosongkan)"),
        filters=[strip],
        validators=[Optional(), Length(max=500, message=_l("Alasan paling panjang 500 karakter."))],
    )


class RevealForm(BaseForm):
    reason = TextAreaField(
        _l("Alasan membuka identitas penulis"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Tulis alasannya. Alasan ini masuk ke catatan moderasi.")),
            Length(min=10, max=500, message=_l("Alasan 10 sampai 500 karakter.")),
        ],
    )


class SuspendForm(BaseForm):
    days = IntegerField(
        _l("Lama penangguhan (hari)"),
        validators=[
            InputRequired(message=_l("Tulis jumlah hari.")),
            NumberRange(min=1, max=365, message=_l("Antara 1 dan 365 hari.")),
        ],
    )
    reason = TextAreaField(
        _l("Alasan (akan dilihat anggota ini)"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Tulis alasannya.")),
            Length(min=5, max=500, message=_l("Alasan 5 sampai 500 karakter.")),
        ],
    )


class MoveForm(BaseForm):
    # The category the moderator saw: the move is refused if someone moved it meanwhile.
    seen_category = HiddenField(filters=[lambda v: int(v) if v and str(v).isdigit() else None])
    category = SelectField(
        _l("Pindahkan ke kategori"),
        coerce=int,
        choices=[],
        validators=[InputRequired(message=_l("Pilih kategori."))],
    )
    reason = StringField(
        _l("Alasan (boleh dikosongkan)"),
        filters=[strip],
        validators=[Optional(), Length(max=300, message=_l("Alasan paling panjang 300 karakter."))],
    )


class CategoryForm(BaseForm):
    slug = StringField(
        _l("Alamat singkat (huruf kecil, angka, tanda -)"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Tulis alamat singkat, misalnya waspada-calo.")),
            Length(max=60, message=_l("Paling panjang 60 karakter.")),
            Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$", message=_l("Pakai huruf kecil, angka, dan tanda - saja.")),
        ],
    )
    name_id = StringField(
        _l("Nama (Bahasa Indonesia)"),
        filters=[strip],
        validators=[DataRequired(message=_l("Tulis nama kategori.")),
                    Length(max=80, message=_l("Paling panjang 80 karakter."))],
    )
    name_en = StringField(
        _l("Nama (English)"),
        filters=[strip],
        validators=[DataRequired(message=_l("Tulis nama kategori dalam bahasa Inggris.")),
                    Length(max=80, message=_l("Paling panjang 80 karakter."))],
    )
    description_id = TextAreaField(
        _l("Keterangan (Bahasa Indonesia)"),
        filters=[strip],
        validators=[Optional(), Length(max=300, message=_l("Paling panjang 300 karakter."))],
    )
    description_en = TextAreaField(
        _l("Keterangan (English)"),
        filters=[strip],
        validators=[Optional(), Length(max=300, message=_l("Paling panjang 300 karakter."))],
    )
    position = IntegerField(
        _l("Urutan"),
        default=0,
        validators=[InputRequired(message=_l("Tulis angka urutan.")),
                    NumberRange(min=0, max=999, message=_l("Antara 0 dan 999."))],
    )
    is_safe_room = BooleanField(_l("Ruang aman (boleh menulis sebagai Anggota anonim)"))
    shows_calo_banner = BooleanField(_l("Tampilkan pesan Waspada Calo"))


class CrisisTermForm(BaseForm):
    phrase = StringField(
        _l("Kata atau frasa"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Tulis kata atau frasa.")),
            Length(min=3, max=80, message=_l("3 sampai 80 karakter.")),
            _not_blank(_l("Tulis kata atau frasa.")),
        ],
    )
    # "Uji" tries the phrase on recent posts without saving it.
    preview = SubmitField(_l("Uji di tulisan terbaru"))


class HotlineForm(BaseForm):
    name = StringField(
        _l("Nama layanan"),
        filters=[strip],
        validators=[DataRequired(message=_l("Tulis nama layanan.")),
                    Length(max=120, message=_l("Paling panjang 120 karakter."))],
    )
    number = StringField(
        _l("Nomor"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Tulis nomornya.")),
            Length(max=40, message=_l("Paling panjang 40 karakter.")),
            Regexp(r"^[0-9+\- ()a-z]+$", message=_l("Pakai angka, spasi, +, - saja (boleh \"ext\").")),
        ],
    )
    description_id = TextAreaField(
        _l("Keterangan (Bahasa Indonesia)"),
        filters=[strip],
        validators=[Optional(), Length(max=300, message=_l("Paling panjang 300 karakter."))],
    )
    description_en = TextAreaField(
        _l("Keterangan (English)"),
        filters=[strip],
        validators=[Optional(), Length(max=300, message=_l("Paling panjang 300 karakter."))],
    )
    position = IntegerField(
        _l("Urutan"),
        default=0,
        validators=[InputRequired(message=_l("Tulis angka urutan.")),
                    NumberRange(min=0, max=999, message=_l("Antara 0 dan 999."))],
    )
