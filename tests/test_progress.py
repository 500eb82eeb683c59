"""Status, trend status and totals, against values worked out by hand from the methods' definitions.

Reference case for levels: base 50 in 2020, target 60 in 2025 (higher is better).
CAGR_req = (60/50)^(1/5) − 1 = 1.2^0.2 − 1 = 0.0371372.
Required linear change (SDSN) = (60 − 50)/5 = 2 a year.
"""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fuxin_analysis.methods.progress import (
    ProgressWarning,
    cagr,
    flow_progress,
    level_progress,
    meets,
    status_from_ratio,
    target_direction,
    trend_from_share,
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
    # no ratio either way: R would divide by CAGR_req = 0, so the column is empty (NaN, not None)
    assert np.isnan(held["cagr_ratio"]) and np.isnan(fell["cagr_ratio"])
    assert held["required_annual_change"] == 0 and held["observed_annual_change"] == 0


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
    out = level_progress(2020, 5, 2022, -1, 2025, 10, 1)
    assert out["status"] == "not_available" and np.isnan(out["cagr_ratio"])
    # the SDSN trend still has its linear paces: required (10 − 5)/5 = 1, observed (−1 − 5)/2 = −3 → decreasing
    assert (out["required_annual_change"], out["observed_annual_change"]) == (1, -3)
    assert out["trend_status"] == "decreasing"


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


# ---- the tolerance of "meets", the signs of the base and the current value, the rarer branches ---------------------

@pytest.mark.parametrize(("value", "target", "direction", "met"), [
    # slack = 1e-9 × max(1, |target|): 1e-9 for a target of 0 (or below 1 in size), 1e-6 for a target of 1000
    (-1e-9, 0.0, 1, True), (-1.5e-9, 0.0, 1, False), (-2e-9, 0.0, 1, False),  # at the slack, half past, past it
    (1e-9, 0.0, -1, True), (1.5e-9, 0.0, -1, False),
    (0.5 - 0.9e-9, 0.5, 1, True), (0.5 - 1.5e-9, 0.5, 1, False),  # a target below 1 keeps the absolute 1e-9
    (1000 - 5e-7, 1000.0, 1, True), (1000 - 2e-6, 1000.0, 1, False),  # relative: 1e-9 × 1000 = 1e-6
    (1000 + 5e-7, 1000.0, -1, True), (1000 + 2e-6, 1000.0, -1, False),
    (60.0, 60.0, 1, True), (60.0, 60.0, -1, True), (61.0, 60.0, -1, False), (59.0, 60.0, 1, False),
])
def test_meets_forgives_one_billionth_of_the_target(value, target, direction, met):
    """At or above (d = +1) / at or below (d = −1) the target, forgiving 1e-9 × max(1, |target|): exactly at that
    slack is met, past it is not."""
    assert meets(value, target, direction) is met


def test_status_and_trend_of_a_missing_ratio():
    """No ratio (None, or NaN as a float or a numpy float) is 'not_available' unless the target is achieved."""
    for missing in (None, float("nan"), np.float64("nan")):
        assert status_from_ratio(missing, False) == "not_available"
        assert trend_from_share(missing, False) == "not_available"
        assert status_from_ratio(missing, True) == "target_achieved"
        assert trend_from_share(missing, True) == "on_track"


def test_zero_base_and_zero_target_warnings_say_so_in_full():
    """The warnings are ProgressWarnings with the whole message; without a label the message starts with ': '."""
    with pytest.warns(ProgressWarning) as record:
        level_progress(2020, 0, 2022, 4, 2025, 10, 1)
    assert [(w.category, str(w.message)) for w in record] == [
        (ProgressWarning, ": base value is zero; 0.001 used instead (Open SDG rule)")]
    with pytest.warns(ProgressWarning) as record:
        level_progress(2020, 4, 2022, 2, 2025, 0, -1, label="t_dropout_2025")
    assert [(w.category, str(w.message)) for w in record] == [
        (ProgressWarning, "t_dropout_2025: target is zero; 0.001 used instead (Open SDG rule)")]


def test_a_current_value_of_zero_is_a_real_value_not_a_change_of_sign():
    """Base 5 (2020), 0 in 2022, target 10 (2025): 0 is not of the opposite sign, so R is computed:
    CAGR_obs = (0/5)^(1/2) − 1 = −1, CAGR_req = 2^(1/5) − 1 = 0.148698, R = −1/0.148698 = −6.72502 → deterioration;
    SDSN: observed (0 − 5)/2 = −2.5 a year → decreasing."""
    out = level_progress(2020.0, 5.0, 2022.0, 0.0, 2025.0, 10.0, 1)
    assert out["cagr_ratio"] == pytest.approx(-6.725024, abs=1e-6)
    assert (out["status"], out["trend_status"]) == ("deterioration", "decreasing")
    assert out["observed_annual_change"] == -2.5 and out["required_annual_change"] == 1.0


def test_a_base_below_one_and_a_negative_current_value_are_of_opposite_signs():
    """Base 0.5, current −1: opposite signs, whatever the size of the base → no ratio."""
    out = level_progress(2020.0, 0.5, 2022.0, -1.0, 2025.0, 2.0, 1)
    assert out["status"] == "not_available" and np.isnan(out["cagr_ratio"])


def test_a_negative_base_flips_the_sign_of_the_ratio():
    """Base −4 (2020), −2 in 2022, target −1 (2025), higher is better. CAGR_obs = (−2/−4)^(1/2) − 1 = −0.2928932,
    CAGR_req = (−1/−4)^(1/5) − 1 = −0.2421417; R = sign(−1) × d(+1) × −0.2928932/0.2421417 = 1.2095942 →
    substantial progress. SDSN: required (−1 + 4)/5 = 0.6, observed (−2 + 4)/2 = 1 a year → on track."""
    out = level_progress(2020.0, -4.0, 2022.0, -2.0, 2025.0, -1.0, 1)
    assert out["cagr_ratio"] == pytest.approx(1.2095942, abs=1e-7)
    assert (out["status"], out["trend_status"]) == ("substantial_progress", "on_track")


@pytest.mark.parametrize(("current", "status", "ratio"), [
    # base −4 (2020), target −8 by 2025, lower is better (d = −1); CAGR_req = (−8/−4)^(1/5) − 1 = 0.148698
    # 0 in 2022: CAGR_obs = (0/−4)^(1/2) − 1 = −1; R = (−1)(−1)(−1)/0.148698 = −6.72502 → deterioration
    (0.0, "deterioration", -6.725024),
    # 0.5 in 2022 is of the opposite sign to −4 → no ratio
    (0.5, "not_available", None),
])
def test_a_negative_base_reaching_zero_or_crossing_it(current, status, ratio):
    out = level_progress(2020.0, -4.0, 2022.0, current, 2025.0, -8.0, -1)
    assert out["status"] == status
    if ratio is None:
        assert np.isnan(out["cagr_ratio"])
    else:
        assert out["cagr_ratio"] == pytest.approx(ratio, abs=1e-6)
    assert out["trend_status"] == "decreasing"  # it rose, against a target below it


def test_a_required_growth_of_exactly_one_is_an_ordinary_ratio():
    """Base 10 (2020), target 20 in 2021: CAGR_req = 20/10 − 1 = 1 exactly; 15 in 2021: CAGR_obs = 0.5, R = 0.5 →
    limited progress (0 ≤ R < 0.6). SDSN: required 10 a year, observed 5: share 0.5 → moderately improving."""
    out = level_progress(2020.0, 10.0, 2021.0, 15.0, 2021.0, 20.0, 1)
    assert out["cagr_ratio"] == 0.5
    assert (out["status"], out["trend_status"]) == ("limited_progress", "moderately_improving")


@pytest.mark.parametrize(("current", "trend", "status"), [
    # base 50 (2020), target 60 (2025): required 2 a year; CAGR_req = 0.0371372
    (52.0, "moderately_improving", "limited_progress"),  # (52 − 50)/2 = 1 a year = 50% exactly; R = 0.53326
    (51.9, "stagnating", "limited_progress"),  # 0.95 a year = 47.5%; R = 0.50685
    (50.0, "stagnating", "limited_progress"),  # no change: share 0 (not a decrease), R = 0 (limited, not worse)
])
def test_sdsn_half_pace_and_no_change_through_level_progress(current, trend, status):
    out = level_progress(2020.0, 50.0, 2022.0, current, 2025.0, 60.0, 1)
    assert (out["trend_status"], out["status"]) == (trend, status)


def test_flow_without_amounts_has_every_key_and_only_the_required_pace():
    """No yearly amount: the required pace (300/5 = 60) is known, everything else empty, and no warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = flow_progress(np.array([]), np.array([]), 2021, 2025, 300, "flow_total")
    assert list(out) == ["required_annual_change", "observed_annual_change", "cagr_ratio", "latest_year",
                         "latest_value", "status", "trend_status"]
    assert out["required_annual_change"] == 60
    assert all(np.isnan(out[k]) for k in ("observed_annual_change", "cagr_ratio", "latest_year", "latest_value"))
    assert (out["status"], out["trend_status"]) == ("not_available", "not_available")


def test_a_yearly_average_needs_its_target_every_year():
    """flow_per_year, at least 10,000 a year: the pace required is 10,000 (not 10,000/5); the pace observed is the
    average, (6,000 + 8,000)/2 = 7,000, and its latest value too."""
    out = flow_progress(np.array([2021, 2022]), np.array([6000.0, 8000.0]), 2021, 2025, 10000, "flow_per_year")
    assert out["required_annual_change"] == 10000
    assert out["observed_annual_change"] == 7000 and out["latest_value"] == 7000 and out["latest_year"] == 2022


def test_every_year_observed_gives_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = flow_progress(np.array([2021, 2022, 2023]), np.array([60.0, 60.0, 60.0]), 2021, 2025, 300,
                            "flow_total")
    assert out["cagr_ratio"] == pytest.approx(1.0)  # (180/300)/(3/5)


def test_gap_warning_in_full():
    """The gap warning is a ProgressWarning naming the years missing and the years looked at."""
    with pytest.warns(ProgressWarning) as record:
        flow_progress(np.array([2021, 2024]), np.array([50.0, 70.0]), 2021, 2025, 300, "flow_total")
    assert [(w.category, str(w.message)) for w in record] == [
        (ProgressWarning, (": 2 year(s) without an observation in 2021–2024; the total so far counts only the "
                           "years observed"))]


def test_a_yearly_average_met_within_the_tolerance_is_on_track():
    """A yearly average of at least 0.5: 0.5 − 0.9e-9 meets it (slack 1e-9), so it is achieved and on track, although
    P = 0.9999999982 is below the on-track share 1 − 1e-9."""
    out = flow_progress(np.array([2021]), np.array([0.5 - 0.9e-9]), 2021, 2025, 0.5, "flow_per_year")
    assert (out["status"], out["trend_status"]) == ("target_achieved", "on_track")


@given(base=st.floats(-1e6, 1e6), current=st.floats(-1e6, 1e6), target=st.floats(-1e6, 1e6),
       year=st.integers(2021, 2025), direction=st.sampled_from([1, -1]))
@settings(max_examples=400, derandomize=True, database=None, deadline=None)
def test_a_value_not_met_that_did_not_move_away_leaves_a_pace_to_divide_by(base, current, target, year, direction):
    """Why level_progress has no branch for a required pace <= 0: a target at or behind the base (in the better
    direction) is met by any value that did not move away from the base, so 'not achieved and moving the right
    way' implies a required pace > 0; the SDSN share is then the observed pace over it (no division by zero, no
    sign flip): at least 0 and a known trend label, for any finite values."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ProgressWarning)
        out = level_progress(2020, base, year, current, 2025, target, direction)
    req_d, obs_d = direction * (target - base) / 5, direction * (current - base) / (year - 2020)
    if not meets(current, target, direction) and obs_d >= 0:
        assert req_d > 0
        assert out["trend_status"] == trend_from_share(obs_d / req_d, False)
