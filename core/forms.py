"""The forms kit: the one base class every form uses, and shared fields.

``BaseForm`` refuses, in every text field, the characters that have no place in
what people type: control characters (NUL included; a multi-line ``TextAreaField``
may hold line breaks and tabs), bidi overrides and isolates that make text read
differently from what it is, and zero-width characters in single-line fields. The
field gets a clear message and the form does not validate, so nothing reaches the
database.
"""
from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, FieldList, FormField, StringField, TelField, TextAreaField
from wtforms.validators import StopValidation

from accounts.phones import normalise_phone

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


class BaseForm(FlaskForm):
    """Every form of the platform derives from this (never from ``FlaskForm``).

    After the fields' own validation, each text field (any ``StringField``:
    ``TextAreaField``, ``PasswordField``, ``SearchField``, ``EmailField``,
    ``TelField``…) is checked for refused characters (see
    ``refused_character_message``); a refused field shows only that message.
    """

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in _text_fields(self):
            valid = _check_characters(field) and valid
        return valid


class EmptyForm(BaseForm):
    """Just the CSRF token, for buttons that change something."""


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
