"""The member home cards of training and KUR: each sub-package gives its one-row
statement (``home_statement``) and its card builder, asked with every other part
of the home in one statement (``core.home.home_query``)."""
from __future__ import annotations

from core.home import HomeCard, home_query, home_row
from core.receivers import connect_receivers
from mentoring.kur import handlers as kur
from mentoring.training import handlers as training


def home_cards(user, **_kwargs) -> list[HomeCard]:
    return (training.home_cards_from(home_row("training", user))
            + kur.home_cards_from(home_row("kur", user)))


def connect() -> None:
    """Connect the receiver (called by ``create_app``)."""
    home_query("training", training.home_statement)
    home_query("kur", kur.home_statement)
    connect_receivers("mentoring", member_home_cards=home_cards)
