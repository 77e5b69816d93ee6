"""NIT check digit: known answers from published NITs."""

from __future__ import annotations

import pytest

from core.validation.nit import check_digit, is_valid_nit


@pytest.mark.parametrize(
    ("nit", "dv"),
    [
        ("800197268", "4"),  # DIAN itself (AuthorizationProviderID schemeID="4")
        ("860069804", "2"),
        ("890903938", "8"),  # Bancolombia
        ("860034313", "7"),  # Davivienda
        ("900373076", "4"),
        ("900108281", "3"),
        ("1", "8"),  # 1 × 3 = 3 → 11 − 3
        ("0", "0"),
    ],
)
def test_check_digit(nit, dv):
    assert check_digit(nit) == dv
    assert is_valid_nit(nit, dv)


def test_remainders_zero_and_one_are_the_digit_itself():
    # 11: 1×3 + 1×7 = 10 → r = 10 → 11 − 10 = 1; 4: 12 mod 11 = 1 → DV 1; 6: 18 mod 11 = 7 → 4
    assert check_digit("4") == "1"
    assert check_digit("11") == "1"
    assert check_digit("6") == "4"


@pytest.mark.parametrize(
    "bad", ["", "800.197.268", "800197268-4", "80019726a", "1234567890123456", "８００"]
)
def test_malformed_nit_raises(bad):
    with pytest.raises(ValueError):
        check_digit(bad)
    assert not is_valid_nit(bad, "4")


def test_is_valid_nit_rejects_wrong_or_missing_dv():
    assert not is_valid_nit("800197268", "5")
    assert not is_valid_nit("800197268", None)
    assert is_valid_nit("800197268", " 4 ")
