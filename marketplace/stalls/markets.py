"""Markets and their stall layout (staff edit it in a form)."""
from __future__ import annotations

from sqlalchemy import select

from accounts.models import User
from core.extensions import db
from marketplace.stalls._common import StallError
from marketplace.stalls.models import BOOTHS, PER_DAY, PER_MONTH, ZONES, Market, Stall
from notifications.services import N_


def markets() -> list[Market]:
    return list(db.session.scalars(select(Market).where(Market.active.is_(True)).order_by(Market.id)))


def get_market(market_id: int) -> Market | None:
    return db.session.get(Market, market_id)


def stalls_of(market: Market, active_only: bool = True) -> list[Stall]:
    query = select(Stall).where(Stall.market_id == market.id).order_by(Stall.code)
    if active_only:
        query = query.where(Stall.active.is_(True))
    return list(db.session.scalars(query))


def save_stall(actor: User, market: Market, data: dict, stall: Stall | None = None) -> Stall:
    """Add a stall to ``market`` or change one: code, zone, size, power, fee and its
    place on the map. Refuses a code already used and a place outside the map."""
    code = data["code"].strip().upper()
    clash = db.session.scalar(
        select(Stall.id).where(Stall.market_id == market.id, Stall.code == code)
    )
    if clash and (stall is None or clash != stall.id):
        raise StallError(N_("Kode lapak ini sudah dipakai di pasar ini."))
    if data["zone"] not in ZONES:
        raise StallError(N_("Zona tidak dikenal."))
    if data["x"] + data["w"] > market.map_width or data["y"] + data["h"] > market.map_height:
        raise StallError(N_("Posisi lapak keluar dari peta. Periksa x, y, lebar dan tinggi."))
    if stall is None:
        stall = Stall(market_id=market.id, market=market)
        db.session.add(stall)
    stall.code = code
    stall.zone = data["zone"]
    stall.width_cm = data["width_cm"]
    stall.depth_cm = data["depth_cm"]
    stall.has_power = bool(data["has_power"])
    stall.fee = data["fee"]
    stall.fee_period = PER_MONTH if market.kind == BOOTHS else PER_DAY
    stall.x, stall.y, stall.w, stall.h = data["x"], data["y"], data["w"], data["h"]
    stall.active = bool(data.get("active", True))
    db.session.flush()
    return stall
