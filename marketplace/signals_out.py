"""What the marketplace asks other parts through ``core.signals``."""
from __future__ import annotations

from core.signals import business_next_stall


def next_stall(business) -> tuple[str, str | None] | None:
    """Where to find ``business`` next (its next market stall), from whichever part
    answers ``business_next_stall`` (the stalls part); ``None`` when nobody knows."""
    for _receiver, answer in business_next_stall.send(business):
        if answer:
            text, url = answer
            return str(text), url
    return None
