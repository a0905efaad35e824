"""Query budgets: the queue with 5,000 reports costs what it costs with one."""
from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import insert

from community.reports.models import KINDS, Report
from core.db import utcnow
from core.extensions import db


def add_reports(count: int, start: int = 0) -> None:
    now = utcnow()
    db.session.execute(insert(Report), [
        {"code": f"LPR-{n:04d}-TEST"[:13], "secret_hash": "0" * 64, "kind": KINDS[n % len(KINDS)],
         "regency": "tts" if n % 3 else "belu", "urgent": n % 17 == 0, "status": "received",
         "what": "Calo menawarkan kerja.", "created_at": now - timedelta(minutes=n)}
        for n in range(start, start + count)
    ])
    db.session.commit()


def queue_queries(client, count_queries, url="/forum/lapor/desk") -> int:
    client.get(url)  # warm caches (templates, translations)
    with count_queries() as log:
        response = client.get(url)
    assert response.status_code == 200
    return log.count


def test_queue_queries_do_not_grow_with_rows(client, login_as, count_queries):
    login_as("satgas")
    add_reports(1)
    one = queue_queries(client, count_queries)
    add_reports(49, start=1)
    fifty = queue_queries(client, count_queries)
    assert one == fifty <= 10


def test_queue_with_5000_reports_stays_in_budget(client, login_as, count_queries):
    login_as("satgas")
    add_reports(5000)
    queries = queue_queries(client, count_queries)
    filtered = queue_queries(client, count_queries, "/forum/lapor/desk?kind=fees&regency=tts&page=3")
    assert queries == filtered <= 10
    started = time.perf_counter()
    html = client.get("/forum/lapor/desk?page=2").get_data(as_text=True)
    assert time.perf_counter() - started < 2.0
    assert html.count('class="list__row"') == 25 and "Berikutnya" in html
    dashboard = queue_queries(client, count_queries, "/forum/lapor/desk/dashboard")
    assert dashboard <= 10
