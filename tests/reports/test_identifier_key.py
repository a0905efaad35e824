"""The identifier digests have their own key (``REPORTS_IDENTIFIER_KEY``): rotating
``SECRET_KEY`` keeps the links, and ``flask reports rehash`` carries them over a
change of the identifier key."""
from __future__ import annotations

from sqlalchemy import select

import config
from community.reports import identifiers, linking
from community.reports.models import ReportIdentifier
from core.extensions import db


def test_rotating_the_secret_key_keeps_the_links(app, monkeypatch, make_report):
    first = make_report(phones="0812-3801-7744")[0]
    monkeypatch.setitem(app.config, "SECRET_KEY", "a-completely-new-session-key")
    second = make_report(phones="+62 812 3801 7744")[0]
    assert linking.links_for(first)[1] == 1 and linking.links_for(second)[1] == 1


def test_links_survive_a_key_change_after_rehash(app, monkeypatch, runner, make_report):
    first = make_report(phones="0812-3801-7744", companies="PT. Sinar Borneo", handles="@kerja.malaysia")[0]
    unrelated = make_report(phones="0813 9999 0000")[0]
    monkeypatch.setitem(app.config, "REPORTS_IDENTIFIER_KEY", "the-new-identifier-key")
    second = make_report(phones="62812 3801 7744", companies="Sinar Borneo, PT")[0]
    # Before the rehash the new key finds nothing of the older reports.
    assert linking.links_for(second) == ({}, 0)

    result = runner.invoke(args=["reports", "rehash", "--batch", "2"])
    assert result.exit_code == 0, result.output
    assert "4 of 6 identifier digests recomputed in 3 batches" in result.output
    db.session.expire_all()
    first, second, unrelated = (db.session.get(type(r), r.id) for r in (first, second, unrelated))
    per_identifier, linked = linking.links_for(second)
    assert linked == 1 and sorted(per_identifier.values()) == [1, 1]
    assert linking.links_for(first)[1] == 1 and linking.links_for(unrelated) == ({}, 0)
    digests = set(db.session.scalars(select(ReportIdentifier.digest)))
    assert identifiers.digest("phone", "+6281238017744") in digests

    # Idempotent: a second run changes nothing.
    again = runner.invoke(args=["reports", "rehash"])
    assert again.exit_code == 0 and "0 of 6 identifier digests recomputed" in again.output
    assert set(db.session.scalars(select(ReportIdentifier.digest))) == digests


def test_the_identifier_page_moves_to_the_new_digest(app, monkeypatch, runner, client, login_as, make_report):
    report = make_report(phones="0812-3801-7744")[0]
    old = report.identifiers[0].digest
    monkeypatch.setitem(app.config, "REPORTS_IDENTIFIER_KEY", "the-new-identifier-key")
    assert runner.invoke(args=["reports", "rehash"]).exit_code == 0
    new = identifiers.digest("phone", "+6281238017744")
    login_as("satgas")
    assert client.get(f"/forum/lapor/desk/identifiers/{old}").status_code == 404
    assert client.get(f"/forum/lapor/desk/identifiers/{new}").status_code == 200


def test_development_keeps_a_generated_identifier_key_in_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("REPORTS_IDENTIFIER_KEY", raising=False)
    monkeypatch.setattr(config, "INSTANCE_DIR", tmp_path)
    first = config.DevelopmentConfig().REPORTS_IDENTIFIER_KEY
    assert len(first) >= 40 and (tmp_path / "reports_identifier_key").read_text().strip() == first
    assert (tmp_path / "reports_identifier_key").stat().st_mode & 0o077 == 0
    assert first == config.DevelopmentConfig().REPORTS_IDENTIFIER_KEY
    assert first != config.DevelopmentConfig().SECRET_KEY


def test_without_the_key_no_digest_is_made(app, monkeypatch):
    monkeypatch.setitem(app.config, "REPORTS_IDENTIFIER_KEY", "")
    try:
        identifiers.digest("phone", "+6281238017744")
    except RuntimeError as error:
        assert "REPORTS_IDENTIFIER_KEY" in str(error)
    else:
        raise AssertionError("a digest was made without a key")
