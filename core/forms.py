"""The forms kit: the one base class every form uses, and shared fields.

``BaseForm`` refuses, in every text field, the characters that have no place in
what people type: control characters (NUL included; a multi-line ``TextAreaField``
may hold line breaks and tabs), bidi overrides and isolates that make text read
differently from what it is, and zero-width characters in single-line fields. The
field gets a clear message and the form does not validate, so nothing reaches the
database.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from wtforms import (
    Field,
    FieldList,
    FormField,
    IntegerField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.fields import DateTimeLocalField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import HiddenInput

from accounts.phones import normalise_phone
from core.db import utcnow
from core.i18n import WITA

# Bidi embeddings, overrides (U+202A-U+202E) and isolates (U+2066-U+2069).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Zero-width space, non-joiner, joiner, word joiner and the byte-order mark.
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")
ZERO_WIDTH_JOINER = "\u200d"
MULTILINE_ALLOWED = frozenset("\n\r\t")

CONTROL_MESSAGE = _l("Teks ini berisi karakter tersembunyi yang tidak diizinkan. "
                     "Hapus lalu ketik ulang tanpa menyalin dari tempat lain.")
BIDI_MESSAGE = _l("Teks ini berisi karakter pembalik arah tulisan yang tidak diizinkan. "
                  "Ketik ulang tanpa menyalin dari tempat lain.")


def strip(value):
    """Filter: leading and trailing white space removed (``None`` stays ``None``)."""
    return value.strip() if isinstance(value, str) else value


def _emoji_joiner(text: str, index: int) -> bool:
    """A zero-width joiner inside an emoji sequence (family, profession emoji)."""
    before = text[index - 1] if index > 0 else ""
    after = text[index + 1] if index + 1 < len(text) else ""
    return (
        before != "" and after != ""
        and (unicodedata.category(before) in {"So", "Sk"} or before == "\ufe0f"
             or "\U0001f3fb" <= before <= "\U0001f3ff")
        and unicodedata.category(after) == "So"
    )


def refused_character_message(text: str, *, multiline: bool = False):
    """The message explaining why ``text`` is refused, or ``None`` when it is fine.

    Refused: control characters (category Cc; line breaks and tabs are allowed when
    ``multiline``), bidi overrides/isolates, and zero-width characters in single-line
    text (a joiner inside an emoji sequence is kept).
    """
    for index, char in enumerate(text):
        if char in BIDI_CONTROLS:
            return BIDI_MESSAGE
        if unicodedata.category(char) == "Cc":
            if multiline and char in MULTILINE_ALLOWED:
                continue
            return CONTROL_MESSAGE
        if not multiline and char in ZERO_WIDTH:
            if char == ZERO_WIDTH_JOINER and _emoji_joiner(text, index):
                continue
            return CONTROL_MESSAGE
    return None


def has_control_characters(text: str) -> bool:
    """True when ``text`` holds any control character (category Cc), NUL included."""
    return any(unicodedata.category(char) == "Cc" for char in text)


def _text_fields(fields):
    for field in fields:
        if isinstance(field, FormField):
            yield from _text_fields(field.form)
        elif isinstance(field, FieldList):
            for entry in field.entries:
                yield from _text_fields([entry])
        elif isinstance(field, StringField):
            yield field


def _check_characters(field: Field) -> bool:
    """Put the refusal on ``field`` when what was typed holds refused characters."""
    multiline = isinstance(field, TextAreaField)
    for raw in field.raw_data or ():
        if isinstance(raw, str):
            message = refused_character_message(raw, multiline=multiline)
            if message is not None:
                field.errors = [message]
                return False
    return True


class _WTFormsTranslations:
    """WTForms' built-in messages ("Not a valid integer value.") in the user's
    language, from our own catalog (WTForms ships no Indonesian)."""

    def gettext(self, string):
        message = WTFORMS_MESSAGES.get(string)
        return string if message is None else str(message)

    def ngettext(self, singular, plural, n):
        message = WTFORMS_MESSAGES.get(singular)
        if message is None:
            return singular if n == 1 else plural
        return str(message)


class BaseForm(FlaskForm):
    """Every form of the platform derives from this (never from ``FlaskForm``).

    After the fields' own validation, each text field (any ``StringField``:
    ``TextAreaField``, ``PasswordField``, ``SearchField``, ``EmailField``,
    ``TelField``…) is checked for refused characters (see
    ``refused_character_message``); a refused field shows only that message.
    """

    class Meta:
        def get_translations(self, form):
            return WTFORMS_TRANSLATIONS

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in _text_fields(self):
            valid = _check_characters(field) and valid
        return valid

    def hidden_tag(self, *fields) -> Markup:
        """Flask-WTF's ``hidden_tag()``, the same markup, with the CSRF token's input
        written directly: drawn through WTForms' widget (attributes gathered, sorted
        and escaped one by one) it was 0.05 ms of every page with a button."""
        if fields:
            return super().hidden_tag(*fields)
        csrf_name = self.meta.csrf_field_name if self.meta.csrf else None
        return Markup("\n").join(
            _CSRF_INPUT % (field.id, field.name, field.current_token)
            if field.short_name == csrf_name and not field.render_kw else field()
            for field in self if isinstance(field.widget, HiddenInput)
        )


_CSRF_INPUT = Markup('<input id="%s" name="%s" type="hidden" value="%s">')


class EmptyForm(BaseForm):
    """Just the CSRF token, for buttons that change something."""


class ButtonForm:
    """The form behind a page's buttons, as a GET draws them (``button_form``,
    ``hidden_tag_once``): only ``hidden_tag()``, the same markup as
    ``EmptyForm().hidden_tag()``. An ``EmptyForm`` builds a WTForms form, its meta
    and its token field on every page (about 0.07 ms); this builds nothing until a
    button is drawn. What the buttons send is still checked by
    ``EmptyForm().validate_on_submit()``."""

    def hidden_tag(self) -> Markup:
        config = current_app.config
        if not config.get("WTF_CSRF_ENABLED", True):
            return Markup("")
        name = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
        return _CSRF_INPUT % (name, name, generate_csrf())


class PhoneField(TelField):
    """A phone number in any Indonesian format; ``data`` becomes E.164."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.raw_text = self.data
        self.data = normalise_phone(self.data) if self.data else None

    def pre_validate(self, form):
        if getattr(self, "raw_text", None) and self.data is None:
            raise StopValidation(
                _l("Nomor HP tidak dikenali. Tulis seperti 0812 3456 7890 atau +62 812 3456 7890.")
            )

    def _value(self):
        return getattr(self, "raw_text", None) or (self.data or "")


# --- text ---------------------------------------------------------------------------

MAX_COMBINING_RUN = 3


def normalise_text(value):
    """Filter: NFC (one code point per accented letter) and trimmed."""
    return unicodedata.normalize("NFC", value).strip() if isinstance(value, str) else value


def _combining_run_ok(form, field) -> None:
    run = 0
    for char in field.data or "":
        run = run + 1 if unicodedata.combining(char) or unicodedata.category(char) == "Me" else 0
        if run > MAX_COMBINING_RUN:
            raise ValidationError(_l("Teks ini berisi terlalu banyak tanda di atas atau di bawah "
                                     "satu huruf. Ketik ulang tanpa menyalin dari tempat lain."))


def _bounded_text_validators(required, required_message, min_length, max_length, length_message):
    checks = [DataRequired(message=required_message) if required else Optional()]
    checks.append(Length(min=min_length, max=max_length, message=length_message))
    return checks


class TitleField(StringField):
    """A single line of bounded text (a title, a place): NFC, trimmed, refuses
    more than three combining marks on one letter. ``required`` and lengths make
    its validators; further ``validators`` come after them."""

    def __init__(self, label=None, validators=None, *, max_length: int = 160, min_length: int = 0,
                 required: bool = True, required_message=None, length_message=None, **kwargs):
        checks = _bounded_text_validators(
            required, required_message or _l("Bagian ini wajib diisi."), min_length, max_length,
            length_message or _l("Paling panjang %(max)d karakter.", max=max_length),
        )
        kwargs.setdefault("filters", [normalise_text])
        super().__init__(label, [*checks, _combining_run_ok, *(validators or [])], **kwargs)


class NameField(TitleField):
    """A person's name (issue 8 item 17): NFC; control, bidi, zero-width characters,
    line breaks and runs of more than three combining marks refused."""

    def __init__(self, label=None, validators=None, *, max_length: int = 120, **kwargs):
        kwargs.setdefault("required_message", _l("Tulis nama Anda."))
        kwargs.setdefault("length_message", _l("Nama paling panjang %(max)d karakter.", max=max_length))
        super().__init__(label, validators, max_length=max_length, **kwargs)


class LongTextField(TextAreaField):
    """Several lines of bounded text (a description, a note): NFC and trimmed; line
    breaks and tabs allowed, control and bidi characters refused by ``BaseForm``."""

    def __init__(self, label=None, validators=None, *, max_length: int = 4000, min_length: int = 0,
                 required: bool = False, required_message=None, length_message=None, **kwargs):
        checks = _bounded_text_validators(
            required, required_message or _l("Bagian ini wajib diisi."), min_length, max_length,
            length_message or _l("Paling panjang %(max)d karakter.", max=max_length),
        )
        kwargs.setdefault("filters", [normalise_text])
        super().__init__(label, [*checks, *(validators or [])], **kwargs)


# --- numbers and money --------------------------------------------------------------


class BoundedIntegerField(IntegerField):
    """A whole number between ``min`` and ``max``, required unless ``required=False``
    (the ``IntegerField(InputRequired, NumberRange)`` shape in one place)."""

    def __init__(self, label=None, validators=None, *, min: int, max: int,  # noqa: A002
                 message=None, required: bool = True, required_message=None, **kwargs):
        first = (InputRequired(message=required_message or _l("Tulis angka.")) if required
                 else Optional())
        bounds = NumberRange(min=min, max=max, message=message or _l(
            "Tulis angka dari %(min)d sampai %(max)d.", min=min, max=max))
        super().__init__(label, [first, bounds, *(validators or [])], **kwargs)


def format_rupiah(amount: int | None) -> str:
    """``25000`` as ``"Rp 25.000"`` (whole rupiah, dots between thousands)."""
    if amount is None:
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp {abs(int(amount)):,}".replace(",", ".")


class RupiahField(StringField):
    """An amount in whole rupiah, typed "25000", "25.000" or "Rp 25.000" (",00"
    allowed); ``data`` is an ``int`` between ``min`` and ``max``; shown "25.000"."""

    def __init__(self, label=None, validators=None, *, min: int = 1,  # noqa: A002
                 max: int = 10_000_000_000, required: bool = True, required_message=None, **kwargs):
        self.min_amount, self.max_amount = min, max
        first = (InputRequired(message=required_message or _l("Tulis jumlahnya dalam rupiah."))
                 if required else Optional())
        super().__init__(label, [first, *(validators or [])], **kwargs)

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not (valuelist[0] or "").strip():
            return
        text = valuelist[0].strip()[:40].lower().removeprefix("rp").strip()
        text = re.sub(r"[\s.]", "", text)
        text = re.sub(r",0{1,2}$", "", text)
        if not text.isascii() or not text.isdigit():
            raise ValueError(_l("Tulis jumlah dalam rupiah dengan angka saja, misalnya 25.000.000."))
        self.data = int(text)

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()
        if self.data is not None and not self.min_amount <= self.data <= self.max_amount:
            raise StopValidation(_l("Jumlah harus antara %(min)s dan %(max)s.",
                                    min=format_rupiah(self.min_amount),
                                    max=format_rupiah(self.max_amount)))

    def _value(self):
        if self.raw_data:
            return self.raw_data[0][:40]
        return f"{self.data:,}".replace(",", ".") if self.data is not None else ""


# --- date and time ------------------------------------------------------------------

DATETIME_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M")


class WitaDateTimeField(DateTimeLocalField):
    """A date and time typed in WITA (Asia/Makassar); ``data`` is aware UTC, as the
    ``UTCDateTime`` columns take it. ``not_past=True`` refuses a moment already gone."""

    def __init__(self, label=None, validators=None, *, not_past: bool = False, **kwargs):
        self.not_past = not_past
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not (valuelist[0] or "").strip():
            return
        raw = valuelist[0].strip()[:40]
        for fmt in DATETIME_FORMATS:
            try:
                naive = datetime.strptime(raw, fmt)
            except ValueError:
                continue
            self.data = naive.replace(tzinfo=WITA).astimezone(UTC)
            return
        raise ValueError(_l("Tulis tanggal dan jam, misalnya 2026-12-01 09:00."))

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()
        if self.not_past and self.data is not None and self.data <= utcnow():
            raise StopValidation(_l("Waktu ini sudah lewat. Pilih tanggal dan jam yang akan datang."))

    def _value(self):
        if self.raw_data:
            return self.raw_data[0][:40]
        return self.data.astimezone(WITA).replace(tzinfo=None).isoformat(timespec="minutes") if self.data else ""


# --- WTForms' own messages ----------------------------------------------------------

WTFORMS_MESSAGES = {
    "Invalid field name '%s'.": _l("Nama isian '%s' tidak dikenal."),
    "Field must be equal to %(other_name)s.": _l("Isian ini harus sama dengan %(other_name)s."),
    "Field must be at least %(min)d character long.": _l("Paling sedikit %(min)d karakter."),
    "Field must be at least %(min)d characters long.": _l("Paling sedikit %(min)d karakter."),
    "Field cannot be longer than %(max)d character.": _l("Paling panjang %(max)d karakter."),
    "Field cannot be longer than %(max)d characters.": _l("Paling panjang %(max)d karakter."),
    "Field must be exactly %(max)d character long.": _l("Harus tepat %(max)d karakter."),
    "Field must be exactly %(max)d characters long.": _l("Harus tepat %(max)d karakter."),
    "Field must be between %(min)d and %(max)d characters long.":
        _l("Harus %(min)d sampai %(max)d karakter."),
    "Number must be at least %(min)s.": _l("Angka paling kecil %(min)s."),
    "Number must be at most %(max)s.": _l("Angka paling besar %(max)s."),
    "Number must be between %(min)s and %(max)s.": _l("Angka harus dari %(min)s sampai %(max)s."),
    "Date must be at least %(min)s.": _l("Tanggal paling awal %(min)s."),
    "Date must be at most %(max)s.": _l("Tanggal paling akhir %(max)s."),
    "Date must be between %(min)s and %(max)s.": _l("Tanggal harus antara %(min)s dan %(max)s."),
    "This field is required.": _l("Bagian ini wajib diisi."),
    "Invalid input.": _l("Isian tidak valid."),
    "Invalid email address.": _l("Alamat email tidak valid."),
    "Invalid IP address.": _l("Alamat IP tidak valid."),
    "Invalid Mac address.": _l("Alamat MAC tidak valid."),
    "Invalid URL.": _l("Alamat tautan (URL) tidak valid."),
    "Invalid UUID.": _l("UUID tidak valid."),
    "Invalid value, must be one of: %(values)s.": _l("Pilihan tidak valid, harus salah satu dari: %(values)s."),
    "Invalid value, can't be any of: %(values)s.": _l("Pilihan tidak valid, tidak boleh: %(values)s."),
    "This field cannot be edited.": _l("Bagian ini tidak bisa diubah."),
    "This field is disabled and cannot have a value.": _l("Bagian ini tidak aktif dan tidak boleh diisi."),
    "Invalid CSRF Token.": _l("Formulir ini sudah kedaluwarsa. Muat ulang halaman lalu coba lagi."),
    "CSRF token missing.": _l("Formulir ini sudah kedaluwarsa. Muat ulang halaman lalu coba lagi."),
    "CSRF failed.": _l("Formulir ini sudah kedaluwarsa. Muat ulang halaman lalu coba lagi."),
    "CSRF token expired.": _l("Formulir ini sudah kedaluwarsa. Muat ulang halaman lalu coba lagi."),
    "Invalid Choice: could not coerce.": _l("Pilihan tidak valid."),
    "Choices cannot be None.": _l("Pilihan tidak valid."),
    "Not a valid choice.": _l("Pilih salah satu dari daftar."),
    "Invalid choice(s): one or more data inputs could not be coerced.": _l("Pilihan tidak valid."),
    "'%(value)s' is not a valid choice for this field.": _l("'%(value)s' bukan pilihan yang valid."),
    "'%(value)s' are not valid choices for this field.": _l("'%(value)s' bukan pilihan yang valid."),
    "Not a valid datetime value.": _l("Tanggal dan jam tidak valid."),
    "Not a valid date value.": _l("Tanggal tidak valid."),
    "Not a valid time value.": _l("Jam tidak valid."),
    "Not a valid week value.": _l("Minggu tidak valid."),
    "Not a valid integer value.": _l("Tulis bilangan bulat, misalnya 2023."),
    "Not a valid decimal value.": _l("Tulis angka, misalnya 2,5."),
    "Not a valid float value.": _l("Tulis angka, misalnya 2,5."),
}
WTFORMS_TRANSLATIONS = _WTFormsTranslations()
