"""Projections worked by hand: each method's point forecast, the conformal interval and probability from a
calibration, the OLS t interval kept for the evaluation (checked against statsmodels), and totals."""

import math

import numpy as np
import pytest

from fuxin_analysis.methods.projection import (
    MIN_ERRORS,
    MIN_STEP,
    Calibration,
    _meets,
    forecast,
    forecast_z,
    holt_damped,
    method_label,
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

# the t distribution with 1 degree of freedom is Cauchy's: P(T > t) = 1/2 − atan(t)/π, so P(T > 1) = 1/4 exactly
T90_1DF, T90_2DF = 3.077684, 1.885618  # the 90% quantiles of t with 1 and 2 degrees of freedom (tables)


def test_ols_probability_one_standard_error_above_by_hand():
    """Values 0.1, 0.2, 0.4 (the worked example above, a tenth of it): mean 0.833333 in 2025, σ² = 1/600,
    se = sqrt((1/600)(28/3)) = 0.124722 — under 1, so the t distribution decides, not the sure 0/1 of se = 0.
    A target one se above the mean: P(T > 1) with 1 df = 1/4; at or below it: 3/4."""
    se = math.sqrt(28 / 1800)
    target = 25 / 30 + se
    up = project_ols([2020, 2021, 2022], [0.1, 0.2, 0.4], 2025, target=target)
    assert up.value == pytest.approx(25 / 30, rel=1e-12)
    assert up.high - up.value == pytest.approx(T90_1DF * se, rel=1e-6)
    assert up.value - up.low == pytest.approx(T90_1DF * se, rel=1e-6)
    assert up.probability_met == pytest.approx(0.25, rel=1e-9)
    down = project_ols([2020, 2021, 2022], [0.1, 0.2, 0.4], 2025, target=target, direction=-1)
    assert down.probability_met == pytest.approx(0.75, rel=1e-9)


def test_ols_on_the_logit_scale_of_a_range_by_hand():
    """On [10, 110], values 10 + 100·expit(z) for z = 0.1, 0.2, 0.4: the OLS of z (the example above) transformed
    back: mean 10 + 100·expit(0.833333), interval 10 + 100·expit(0.833333 ∓ 3.077684 × 0.124722); a target at
    10 + 100·expit(mean + se) is met with probability 1/4."""
    z = [0.1, 0.2, 0.4]
    values = [10 + 100 * _expit(v) for v in z]
    se = math.sqrt(28 / 1800)
    p = project_ols([2020, 2021, 2022], values, 2025, target=10 + 100 * _expit(25 / 30 + se), lower=10, upper=110)
    assert p.value == pytest.approx(10 + 100 * _expit(25 / 30), rel=1e-10)
    assert p.low == pytest.approx(10 + 100 * _expit(25 / 30 - T90_1DF * se), rel=1e-7)
    assert p.high == pytest.approx(10 + 100 * _expit(25 / 30 + T90_1DF * se), rel=1e-7)
    assert p.probability_met == pytest.approx(0.25, rel=1e-8)
    assert (p.model, p.n) == ("OLS linear trend on the logit scale", 3)


def test_a_single_precision_target_is_judged_at_its_exact_value():
    """A target read as a numpy float32 (85.0 exactly) is compared in double precision, as 85.0: on the logit scale of
    the example above, t = (logit 0.85 − 0.833333)/0.124722 and P(T > t) = 1/2 − atan(t)/π with 1 df (Cauchy)."""
    se = math.sqrt(28 / 1800)
    values = [100 * _expit(v) for v in (0.1, 0.2, 0.4)]
    p = project_ols([2020, 2021, 2022], values, 2025, target=np.float32(85.0), lower=0, upper=100)
    assert p.probability_met == pytest.approx(0.5 - math.atan((_logit(0.85) - 25 / 30) / se) / math.pi, rel=1e-10)


def test_ols_without_a_target_has_no_probability_and_names_the_plain_scale():
    for target in (None, np.nan):
        p = project_ols([2020, 2021, 2022], [1, 2, 4], 2025, target=target)
        assert p.value == pytest.approx(25 / 3) and np.isnan(p.probability_met)
    assert project_ols([2020, 2021, 2022], [1, 2, 4], 2025).model == "OLS linear trend"


def test_ols_needs_three_observations_in_two_years_at_least():
    """Fewer than 3 observations, or all in one year: nothing (n kept). Three in two years fit a line:
    (0, 1), (0, 3), (1, 4) → x̄ = 1/3, Sxx = 2/3, Sxy = 4/3 → slope 2, intercept 8/3 − 2/3 = 2 → 6 at x = 2."""
    two = project_ols([2020, 2021], [1.0, 2.0], 2025)
    assert np.isnan(two.value) and two.n == 2 and two.model == "none"
    same_year = project_ols([2020, 2020, 2020], [1.0, 2.0, 3.0], 2025)
    assert np.isnan(same_year.value) and same_year.n == 3
    p = project_ols([2020, 2020, 2021], [1.0, 3.0, 4.0], 2022)
    assert p.value == pytest.approx(6.0) and p.n == 3


@pytest.mark.parametrize(("c", "kept"), [(1e-6, True), (0.5e-6, False)])
def test_scatter_at_a_high_level_against_rounding_noise(c, kept):
    """Residual variance under 1e-24·(1 + mean z²) is rounding noise, set to 0. Level 10⁶ (mean z² ≈ 10¹²: the
    threshold ≈ 10⁻¹²), values 10⁶ + (c, −c, −c, c) in 2020–2023: slope 0, residuals ±c, σ² = 4c²/2 = 2c².
    c = 10⁻⁶: σ² = 2·10⁻¹² is scatter: at 2024 (x = 4, x̄ = 1.5, Sxx = 5) se = sqrt(2c²(1 + 1/4 + 2.5²/5)) = sqrt(5)c,
    half-width 1.885618·sqrt(5)c. c = 0.5·10⁻⁶: σ² = 0.5·10⁻¹² is noise: the interval is the point."""
    values = [1e6 + c, 1e6 - c, 1e6 - c, 1e6 + c]
    p = project_ols([2020, 2021, 2022, 2023], values, 2024)
    assert p.value == pytest.approx(1e6, abs=1e-8)
    if kept:
        assert (p.high - p.low) / 2 == pytest.approx(T90_2DF * math.sqrt(5) * c, rel=1e-3)
    else:
        assert p.low == p.value == p.high


@pytest.mark.parametrize(("c", "kept"), [(0.9e-12, True), (0.6e-12, False)])
def test_scatter_near_zero_against_rounding_noise(c, kept):
    """Near 0 the threshold is 1e-24·(1 + mean z²) ≈ 1e-24: values (c, −c, −c, c) have σ² = 2c² —
    c = 0.9e-12: 1.62e-24, scatter; c = 0.6e-12: 0.72e-24, noise (interval of width 0)."""
    p = project_ols([2020, 2021, 2022, 2023], [c, -c, -c, c], 2024)
    if kept:
        assert (p.high - p.low) / 2 == pytest.approx(T90_2DF * math.sqrt(5) * c, rel=1e-3)
    else:
        assert p.low == p.value == p.high


def test_scatter_exactly_at_the_rounding_threshold_is_noise():
    """The comparison is σ² ≤ 1e-24·(1 + mean z²): at equality the scatter is noise. c = fl(√(5e-25)) has c² = 5e-25
    exactly; values (c, −c, −c, c) in 2020, 2020, 2022, 2022 (x̄ = 1, deviations ±1, so slope and intercept are
    exactly 0): the squares sum to 2e-24, σ² = 2e-24/(4 − 2) = 1e-24, and 1 + mean z² = 1 + 5e-25 = 1.0 in floats:
    σ² equals the threshold → the interval is the point. One float up, σ² is above it: the interval is
    ± 1.885618·sqrt(σ²(1 + 1/4 + 3²/4)) at 2024 (x = 4)."""
    c = 7.071067811865475e-13
    assert c * c == 5e-25 and 1e-24 * (1.0 + 2e-24 / 4) == 1e-24  # the arithmetic above, in floats
    years = [2020, 2020, 2022, 2022]
    at = project_ols(years, [c, -c, -c, c], 2024)
    assert at.low == at.value == at.high == 0.0
    up = float(np.nextafter(c, 1.0))
    above = project_ols(years, [up, -up, -up, up], 2024)
    assert above.high - above.value == pytest.approx(T90_2DF * math.sqrt(2 * up * up * 3.5), rel=1e-6)


def test_the_ols_slope_keeps_its_precision_at_a_high_level():
    """The slope is Σ(x − x̄)(z − z̄)/Sxx, on deviations from the means, so a level of 10⁹ (a country's pupils) costs
    no precision. x = 0, 1, 4 and z = 10⁹ + (3000, 0, 2000): x̄ = 5/3, deviations −5/3, −2/3, 7/3 (Sxx = 78/9 = 26/3);
    z deviations 4000/3, −5000/3, 1000/3 → Sxy = (−20000 + 10000 + 7000)/9 = −1000/3 → slope −1000/26 = −38.461538;
    intercept 10⁹ + 5000/3 + (1000/26)(5/3) = 10⁹ + 1730.769231."""
    from fuxin_analysis.methods.projection import _Line

    line = _Line.fit(np.array([0.0, 1.0, 4.0]), np.array([1e9 + 3000, 1e9, 1e9 + 2000]))
    assert line.b == pytest.approx(-1000 / 26, rel=1e-13)
    assert line.a == pytest.approx(1e9 + 5000 / 3 + (1000 / 26) * (5 / 3), rel=1e-15)


def test_no_observation_no_total():
    p = project_total([], [], 2021, 2025)
    assert np.isnan(p.value) and p.n == 0 and p.model == "none"


def test_a_period_fully_observed_is_its_observed_total():
    """2021–2025 all observed: 1 + 2 + 3 + 4 + 5 = 15, the interval the point; met (1) or not (0) outright."""
    years, amounts = [2021, 2022, 2023, 2024, 2025], [1.0, 2.0, 3.0, 4.0, 5.0]
    p = project_total(years, amounts, 2021, 2025)
    assert (p.value, p.low, p.high, p.model, p.n) == (15.0, 15.0, 15.0, "observed total", 5)
    assert np.isnan(p.probability_met)
    assert project_total(years, amounts, 2021, 2025, target=15.0).probability_met == 1.0
    assert project_total(years, amounts, 2021, 2025, target=15.5).probability_met == 0.0
    assert project_total(years, amounts, 2021, 2025, target=15.0, direction=-1).probability_met == 1.0
    assert project_total(years, amounts, 2021, 2025, target=14.5, direction=-1).probability_met == 0.0
    # one year still to come (2025): projected, not observed — the line 1, 2, 3, 4 gives 5 → 15
    ahead = project_total(years[:4], amounts[:4], 2021, 2025)
    assert ahead.value == pytest.approx(15.0) and ahead.model == "OLS linear trend of yearly amounts"


def test_one_or_two_yearly_amounts_by_hand():
    """One amount: repeated for each year to come (7 in 2023 → 7 + 7 × 2 = 21 by 2025). Two: the line through them
    (10 in 2021, 14 in 2023: 2 a year → 16 and 18 in 2024–2025 → 10 + 14 + 16 + 18 = 58). Points, no interval."""
    one = project_total([2023], [7.0], 2021, 2025)
    assert (one.value, one.model, one.n) == (21.0, "observed yearly amount repeated", 1)
    assert np.isnan(one.low) and np.isnan(one.probability_met)
    two = project_total([2021, 2023], [10.0, 14.0], 2021, 2025)
    assert two.value == pytest.approx(58.0)
    assert (two.model, two.n) == ("line through two yearly amounts", 2)
    assert np.isnan(two.low) and np.isnan(two.probability_met)


def test_total_interval_and_probability_by_hand_both_directions():
    """The worked example above (65 ± 3.077684 × sqrt(95)): its low end; no target, no probability; a target one
    se above: P = 1/4 to reach it, 3/4 to stay at or below it (Cauchy); the model and n."""
    se = math.sqrt(95)
    p = project_total([2021, 2022, 2023], [10, 14, 12], 2021, 2025)
    assert p.low == pytest.approx(65 - T90_1DF * se, rel=1e-6)
    assert np.isnan(p.probability_met)
    assert (p.model, p.n) == ("OLS linear trend of yearly amounts", 3)
    up = project_total([2021, 2022, 2023], [10, 14, 12], 2021, 2025, target=65 + se)
    assert up.probability_met == pytest.approx(0.25, rel=1e-9)
    down = project_total([2021, 2022, 2023], [10, 14, 12], 2021, 2025, target=65 + se, direction=-1)
    assert down.probability_met == pytest.approx(0.75, rel=1e-9)
    assert project_total([2021, 2022, 2023], [10, 14, 12], 2021, 2025, target=65, direction=-1).probability_met == \
        pytest.approx(0.5)


def test_a_sure_total_allows_only_rounding_noise():
    """10, 20, 30 on a line: 150 for sure (se = 0), judged as ``_meets`` does: a target 1e-8 above 150 is within the
    slack 1e-9 × 150 (met: 1); 1e-6 above is not (0); and the same below, at most."""
    def prob(target, direction=1):
        return project_total([2021, 2022, 2023], [10, 20, 30], 2021, 2025, target=target,
                             direction=direction).probability_met
    assert prob(150 + 1e-8) == 1.0 and prob(150 + 1e-6) == 0.0
    assert prob(150 - 1e-8, -1) == 1.0 and prob(150 - 1e-6, -1) == 0.0


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


def test_damped_parameters_in_single_precision_are_used_at_their_exact_values():
    """α, β, φ given as numpy float32 (0.1, 0.1, 0.98 rounded to single precision) are used in double precision: the
    same numbers as statsmodels' Holt gives with those exact values."""
    from statsmodels.tsa.holtwinters import Holt

    z = np.array([0.1, 0.35, 0.5, 0.8, 0.85, 1.1, 1.2])
    alpha, beta, phi = np.float32(0.1), np.float32(0.1), np.float32(0.98)
    fit = Holt(z[1:], damped_trend=True, initialization_method="known", initial_level=z[0],
               initial_trend=z[1] - z[0]).fit(smoothing_level=float(alpha), smoothing_trend=float(beta),
                                              damping_trend=float(phi), optimized=False)
    assert holt_damped(z, 4, alpha, beta, phi) == pytest.approx(fit.forecast(4), rel=1e-12, abs=1e-12)


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

def test_unknown_method_message_names_the_known_ones():
    known = "known: last_value, two_point, ols_logit, drift, damped, combination"
    with pytest.raises(ValueError) as info:
        project_level(YEARS, VALUES, 2025, method="holt")
    assert str(info.value) == f"unknown projection method 'holt'; {known}"
    with pytest.raises(ValueError) as info:
        forecast_z(YEARS, Z, [2025], "holt")
    assert str(info.value) == f"unknown projection method 'holt'; {known}"


def test_method_labels_in_each_language():
    assert method_label("drift") == "drift (average yearly change)"  # English unless asked
    assert method_label("drift", "en") == "drift (average yearly change)"
    assert method_label("drift", "zh") == "平均变化外推"
    assert method_label("two_point", "both") == "两点直线外推 / line through the last two points"


# the methods on the transformed scale, with a gap: x = 2020, 2021, 2023 and z = 0, 1, 4 (integers on purpose)
GX, GZ = [2020, 2021, 2023], [0, 1, 4]


def test_forecast_z_of_each_method_by_hand():
    future = [2024, 2026]  # 1 and 3 years ahead
    last = forecast_z(GX, GZ, future, "last_value")
    assert last.tolist() == [4.0, 4.0] and last.dtype == np.float64
    # the line through (2021, 1) and (2023, 4): 1.5 a year → 5.5, 8.5
    assert forecast_z(GX, GZ, future, "two_point") == pytest.approx([5.5, 8.5])
    # drift from (2020, 0) to (2023, 4): 4/3 a year → 4 + 4/3 = 5.3333, 4 + 4 = 8
    assert forecast_z(GX, GZ, future, "drift") == pytest.approx([4 + 4 / 3, 8.0])
    # OLS on x = 0, 1, 3: x̄ = 4/3, z̄ = 5/3, Sxx = 14/3, Sxy = 19/3 → slope 19/14, intercept 5/3 − (19/14)(4/3) = −1/7;
    # at x = 4: −1/7 + 76/14 = 74/14 = 37/7; at x = 6: −2/14 + 114/14 = 112/14 = 8
    assert forecast_z(GX, GZ, future, "ols_logit") == pytest.approx([37 / 7, 8.0])
    # damped: the yearly path 0, 1, 2.5, 4 (2022 interpolated), 1 and 3 steps ahead
    damped = holt_damped(np.array([0.0, 1.0, 2.5, 4.0]), 3)[[0, 2]]
    assert forecast_z(GX, GZ, future, "damped") == pytest.approx(damped, rel=1e-12)
    assert forecast_z(GX, GZ, future, "combination") == pytest.approx((damped + [4 + 4 / 3, 8.0]) / 2, rel=1e-12)


def test_two_points_give_the_line_whatever_the_method():
    """(2020, 0), (2022, 2): 1 a year → 5 in 2025, for Holt's method too (it needs three)."""
    for method in ("damped", "combination", "ols_logit", "drift"):
        assert forecast_z([2020, 2022], [0.0, 2.0], [2025], method) == pytest.approx([5.0])


def test_the_two_point_line_uses_the_two_latest_years():
    """(2020, 40) and (2022, 50), the two latest (2018 is left out): 5 a year → 50 + 5 × 3 = 65 in 2025."""
    assert forecast([2018, 2020, 2022], [10.0, 40.0, 50.0], [2025], "two_point")[0] == pytest.approx(65.0)


def test_the_two_point_line_is_clipped_to_both_bounds():
    """On [10, 110]: falling 10 a year from (2022, 25): 15 in 2023, 5 → 10 in 2024; rising 10 a year from
    (2022, 95): 105 in 2023, 115 → 110 in 2024."""
    assert forecast(YEARS, [45.0, 35.0, 25.0], [2023, 2024], "two_point", 10, 110) == pytest.approx([15.0, 10.0])
    assert forecast(YEARS, [75.0, 85.0, 95.0], [2023, 2024], "two_point", 10, 110) == pytest.approx([105.0, 110.0])


def test_a_range_that_does_not_start_at_zero():
    """On [10, 110] the share is (value − 10)/100: 60, 70, 80 are the shares 0.5, 0.6, 0.7 (Z above), so the drift is
    the one worked on [0, 100], shifted by 10: 10 + 100·expit(z2022 + 2 × (z2022 − z2020)/2)."""
    expected = 10 + 100 * _expit(Z[2] + 2 * (Z[2] - Z[0]) / 2)
    assert forecast(YEARS, [60.0, 70.0, 80.0], [2024], "drift", 10, 110)[0] == pytest.approx(expected, rel=1e-12)


def test_a_missing_lower_bound_is_zero_and_a_missing_upper_bound_the_plain_scale():
    on_0_100 = 100 * _expit(Z[2] + 2 * (Z[2] - Z[0]) / 2)
    for lower in (None, np.nan):
        assert forecast(YEARS, VALUES, [2024], "drift", lower, 100)[0] == pytest.approx(on_0_100, rel=1e-12)
    for upper in (None, np.nan):  # 70 + 2 × 10 = 90, not bounded
        assert forecast(YEARS, VALUES, [2024], "drift", 0, upper)[0] == pytest.approx(90.0)


@pytest.mark.parametrize(("latest", "carried"), [(100.0, 99.99), (99.995, 99.99), (99.99, 99.99), (99.98, 99.98),
                                                  (0.0, 0.01), (0.005, 0.01), (0.02, 0.02)])
def test_shares_are_clipped_to_eps_before_the_logit(latest, carried):
    """Shares are clipped to [EPS, 1 − EPS] = [0.0001, 0.9999] before the logit: carried forward, 100% comes back as
    99.99% and 0% as 0.01% (finite logits); a share inside the clip comes back as itself."""
    assert forecast([2020, 2021], [50.0, latest], [2023], "last_value", 0, 100)[0] == pytest.approx(carried, abs=1e-9)


def test_damped_chooses_the_least_squares_parameters_of_the_grid():
    """The parameters of the grid (α, β in 0.1…1, φ in 0.8, 0.85, 0.9, 0.95, 0.98) with the least sum of squared
    one-step errors, found here by trying each with the recursion written out; then ℓ + (φ + … + φʰ)b."""
    z = [0.1, 0.35, 0.5, 0.8, 0.85, 1.1, 1.2]
    sums = []
    for alpha in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0):
        for beta in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0):
            for phi in (0.8, 0.85, 0.9, 0.95, 0.98):
                level, trend, sse = z[0], z[1] - z[0], 0.0
                for value in z[1:]:
                    predicted = level + phi * trend
                    sse += (value - predicted) ** 2
                    new_level = alpha * value + (1 - alpha) * predicted
                    trend = beta * (new_level - level) + (1 - beta) * phi * trend
                    level = new_level
                sums.append((sse, level, trend, phi))
    sums.sort(key=lambda s: s[0])
    assert sums[1][0] - sums[0][0] > 1e-6  # a clear winner, no tie to break
    _, level, trend, phi = sums[0]
    expected = [level + phi * trend, level + (phi + phi ** 2) * trend, level + (phi + phi ** 2 + phi ** 3) * trend]
    assert holt_damped(np.array(z), 3) == pytest.approx(expected, rel=1e-12)


def test_damped_ties_are_broken_by_the_grid_order():
    """z = 0, 1: the one-step error 1 − φ depends on φ alone, least at φ = 0.98, tied over every α and β; the first
    in the grid's order wins, α = β = 0.1: ℓ = 0.1 × 1 + 0.9 × 0.98 = 0.982, b = 0.1 × 0.982 + 0.9 × 0.98 × 1 = 0.9802;
    forecasts 0.982 + 0.98 × 0.9802 = 1.942596 and 0.982 + (0.98 + 0.9604) × 0.9802 = 2.88398008."""
    assert holt_damped(np.array([0.0, 1.0]), 2) == pytest.approx([1.942596, 2.88398008], rel=1e-12)


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

def test_calibration_keeps_its_errors_sorted_as_floats():
    cal = Calibration("drift", {1: [3, 1, 2], 4: (0.5, -0.5)})
    assert list(cal.errors) == [1, 4] and cal.method == "drift" and cal.scaled is True
    assert cal.errors[1].tolist() == [1.0, 2.0, 3.0] and cal.errors[1].dtype == np.float64
    assert cal.errors[4].tolist() == [-0.5, 0.5]
    assert Calibration("drift").errors == {}


def test_a_calibration_covers_a_horizon_with_min_errors():
    cal = Calibration("drift", {1: np.zeros(MIN_ERRORS - 1), 2: np.zeros(MIN_ERRORS), 3: np.zeros(MIN_ERRORS + 1)})
    assert [cal.covers(h) for h in (1, 2, 3, 4)] == [False, True, True, False]
    assert MIN_ERRORS == 20


@pytest.mark.parametrize(("n", "ranks"), [
    (5, (1, 5)),     # ⌊6 × 0.1⌋ = 0 → at least rank 1; ⌈6 × 0.9⌉ = ⌈5.4⌉ = 6 → at most rank 5
    (10, (1, 10)),   # ⌊11 × 0.1⌋ = 1; ⌈11 × 0.9⌉ = ⌈9.9⌉ = 10: the extremes, neither clamped
    (12, (1, 12)),   # ⌊13 × 0.1⌋ = 1; ⌈13 × 0.9⌉ = ⌈11.7⌉ = 12
    (30, (3, 28)),   # ⌊31 × 0.1⌋ = 3; ⌈31 × 0.9⌉ = ⌈27.9⌉ = 28
    (41, (4, 38)),   # ⌊42 × 0.1⌋ = 4; ⌈42 × 0.9⌉ = ⌈37.8⌉ = 38
])
def test_interval_ranks_by_sample_size(n, ranks):
    """Ranks ⌊(n + 1)(1 − 0.8)/2⌋ and ⌈(n + 1)(1 + 0.8)/2⌉ of the n errors 1, 2, …, n, kept within 1…n."""
    cal = Calibration("drift", {3: np.arange(n, 0, -1, dtype=float)}, scaled=False)
    assert cal.bounds(0.0, 3) == (float(ranks[0]), float(ranks[1]))


def test_interval_rank_when_n_plus_one_is_a_multiple_of_ten():
    """n = 29 errors 1…29: ranks ⌊30 × 0.1⌋ = 3 and ⌈30 × 0.9⌉ = 27 → the interval (3, 27) (in floats,
    30 × (1 − 0.8)/2 = 2.9999999999999996 once floored to 2)."""
    cal = Calibration("drift", {1: np.arange(1, 30, dtype=float)}, scaled=False)
    assert cal.bounds(0.0, 1) == (3.0, 27.0)


def test_probability_slack_is_relative_to_the_need():
    """An error counts when it reaches the need within 1e-9 × max(1, |need|) (unscaled, from 0: need = target).
    Errors −10, 0, 10 (n = 3; the share is (hits + 1)/5)."""
    cal = Calibration("drift", {1: [-10.0, 0.0, 10.0]}, scaled=False)
    up = [cal.probability(0.0, 1, t, 1) for t in (10 + 5e-9, 10 + 2e-8, 0.5e-9, 2e-9)]
    # need 10 + 5e-9, slack 1e-8: 10 counts (1 hit); + 2e-8: none; need 0.5e-9, slack 1e-9: 0 and 10 count; 2e-9: 10
    assert up == pytest.approx([2 / 5, 1 / 5, 3 / 5, 2 / 5])
    down = [cal.probability(0.0, 1, t, -1) for t in (-10 - 5e-9, -10 - 2e-8, -0.5e-9, -2e-9)]
    assert down == pytest.approx([2 / 5, 1 / 5, 3 / 5, 2 / 5])  # the mirror image, at or below
    # a negative need's slack is by its size: need −10 + 5e-9 (slack 1e-8, not 1e-9): the error −10 reaches it too
    assert cal.probability(0.0, 1, -10 + 5e-9, 1) == pytest.approx(4 / 5)
    assert cal.probability(0.0, 1, 10 - 5e-9, -1) == pytest.approx(4 / 5)  # and 10 stays at or below 10 − 5e-9


def test_scaled_probability_divides_the_need_by_the_step():
    """Scaled: the need is (target − forecast)/step: (2 − 1)/0.5 = 2 steps, reached by the errors 2, 3 of 1, 2, 3
    → (2 + 1)/(3 + 2) = 3/5; unscaled, the need is 1: errors 1, 2, 3 → 4/5."""
    errors = {1: [1.0, 2.0, 3.0]}
    assert Calibration("drift", errors).probability(1.0, 1, 2.0, 1, step=0.5) == pytest.approx(3 / 5)
    assert Calibration("drift", errors, scaled=False).probability(1.0, 1, 2.0, 1, step=0.5) == pytest.approx(4 / 5)


def test_scaled_interval_multiplies_the_errors_by_the_step():
    """Errors 1…20 at ranks 2 and 19, times step 0.5, around 1: (2, 10.5); unscaled the step is ignored: (3, 20)."""
    assert Calibration("drift", {1: ERRORS}).bounds(1.0, 1, step=0.5) == (2.0, 10.5)
    assert Calibration("drift", {1: ERRORS}, scaled=False).bounds(1.0, 1, step=0.5) == (3.0, 20.0)


def _drift_z(h):
    """The drift of Z (above), h years after 2022: z2022 + h(z2022 − z2020)/2."""
    return Z[2] + h * (Z[2] - Z[0]) / 2


def test_the_step_is_one_unless_given():
    """Scaled, without a step: errors in units of 1. Ranks 2 and 19 of 1…20 → (2, 19); need 10.5 → errors 11…20
    → (10 + 1)/22."""
    cal = Calibration("drift", {1: ERRORS})
    assert cal.bounds(0.0, 1) == (2.0, 19.0)
    assert cal.probability(0.0, 1, 10.5, 1) == pytest.approx(11 / 22)


def test_an_error_exactly_at_need_minus_slack_counts():
    """Need 1e-9, slack 1e-9 × max(1, 1e-9) = 1e-9: need − slack = 0 exactly, and the error 0 counts (≥): with 10,
    2 hits of 3 → 3/5. At or below −1e-9: need + slack = 0, and 0 counts (≤), with −10 → 3/5."""
    cal = Calibration("drift", {1: [-10.0, 0.0, 10.0]}, scaled=False)
    assert cal.probability(0.0, 1, 1e-9, 1) == pytest.approx(3 / 5)
    assert cal.probability(0.0, 1, -1e-9, -1) == pytest.approx(3 / 5)


@pytest.mark.parametrize(("n", "ranks"), [(6, (1, 6)), (7, (2, 6))])
def test_interval_ranks_at_level_one_half(n, ranks):
    """At 50%: ranks ⌊(n + 1)/4⌋ and ⌈3(n + 1)/4⌉: n = 6 → ⌊1.75⌋ = 1, ⌈5.25⌉ = 6; n = 7 → ⌊2⌋ = 2, ⌈6⌉ = 6."""
    cal = Calibration("drift", {1: np.arange(1, n + 1, dtype=float)}, scaled=False)
    assert cal.bounds(0.0, 1, level=0.5) == (float(ranks[0]), float(ranks[1]))


def test_the_default_method_is_the_combination():
    """No method given: the mean of Holt's damped trend (on z2020…z2022, 2 steps) and the drift, on the logit scale."""
    damped = holt_damped(np.array(Z), 2)[1]
    p = project_level(YEARS, VALUES, 2024, lower=0, upper=100)
    assert p.value == pytest.approx(100 * _expit((damped + _drift_z(2)) / 2), rel=1e-12)
    assert (p.model, p.n) == ("mean of damped trend and drift (logit scale)", 3)


def test_observations_are_sorted_by_year_first():
    p = project_level([2022, 2020, 2021], [70.0, 50.0, 60.0], 2023, lower=0, upper=100, method="drift")
    assert p.value == pytest.approx(100 * _expit(_drift_z(1)), rel=1e-12)  # one year ahead of 2022


def test_nothing_to_project_keeps_the_number_of_observations():
    """One observation, a year observed twice, or a target year already observed: no projection, n as given."""
    for years, values, target_year in (([2020], [50.0], 2025), ([2020, 2020, 2021], [50.0, 51.0, 52.0], 2025),
                                       (YEARS, VALUES, 2022)):
        p = project_level(years, values, target_year, lower=0, upper=100, method="drift")
        assert np.isnan(p.value) and np.isnan(p.low) and p.n == len(years) and p.model == "none"


def test_two_observations_on_each_scale():
    """(2020, 50), (2022, 60) on [0, 100]: z = 0 and logit 0.6, the line 3 years on: 100·expit(2.5 logit 0.6);
    on the plain scale: 5 a year → 75. Named for the line, with the logit scale when there is one."""
    bounded = project_level([2020, 2022], [50.0, 60.0], 2025, lower=0, upper=100, method="damped")
    assert bounded.value == pytest.approx(100 * _expit(2.5 * _logit(0.6)), rel=1e-12)
    assert (bounded.model, bounded.n) == ("line through two observations (logit scale)", 2)
    shifted = project_level([2020, 2022], [60.0, 70.0], 2025, lower=10, upper=110)  # the same shares of [10, 110]
    assert shifted.value == pytest.approx(10 + 100 * _expit(2.5 * _logit(0.6)), rel=1e-12)
    plain = project_level([2020, 2022], [50.0, 60.0], 2025, method="damped")
    assert plain.value == pytest.approx(75.0)
    assert (plain.model, plain.n) == ("line through two observations", 2)
    assert np.isnan(plain.low) and np.isnan(plain.high) and np.isnan(plain.probability_met)


def test_model_names_say_the_method_and_its_scale():
    def model(method, **bounds):
        return project_level(YEARS, VALUES, 2024, method=method, **bounds).model
    assert model("last_value", lower=0, upper=100) == "last value carried forward (logit scale)"
    assert model("two_point", lower=0, upper=100) == "line through the last two points"  # on its own scale
    assert model("drift") == "drift (average yearly change)"
    # the point values: 70 carried, 70 + 10 × 2 = 90 on the line, 70 + 10 × 2 = 90 by the plain drift
    assert project_level(YEARS, VALUES, 2024, lower=0, upper=100, method="last_value").value == pytest.approx(70.0)
    assert project_level(YEARS, VALUES, 2024, lower=0, upper=100, method="two_point").value == pytest.approx(90.0)
    assert project_level(YEARS, VALUES, 2024, method="drift").value == pytest.approx(90.0)


def test_one_year_ahead_is_projected_with_its_horizon_interval():
    """2023, one year after the latest: the drift z2022 + s (s = 0.423649 = the step), band from the horizon-1 errors
    (0.01…0.20 steps, ranks 2 and 19)."""
    cal = Calibration("drift", {1: ERRORS / 100})
    p = project_level(YEARS, VALUES, 2023, lower=0, upper=100, method="drift", calibration=cal)
    step = (Z[2] - Z[0]) / 2
    assert p.value == pytest.approx(100 * _expit(_drift_z(1)), rel=1e-12)
    assert p.low == pytest.approx(100 * _expit(_drift_z(1) + 0.02 * step), rel=1e-12)
    assert p.high == pytest.approx(100 * _expit(_drift_z(1) + 0.19 * step), rel=1e-12)


def test_an_interval_without_a_target_has_no_probability():
    cal = Calibration("drift", {2: ERRORS / 100})
    step = (Z[2] - Z[0]) / 2
    for target in (None, np.nan):
        p = project_level(YEARS, VALUES, 2024, target, 1, 0, 100, method="drift", calibration=cal)
        assert p.low == pytest.approx(100 * _expit(_drift_z(2) + 0.02 * step), rel=1e-12)
        assert p.high == pytest.approx(100 * _expit(_drift_z(2) + 0.19 * step), rel=1e-12)
        assert np.isnan(p.probability_met)
        assert p.model == "drift (average yearly change) (logit scale), conformal 80% interval"


def test_probability_to_come_down_to_a_target_by_hand():
    """At or below 85 (direction −1): need (logit 0.85 − z)/step = 0.0944 steps (the worked example above): errors
    0.01…0.09 stay below it → (9 + 1)/22."""
    cal = Calibration("drift", {2: ERRORS / 100})
    p = project_level(YEARS, VALUES, 2024, 85.0, -1, 0, 100, method="drift", calibration=cal)
    assert p.probability_met == pytest.approx(10 / 22)


def test_the_two_point_interval_is_around_its_own_point():
    """The two-point line gives 90 in 2024 (on the percent scale); its band is logit 0.9 plus the errors at ranks 2
    and 19 (0.02 and 0.19 steps of 0.423649)."""
    cal = Calibration("two_point", {2: ERRORS / 100})
    p = project_level(YEARS, VALUES, 2024, 95.0, 1, 0, 100, method="two_point", calibration=cal)
    step = (Z[2] - Z[0]) / 2
    assert p.value == pytest.approx(90.0)
    assert p.low == pytest.approx(100 * _expit(_logit(0.9) + 0.02 * step), rel=1e-12)
    assert p.high == pytest.approx(100 * _expit(_logit(0.9) + 0.19 * step), rel=1e-12)
    # need (logit 0.95 − logit 0.9)/0.423649 = (2.944439 − 2.197225)/0.423649 = 1.7638 steps: no error reaches it
    assert p.probability_met == pytest.approx(1 / 22)
    assert (p.model, p.n) == ("line through the last two points, conformal 80% interval", 3)


def test_calibration_of_another_method_is_refused_with_its_message():
    with pytest.raises(ValueError) as info:
        project_level(YEARS, VALUES, 2024, 85.0, 1, 0, 100, method="drift", calibration=Calibration("damped", {2: ERRORS}))
    assert str(info.value) == "the calibration is of 'damped', not of the method 'drift'"


def test_projection_path_on_a_range_from_10_by_hand():
    """On [10, 110], 60, 70, 80 are the shares of Z: each year the drift z2022 + h·s and its band (+0.02 and
    +0.19 steps, step = s = 0.423649), transformed back by 10 + 100·expit; the first row, the latest observation, is
    where the band starts."""
    cal = Calibration("drift", {1: ERRORS / 100, 2: ERRORS / 100})
    path = projection_path(YEARS, [60.0, 70.0, 80.0], 2024, 10, 110, method="drift", calibration=cal)
    assert list(path.columns) == ["year", "value", "low_80", "high_80"]
    assert path["year"].tolist() == [2022, 2023, 2024]
    step = (Z[2] - Z[0]) / 2

    def back(z):
        return 10 + 100 * _expit(z)
    expected = [[80.0] * 3] + [[back(_drift_z(h)), back(_drift_z(h) + 0.02 * step), back(_drift_z(h) + 0.19 * step)]
                               for h in (1, 2)]
    assert path[["value", "low_80", "high_80"]].to_numpy().tolist() == [pytest.approx(r, rel=1e-12) for r in expected]


def test_inputs_are_converted_to_floats():
    """Years and values are read as numpy reads them as floats: numbers written as text (as a CSV read without types
    gives them) count as numbers, and a missing value (None) is NaN, not an error."""
    drift = project_level(["2020", "2021", "2022"], ["50", "60", "70"], 2024, lower=0, upper=100, method="drift")
    assert drift.value == pytest.approx(100 * _expit(_drift_z(2)), rel=1e-12)
    assert project_ols(["2020", "2021", "2022"], ["1", "2", "4"], 2025).value == pytest.approx(25 / 3)
    assert project_total(["2021", "2022", "2023"], ["10", "14", "12"], 2021, 2025).value == pytest.approx(65.0)
    assert project_total(["2021", "2023"], ["10", "14"], 2021, 2025).value == pytest.approx(58.0)
    assert typical_step(["2020", "2021", "2023"], ["0", "1", "0"]) == pytest.approx(0.75)
    path = projection_path(["2020", "2021", "2022"], ["50", "52", "54"], 2024, method="two_point")
    assert path["year"].tolist() == [2022, 2023, 2024] and path["value"].tolist() == pytest.approx([54, 56, 58])
    assert forecast(["2021", "2022"], ["52", "54"], ["2024"], "two_point").tolist() == pytest.approx([58.0])
    assert holt_damped(["0", "1", "2"], 2, 1.0, 1.0, 0.8) == pytest.approx([2.8, 3.44])  # the worked example
    gap = projection_path([2020, 2021, 2022], [50, 52, None], 2023, method="two_point")
    assert gap["year"].tolist() == [2022, 2023] and gap["value"].isna().all()


def test_meeting_a_target_allows_only_rounding_noise():
    """``_meets`` forgives 1e-9 × max(1, |target|): float noise such as 0.2 × 5, never a real shortfall."""
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


def test_meeting_a_target_exactly_at_the_slack():
    """Exactly at target − slack (at least) or target + slack (at most) the target is met: ≥ and ≤, not > and <.
    Target 0: slack 1e-9 × max(1, 0) = 1e-9."""
    assert _meets(-1e-9, 0, 1) and _meets(1e-9, 0, -1)
    assert not _meets(-1.5e-9, 0, 1) and not _meets(1.5e-9, 0, -1)


def test_typical_step_by_hand():
    """Mean of |Δz|/Δyear, at least MIN_STEP = 0.01 a year."""
    assert MIN_STEP == 0.01
    # |1 − 0|/1 = 1 and |0 − 1|/2 = 0.5 (a fall counts as a rise; a gap divides) → 0.75
    assert typical_step([2020, 2021, 2023], [0.0, 1.0, 0.0]) == pytest.approx(0.75)
    assert typical_step([2020, 2022], [0.1, 0.4]) == pytest.approx(0.15)  # two points: 0.3/2
    assert typical_step([2020], [0.5]) == 0.01 and typical_step([], []) == 0.01  # fewer than two: the floor
    assert typical_step([2020, 2021, 2022], [1.0, 1.0, 1.0]) == 0.01  # flat: the floor
    assert typical_step([2020, 2021], [0.0, 0.005]) == 0.01  # below the floor
    assert typical_step([2020, 2021], [0.0, 0.02]) == pytest.approx(0.02)  # above it
