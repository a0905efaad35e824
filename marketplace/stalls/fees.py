"""Fees and reminders of an approved stall.

The invoice's amount comes from the server's stall record (a fee per market day,
or per month times the lease's months); nothing the client sends. An approval
whose fee is unpaid when ``payment_due_at`` passes expires (a scheduled job) and
the stall goes to the next waiting business, who is told at once. Reminders go
through the notifications engine, keyed per application so each goes out once.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale, gettext, ngettext
from sqlalchemy import select

from core.db import utcnow
from core.extensions import db
from core.i18n import format_wita
from core.links import absolute_url, site_path
from marketplace.stalls import schedule
from marketplace.stalls._common import change_status, tell_vendor, vendor_day, vendor_locale
from marketplace.stalls.models import APPROVED, EXPIRED, StallApplication
from notifications.services import N_, cancel_messages
from payments import services as payments
from payments.money import format_rupiah

INVOICE_KIND = "stall_application"


def _reminder_prefix(application: StallApplication) -> str:
    return f"stall-application:{application.id}:remind"


def amount_due(application: StallApplication) -> int:
    """The fee of the approved stall, from the stall record."""
    stall = application.stall
    if stall is None:
        return 0
    return stall.fee * (application.lease_months or 1) if application.is_lease else stall.fee


def _day_start(application: StallApplication) -> datetime | None:
    day = application.market_day
    if day is None:
        return None
    return schedule.wita_moment(day.day, day.market.setup_minute)


def application_approved(application: StallApplication, urgent: bool = False) -> None:
    """After approval: the invoice (when the fee is not zero), the decision notice
    and the reminders."""
    amount = amount_due(application)
    stall = application.stall
    params = {"stall": stall.code, "fee": format_rupiah(amount)}
    if amount > 0:
        due = utcnow() + timedelta(hours=current_app.config["STALL_PAYMENT_HOURS"])
        start = _day_start(application)
        if start is not None:
            due = min(due, start - timedelta(hours=2))
        application.payment_due_at = due
        invoice = payments.create_invoice(
            application.applicant or application.business.members[0].user,
            subject_kind=INVOICE_KIND, subject_id=application.id, amount=amount,
            description=_description(application, "id"),
            description_en=_description(application, "en"), due_at=due,
        )
        params["invoice_url"] = site_path("payments.invoice_detail", invoice_id=invoice.id)
        tell_vendor(application, "approved", N_("Lapak %(stall)s untuk %(business)s"),
                    N_("Pengajuan disetujui: lapak %(stall)s. Bayar %(fee)s sebelum batas waktu agar lapak tetap milik Anda."),
                    params, urgent=urgent)
        reminder = due - timedelta(hours=12)
        if reminder > utcnow():
            tell_vendor(application, "remind-payment", N_("Biaya lapak %(stall)s belum dibayar"),
                        N_("Bayar %(fee)s untuk lapak %(stall)s sebelum batas waktu."), params,
                        due_at=reminder, expires_at=due)
    else:
        tell_vendor(application, "approved", N_("Lapak %(stall)s untuk %(business)s"),
                    N_("Pengajuan disetujui: lapak %(stall)s. Tidak ada biaya."), params, urgent=urgent)
    _schedule_day_reminders(application)
    db.session.flush()


def _description(application: StallApplication, language: str) -> str:
    """What the stall's invoice is for, in ``language`` (the invoice keeps both)."""
    stall = application.stall
    with force_locale(language):
        if application.is_lease:
            return ngettext(
                "Sewa kios %(stall)s, %(num)d bulan dari %(month)s",
                "Sewa kios %(stall)s, %(num)d bulan dari %(month)s",
                application.lease_months, stall=stall.code,
                month=format_wita(application.lease_start, "month", locale=language),
            )
        return gettext("Lapak %(stall)s, %(market)s %(day)s", stall=stall.code,
                       market=application.market_day.market.name,
                       day=format_wita(application.market_day.day, "short", locale=language))


def _schedule_day_reminders(application: StallApplication) -> None:
    day = application.market_day
    if day is None:
        _schedule_lease_reminder(application)
        return
    market = day.market
    params = {
        "stall": application.stall.code,
        "day": vendor_day(application, day.day),
        "setup": schedule.clock(market.setup_minute, vendor_locale(application)),
        "place": market.name,
        # Read outside the platform too: an absolute link from SITE_URL when it is set.
        "map": absolute_url("marketplace.stalls.day_map", day_id=day.id)
        or site_path("marketplace.stalls.day_map", day_id=day.id),
    }
    ends = schedule.wita_moment(day.day, market.close_minute)
    tell_vendor(application, "remind-2d", N_("Dua hari lagi: lapak %(stall)s"),
                N_("%(place)s, %(day)s. Lapak %(stall)s, persiapan mulai pukul %(setup)s WITA. Peta: %(map)s"),
                params, due_at=schedule.wita_moment(day.day - timedelta(days=2), 9 * 60), expires_at=ends)
    tell_vendor(application, "remind-morning", N_("Hari ini: lapak %(stall)s"),
                N_("Hari ini di %(place)s. Lapak %(stall)s, persiapan mulai pukul %(setup)s WITA."),
                params, due_at=schedule.wita_moment(day.day, 7 * 60), expires_at=ends)


def _schedule_lease_reminder(application: StallApplication) -> None:
    end = application.lease_end
    if end is None:
        return
    due = schedule.wita_moment(end - timedelta(days=30), 9 * 60)
    tell_vendor(application, "remind-renewal", N_("Sewa kios %(stall)s berakhir bulan depan"),
                N_("Sewa kios %(stall)s berakhir %(end)s. Ajukan perpanjangan bila ingin tetap."),
                {"stall": application.stall.code, "end": vendor_day(application, end)},
                due_at=due, expires_at=schedule.wita_moment(end, 0))


def application_closed(application: StallApplication, reason: str, actor=None, invoice=None) -> str | None:
    """An application left play (withdrawn, no-show, cancelled): its invoice is
    voided or refunded and its pending reminders are cancelled. Returns the
    invoice's new status, if it has one."""
    invoice = invoice or payments.invoices_for(INVOICE_KIND, [application.id]).get(application.id)
    cancel_messages(_reminder_prefix(application))
    if invoice is None:
        return None
    return payments.close_invoice(invoice, reason, actor)


def invoice_changed(invoice, old_status: str, new_status: str) -> None:
    """Receiver of ``invoice_status_changed`` for stall invoices: a paid fee is
    noted on the application and the vendor told."""
    if invoice.subject_kind != INVOICE_KIND or new_status != payments.PAID:
        return
    application = db.session.get(StallApplication, invoice.subject_id)
    if application is None or application.paid_at is not None:
        return
    application.paid_at = invoice.paid_at or utcnow()
    cancel_messages(f"stall-application:{application.id}:remind-payment")
    if application.stall is not None:
        tell_vendor(application, "paid", N_("Biaya lapak %(stall)s lunas"),
                    N_("Terima kasih. Pembayaran untuk lapak %(stall)s sudah kami terima."),
                    {"stall": application.stall.code})
    db.session.flush()


def expire_unpaid(now: datetime | None = None) -> int:
    """Approvals whose fee is still unpaid after ``payment_due_at`` expire; each
    stall goes to the next waiting business, who is told. Returns how many expired."""
    from marketplace.stalls import decisions  # decisions tells fees about approvals

    now = now or utcnow()
    overdue = list(db.session.scalars(
        select(StallApplication).where(
            StallApplication.status == APPROVED,
            StallApplication.paid_at.is_(None),
            StallApplication.payment_due_at.is_not(None),
            StallApplication.payment_due_at < now,
        ).with_for_update(skip_locked=True, of=StallApplication)
    ))
    for application in overdue:
        stall, day = application.stall, application.market_day
        invoice = payments.invoices_for(INVOICE_KIND, [application.id]).get(application.id)
        if invoice is not None and invoice.status == payments.PAID:
            continue  # paid at the last moment; the handler will note it
        change_status(application, (APPROVED,), EXPIRED, decided_at=now)
        if invoice is not None:
            payments.expire_invoice(invoice)
        cancel_messages(_reminder_prefix(application))
        tell_vendor(application, "expired", N_("Lapak %(stall)s dilepas"),
                    N_("Biaya lapak %(stall)s tidak dibayar sampai batas waktu, jadi lapak diberikan ke pedagang berikutnya."),
                    {"stall": stall.code if stall else ""})
        if day is not None and stall is not None:
            decisions.promote_next(None, day, stall)
    db.session.flush()
    return len(overdue)
