"""Scheduled work of the stalls part (listed in ``core.scheduler.jobs``)."""
from __future__ import annotations

from marketplace.stalls import days, fees, leases


def generate_market_days() -> int:
    """Market days of every weekly market for its weeks ahead (idempotent)."""
    return days.generate_market_days()


def expire_unpaid_stalls() -> int:
    """Approvals unpaid past their time go to the next in line."""
    return fees.expire_unpaid()


def end_booth_leases() -> int:
    """Finished booth leases end; each freed booth goes to the next waiting."""
    return leases.end_finished_leases()
