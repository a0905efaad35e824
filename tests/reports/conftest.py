"""Fixtures for the report tests: a report factory and form data."""
from __future__ import annotations

import pytest

from community.reports import identifiers
from community.reports.reporting import ReportInput, submit_report
from core.extensions import db

FORM = {
    "kind": "recruiter",
    "what": "Seorang calo menawarkan kerja di Malaysia tanpa paspor, minta Rp5 juta.",
    "regency": "tts",
    "place": "Desa Oinlasi",
    "happened": "Minggu lalu",
    "people": "Pak Yoseph",
    "phones": "0812-3801-7744",
    "companies": "PT. Sinar Borneo",
    "handles": "@kerja.malaysia",
}


@pytest.fixture
def report_form():
    return dict(FORM)


@pytest.fixture
def make_report():
    """A committed report; returns ``(report, secret)``."""

    def factory(reporter=None, phones="", companies="", handles="", **fields):
        data = ReportInput(
            kind=fields.pop("kind", "recruiter"),
            regency=fields.pop("regency", "kota-kupang"),
            what=fields.pop("what", "Ada calo menawarkan kerja ke Hong Kong dengan biaya besar."),
            phones=identifiers.parse("phone", phones)[0],
            companies=identifiers.parse("company", companies)[0],
            handles=identifiers.parse("handle", handles)[0],
            **fields,
        )
        report, secret = submit_report(reporter, data)
        db.session.commit()
        return report, secret

    return factory
