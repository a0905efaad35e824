"""SQL statements per request and gzip-compressed size of each benchmarked page.

Reads the runs ([{"path": …, "account": … or null}, …]) on stdin and prints
{"<account> <path>": {"status", "sql", "gzip_bytes"}} on stdout. Uses the app's
test client with the configuration of the environment (bench/pages.py passes the
production one and the data set's database), logs in through the login form, and
counts the statements of the second request of each page (the first one fills the
caches, as the warm-up does before wrk).

    echo '[{"path": "/", "account": null}]' | APP_ENV=testing .venv/bin/python bench/page_facts.py
"""
from __future__ import annotations

import gzip
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "purna-demo"  # noqa: S105 (the public demo password of the demo seed)
BASE_URL = "https://localhost"  # the production session cookie is Secure


def log_in(client, phone: str) -> None:
    html = client.get("/login", base_url=BASE_URL).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    form = {"identifier": phone, "password": PASSWORD}
    if match:
        form["csrf_token"] = match.group(1)
    # Over https Flask-WTF also wants a same-site Referer.
    response = client.post("/login", data=form, base_url=BASE_URL, headers={"Referer": f"{BASE_URL}/login"})
    if response.status_code != 302:
        raise RuntimeError(f"login as {phone} answered {response.status_code}")


def facts(app, runs: list[dict], accounts: dict[str, str]) -> dict:
    from sqlalchemy import event

    from core.extensions import db

    counter = {"n": 0}

    def count(*_args, **_kwargs):
        counter["n"] += 1

    clients = {}
    out = {}
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        for run in runs:
            account = run.get("account")
            if account not in clients:
                clients[account] = app.test_client()
                if account:
                    log_in(clients[account], accounts[account])
            client = clients[account]
            client.get(run["path"], base_url=BASE_URL)  # fills the caches
            counter["n"] = 0
            response = client.get(run["path"], base_url=BASE_URL)
            body = response.get_data()
            out[f"{account} {run['path']}"] = {
                "status": response.status_code, "sql": counter["n"],
                "gzip_bytes": len(gzip.compress(body, compresslevel=6)),
            }
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return out


def main() -> None:
    from core import create_app

    runs = json.load(sys.stdin)
    accounts = json.loads(os.environ["BENCH_ACCOUNTS"])
    app = create_app()
    json.dump(facts(app, runs, accounts), sys.stdout)


if __name__ == "__main__":
    main()
