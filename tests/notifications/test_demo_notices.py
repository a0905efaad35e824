"""Demo inbox notices never promise a date already past (issue 8 item 29)."""
from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select

from core.db import utcnow
from core.extensions import db
from notifications.models import Notification

MONTHS = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]


def test_demo_training_notice_deadline_is_ahead(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    notice = db.session.scalar(select(Notification).where(Notification.key == "demo:training-tenun:in_app"))
    assert notice is not None
    day, month, year = notice.params["deadline"].split()  # "16 Des 2026"
    deadline = date(int(year), MONTHS.index(month) + 1, int(day))
    today = utcnow().replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo("Asia/Makassar")).date()
    assert 7 <= (deadline - today).days <= 30
