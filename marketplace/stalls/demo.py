"""Demo data for the stalls part (``flask seed-demo``; idempotent, only flushes):
the SABOAK Sunday market with a realistic layout of 100 stalls in zones, a
container-booth site at Lasiana, a few past Sundays of history and applications
in every status for the coming weeks."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from accounts.phones import normalise_phone
from accounts.services import create_user_with_roles, find_by_login
from core.cli import DEMO_PASSWORD
from core.db import utcnow
from core.extensions import db
from marketplace.models import APPROVED as BUSINESS_APPROVED
from marketplace.models import OWNER, Business, BusinessMember
from marketplace.stalls import applications as apps
from marketplace.stalls import curation, decisions, schedule
from marketplace.stalls import days as daylib
from marketplace.stalls.models import (
    ATTENDED,
    BOOTHS,
    DECLINED,
    NO_SHOW,
    PER_MONTH,
    RESUBMIT,
    WAITLISTED,
    WEEKLY,
    WITHDRAWN,
    Market,
    MarketDay,
    Stall,
    StallApplication,
)

SABOAK = "Pasar Malam SABOAK"
LASIANA = "Kios Kontainer Pantai Lasiana"

# row letter, y, [(zone, count)]: 5 rows of 20 stalls with walkways between.
ROWS = [
    ("A", 4, [("food", 20)]),
    ("B", 15, [("food", 20)]),
    ("C", 26, [("crafts", 20)]),
    ("D", 37, [("produce", 12), ("services", 8)]),
    ("E", 48, [("services", 6), ("produce", 8), ("public_service", 6)]),
]

# name, category, returned worker?, owner phone, owner name
VENDORS = [
    ("Se'i Babi Om Yos", "kuliner", True, "081200000002", "Yohanes Tefa"),
    ("Jagung Bose Mama Agus", "kuliner", True, "081200000501", "Agustina Lake"),
    ("Sambal Lu'at Oma Ndun", "kuliner", False, "081200000502", "Yuliana Ndun Bani"),
    ("Kopi Bajawa Ngada", "kuliner", True, "081200000503", "Fransiskus Bhara"),
    ("Tenun Ikat Amarasi", "kerajinan", True, "081200000504", "Maria Tnunay"),
    ("Se'i Sapi Baun", "kuliner", False, "081200000505", "Daniel Benu"),
    ("Sayur Segar Oesao", "hasil_bumi", True, "081200000506", "Ester Nalle"),
    ("Servis HP Kupang", "jasa", True, "081200000507", "Melkianus Riwu"),
    ("Jahit Kebaya Sabu", "jasa", False, "081200000508", "Martha Lado"),
    ("Anyaman Lontar Rote", "kerajinan", False, "081200000509", "Ferdinandus Pello"),
    ("Pisang Gapit Kupang", "kuliner", True, "081200000510", "Yuliana Manafe"),
    ("Madu Hutan Timor", "hasil_bumi", False, "081200000511", "Agustinus Kana"),
]


def _market(name: str, **values) -> Market:
    market = db.session.scalar(select(Market).where(Market.name == name))
    if market is None:
        market = Market(name=name, **values)
        db.session.add(market)
        db.session.flush()
    return market


def _saboak() -> Market:
    market = _market(SABOAK, kind=WEEKLY, place="Jl. El Tari, depan Kantor Gubernur NTT, Kota Kupang",
                     weekday=6, setup_minute=14 * 60, open_minute=16 * 60, close_minute=22 * 60,
                     weeks_ahead=4, map_width=100, map_height=56)
    if market.stalls:
        return market
    for letter, y, segments in ROWS:
        number = 0
        for zone, count in segments:
            for _ in range(count):
                number += 1
                power = zone in ("food", "public_service") or number % 4 == 0
                market.stalls.append(Stall(
                    code=f"{letter}-{number:02d}", zone=zone, width_cm=300, depth_cm=300, has_power=power,
                    fee=0, fee_period="day", x=int(2 + (number - 1) * 4.8), y=y, w=4, h=5,
                ))
    db.session.flush()
    return market


def _lasiana() -> Market:
    market = _market(LASIANA, kind=BOOTHS, place="Pantai Lasiana, Kota Kupang", weekday=None,
                     setup_minute=8 * 60, open_minute=9 * 60, close_minute=21 * 60, map_width=60, map_height=16)
    if market.stalls:
        return market
    for n in range(12):
        market.stalls.append(Stall(
            code=f"K-{n + 1:02d}", zone="food" if n < 8 else "crafts", width_cm=600, depth_cm=240,
            has_power=True, fee=350_000, fee_period=PER_MONTH, x=int(2 + n * 4.8), y=5, w=4, h=6,
        ))
    db.session.flush()
    return market


def _vendor_business(name, category, returnee, phone, owner_name) -> Business:
    business = db.session.scalar(select(Business).where(Business.name == name))
    if business is not None:
        return business
    e164 = normalise_phone(phone)
    owner = find_by_login(e164) or create_user_with_roles(owner_name, e164, DEMO_PASSWORD, ["member"])
    business = Business(name=name, category=category, regency="kota-kupang", whatsapp=e164,
                        status=BUSINESS_APPROVED, returnee=returnee, verified=not returnee,
                        approved_at=utcnow(), created_by_id=owner.id,
                        description=f"{name}, pedagang pasar malam Kota Kupang.")
    business.members.append(BusinessMember(user_id=owner.id, role=OWNER, accepted_at=utcnow()))
    db.session.add(business)
    db.session.flush()
    return business


def _past_sundays(market: Market, count: int) -> list[MarketDay]:
    today = schedule.wita_date(utcnow())
    last = today - timedelta(days=(today.weekday() - 6) % 7 or 7)
    result = []
    for n in range(count, 0, -1):
        day = last - timedelta(weeks=n - 1)
        row = db.session.scalar(select(MarketDay).where(MarketDay.market_id == market.id, MarketDay.day == day))
        if row is None:
            row = MarketDay(market_id=market.id, day=day)
            db.session.add(row)
        result.append(row)
    db.session.flush()
    return result


def _stall(market: Market, code: str) -> Stall:
    return next(s for s in market.stalls if s.code == code)


def seed(users: dict) -> None:
    saboak, lasiana = _saboak(), _lasiana()
    if db.session.scalar(select(StallApplication.id).where(StallApplication.market_id == saboak.id).limit(1)):
        return
    staff = users.get("umkm_staff")
    businesses = [_vendor_business(*vendor) for vendor in VENDORS]
    owners = [b.members[0].user for b in businesses]
    # History: three past Sundays, most sold, one no-show.
    for day in _past_sundays(saboak, 3):
        for i, business in enumerate(businesses[:8]):
            status = NO_SHOW if (i == 5 and day == _past_sundays(saboak, 1)[0]) else ATTENDED
            db.session.add(StallApplication(
                business_id=business.id, applicant_id=owners[i].id, market_id=saboak.id, market_day_id=day.id,
                zone=apps.zone_for(business), status=status, stall_id=_stall(saboak, f"A-{i + 1:02d}").id
                if business.category == "kuliner" else None, decided_by_id=staff.id if staff else None,
            ))
    db.session.flush()
    daylib.generate_market_days()
    upcoming = daylib.upcoming_days(saboak)
    if len(upcoming) < 3:
        return
    first, second, third = upcoming[0], upcoming[1], upcoming[2]
    for i, business in enumerate(businesses):
        apps.apply_for_days(owners[i], business, [first, second], apps.zone_for(business))
    db.session.flush()
    if staff is None:
        return
    # Next Sunday: the proposal confirmed (approved), the rest in other states.
    queue = curation.day_queue(first)
    decisions.confirm_allocation(staff, first, dict(list(queue.proposal.assignments.items())[:7]), waitlist_rest=False)
    undecided = [a for a in curation.day_applications(first) if a.status == "applied"]
    states = [WAITLISTED, RESUBMIT, DECLINED, WITHDRAWN]
    for application, state in zip(undecided, states, strict=False):
        if state == WAITLISTED:
            decisions.waitlist(staff, application)
        elif state == RESUBMIT:
            decisions.ask_resubmit(staff, application, "Mohon tambahkan foto gerobak dan daftar menu.")
        elif state == DECLINED:
            decisions.decline(staff, application, "Zona jasa sudah penuh minggu ini.")
        else:
            apps.withdraw(application.applicant, application)
    # The third Sunday is called off (a church festival); those who applied are told.
    apps.apply_for_days(owners[0], businesses[0], [third], "food")
    db.session.flush()
    daylib.cancel_market_day(staff, third, "Jalan El Tari dipakai untuk pawai Paskah")
    # A booth lease and one waiting.
    start = (schedule.wita_date(utcnow()).replace(day=1) + timedelta(days=32)).replace(day=1)
    lease = apps.apply_for_lease(owners[4], businesses[4], lasiana, start, 6)
    decisions.approve(staff, lease, _stall(lasiana, "K-09"))
    apps.apply_for_lease(owners[9], businesses[9], lasiana, start, 3)
    db.session.flush()
