"""Cards on the member home ("Beranda") contributed by feature packages."""
from __future__ import annotations

from dataclasses import dataclass

from core.signals import member_home_cards


@dataclass(frozen=True)
class HomeCard:
    """One "what is next" card: a title, a sentence and one link."""

    title: str
    text: str
    url: str
    action: str
    priority: int = 50  # lower comes first


def cards_for(user) -> list[HomeCard]:
    cards: list[HomeCard] = []
    for _receiver, result in member_home_cards.send(user):
        if result:
            cards.extend(result)
    return sorted(cards, key=lambda card: card.priority)
