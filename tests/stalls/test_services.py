"""Stalls services: days, applications, decisions, fees, expiry, operations."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.db import utcnow
from core.extensions import db
from marketplace.models import PENDING
from marketplace.stalls import applications as apps
from marketplace.stalls import curation, decisions, fees, operations, schedule
from marketplace.stalls import days as daylib
from marketplace.stalls._common import ChangedMeanwhile, StallError, StallTaken
from marketplace.stalls.models import MarketDay, Stall, StallApplication
from notifications.models import OutboxMessage
from payments import services as payments
from payments.models import Invoice


def _stall(market, code) -> Stall:
    return db.session.scalar(select(Stall).where(Stall.market_id == market.id, Stall.code == code))


def _apply(business, day, zone="food"):
    owner = business.members[0].user
    [application] = apps.apply_for_days(owner, business, [day], zone)
    db.session.commit()
    return application


def _keys(user) -> set[str]:
    return set(db.session.scalars(select(OutboxMessage.base_key).where(OutboxMessage.user_id == user.id)))


def test_upcoming_sundays():
    from datetime import date

    assert schedule.upcoming_dates(6, date(2026, 12, 1), 3) == [date(2026, 12, 6), date(2026, 12, 13), date(2026, 12, 20)]
    assert schedule.upcoming_dates(6, date(2026, 12, 6), 1) == [date(2026, 12, 6)]


def test_market_days_generated_a_few_weeks_ahead_idempotently(make_market):
    market = make_market()
    assert daylib.generate_market_days() == 4
    assert daylib.generate_market_days() == 0
    db.session.commit()
    upcoming = daylib.upcoming_days(market)
    assert len(upcoming) == 4 and all(d.day.weekday() == 6 for d in upcoming)


def test_the_scheduled_job_is_listed():
    from core.scheduler import jobs

    assert {"generate-market-days", "expire-unpaid-stalls"} <= {job.id for job in jobs()}


def test_only_approved_businesses_apply(make_business, saboak_day):
    pending = make_business(status=PENDING)
    with pytest.raises(StallError, match="sudah disetujui"):
        apps.apply_for_days(pending.members[0].user, pending, [saboak_day], "food")


def test_someone_else_cannot_apply_for_my_business(make_business, make_user, saboak_day):
    business = make_business()
    with pytest.raises(StallError, match="sudah disetujui"):
        apps.apply_for_days(make_user(), business, [saboak_day], "food")


def test_one_application_per_business_and_day(make_business, saboak_day):
    business = make_business()
    _apply(business, saboak_day)
    with pytest.raises(StallError, match="sudah mengajukan"):
        _apply(business, saboak_day)


def test_apply_tells_the_vendor(make_business, saboak_day):
    business = make_business()
    application = _apply(business, saboak_day)
    assert f"stall-application:{application.id}:applied" in _keys(business.members[0].user)


def test_approve_gives_the_stall_and_tells_with_reminders(make_business, make_user, saboak_day):
    staff = make_user(roles=("umkm_staff",))
    business = make_business()
    application = _apply(business, saboak_day)
    decisions.approve(staff, application, _stall(saboak_day.market, "A-01"))
    db.session.commit()
    assert application.status == "approved" and application.stall.code == "A-01"
    keys = _keys(business.members[0].user)
    prefix = f"stall-application:{application.id}:"
    assert {prefix + "approved", prefix + "remind-2d", prefix + "remind-morning"} <= keys
    reminder = db.session.scalar(select(OutboxMessage).where(OutboxMessage.base_key == prefix + "remind-2d"))
    assert reminder.params["stall"] == "A-01" and reminder.params["setup"] == "14.00"
    assert reminder.params["map"].endswith(f"/pasar/lapak/peta/{saboak_day.id}")
    # A free stall (today's SABOAK price) makes no invoice.
    assert payments.invoices_for("stall_application", [application.id]) == {}


def test_the_reminders_write_the_setup_time_in_the_vendors_language(make_business, make_user, saboak_day):
    business = make_business(owner=make_user(locale="en"))
    application = _apply(business, saboak_day)
    decisions.approve(make_user(roles=("umkm_staff",)), application, _stall(saboak_day.market, "A-01"))
    db.session.commit()
    key = f"stall-application:{application.id}:remind-2d"
    reminder = db.session.scalar(select(OutboxMessage).where(OutboxMessage.base_key == key))
    assert reminder.params["setup"] == "14:00"


def test_zone_respected_on_approval(make_business, make_user, saboak_day):
    application = _apply(make_business(), saboak_day, zone="food")
    with pytest.raises(StallError, match="zona lain"):
        decisions.approve(make_user(roles=("umkm_staff",)), application, _stall(saboak_day.market, "B-01"))


def test_two_businesses_never_share_a_stall(make_business, make_user, saboak_day):
    staff = make_user(roles=("umkm_staff",))
    first, second = _apply(make_business(), saboak_day), _apply(make_business(), saboak_day)
    stall = _stall(saboak_day.market, "A-01")
    decisions.approve(staff, first, stall)
    db.session.commit()
    with pytest.raises(StallTaken, match="baru saja diberikan ke usaha lain"):
        decisions.approve(staff, second, stall)
    db.session.rollback()
    assert db.session.get(StallApplication, second.id).status == "applied"


def test_decision_from_a_stale_state_is_refused(make_business, make_user, saboak_day):
    staff = make_user(roles=("umkm_staff",))
    application = _apply(make_business(), saboak_day)
    decisions.decline(staff, application, "Zona kuliner penuh")
    db.session.commit()
    with pytest.raises(ChangedMeanwhile, match="baru saja diubah orang lain"):
        decisions.waitlist(staff, application)
    db.session.rollback()
    assert db.session.get(StallApplication, application.id).status == "declined"


def test_decline_and_resubmit_need_a_reason(make_business, make_user, saboak_day):
    staff = make_user(roles=("umkm_staff",))
    application = _apply(make_business(), saboak_day)
    with pytest.raises(StallError, match="alasan"):
        decisions.decline(staff, application, "  ")
    decisions.ask_resubmit(staff, application, "Foto lapak belum ada")
    apps.resubmit(application.applicant, application, "Sudah saya tambahkan")
    assert application.status == "applied"


def test_fee_comes_from_the_stall_record(make_business, make_user, make_market, next_day):
    day = next_day(make_market(fee=25_000))
    application = _apply(make_business(), day)
    decisions.approve(make_user(roles=("umkm_staff",)), application, _stall(day.market, "A-01"))
    db.session.commit()
    invoice = payments.invoices_for("stall_application", [application.id])[application.id]
    assert invoice.amount == 25_000 and invoice.payer_id == application.applicant_id
    assert application.payment_due_at is not None
    assert invoice.due_at == application.payment_due_at
    day_id, day_en = fees.format_wita(day.day, "short", locale="id"), fees.format_wita(day.day, "short", locale="en")
    assert invoice.description == f"Lapak A-01, SABOAK {day_id}"
    assert invoice.description_en == f"Stall A-01, SABOAK {day_en}"


def test_paid_invoice_is_noted_on_the_application(make_business, make_user, make_market, next_day):
    day = next_day(make_market(fee=25_000))
    staff = make_user(roles=("umkm_staff",))
    application = _apply(make_business(), day)
    decisions.approve(staff, application, _stall(day.market, "A-01"))
    invoice = payments.invoices_for("stall_application", [application.id])[application.id]
    payments.record_manual_payment(staff, invoice, method="cash", receipt_number="KW-1")
    db.session.commit()
    assert application.paid_at is not None
    assert f"stall-application:{application.id}:paid" in _keys(application.applicant)


def test_unpaid_approval_expires_and_goes_to_the_next_waiting(make_business, make_user, make_market, next_day):
    day = next_day(make_market(fee=25_000, stalls=[("A-01", "food")]))
    staff = make_user(roles=("umkm_staff",))
    late, waiting = _apply(make_business(), day), _apply(make_business(), day)
    decisions.approve(staff, late, _stall(day.market, "A-01"))
    decisions.waitlist(staff, waiting)
    db.session.commit()
    assert fees.expire_unpaid(now=utcnow() + timedelta(days=3)) == 1
    db.session.commit()
    assert late.status == "expired"
    assert payments.invoices_for("stall_application", [late.id])[late.id].status == "expired"
    assert waiting.status == "approved" and waiting.stall.code == "A-01"
    assert f"stall-application:{waiting.id}:approved" in _keys(waiting.applicant)
    assert f"stall-application:{late.id}:expired" in _keys(late.applicant)


def test_paid_approval_does_not_expire(make_business, make_user, make_market, next_day):
    day = next_day(make_market(fee=25_000))
    staff = make_user(roles=("umkm_staff",))
    application = _apply(make_business(), day)
    decisions.approve(staff, application, _stall(day.market, "A-01"))
    invoice = payments.invoices_for("stall_application", [application.id])[application.id]
    payments.record_manual_payment(staff, invoice, method="qris", receipt_number="Q-9")
    db.session.commit()
    assert fees.expire_unpaid(now=utcnow() + timedelta(days=3)) == 0
    assert application.status == "approved"


def test_cancelling_a_day_tells_everyone_and_refunds(make_business, make_user, make_market, next_day):
    day = next_day(make_market(fee=25_000))
    staff = make_user(roles=("umkm_staff",))
    paid, unpaid, waiting = (_apply(make_business(), day) for _ in range(3))
    decisions.approve(staff, paid, _stall(day.market, "A-01"))
    decisions.approve(staff, unpaid, _stall(day.market, "A-02"))
    decisions.waitlist(staff, waiting)
    paid_invoice = payments.invoices_for("stall_application", [paid.id])[paid.id]
    payments.record_manual_payment(staff, paid_invoice, method="cash", receipt_number="KW-2")
    db.session.commit()
    assert daylib.cancel_market_day(staff, day, "Hujan badai") == 3
    db.session.commit()
    assert {a.status for a in (paid, unpaid, waiting)} == {"cancelled"}
    invoices = {i.subject_id: i.status for i in db.session.scalars(select(Invoice))}
    assert invoices == {paid.id: "refunded", unpaid.id: "void"}
    for application in (paid, unpaid, waiting):
        assert f"stall-application:{application.id}:day-cancelled" in _keys(application.applicant)
    pending = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.base_key == f"stall-application:{paid.id}:remind-2d")).all()
    assert {m.status for m in pending} == {"cancelled"}
    assert db.session.get(MarketDay, day.id).status == "cancelled"


def test_withdrawal_frees_the_stall_for_the_next(make_business, make_user, next_day, make_market):
    day = next_day(make_market(stalls=[("A-01", "food")]))
    staff = make_user(roles=("umkm_staff",))
    first, second = _apply(make_business(), day), _apply(make_business(), day)
    decisions.approve(staff, first, _stall(day.market, "A-01"))
    decisions.waitlist(staff, second)
    apps.withdraw(first.applicant, first)
    db.session.commit()
    assert first.status == "withdrawn" and second.status == "approved"


def test_queue_puts_first_time_returnees_first_and_shows_place(make_business, saboak_day):
    regular = _apply(make_business(), saboak_day)
    newcomer = _apply(make_business(returnee=True), saboak_day)
    queue = curation.day_queue(saboak_day)
    assert queue.positions == {newcomer.id: 1, regular.id: 2}
    assert curation.queue_place(regular) == 2


def test_confirm_allocation_approves_and_waitlists_the_rest(make_business, make_user, saboak_day):
    staff = make_user(roles=("umkm_staff",))
    food = [_apply(make_business(), saboak_day) for _ in range(3)]
    queue = curation.day_queue(saboak_day)
    assert len(queue.proposal.assignments) == 2
    decisions.confirm_allocation(staff, saboak_day, queue.proposal.assignments)
    db.session.commit()
    assert sorted(a.status for a in food) == ["approved", "approved", "waitlisted"]
    assert curation.next_expected_date(food[0].business) in (saboak_day.day, None)


def test_no_show_lowers_priority_next_time(make_business, make_user, make_market):
    market = make_market(stalls=[("A-01", "food")])
    daylib.generate_market_days()
    db.session.commit()
    first_day, second_day = daylib.upcoming_days(market)[:2]
    staff = make_user(roles=("umkm_staff",))
    absent, other = make_business(), make_business()
    application = _apply(absent, first_day)
    decisions.approve(staff, application, _stall(market, "A-01"))
    operations.mark_no_show(staff, application)
    db.session.commit()
    _apply(other, second_day)
    _apply(absent, second_day)
    queue = curation.day_queue(second_day)
    assert queue.history[absent.id].no_shows == 1
    winner = db.session.get(StallApplication, next(iter(queue.proposal.assignments)))
    assert winner.business_id == other.id


def test_move_a_waiting_vendor_into_an_empty_stall(make_business, make_user, saboak_day):
    staff = make_user(roles=("umkm_staff",))
    application = _apply(make_business(), saboak_day)
    decisions.waitlist(staff, application)
    operations.move_into(staff, application, _stall(saboak_day.market, "A-02"))
    db.session.commit()
    assert application.status == "approved"
    message = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.base_key == f"stall-application:{application.id}:approved", OutboxMessage.channel != "in_app"))
    assert message is None or message.urgent


def test_check_in(make_business, make_user, saboak_day):
    staff = make_user(roles=("umkm_staff",))
    application = _apply(make_business(), saboak_day)
    decisions.approve(staff, application, _stall(saboak_day.market, "A-01"))
    operations.check_in(staff, application)
    assert application.status == "attended" and application.checked_in_at is not None


def test_season_report():
    from datetime import date

    from marketplace.stalls.report import summarise

    rows = [(1, True, date(2026, 3, 1)), (1, True, date(2026, 3, 8)), (2, False, date(2025, 12, 7)),
            (2, False, date(2026, 3, 1)), (3, True, date(2025, 11, 1)), (3, True, date(2026, 3, 15))]
    report = summarise(rows, date(2026, 1, 1), date(2026, 12, 31), 10)
    assert report.businesses == 3
    assert report.first_time_returnees == 1  # business 3 sold before the season
    assert report.spread == {1: 2, 2: 1} and report.days_max == 2


def test_lease_application_and_renewal_reminder(make_business, make_user, make_market):
    from marketplace.stalls.models import BOOTHS

    site = make_market(kind=BOOTHS, name="Kios Kontainer Lasiana", fee=300_000, stalls=[("K-01", "food")])
    business = make_business()
    start = (schedule.wita_date(utcnow()).replace(day=1) + timedelta(days=40)).replace(day=1)
    application = apps.apply_for_lease(business.members[0].user, business, site, start, 3)
    decisions.approve(make_user(roles=("umkm_staff",)), application, _stall(site, "K-01"))
    db.session.commit()
    invoice = payments.invoices_for("stall_application", [application.id])[application.id]
    assert invoice.amount == 900_000
    month_id, month_en = (fees.format_wita(start, "month", locale=language) for language in ("id", "en"))
    assert invoice.description == f"Sewa kios K-01, 3 bulan dari {month_id}"
    assert invoice.description_en == f"Booth K-01, 3 months from {month_en}"
    assert f"stall-application:{application.id}:remind-renewal" in _keys(application.applicant)


def test_a_finished_lease_frees_the_booth_for_the_next_waiting(make_business, make_user, make_market):
    from marketplace.stalls import leases
    from marketplace.stalls.models import BOOTHS

    site = make_market(kind=BOOTHS, name="Kios Kontainer Lasiana", fee=300_000, stalls=[("K-01", "food")])
    staff = make_user(roles=("umkm_staff",))
    start = schedule.wita_date(utcnow()).replace(day=1)
    first, second = make_business(), make_business()
    current = apps.apply_for_lease(first.members[0].user, first, site, start, 1)
    decisions.approve(staff, current, _stall(site, "K-01"))
    waiting = apps.apply_for_lease(second.members[0].user, second, site, start, 6)
    decisions.waitlist(staff, waiting)
    db.session.commit()
    assert leases.end_finished_leases(now=utcnow()) == 0
    assert leases.end_finished_leases(now=utcnow() + timedelta(days=40)) == 1
    db.session.commit()
    assert current.status == "ended"
    assert waiting.status == "approved" and waiting.stall.code == "K-01"
    assert f"stall-application:{waiting.id}:approved" in _keys(waiting.applicant)


def test_unreachable_vendors_are_called_by_umkm_staff():
    from notifications.call_tasks import call_task_role

    assert call_task_role("stall-application:7:remind-2d") == "umkm_staff"
