"""Market search on many products (issue 14): a word found by the full-text index
is never matched row by row, and both ways of answering a search (few matches
looked up by id, many walked in listing order) find the same products in the
same order, hidden businesses never among them."""
from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from core.extensions import db
from marketplace import browsing
from tests.conftest import POSTGRES


def names(response) -> list[str]:
    return [n.replace("&#39;", "'") for n in
            re.findall(r'product-card__name">([^<]*)<', response.get_data(as_text=True))]


@pytest.fixture
def coffee_market(make_business, make_product):
    """Coffee found by the product's words, by the business's words, or both; some
    sold out; and a hidden business whose products match too."""
    roaster = make_business(name="Kopi Mama Lena", description="Sangrai sendiri.")
    farm = make_business(name="Kebun Tualaka", description="Dari lereng Inerie.")
    weaver = make_business(name="Tenun Ina Lado", description="Kain tenun motif Amarasi.")
    hidden = make_business(name="Kopi Gelap Rahasia", status="pending", description="Kopi.")
    made = [
        make_product(roaster, name="Bubuk arabika", description="Sangrai sedang.", tags=""),  # business
        make_product(roaster, name="Biji robusta", description="Sangrai gelap.", tags=""),
        make_product(farm, name="Kopi Bajawa bubuk", description="Arabika.", tags="kopi"),  # product
        make_product(farm, name="Kopi Manggarai", description="Arabika.", tags=""),
        make_product(weaver, name="Selendang kopi susu", description="Warna kopi.", tags=""),
        make_product(weaver, name="Sarung Amarasi", description="Tenun tangan.", tags=""),  # no match
        make_product(hidden, name="Kopi rahasia", description="Kopi.", tags="kopi"),
    ]
    start = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    for minutes, product in enumerate(made):  # made in this order, a minute apart
        product.created_at = start + timedelta(minutes=minutes)
    made[1].sold_out = made[3].sold_out = True
    db.session.commit()
    return made


@pytest.mark.parametrize("few,window", [(browsing.FEW_MATCHES, browsing.MAX_WINDOW), (0, browsing.MAX_WINDOW),
                                        (2, browsing.MAX_WINDOW), (0, 2), (0, 4)],
                         ids=["by-id", "window", "window-past-two", "window-too-small", "window-of-four"])
def test_few_or_many_matches_give_the_same_products_in_the_same_order(client, coffee_market, monkeypatch, few,
                                                                      window):
    """A common word's page is looked for among the first listing rows; when they
    hold too few matches the whole id lists are asked: the same answer either way."""
    monkeypatch.setattr(browsing, "FEW_MATCHES", few)
    monkeypatch.setattr(browsing, "MAX_WINDOW", window)
    monkeypatch.setattr(browsing, "PER_PAGE", 2)
    pages = [names(client.get("/pasar/cari", query_string={"q": "kopi", "page": page})) for page in (1, 2, 3)]
    # Unsold first, newest first; the hidden business's coffee never; the scarf by its own words.
    assert pages == [["Selendang kopi susu", "Kopi Bajawa bubuk"], ["Bubuk arabika", "Kopi Manggarai"],
                     ["Biji robusta"]]
    assert names(client.get("/pasar/cari?q=amarasi")) == ["Sarung Amarasi", "Selendang kopi susu"]  # business
    assert names(client.get("/pasar/cari?q=inerie")) == ["Kopi Bajawa bubuk", "Kopi Manggarai"]
    assert names(client.get("/pasar/cari?q=rahasia")) == []
    assert names(client.get("/pasar/cari?q=zzz")) == []
    filtered = names(client.get("/pasar/cari", query_string={"q": "kopi", "maks": "90000", "page": 1}))
    assert filtered == ["Selendang kopi susu", "Kopi Bajawa bubuk"]


def _plans(statements) -> list[dict]:
    plans = []
    with db.engine.connect() as connection:
        for statement, parameters in statements:
            if statement.lstrip().upper().startswith("SELECT") and "market_products" in statement:
                (plan,), = connection.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters).all()
                plans.append(plan if isinstance(plan, list) else json.loads(plan))
    return plans


def _filters(node: dict) -> list[str]:
    """The conditions of every node, but the window's (a subquery of at most
    ``browsing.MAX_WINDOW`` listing rows, the only place rows are matched one by one)."""
    found = [] if node.get("Alias") == "window" else [node[key] for key in ("Filter", "Join Filter") if key in node]
    for child in node.get("Plans", []):
        found += _filters(child)
    return found


@pytest.mark.skipif(not POSTGRES, reason="the plan is PostgreSQL's")
@pytest.mark.parametrize("few", [browsing.FEW_MATCHES, 0], ids=["by-id", "walked"])
def test_the_search_never_matches_words_row_by_row_after_a_join(client, coffee_market, monkeypatch, few):
    """Product words OR business words used to be one condition over the join, so
    PostgreSQL computed to_tsvector for every product of every public business
    (2.2 s on 50,000 products) instead of asking the two GIN indexes."""
    monkeypatch.setattr(browsing, "FEW_MATCHES", few)
    statements = []

    def keep(_conn, _cursor, statement, parameters, *_args):
        statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        assert client.get("/pasar/cari?q=kopi").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    plans = _plans(statements)
    assert plans
    filters = [f for plan in plans for f in _filters(plan[0]["Plan"])]
    # Both tables' words in one condition: evaluated per (product, business) row,
    # allowed only on the window of the first listing rows (at most MAX_WINDOW).
    assert not [f for f in filters if f.count("to_tsvector") > 1], filters
    # A common word is looked for in the window first (bounded however many it finds).
    assert any(_aliases(plan[0]["Plan"]) & {"window"} for plan in plans) == (few == 0)


def _aliases(node: dict) -> set[str]:
    found = {node["Alias"]} if "Alias" in node else set()
    for child in node.get("Plans", []):
        found |= _aliases(child)
    return found
