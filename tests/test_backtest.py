"""The backtest on the national series (fit to 2022, project 2025, compare with the 2025 bulletin)."""

import pytest

from fuxin_analysis.backtest import backtest, naive_two_point
from fuxin_analysis.reference import national_series


def test_naive_line_by_hand():
    # higher-education GER: 57.8 (2021), 59.6 (2022) → 59.6 + 3 × 1.8 = 65.0 in 2025
    assert naive_two_point([2021, 2022], [57.8, 59.6], 2025) == pytest.approx(65.0)


def test_backtest_national_series():
    table = backtest(national_series(), fit_until=2022, year=2025).set_index("indicator_id")
    he = table.loc["he_ger"]
    assert he["actual"] == 61.3 and he["n_fit"] == 8  # 2015–2022
    assert he["naive"] == pytest.approx(65.0) and he["naive_error"] == pytest.approx(3.7)
    hs = table.loc["hs_ger"]
    assert hs["naive"] == pytest.approx(92.2)  # 91.6 + 3 × 0.2
    assert "voc_share_hs_enrolment" not in table.index  # no 2025 value in the bulletins
    assert (table["projected"] < 100).all()
