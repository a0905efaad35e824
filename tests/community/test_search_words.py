"""The forum search page says what it is once (issue 8 item 30)."""
from __future__ import annotations


def test_search_page_names_itself_once(client, login_as):
    login_as("member")
    page = client.get("/forum/search?q=kopi").get_data(as_text=True)
    body = page.split("</title>", 1)[1]
    assert body.count("Cari di forum") == 1
    assert "Kata yang dicari" in body
