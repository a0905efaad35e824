"""Query budgets and page weight for the foundation's pages."""
from __future__ import annotations

import gzip

import pytest

MEMBER_PAGES = ["/", "/account", "/account/profile", "/account/contact", "/account/password",
                "/account/data", "/account/delete", "/inbox"]
PUBLIC_PAGES = ["/", "/login", "/register", "/forgot", "/reset-code", "/privacy"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_within_budget(client, count_queries, path):
    with count_queries() as log:
        response = client.get(path)
    assert response.status_code == 200
    assert log.count <= 10


@pytest.mark.parametrize("path", MEMBER_PAGES)
def test_member_pages_within_budget(client, login_as, count_queries, path):
    login_as("member")
    with count_queries() as log:
        response = client.get(path)
    assert response.status_code == 200, path
    assert log.count <= 10, log.statements


def test_first_visit_weight_under_100_kb_compressed(client):
    html = client.get("/").get_data()
    css = client.get("/static/css/app.css").get_data()
    icon = client.get("/static/favicon.svg").get_data()
    total = sum(len(gzip.compress(part)) for part in (html, css, icon))
    assert total < 100 * 1024
    assert b"<script" not in html  # no JavaScript needed at all
