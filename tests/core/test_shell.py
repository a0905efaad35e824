"""The layout's kept parts (core/templating.py ``shell_for``, _partials/_shell.html):
drawn once per mount point, language, endpoint and login, so every viewer's own
bits (bell count, the page they are on, the language switch, the token) must still
be theirs."""
from __future__ import annotations

import re

from core.extensions import db
from notifications.services import N_, add_inbox_notice


def _nav(html: str, name: str) -> str:
    return html.split(f'<nav class="{name}"', 1)[1].split("</nav>", 1)[0]


def _current(html: str, name: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)" aria-current="page">', _nav(html, name))


def test_each_viewer_gets_her_own_bell_page_and_language(client, auth, make_user):
    maria, ester = make_user(name="Maria Seran"), make_user(name="Ester Bana", locale="en")
    for n in range(3):
        add_inbox_notice(ester.id, f"test:{ester.id}:{n}", N_("Kabar"), None, {}, "/account")
    db.session.commit()

    auth.login(maria)
    forum, account = client.get("/forum/").get_data(as_text=True), client.get("/account").get_data(as_text=True)
    assert _current(forum, "topnav") == ["/forum/"] == _current(forum, "bottomnav")
    assert _current(account, "topnav") == ["/account"] == _current(account, "bottomnav")
    assert "bell__count" not in account
    assert '<span>English</span>' in account and 'name="next" value="/account"' in account
    assert "<span>Akun</span>" in _nav(account, "bottomnav")
    auth.logout()

    auth.login(ester)
    english = client.get("/account?tab=1").get_data(as_text=True)
    assert '<span class="bell__count">3</span>' in english
    assert _current(english, "topnav") == ["/account"]
    assert '<span>Bahasa Indonesia</span>' in english and "<span>English</span>" not in english
    assert "<span>Account</span>" in _nav(english, "bottomnav") and '<html lang="en">' in english
    assert 'name="next" value="/account?tab=1"' in english
    auth.logout()

    visitor = client.get("/login").get_data(as_text=True)
    assert 'class="topbar__login"' in visitor and 'class="bottomnav"' not in visitor
    assert 'class="topnav"' not in visitor and 'class="bell"' not in visitor
    auth.login(maria)
    again = client.get("/account").get_data(as_text=True)
    assert "bell__count" not in again and "<span>Akun</span>" in again and 'class="topbar__login"' not in again
