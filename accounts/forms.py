"""Account forms. Every message is translatable and says what to do."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from accounts.data import COUNTRIES, REGENCIES
from accounts.passwords import MAX_LENGTH, MIN_LENGTH, is_common
from core.forms import BaseForm, PhoneField, strip


def _password_policy(form, field):
    if field.data and is_common(field.data):
        raise ValidationError(
            _l("Kata sandi ini terlalu umum dan mudah ditebak. Pilih yang lain, "
               "misalnya beberapa kata yang Anda ingat.")
        )


NEW_PASSWORD_VALIDATORS = [
    InputRequired(message=_l("Buat kata sandi.")),
    Length(
        min=MIN_LENGTH,
        max=MAX_LENGTH,
        message=_l("Kata sandi minimal %(min)d karakter.", min=MIN_LENGTH),
    ),
    _password_policy,
]

NAME_VALIDATORS = [
    DataRequired(message=_l("Tulis nama Anda.")),
    Length(max=120, message=_l("Nama paling panjang 120 karakter.")),
]


def _year_not_future(form, field):
    if field.data is not None and field.data > date.today().year:
        raise ValidationError(_l("Tahun pulang tidak boleh di masa depan."))


class RegistrationForm(BaseForm):
    name = StringField(_l("Nama lengkap"), validators=NAME_VALIDATORS, filters=[strip])
    phone = PhoneField(
        _l("Nomor HP (WhatsApp)"),
        validators=[DataRequired(message=_l("Tulis nomor HP Anda."))],
    )
    email = EmailField(
        _l("Email (boleh dikosongkan)"),
        validators=[
            Optional(),
            Length(max=254, message=_l("Email terlalu panjang.")),
            Email(message=_l("Alamat email tidak valid."), check_deliverability=False),
        ],
        filters=[strip],
    )
    password = PasswordField(_l("Kata sandi"), validators=NEW_PASSWORD_VALIDATORS)
    regency = SelectField(
        _l("Kabupaten/kota tempat tinggal"),
        choices=[("", _l("Pilih…"))] + REGENCIES,
        validators=[DataRequired(message=_l("Pilih kabupaten/kota Anda."))],
    )
    country_returned = SelectField(
        _l("Pulang dari negara (boleh dikosongkan)"),
        choices=[("", _l("Tidak diisi"))] + COUNTRIES,
        validators=[Optional()],
    )
    return_year = IntegerField(
        _l("Tahun pulang (boleh dikosongkan)"),
        validators=[
            Optional(),
            NumberRange(min=1970, message=_l("Tulis tahun seperti 2023.")),
            _year_not_future,
        ],
    )
    locale = SelectField(
        _l("Bahasa"), choices=[("id", "Bahasa Indonesia"), ("en", "English")], default="id"
    )
    consent = BooleanField(
        _l("Saya sudah membaca dan setuju dengan Pemberitahuan Privasi."),
        validators=[DataRequired(message=_l("Untuk mendaftar, Anda perlu menyetujui pemberitahuan privasi."))],
    )


class LoginForm(BaseForm):
    identifier = StringField(
        _l("Nomor HP atau email"),
        validators=[
            DataRequired(message=_l("Tulis nomor HP atau email Anda.")),
            Length(max=254, message=_l("Terlalu panjang.")),
        ],
        filters=[strip],
    )
    password = PasswordField(
        _l("Kata sandi"),
        validators=[
            DataRequired(message=_l("Tulis kata sandi Anda.")),
            Length(max=MAX_LENGTH, message=_l("Terlalu panjang.")),
        ],
    )
    remember = BooleanField(_l("Tetap masuk di HP ini (30 hari)"))


class ProfileForm(BaseForm):
    name = StringField(_l("Nama lengkap"), validators=NAME_VALIDATORS, filters=[strip])
    regency = SelectField(
        _l("Kabupaten/kota tempat tinggal"),
        choices=[("", _l("Pilih…"))] + REGENCIES,
        validators=[DataRequired(message=_l("Pilih kabupaten/kota Anda."))],
    )
    country_returned = SelectField(
        _l("Pulang dari negara"),
        choices=[("", _l("Tidak diisi"))] + COUNTRIES,
        validators=[Optional()],
    )
    return_year = IntegerField(
        _l("Tahun pulang"),
        validators=[
            Optional(),
            NumberRange(min=1970, message=_l("Tulis tahun seperti 2023.")),
            _year_not_future,
        ],
    )
    locale = SelectField(_l("Bahasa"), choices=[("id", "Bahasa Indonesia"), ("en", "English")])


class ContactForm(BaseForm):
    """Changing phone or email needs the current password."""

    phone = PhoneField(
        _l("Nomor HP (WhatsApp)"), validators=[DataRequired(message=_l("Tulis nomor HP Anda."))]
    )
    email = EmailField(
        _l("Email (boleh dikosongkan)"),
        validators=[
            Optional(),
            Length(max=254, message=_l("Email terlalu panjang.")),
            Email(message=_l("Alamat email tidak valid."), check_deliverability=False),
        ],
        filters=[strip],
    )
    current_password = PasswordField(
        _l("Kata sandi Anda sekarang"),
        validators=[DataRequired(message=_l("Tulis kata sandi Anda sekarang."))],
    )


class ChangePasswordForm(BaseForm):
    current_password = PasswordField(
        _l("Kata sandi sekarang"),
        validators=[DataRequired(message=_l("Tulis kata sandi Anda sekarang."))],
    )
    new_password = PasswordField(_l("Kata sandi baru"), validators=NEW_PASSWORD_VALIDATORS)


class ForgotPasswordForm(BaseForm):
    email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(message=_l("Tulis email Anda.")),
            Length(max=254, message=_l("Email terlalu panjang.")),
            Email(message=_l("Alamat email tidak valid."), check_deliverability=False),
        ],
        filters=[strip],
    )


class ResetWithLinkForm(BaseForm):
    new_password = PasswordField(_l("Kata sandi baru"), validators=NEW_PASSWORD_VALIDATORS)


class ResetWithCodeForm(BaseForm):
    identifier = StringField(
        _l("Nomor HP atau email"),
        validators=[
            DataRequired(message=_l("Tulis nomor HP atau email Anda.")),
            Length(max=254, message=_l("Terlalu panjang.")),
        ],
        filters=[strip],
    )
    code = StringField(
        _l("Kode dari petugas"),
        validators=[
            DataRequired(message=_l("Tulis kode yang diberikan petugas.")),
            Length(max=20, message=_l("Kode tidak valid.")),
        ],
        filters=[strip],
    )
    new_password = PasswordField(_l("Kata sandi baru"), validators=NEW_PASSWORD_VALIDATORS)


class DeleteAccountForm(BaseForm):
    current_password = PasswordField(
        _l("Kata sandi Anda"), validators=[DataRequired(message=_l("Tulis kata sandi Anda."))]
    )
    confirm = BooleanField(
        _l("Saya mengerti: akun dan data saya dihapus dan tidak bisa dikembalikan."),
        validators=[DataRequired(message=_l("Centang kotak ini untuk melanjutkan."))],
    )


class ReauthForm(BaseForm):
    current_password = PasswordField(
        _l("Kata sandi Anda"), validators=[DataRequired(message=_l("Tulis kata sandi Anda."))]
    )


class UserSearchForm(BaseForm):
    class Meta:
        csrf = False

    q = StringField(_l("Cari nama, nomor HP atau email"), validators=[Optional(), Length(max=100)])


class RoleForm(BaseForm):
    role = SelectField(_l("Peran"), choices=[])
