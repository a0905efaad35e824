"""The forum search page says what it is once (issue 8 item 30)."""
from __future__ import annotations


def test_search_page_names_itself_once(client, login_as):
    login_as("member")
    page = client.get("/forum/search?q=kopi").get_data(as_text=True)
    body = page.split("</title>", 1)[1]
    assert body.count("Cari di forum") == 1
    assert "Kata yang dicari" in body


def test_search_page_names_itself_once_empty_and_in_english(client, login_as):
    """Also before anything is searched, and in English; the search box keeps a
    visible label of its own (not a second "Cari di forum")."""
    login_as("member")
    for query, name, label in (("", "Cari di forum", "Kata yang dicari"), ("kopi", "Cari di forum", "Kata yang dicari")):
        body = client.get(f"/forum/search?q={query}").get_data(as_text=True).split("</title>", 1)[1]
        assert body.count(name) == 1 and label in body, query
    client.post("/lang", data={"lang": "en", "next": "/"})
    body = client.get("/forum/search?q=kopi").get_data(as_text=True).split("</title>", 1)[1]
    assert body.count("Search the forum") == 1
    assert body.count("Cari di forum") == 0
