import pytest

from payments.money import format_rupiah, from_stripe_amount, to_stripe_amount


def test_rupiah_to_stripe_minor_units():
    assert to_stripe_amount(25_000) == 2_500_000
    assert to_stripe_amount(0) == 0
    assert from_stripe_amount(2_500_000) == 25_000


@pytest.mark.parametrize("bad", [-1, 2.5, "25000", True])
def test_to_stripe_refuses_anything_but_whole_rupiah(bad):
    with pytest.raises((TypeError, ValueError), match="whole|negative"):
        to_stripe_amount(bad)


def test_from_stripe_refuses_fractions_of_a_rupiah():
    with pytest.raises(ValueError, match="not a whole"):
        from_stripe_amount(2_500_050)


def test_format_rupiah():
    assert format_rupiah(25_000) == "Rp 25.000"
    assert format_rupiah(1_250_000) == "Rp 1.250.000"
