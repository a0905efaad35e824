"""The member home's query budget per role. What every package reads for its card
and its staff panel is asked in one statement (``core.home.home_query``), so a
member who is also staff pays little more than a plain member."""
from __future__ import annotations

import pytest

from accounts.demo import DEMO_ACCOUNTS
from core.cli import DEMO_PASSWORD

# Queries for GET / (second visit), whatever the data: the login's user row with
# its roles and the inbox badge (one statement, accounts.auth.load_with_user), one
# statement for the forum, adminduk, training, KUR, counseling and market cards
# together (core.home.home_query); then the staff panels that ask on their own.
BUDGET = {
    "member": 2,
    "registrar": 2,    # the adminduk queue counts ride on the home's statement
    "moderator": 2,    # the moderation counts ride on the home's statement
    "satgas": 3,       # + the Satgas desk counts
    "counselor": 4,    # + today's sessions and the urgent flags
    "admin": 4,        # + the stall day and its waiting count (adminduk queue shared)
    "umkm_staff": 5,   # + the stall day and its waiting count, the market review counts
}
# What each role's home must show (the budget of a page that shows nothing is no budget).
SHOWN = {
    "member": "Langkah berikutnya",
    "registrar": "Antrean adminduk",
    "moderator": "Antrean moderasi forum",
    "satgas": "Meja Satgas",
    "counselor": "Konseling hari ini",
    "admin": "Antrean adminduk",
    "umkm_staff": "Pemeriksaan usaha",
}


def _home(client, count_queries) -> tuple[str, list[str]]:
    client.get("/")
    with count_queries() as log:
        response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True), log.statements


@pytest.mark.parametrize("role", list(BUDGET))
def test_home_budget_per_role(client, login_as, count_queries, role):
    login_as(*{"member", role})
    html, statements = _home(client, count_queries)
    assert SHOWN[role] in html
    assert len(statements) <= BUDGET[role], statements


def test_home_budget_with_data_in_every_part(runner, client, count_queries):
    """The demo accounts: a member with a counseling session, a papers request and
    unread forum replies, and every staff role with work waiting."""
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    for key, phone, _name, roles, *_rest in DEMO_ACCOUNTS:
        role = next((r for r in roles if r != "member"), "member")
        client.post("/logout")
        assert client.post("/login", data={"identifier": phone, "password": DEMO_PASSWORD}).status_code == 302
        html, statements = _home(client, count_queries)
        assert SHOWN[role] in html, key
        if key == "member":
            for card in ("Sesi konseling berikutnya", "Permintaan bantuan dokumen", "Balasan baru di forum"):
                assert card in html, card
        assert len(statements) <= BUDGET[role], (key, statements)


def test_a_members_home_asks_no_package_for_staff_panels(client, login_as):
    """Every staff panel is for a staff role: a plain member's home skips the signal."""
    from core.signals import staff_workspace

    asked = []

    def listening(user, **_kwargs):
        asked.append(user.id)
        return []

    staff_workspace.connect(listening)
    try:
        member = login_as("member")
        assert client.get("/").status_code == 200
        assert asked == []
        client.post("/logout")
        moderator = login_as("member", "moderator")
        assert client.get("/").status_code == 200
        assert asked == [moderator.id] and member.id != moderator.id
    finally:
        staff_workspace.disconnect(listening)
