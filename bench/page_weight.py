"""Bytes of a first visit to key pages, gzip-compressed, as a phone would load them
(HTML + CSS + icons; no JavaScript, no fonts, no third-party requests).

    .venv/bin/python bench/page_weight.py
"""
from __future__ import annotations

import gzip
import os
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("INSTANCE_PATH", tempfile.mkdtemp(prefix="rp-weight-"))

from config import TestingConfig  # noqa: E402
from core import create_app  # noqa: E402
from core.extensions import db  # noqa: E402

PAGES = ["/", "/login", "/register", "/privacy"]


def main() -> None:
    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{os.environ['INSTANCE_PATH']}/weight.db"
    app = create_app(config)
    with app.app_context():
        db.create_all()
        client = app.test_client()
        print("| page | HTML gz | assets gz | total gz |")
        print("|---|---|---|---|")
        for path in PAGES:
            html = client.get(path).get_data()
            assets = set(re.findall(rb'(?:href|src)="(/static/[^"]+)"', html))
            asset_bytes = sum(len(gzip.compress(client.get(a.decode()).get_data())) for a in assets)
            html_gz = len(gzip.compress(html))
            print(f"| `{path}` | {html_gz / 1024:.1f} KB | {asset_bytes / 1024:.1f} KB | "
                  f"{(html_gz + asset_bytes) / 1024:.1f} KB |")


if __name__ == "__main__":
    main()
