"""Staff record a payment received in cash or by QRIS. No form ever carries an amount."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from core.forms import BaseForm
from payments.models import CASH, QRIS


class ManualPaymentForm(BaseForm):
    method = SelectField(
        _l("Cara bayar"),
        choices=[(CASH, _l("Tunai")), (QRIS, _l("QRIS ke rekening Pemkot"))],
        default=CASH,
    )
    receipt_number = StringField(
        _l("Nomor kuitansi"),
        validators=[
            DataRequired(message=_l("Nomor kuitansi wajib diisi.")),
            Length(max=60, message=_l("Nomor kuitansi paling banyak 60 karakter.")),
            Regexp(r"^[A-Za-z0-9/ ._-]+$", message=_l("Nomor kuitansi hanya huruf, angka, / . _ -")),
        ],
    )
