"""Identifiers recognised across reports however they are written."""
from __future__ import annotations

import pytest

from community.reports import identifiers, linking


@pytest.mark.parametrize("written", ["0812-3801-7744", "+62 812 3801 7744", "6281238017744", "081238017744",
                                     "(0812) 3801 7744"])
def test_phone_numbers_written_any_way_are_one_identifier(written):
    assert identifiers.normalise_phone_identifier(written) == "+6281238017744"


@pytest.mark.parametrize("a, b", [("PT. Sinar Borneo Mandiri", "sinar borneo mandiri, PT"),
                                  ("CV Maju-Jaya", "maju jaya")])
def test_company_names_normalise(a, b):
    assert identifiers.normalise_company(a) == identifiers.normalise_company(b)


@pytest.mark.parametrize("written", ["@kerja.taiwan", "https://www.facebook.com/Kerja.Taiwan/",
                                     "tiktok.com/@kerja.taiwan", "KERJA.TAIWAN"])
def test_handles_normalise(written):
    assert identifiers.normalise_handle(written) == "kerja.taiwan"


def test_different_identifiers_stay_apart():
    assert identifiers.normalise_phone_identifier("081238017745") != identifiers.normalise_phone_identifier(
        "081238017744")
    assert identifiers.digest("phone", "+6281238017744") != identifiers.digest("handle", "+6281238017744")


def test_each_report_shows_how_many_other_reports_name_the_same_people(client, login_as, make_report):
    first = make_report(phones="0812-3801-7744", companies="PT. Sinar Borneo")[0]
    second = make_report(phones="+62 812 3801 7744")[0]
    third = make_report(phones="62812 3801 7744", companies="Sinar Borneo, PT")[0]
    lonely = make_report(phones="0813 9999 0000")[0]
    per_identifier, linked = linking.links_for(first)
    assert linked == 2
    phone, company = first.identifiers
    assert per_identifier == {phone.id: 2, company.id: 1}
    assert linking.links_for(lonely) == ({}, 0)
    login_as("satgas")
    html = client.get(f"/forum/lapor/desk/{first.id}").get_data(as_text=True)
    assert "juga disebut dalam 2 laporan lain" in html and "juga disebut dalam 1 laporan lain" in html
    page = client.get(f"/forum/lapor/desk/identifiers/{phone.digest}").get_data(as_text=True)
    assert "Disebut dalam 3 laporan" in page
    assert all(r.code in page for r in (first, second, third)) and lonely.code not in page
    # The identifier's page is named by a keyed digest: the number is not in the URL.
    assert "7744" not in phone.digest
    assert client.get(f"/forum/lapor/desk/identifiers/{'a' * 64}").status_code == 404
