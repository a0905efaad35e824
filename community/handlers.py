"""Signal receivers of the forum, connected when ``core.register_handlers`` imports this."""
from __future__ import annotations

from core.home import HomeCard
from core.signals import account_deleting, collect_personal_data, member_home_cards, seed_demo


@collect_personal_data.connect
def _collect_personal_data(user, **_kw):
    from community.personal_data import export_member_data

    data = export_member_data(user)
    return ("forum", data) if data else None


@account_deleting.connect
def _account_deleting(user, **_kw):
    from community.personal_data import forget_member
    from notifications.services import cancel_messages

    forget_member(user)
    cancel_messages(f"community:u{user.id}:")


@member_home_cards.connect
def _home_cards(user, **_kw):
    """A card when followed threads have replies the member has not read."""
    from flask_babel import gettext as _

    from community.reading import unread_followed_count

    count = unread_followed_count(user)
    if not count:
        return []
    return [
        HomeCard(
            title=_("Balasan baru di forum: %(num)d topik", num=count),
            text=_("Ada yang menanggapi percakapan yang Anda ikuti."),
            url="/forum/following",
            action=_("Baca balasan"),
            priority=60,
        )
    ]


@seed_demo.connect
def _seed_demo(users, **_kw):
    from community.demo import seed_forum

    seed_forum(users)
