"""The member home cards of training and KUR, asked for in one query.

The home page is shared by every package and keeps within its query budget
(tests/training/test_views.py); training and KUR share no table, so each
sub-package gives its one-row statement and its card builder, and this module
runs both as one ``UNION ALL``.
"""
from __future__ import annotations

from sqlalchemy import select, union_all

from core.extensions import db
from core.home import HomeCard
from core.receivers import connect_receivers
from mentoring.kur import handlers as kur
from mentoring.training import handlers as training


def home_cards(user, **_kwargs) -> list[HomeCard]:
    parts = (training.home_statement(user).subquery(), kur.home_statement(user).subquery())
    rows = db.session.execute(union_all(*(select(part) for part in parts))).all()
    found = {row.kind: row for row in rows}
    return training.home_cards_from(found.get("training")) + kur.home_cards_from(found.get("kur"))


def connect() -> None:
    """Connect the receiver (called by ``create_app``)."""
    connect_receivers("mentoring", member_home_cards=home_cards)
