"""A demo KUR application for the vendor demo user (``flask seed-demo``)."""
from __future__ import annotations

from sqlalchemy import select

from core.extensions import db
from mentoring.kur import applications
from mentoring.kur.models import KurApplication


def demo_data(users, **_kwargs) -> None:
    """The vendor's application, documents ticked and handed in to the bank."""
    vendor = users.get("vendor")
    if vendor is None or db.session.scalar(
        select(KurApplication.id).where(KurApplication.user_id == vendor.id)
    ):
        return
    application = applications.start_kur_application(vendor, applications.KurStart(
        business_name="Se'i Babi Om Yohan",
        business_months=30,
        regency="kupang",
        amount=25_000_000,
        bank="bank-ntt",
        has_ektp=True,
        adult_or_married=True,
        no_other_credit=True,
    ))
    applications.update_checklist(vendor, application, ["doc_ktp", "doc_kk", "doc_business_letter"])
    applications.mark_submitted(vendor, application)


