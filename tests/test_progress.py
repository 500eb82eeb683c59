"""Status, trend status and totals, against values worked out by hand from the methods' definitions.

Reference case for levels: base 50 in 2020, target 60 in 2025 (higher is better).
CAGR_req = (60/50)^(1/5) − 1 = 1.2^0.2 − 1 = 0.0371372.
Required linear change (SDSN) = (60 − 50)/5 = 2 a year.
"""

import warnings

import numpy as np
import pytest

from fuxin_analysis.methods.progress import (
    cagr,
    flow_progress,
    level_progress,
    status_from_ratio,
    target_direction,
)

CAGR_REQ = 1.2 ** 0.2 - 1  # 0.0371372


def test_required_cagr_by_hand():
    """The package's CAGR against the hand value: (60/50)^(1/5) − 1 = 0.0371372; (50/60)^(1/5) − 1 = −0.0358074."""
    assert cagr(60, 50, 2025, 2020) == pytest.approx(0.0371372, abs=1e-7)
    assert cagr(50, 60, 2025, 2020) == pytest.approx(-0.0358074, abs=1e-7)
    assert cagr(50, 50, 2023, 2020) == 0


@pytest.mark.parametrize(
    ("current", "ratio", "status"),
    [
        # (53.8/50)^(1/2) − 1 = 1.0373042 − 1 = 0.0373042; R = 0.0373042/0.0371372 = 1.00450
        (53.8, 1.00450, "substantial_progress"),
        # (52.5/50)^(1/2) − 1 = 0.0246951; R = 0.66497
        (52.5, 0.66497, "moderate_progress"),
        # (51/50)^(1/2) − 1 = 0.0099505; R = 0.26794
        (51.0, 0.26794, "limited_progress"),
        # (49/50)^(1/2) − 1 = −0.0100505; R = −0.27063
        (49.0, -0.27063, "deterioration"),
    ],
)
def test_cagr_ratio_status_bands(current, ratio, status):
    out = level_progress(2020, 50, 2022, current, 2025, 60, 1)
    assert out["cagr_ratio"] == pytest.approx(ratio, abs=1e-4)
    assert out["status"] == status


def test_target_achieved_whatever_the_trend():
    out = level_progress(2020, 50, 2022, 61, 2025, 60, 1)
    assert (out["status"], out["trend_status"]) == ("target_achieved", "on_track")


@pytest.mark.parametrize(
    ("current", "observed", "trend"),
    [
        (54.0, 2.0, "on_track"),  # (54 − 50)/2 = 2 a year = required
        (52.5, 1.25, "moderately_improving"),  # 1.25/2 = 62.5% ≥ 50%
        (51.0, 0.5, "stagnating"),  # 0.5/2 = 25%
        (49.0, -0.5, "decreasing"),
    ],
)
def test_sdsn_trend_bands(current, observed, trend):
    out = level_progress(2020, 50, 2022, current, 2025, 60, 1)
    assert out["required_annual_change"] == pytest.approx(2.0)
    assert out["observed_annual_change"] == pytest.approx(observed)
    assert out["trend_status"] == trend


def test_maintain_target_holds_then_falls():
    # compulsory consolidation: 99% in 2020, target 99% in 2025 → CAGR_req = 0
    held = level_progress(2020, 99, 2022, 99, 2025, 99, 1)
    assert (held["status"], held["trend_status"]) == ("target_achieved", "on_track")
    fell = level_progress(2020, 99, 2022, 98.5, 2025, 99, 1)
    assert fell["status"] == "deterioration"
    assert fell["observed_annual_change"] == pytest.approx(-0.25)  # (98.5 − 99)/2
    assert fell["trend_status"] == "decreasing"


def test_lower_is_better_target():
    # 3 visits in 2020, at most 1 by 2025, 2 in 2022; d = −1
    # CAGR_req = (1/3)^(1/5) − 1 = −0.197258; CAGR_obs = (2/3)^(1/2) − 1 = −0.183503
    # R = (+1)(−1)(−0.183503)/0.197258 = 0.93027 → moderate progress
    assert target_direction("<=", "decrease") == -1
    out = level_progress(2020, 3, 2022, 2, 2025, 1, -1)
    assert out["cagr_ratio"] == pytest.approx(0.93027, abs=1e-4)
    assert out["status"] == "moderate_progress"
    # SDSN: required (1 − 3)/5 = −0.4 a year, observed (2 − 3)/2 = −0.5 a year: faster than required
    assert out["trend_status"] == "on_track"
    assert level_progress(2020, 3, 2023, 1, 2025, 1, -1)["status"] == "target_achieved"


def test_zero_base_is_replaced_with_a_warning():
    # base 0 → 0.001: CAGR_obs = (4/0.001)^(1/2) − 1 = 62.245553; CAGR_req = (10/0.001)^(1/5) − 1 = 5.309573
    # R = 62.245553/5.309573 = 11.72326
    with pytest.warns(UserWarning, match="base value is zero"):
        out = level_progress(2020, 0, 2022, 4, 2025, 10, 1)
    assert out["cagr_ratio"] == pytest.approx(11.72326, abs=1e-4)
    assert out["status"] == "substantial_progress"


def test_single_observation():
    # only the base (2020): nothing observed since, so no status…
    out = level_progress(2020, 75, 2020, 75, 2025, 80, 1)
    assert (out["status"], out["trend_status"]) == ("not_available", "not_available")
    assert out["required_annual_change"] == pytest.approx(1.0)  # (80 − 75)/5
    # …unless the base already meets the target (Open SDG checks the current value first)
    met = level_progress(2020, 95, 2020, 95, 2025, 95, 1)
    assert (met["status"], met["trend_status"]) == ("target_achieved", "on_track")


def test_opposite_signs_not_available():
    assert level_progress(2020, 5, 2022, -1, 2025, 10, 1)["status"] == "not_available"


def test_status_thresholds_edges():
    assert status_from_ratio(0.95, False) == "substantial_progress"
    assert status_from_ratio(0.9499, False) == "moderate_progress"
    assert status_from_ratio(0.6, False) == "moderate_progress"
    assert status_from_ratio(0.0, False) == "limited_progress"
    assert status_from_ratio(-1e-9, False) == "deterioration"


def test_period_total_on_pace():
    # 300 head teachers in 2021–2025; 50 in 2021 and 70 in 2022: total 120
    # P = (120/300)/(2/5) = 0.4/0.4 = 1.0 → substantial progress, on track
    out = flow_progress([2021, 2022], [50, 70], 2021, 2025, 300, "flow_total")
    assert out["cagr_ratio"] == pytest.approx(1.0)
    assert (out["status"], out["trend_status"]) == ("substantial_progress", "on_track")
    assert out["required_annual_change"] == pytest.approx(60)  # 300/5
    assert out["observed_annual_change"] == pytest.approx(60)  # 120/2
    assert out["latest_value"] == 120


def test_period_total_behind_pace():
    # 40 in 2021: P = (40/300)/(1/5) = 0.6667 → moderate progress; trend ≥ 0.5 → moderately improving
    out = flow_progress([2021], [40], 2021, 2025, 300, "flow_total")
    assert out["cagr_ratio"] == pytest.approx(2 / 3)
    assert (out["status"], out["trend_status"]) == ("moderate_progress", "moderately_improving")


def test_range_target_met_at_its_low_end():
    # 1–2 high-level vocational schools: one built in 2022 meets the range
    out = flow_progress([2021, 2022], [0, 1], 2021, 2025, 1, "flow_total")
    assert out["status"] == "target_achieved"


def test_yearly_average_target():
    # at least 10,000 person-times a year: 9,000 and 12,000 → average 10,500 ≥ 10,000
    out = flow_progress([2021, 2022], [9000, 12000], 2021, 2025, 10000, "flow_per_year")
    assert out["status"] == "target_achieved"
    assert out["cagr_ratio"] == pytest.approx(1.05)
    short = flow_progress([2021, 2022], [6000, 8000], 2021, 2025, 10000, "flow_per_year")
    assert short["cagr_ratio"] == pytest.approx(0.7)  # 7,000/10,000
    assert (short["status"], short["trend_status"]) == ("moderate_progress", "moderately_improving")


def test_gap_in_yearly_amounts_warns():
    """2022 is missing: the total so far is what was observed, 50 + 70 = 120, over the 3 years elapsed (2021–2023):
    P = (120/300) ÷ (3/5) = 0.4/0.6 = 0.6667 → moderate progress (≥ 0.6), moderately improving (≥ 0.5)."""
    with pytest.warns(UserWarning, match="1 year"):
        out = flow_progress([2021, 2023], [50, 70], 2021, 2025, 300, "flow_total")
    assert out["cagr_ratio"] == pytest.approx(2 / 3)
    assert out["latest_value"] == 120 and out["latest_year"] == 2023
    assert out["observed_annual_change"] == pytest.approx(40) and out["required_annual_change"] == 60
    assert (out["status"], out["trend_status"]) == ("moderate_progress", "moderately_improving")


def test_a_yearly_average_with_a_year_missing_averages_the_years_observed():
    """A yearly-average target of 100 (flow_per_year, 2021–2025), 90 in 2021 and 120 in 2023 (2022 missing): the
    average is over the 2 years observed, (90 + 120)/2 = 105, not over the 3 elapsed (70): met so far."""
    with pytest.warns(UserWarning, match="1 year"):
        out = flow_progress([2021, 2023], [90, 120], 2021, 2025, 100, "flow_per_year")
    assert out["latest_value"] == pytest.approx(105) and out["cagr_ratio"] == pytest.approx(1.05)
    assert out["status"] == "target_achieved"


def test_no_yearly_amounts():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = flow_progress([], [], 2021, 2025, 300, "flow_total")
    assert out["status"] == "not_available"


def test_zero_target_is_replaced_with_a_warning():
    # 4 in 2020, at most 0 by 2025 (d = −1), 2 in 2022; target → 0.001
    # CAGR_req = (0.001/4)^(1/5) − 1 = 0.190365 − 1 = −0.809635; CAGR_obs = (2/4)^(1/2) − 1 = −0.292893
    # R = (+1)(−1)(−0.292893)/0.809635 = 0.36176 → limited progress
    with pytest.warns(UserWarning, match="target is zero"):
        out = level_progress(2020, 4, 2022, 2, 2025, 0, -1)
    assert out["cagr_ratio"] == pytest.approx(0.36176, abs=1e-4)
    assert out["status"] == "limited_progress"


# ---- every threshold on both sides, at the tolerance itself ---------------------------------------------------------

@pytest.mark.parametrize(("ratio", "status"), [
    (0.95, "substantial_progress"), (0.95 - 1e-12, "substantial_progress"), (0.95 - 1e-9, "moderate_progress"),
    (0.6, "moderate_progress"), (0.6 - 1e-12, "moderate_progress"), (0.6 - 1e-9, "limited_progress"),
    (0.0, "limited_progress"), (-1e-12, "limited_progress"), (-1e-9, "deterioration"),
])
def test_open_sdg_thresholds_at_their_tolerance(ratio, status):
    """R ≥ 0.95, ≥ 0.6, ≥ 0, each forgiving 1e-12 of rounding: exactly at the tolerance is still in, 1e-9 below out."""
    assert status_from_ratio(ratio, False) == status
    assert status_from_ratio(ratio, True) == "target_achieved"


@pytest.mark.parametrize(("share", "trend"), [
    (1.0, "on_track"), (1 - 1e-9, "on_track"), (1 - 1e-8, "moderately_improving"),
    (0.55, "moderately_improving"),  # between the thresholds: half or more of the pace needed
    (0.5, "moderately_improving"), (0.5 - 1e-12, "moderately_improving"), (0.5 - 1e-9, "stagnating"),
    (0.0, "stagnating"), (-1e-12, "stagnating"), (-1e-9, "decreasing"),
])
def test_sdsn_trend_thresholds_at_their_tolerance(share, trend):
    from fuxin_analysis.methods.progress import trend_from_share

    assert trend_from_share(share, False) == trend
    assert trend_from_share(float("nan"), False) == "not_available"
    assert trend_from_share(share, True) == "on_track"


@pytest.mark.parametrize(("comparator", "direction", "d"), [
    ("=", "decrease", -1), ("=", "increase", 1), ("=", "maintain", 1), ("<=", "increase", -1), ("<=", "decrease", -1),
    (">=", "decrease", 1), ("range", "decrease", 1),
])
def test_target_direction_by_comparator_and_indicator(comparator, direction, d):
    """An '=' target on an indicator that should decrease is met at or below it; '<=' always; others at or above."""
    assert target_direction(comparator, direction) == d


def test_outcome_of_totals_to_come_down_to():
    """A total of at most 100 over 2021–2025 (direction −1): over it before the end → not met at once; under it with
    every year observed → met; under it with years still to come → open, or pending once the target year came."""
    from fuxin_analysis.methods.progress import outcome

    years = np.array([2021, 2022])
    assert outcome("flow_total", years, np.array([60.0, 41.0]), 100, -1, 2021, 2025, 2020, 2023) == "not_met"
    assert outcome("flow_total", years, np.array([60.0, 40.0]), 100, -1, 2021, 2025, 2020, 2023) == "open"
    assert outcome("flow_total", years, np.array([60.0, 40.0]), 100, -1, 2021, 2025, 2020, 2025) == "pending"
    every = np.arange(2021, 2026)
    assert outcome("flow_total", every, np.full(5, 20.0), 100, -1, 2021, 2025, 2020, 2026) == "met"
    # a yearly average of at least 10: the goal is 10 × 5 = 50 over the period, met once reached
    assert outcome("flow_per_year", years, np.array([30.0, 20.0]), 10, 1, 2021, 2025, 2020, 2022) == "met"
    assert outcome("flow_per_year", years, np.array([30.0, 19.0]), 10, 1, 2021, 2025, 2020, 2022) == "open"
    # levels: the target year's value decides, in either direction
    ys = np.array([2020, 2025])
    assert outcome("rate", ys, np.array([5.0, 4.0]), 4, -1, 2025, 2025, 2020, 2026) == "met"
    assert outcome("rate", ys, np.array([5.0, 4.1]), 4, -1, 2025, 2025, 2020, 2026) == "not_met"


def test_a_target_dated_in_the_base_year_or_without_a_base_has_no_pace():
    """Target year = base year (2020): nothing to pace, whatever was observed: the keys are there, empty."""
    nan = float("nan")
    for args in ((2020, 50, 2022, 55, 2020, 60, 1), (nan, nan, 2022, 55, 2025, 60, 1), (2020, nan, 2022, 55, 2025, 60, 1)):
        out = level_progress(*args)
        assert set(out) == {"cagr_ratio", "required_annual_change", "observed_annual_change", "status", "trend_status"}
        assert np.isnan(out["cagr_ratio"]) and np.isnan(out["observed_annual_change"])
        assert (out["status"], out["trend_status"]) == ("not_available", "not_available")
    # one year later the base counts: required (60 − 50)/1 = 10 a year
    later = level_progress(2020, 50, 2021, 55, 2021, 60, 1)
    assert later["required_annual_change"] == 10 and later["observed_annual_change"] == 5
    # a base but nothing observed after it: the required pace is known, the status is not
    still = level_progress(2020, 50, 2020, 50, 2025, 60, 1)
    assert still["required_annual_change"] == 2 and np.isnan(still["observed_annual_change"])
    assert still["status"] == "not_available"


def test_an_equal_target_on_a_decreasing_indicator_is_met_at_or_below():
    """Dropout of 4 in 2020 to '= 2' by 2025 on an indicator that should decrease (d = −1): 2 in 2023 meets it;
    3 in 2023: CAGR_obs = (3/4)^(1/3) − 1 = −0.091440, CAGR_req = (2/4)^(1/5) − 1 = −0.129449, R = −1 × −0.091440 /
    0.129449 = 0.70637 → moderate; SDSN: required −0.4 a year, observed −0.3333: share 0.8333 → moderately improving."""
    d = target_direction("=", "decrease")
    met = level_progress(2020, 4, 2023, 2, 2025, 2, d)
    assert met["status"] == "target_achieved" and met["trend_status"] == "on_track"
    part = level_progress(2020, 4, 2023, 3, 2025, 2, d)
    assert part["cagr_ratio"] == pytest.approx(((3 / 4) ** (1 / 3) - 1) / -((2 / 4) ** 0.2 - 1) * -1, rel=1e-9)
    assert part["cagr_ratio"] == pytest.approx(0.70637, abs=1e-5)
    assert (part["status"], part["trend_status"]) == ("moderate_progress", "moderately_improving")
    worse = level_progress(2020, 4, 2023, 5, 2025, 2, d)
    assert (worse["status"], worse["trend_status"]) == ("deterioration", "decreasing")
