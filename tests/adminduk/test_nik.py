"""NIK and KK number validation (pure functions)."""
from __future__ import annotations

from datetime import date

import pytest

from community.adminduk import nik as niklib
from tests.adminduk.conftest import KK, NIK

TODAY = date(2026, 12, 1)


def test_valid_nik_of_a_woman_from_kota_kupang():
    info = niklib.parse_nik(NIK, TODAY)
    assert info.female and info.birth_date == date(1990, 12, 25)
    assert info.province == "53" and info.regency_slug == "kota-kupang"


def test_valid_nik_of_a_man_and_spacing_is_tolerated():
    assert niklib.nik_error("5304 0125 0885 0001", TODAY) is None
    info = niklib.parse_nik("5304012508850001", TODAY)
    assert not info.female and info.birth_date == date(1985, 8, 25) and info.regency_slug == "tts"


def test_nik_of_another_province_is_valid():
    assert niklib.nik_error("3171011705920003", TODAY) is None  # DKI Jakarta


@pytest.mark.parametrize("value", ["537101651290001", "53710165129000123", "53710165129O0012", ""])
def test_nik_must_be_sixteen_digits(value):
    assert niklib.nik_error(value, TODAY) == niklib.MSG_DIGITS


@pytest.mark.parametrize("value", [
    "9901016512900012",  # no province 99
    "5399016512900012",  # NTT has no regency 99
    "5330016512900012",  # nor 30
    "5300016512900012",  # regency 00
    "5371006512900012",  # district 00
])
def test_wrong_region_is_refused(value):
    assert niklib.nik_error(value, TODAY) == niklib.MSG_REGION


@pytest.mark.parametrize("value", [
    "5371013102900012",  # 31 February
    "5371017102900012",  # a woman's 31 February (71 - 40)
    "5371013213900012",  # month 13
    "5371010000900012",  # day 00
    "5371013512900012",  # day 35: neither a man's day nor a woman's (41-71)
    "5371012902010012",  # 29 February 2001 (not a leap year)
    "5371010112260012",  # 1 December 2026 is today: fine; see below for the future
])
def test_impossible_dates_are_refused(value):
    if value == "5371010112260012":
        assert niklib.nik_error(value, TODAY) is None
        assert niklib.nik_error("5371010212260012", TODAY) is None  # 2 Dec 1926, not the future
        return
    assert niklib.nik_error(value, TODAY) == niklib.MSG_DATE


def test_womens_day_plus_forty():
    assert niklib.parse_nik("5371014101000012", TODAY).birth_date == date(2000, 1, 1)
    assert niklib.parse_nik("5371014101000012", TODAY).female
    assert niklib.nik_error("5371016902000012", TODAY) is None  # 29 Feb 2000, a leap year
    assert niklib.nik_error("5371017202000012", TODAY) == niklib.MSG_DATE  # day 32


def test_all_zero_serial_is_refused():
    assert niklib.nik_error("5371016512900000", TODAY) == niklib.MSG_SERIAL


def test_every_ntt_regency_code_is_known():
    assert len(niklib.NTT_REGENCIES) == 22
    for code in niklib.NTT_REGENCIES:
        assert niklib.region_known(code + "01")


def test_kk_number():
    assert niklib.kk_error(KK) is None
    assert niklib.kk_error("12345") == niklib.MSG_KK_DIGITS
    assert niklib.kk_error("9901010101150003") == niklib.MSG_KK_REGION


def test_mask_hides_the_middle():
    assert niklib.mask(NIK) == "5371" + "•" * 8 + "0012"
