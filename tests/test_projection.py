"""Projections worked by hand: each method's point forecast, the conformal interval and probability from a
calibration, the OLS t interval kept for the evaluation (checked against statsmodels), and totals."""

import math

import numpy as np
import pytest

from fuxin_analysis.methods.projection import (
    MIN_ERRORS,
    Calibration,
    forecast,
    holt_damped,
    project_level,
    project_ols,
    project_total,
    projection_path,
    typical_step,
)


def _logit(p):
    return math.log(p / (1 - p))


def _expit(z):
    return 1 / (1 + math.exp(-z))


def test_ols_projection_by_hand():
    # points (2020, 1), (2021, 2), (2022, 4); x = year − 2020: mean 1, Sxx = 2, Sxy = 3
    # slope 3/2 = 1.5; intercept 7/3 − 1.5 = 0.8333; at 2025 (x = 5): 0.8333 + 7.5 = 8.3333
    # residuals 1/6, −1/3, 1/6 → SSE = 1/6, σ² = SSE/(n − 2) = 1/6
    # var of a new observation at x = 5: σ²(1 + 1/3 + (5 − 1)²/2) = (1/6)(28/3) = 1.555556 → se 1.247219
    # t(1 df) 90% quantile 3.077684 → interval 8.3333 ± 3.838556
    p = project_ols([2020, 2021, 2022], [1, 2, 4], 2025)
    assert p.value == pytest.approx(8.333333, abs=1e-5)
    assert p.low == pytest.approx(8.333333 - 3.838556, abs=1e-4)
    assert p.high == pytest.approx(8.333333 + 3.838556, abs=1e-4)
    assert p.n == 3


def test_probability_is_one_half_at_the_projection():
    p = project_ols([2020, 2021, 2022], [1, 2, 4], 2025, target=25 / 3)
    assert p.probability_met == pytest.approx(0.5, abs=1e-9)
    lower_is_better = project_ols([2020, 2021, 2022], [1, 2, 4], 2025, target=25 / 3, direction=-1)
    assert lower_is_better.probability_met == pytest.approx(0.5, abs=1e-9)


def test_probability_direction():
    above = project_ols([2020, 2021, 2022], [1, 2, 4], 2025, target=5).probability_met
    below = project_ols([2020, 2021, 2022], [1, 2, 4], 2025, target=5, direction=-1).probability_met
    assert above > 0.5 > below
    assert above + below == pytest.approx(1.0)


def test_bounded_projection_stays_below_100():
    years, values = [2020, 2021, 2022, 2023], [90, 94, 97, 99]
    unbounded = project_ols(years, values, 2030)
    assert unbounded.value > 100  # a straight line would pass 100%
    bounded = project_ols(years, values, 2030, target=99.5, lower=0, upper=100)
    assert bounded.value < 100 and bounded.high < 100 and bounded.low > 0
    assert bounded.model == "OLS linear trend on the logit scale"


def test_two_observations_give_the_line_without_interval():
    p = project_level([2020, 2022], [50, 54], 2025)  # 2 a year → 54 + 3 × 2 = 60
    assert p.value == pytest.approx(60)
    assert np.isnan(p.low) and np.isnan(p.probability_met)


def test_one_observation_gives_nothing():
    p = project_level([2020], [50], 2025)
    assert np.isnan(p.value)


def test_total_projection_adds_the_remaining_years():
    # 10, 20, 30 in 2021–2023, a straight line: 40 in 2024 and 50 in 2025 → 150 in all
    p = project_total([2021, 2022, 2023], [10, 20, 30], 2021, 2025, target=140)
    assert p.value == pytest.approx(150)
    assert p.probability_met == pytest.approx(1.0)  # a perfect line leaves no doubt that 150 ≥ 140


def test_total_projection_interval_by_hand():
    # amounts 10, 14, 12 in 2021–2023 (x = 0, 1, 2): slope (12 − 10)/2 = 1, mean 12, intercept 11
    # predictions 2024 (x = 3): 14, 2025 (x = 4): 15 → total 36 + 29 = 65
    # residuals −1, 2, −1 → SSE 6, σ² = 6; sum exog = [2, 7]: Var(sum of means) = σ²(2²/3 + (7 − 2·1)²/2) = 6(4/3 + 12.5)
    #   = 83; plus 2σ² = 12 → var 95, se 9.746794; t(1) 0.9 quantile 3.077684 → ± 29.99747
    p = project_total([2021, 2022, 2023], [10, 14, 12], 2021, 2025, target=65)
    assert p.value == pytest.approx(65)
    assert p.high - p.value == pytest.approx(29.99747, abs=1e-3)
    assert p.probability_met == pytest.approx(0.5)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_closed_form_matches_statsmodels(seed):
    """The closed-form OLS gives statsmodels' prediction, 80% interval and t probability."""
    import statsmodels.api as sm
    from scipy import stats

    rng = np.random.default_rng(seed)
    years = np.arange(2012, 2012 + 5 + seed * 3, dtype=float)
    values = 10 + 0.7 * (years - 2012) + rng.normal(0, 0.8, len(years))
    fit = sm.OLS(values, sm.add_constant(years - 2012)).fit()
    frame = fit.get_prediction(np.array([[1.0, 2030 - 2012]])).summary_frame(alpha=0.2)
    p = project_ols(years, values, 2030, target=25.0)
    assert p.value == pytest.approx(frame["mean"].iloc[0], rel=1e-10)
    assert p.low == pytest.approx(frame["obs_ci_lower"].iloc[0], rel=1e-10)
    assert p.high == pytest.approx(frame["obs_ci_upper"].iloc[0], rel=1e-10)
    se = np.sqrt(fit.get_prediction(np.array([[1.0, 18.0]])).var_pred_mean[0] + fit.scale)
    assert p.probability_met == pytest.approx(stats.t(fit.df_resid, frame["mean"].iloc[0], se).sf(25.0), rel=1e-9)


def test_points_on_a_line_give_a_sure_probability():
    # 0.2 a year from 0: 0.2, 0.4, 0.6 in 2021–2023; 0.8 and 1.0 to come → exactly 1.0 by 2025: met, surely
    p = project_total([2021, 2022, 2023], [0.2, 0.2, 0.2], 2021, 2025, target=1.0)
    assert p.value == pytest.approx(1.0)
    assert p.probability_met == 1.0


# ---- the candidate methods, by hand ------------------------------------------------------------------------------
YEARS, VALUES = [2020, 2021, 2022], [50.0, 60.0, 70.0]
Z = [_logit(0.5), _logit(0.6), _logit(0.7)]  # 0, 0.405465, 0.847298


def test_last_value_and_two_point_line():
    assert forecast(YEARS, VALUES, [2025], "last_value", 0, 100)[0] == pytest.approx(70.0)
    # the line through (2021, 60) and (2022, 70) on the percent scale: 70 + 10 × 3 = 100 in 2025, clipped at 100 later
    assert forecast(YEARS, VALUES, [2024, 2025, 2026], "two_point", 0, 100) == pytest.approx([90.0, 100.0, 100.0])
    assert forecast(YEARS, VALUES, [2026], "two_point")[0] == pytest.approx(110.0)  # unbounded: not clipped


def test_drift_on_the_logit_scale():
    # slope (z2022 − z2020)/2 = 0.423649 a year; 2024: 0.847298 + 2 × 0.423649 = 1.694596 → 84.482%
    slope = (Z[2] - Z[0]) / 2
    expected = 100 * _expit(Z[2] + 2 * slope)
    assert forecast(YEARS, VALUES, [2024], "drift", 0, 100)[0] == pytest.approx(expected, rel=1e-12)
    assert expected == pytest.approx(84.482, abs=1e-3)
    # unbounded: 70 + 2 × 10 = 90
    assert forecast(YEARS, VALUES, [2024], "drift")[0] == pytest.approx(90.0)


def test_ols_point_on_the_logit_scale():
    # OLS through (0, 0), (1, 0.405465), (2, 0.847298): slope = Sxy/Sxx = (0.847298 − 0)/2 = 0.423649 (x̄ = 1),
    # intercept = z̄ − slope = 0.417588 − 0.423649 = −0.006061; at x = 4: −0.006061 + 1.694596 = 1.688535
    zbar = sum(Z) / 3
    slope = ((0 - 1) * (Z[0] - zbar) + (2 - 1) * (Z[2] - zbar)) / 2
    expected = 100 * _expit(zbar - slope + 4 * slope)
    assert forecast(YEARS, VALUES, [2024], "ols_logit", 0, 100)[0] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("alpha, beta, phi", [(0.5, 0.3, 0.9), (1.0, 1.0, 0.8), (0.1, 0.1, 0.98)])
def test_damped_recursion_is_statsmodels_holt(alpha, beta, phi):
    """The same recursion as statsmodels' Holt(damped_trend=True) started at level z0 and trend z1 − z0."""
    from statsmodels.tsa.holtwinters import Holt

    z = np.array([0.1, 0.35, 0.5, 0.8, 0.85, 1.1, 1.2])
    fit = Holt(z[1:], damped_trend=True, initialization_method="known", initial_level=z[0],
               initial_trend=z[1] - z[0]).fit(smoothing_level=alpha, smoothing_trend=beta, damping_trend=phi,
                                              optimized=False)
    ours = holt_damped(z, 4, alpha, beta, phi)
    assert ours == pytest.approx(fit.forecast(4), rel=1e-12, abs=1e-12)


def test_damped_by_hand_and_its_grid_choice():
    # z = 0, 1, 2 with α = β = 1, φ = 0.8: ℓ0 = 0, b0 = 1; t=1: ŷ = 0.8, ℓ = 1, b = 1; t=2: ŷ = 1.8, ℓ = 2, b = 1;
    # forecasts ℓ + (0.8)b = 2.8 and ℓ + (0.8 + 0.64)b = 3.44
    assert holt_damped(np.array([0.0, 1.0, 2.0]), 2, 1.0, 1.0, 0.8) == pytest.approx([2.8, 3.44])
    # chosen on the grid: a straight line is best fitted with the least damping (φ = 0.98) and α = 1 (errors
    # 0.02 twice, the smallest the grid allows): 2 + 0.98 × 1 = 2.98 one step ahead
    assert holt_damped(np.array([0.0, 1.0, 2.0]), 1)[0] == pytest.approx(2.98)
    # a constant series: every parameter fits it exactly; the forecast is the constant
    assert holt_damped(np.array([3.0, 3.0, 3.0, 3.0]), 3) == pytest.approx([3.0, 3.0, 3.0])


def test_damped_and_combination_fill_a_gap():
    years, values = [2016, 2017, 2019, 2020], [40.0, 44.0, 50.0, 53.0]
    z = [_logit(v / 100) for v in values]
    filled = np.array([z[0], z[1], (z[1] + z[2]) / 2, z[2], z[3]])  # 2018 interpolated halfway on the logit scale
    damped_z = holt_damped(filled, 3)[2]  # 2023 is 3 years after 2020
    assert forecast(years, values, [2023], "damped", 0, 100)[0] == pytest.approx(100 * _expit(damped_z), rel=1e-12)
    drift_z = z[3] + (z[3] - z[0]) / 4 * 3
    combined = 100 * _expit((damped_z + drift_z) / 2)
    assert forecast(years, values, [2023], "combination", 0, 100)[0] == pytest.approx(combined, rel=1e-12)


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="unknown projection method 'holt'"):
        project_level(YEARS, VALUES, 2025, method="holt")


# ---- the conformal interval and probability ---------------------------------------------------------------------
ERRORS = np.arange(1, 21, dtype=float)  # 1, 2, …, 20: n = 20


def test_interval_uses_the_finite_sample_ranks():
    cal = Calibration("drift", {2: ERRORS}, scaled=False)
    # ranks ⌊21 × 0.1⌋ = 2 and ⌈21 × 0.9⌉ = ⌈18.9⌉ = 19 → errors 2 and 19
    assert cal.bounds(0.0, 2) == (2.0, 19.0)
    # at 50%: ⌊21 × 0.25⌋ = 5 and ⌈21 × 0.75⌉ = ⌈15.75⌉ = 16
    assert cal.bounds(1.0, 2, level=0.5) == (6.0, 17.0)
    scaled = Calibration("drift", {2: ERRORS[::-1]}, scaled=True)  # unsorted errors are sorted first
    assert scaled.bounds(0.0, 2, step=0.5) == (1.0, 9.5)


def test_probability_counts_the_errors_that_reach_the_target():
    cal = Calibration("drift", {1: ERRORS}, scaled=False)
    # need 10.5: errors 11…20 reach it → (10 + 1)/(20 + 2) = 0.5; at or below: 1…10 → 0.5
    assert cal.probability(0.0, 1, 10.5, 1) == pytest.approx(0.5)
    assert cal.probability(0.0, 1, 10.5, -1) == pytest.approx(0.5)
    # need exactly 10: errors 10…20 → 11 + 1 over 22; a target below every error: 21/22, never 1
    assert cal.probability(0.0, 1, 10.0, 1) == pytest.approx(12 / 22)
    assert cal.probability(0.0, 1, -5.0, 1) == pytest.approx(21 / 22)
    assert cal.probability(0.0, 1, 25.0, 1) == pytest.approx(1 / 22)
    # scaled: need (10.5 − 0)/0.5 = 21 steps → no error reaches it
    assert Calibration("drift", {1: ERRORS}).probability(0.0, 1, 10.5, 1, step=0.5) == pytest.approx(1 / 22)


def test_project_level_with_a_calibration_by_hand():
    errors = ERRORS / 100  # 0.01 … 0.20 steps
    cal = Calibration("drift", {2: errors})
    p = project_level(YEARS, VALUES, 2024, target=85.0, lower=0, upper=100, method="drift", calibration=cal)
    z_hat = Z[2] + 2 * (Z[2] - Z[0]) / 2
    step = ((Z[1] - Z[0]) + (Z[2] - Z[1])) / 2  # mean |Δz| a year = 0.423649
    assert typical_step(YEARS, Z) == pytest.approx(step)
    assert p.value == pytest.approx(100 * _expit(z_hat))
    assert p.low == pytest.approx(100 * _expit(z_hat + 0.02 * step))
    assert p.high == pytest.approx(100 * _expit(z_hat + 0.19 * step))
    # need (logit 0.85 − 1.694596)/0.423649 = (1.734601 − 1.694596)/0.423649 = 0.0944 steps: errors 0.10 … 0.20 reach it
    need = (_logit(0.85) - z_hat) / step
    assert 0.09 < need < 0.10
    assert p.probability_met == pytest.approx((11 + 1) / 22)
    assert p.model == "drift (average yearly change) (logit scale), conformal 80% interval"


@pytest.mark.parametrize("n_errors, has_interval", [(MIN_ERRORS - 1, False), (MIN_ERRORS, True)])
def test_too_few_errors_give_no_interval(n_errors, has_interval):
    cal = Calibration("drift", {2: np.linspace(-1, 1, n_errors)})
    p = project_level(YEARS, VALUES, 2024, target=85.0, lower=0, upper=100, method="drift", calibration=cal)
    assert np.isnan(p.low) != has_interval and np.isnan(p.probability_met) != has_interval
    assert not np.isnan(p.value)


def test_a_horizon_the_calibration_lacks_gives_a_point():
    cal = Calibration("drift", {1: ERRORS})
    p = project_level(YEARS, VALUES, 2024, target=85.0, lower=0, upper=100, method="drift", calibration=cal)
    assert np.isnan(p.low) and not np.isnan(p.value)


def test_unbounded_indicators_get_no_interval():
    cal = Calibration("drift", {2: ERRORS})
    p = project_level(YEARS, VALUES, 2024, target=85.0, method="drift", calibration=cal)
    assert p.value == pytest.approx(90.0) and np.isnan(p.low) and np.isnan(p.probability_met)


def test_calibration_of_another_method_is_refused():
    with pytest.raises(ValueError, match="calibration is of 'damped'"):
        project_level(YEARS, VALUES, 2024, 85.0, 1, 0, 100, method="drift", calibration=Calibration("damped", {2: ERRORS}))


def test_nothing_to_project_once_the_target_year_is_observed():
    for year in (2021, 2022):
        assert np.isnan(project_level(YEARS, VALUES, year, 80.0, 1, 0, 100).value)


def test_two_observations_ignore_the_method_and_the_calibration():
    cal = Calibration("last_value", {3: ERRORS})
    p = project_level([2020, 2022], [50, 54], 2025, 60.0, method="last_value", calibration=cal)
    assert p.value == pytest.approx(60.0) and np.isnan(p.low)  # 2 a year: 54 + 3 × 2


def test_projection_path_starts_at_the_latest_observation():
    cal = Calibration("drift", {1: ERRORS / 100, 2: ERRORS / 100})
    path = projection_path(YEARS, VALUES, 2024, 0, 100, method="drift", calibration=cal).set_index("year")
    assert list(path.index) == [2022, 2023, 2024]
    assert path.loc[2022].tolist() == [70.0, 70.0, 70.0]
    single = project_level(YEARS, VALUES, 2024, lower=0, upper=100, method="drift", calibration=cal)
    assert path.loc[2024, "value"] == pytest.approx(single.value) and path.loc[2024, "low_80"] == pytest.approx(single.low)
    assert projection_path(YEARS, VALUES, 2022).empty and projection_path([2020], [5.0], 2025).empty


def test_meeting_a_target_allows_only_rounding_noise():
    """``_meets`` forgives 1e-9 × max(1, |target|): float noise such as 0.2 × 5, never a real shortfall."""
    from fuxin_analysis.methods.projection import _meets

    assert _meets(0.2 * 5, 1, 1) and _meets(1 - 0.5e-9, 1, 1)
    assert not _meets(1 - 1.5e-9, 1, 1)  # beyond 1e-9 × max(1, 1)
    assert _meets(1e6 - 5e-4, 1e6, 1) and not _meets(1e6 - 2e-3, 1e6, 1)  # the slack grows with the target
    assert _meets(0.5e-9, 0, -1) and not _meets(1.5e-9, 0, -1)  # at most 0: the same slack above
    assert _meets(-5, -4, -1) and not _meets(-3, -4, -1)


def test_projection_path_by_hand():
    """Two-point line through 52 (2021) and 54 (2022), on the plain scale: 56 in 2023, 58 in 2024; the path starts at
    the latest observation; no calibration, so no band."""
    path = projection_path([2020, 2021, 2022], [50, 52, 54], 2024, method="two_point")
    assert path["year"].tolist() == [2022, 2023, 2024]
    assert path["value"].tolist() == pytest.approx([54, 56, 58])
    assert path[["low_80", "high_80"]].isna().all().all()
    unsorted = projection_path(np.array([2022, 2020, 2021]), np.array([54, 50, 52]), 2024, method="two_point")
    assert unsorted["value"].tolist() == pytest.approx([54, 56, 58])  # the latest is the latest year, not the last row
    columns = ["year", "value", "low_80", "high_80"]
    for years, values, until in (([2022], [54], 2024), ([2021, 2021], [1, 2], 2024), ([2021, 2022], [1, 2], 2022)):
        empty = projection_path(years, values, until)
        assert empty.empty and list(empty.columns) == columns
    one_year = projection_path([2021, 2022], [1, 2], 2023, method="two_point")
    assert one_year["value"].tolist() == pytest.approx([2, 3])
