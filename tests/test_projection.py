"""Projections against OLS worked by hand, bounded rates, and the predictive probability."""

import numpy as np
import pytest

from fuxin_analysis.projection import project_level, project_total


def test_ols_projection_by_hand():
    # points (2020, 1), (2021, 2), (2022, 4); x = year − 2020: mean 1, Sxx = 2, Sxy = 3
    # slope 3/2 = 1.5; intercept 7/3 − 1.5 = 0.8333; at 2025 (x = 5): 0.8333 + 7.5 = 8.3333
    # residuals 1/6, −1/3, 1/6 → SSE = 1/6, σ² = SSE/(n − 2) = 1/6
    # var of a new observation at x = 5: σ²(1 + 1/3 + (5 − 1)²/2) = (1/6)(28/3) = 1.555556 → se 1.247219
    # t(1 df) 90% quantile 3.077684 → interval 8.3333 ± 3.838556
    p = project_level([2020, 2021, 2022], [1, 2, 4], 2025)
    assert p.value == pytest.approx(8.333333, abs=1e-5)
    assert p.low == pytest.approx(8.333333 - 3.838556, abs=1e-4)
    assert p.high == pytest.approx(8.333333 + 3.838556, abs=1e-4)
    assert p.n == 3


def test_probability_is_one_half_at_the_projection():
    p = project_level([2020, 2021, 2022], [1, 2, 4], 2025, target=25 / 3)
    assert p.probability_met == pytest.approx(0.5, abs=1e-9)
    lower_is_better = project_level([2020, 2021, 2022], [1, 2, 4], 2025, target=25 / 3, direction=-1)
    assert lower_is_better.probability_met == pytest.approx(0.5, abs=1e-9)


def test_probability_direction():
    above = project_level([2020, 2021, 2022], [1, 2, 4], 2025, target=5).probability_met
    below = project_level([2020, 2021, 2022], [1, 2, 4], 2025, target=5, direction=-1).probability_met
    assert above > 0.5 > below
    assert above + below == pytest.approx(1.0)


def test_bounded_projection_stays_below_100():
    years, values = [2020, 2021, 2022, 2023], [90, 94, 97, 99]
    unbounded = project_level(years, values, 2030)
    assert unbounded.value > 100  # a straight line would pass 100%
    bounded = project_level(years, values, 2030, target=99.5, lower=0, upper=100)
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

    from fuxin_analysis.projection import trend_path

    rng = np.random.default_rng(seed)
    years = np.arange(2012, 2012 + 5 + seed * 3, dtype=float)
    values = 10 + 0.7 * (years - 2012) + rng.normal(0, 0.8, len(years))
    fit = sm.OLS(values, sm.add_constant(years - 2012)).fit()
    frame = fit.get_prediction(np.array([[1.0, 2030 - 2012]])).summary_frame(alpha=0.2)
    p = project_level(years, values, 2030, target=25.0)
    assert p.value == pytest.approx(frame["mean"].iloc[0], rel=1e-10)
    assert p.low == pytest.approx(frame["obs_ci_lower"].iloc[0], rel=1e-10)
    assert p.high == pytest.approx(frame["obs_ci_upper"].iloc[0], rel=1e-10)
    se = np.sqrt(fit.get_prediction(np.array([[1.0, 18.0]])).var_pred_mean[0] + fit.scale)
    assert p.probability_met == pytest.approx(stats.t(fit.df_resid, frame["mean"].iloc[0], se).sf(25.0), rel=1e-9)
    path = trend_path(years, values, 2030).set_index("year")
    assert path.loc[2030, "low_80"] == pytest.approx(frame["obs_ci_lower"].iloc[0], rel=1e-10)


def test_points_on_a_line_give_a_sure_probability():
    # 0.2 a year from 0: 0.2, 0.4, 0.6 in 2021–2023; 0.8 and 1.0 to come → exactly 1.0 by 2025: met, surely
    p = project_total([2021, 2022, 2023], [0.2, 0.2, 0.2], 2021, 2025, target=1.0)
    assert p.value == pytest.approx(1.0)
    assert p.probability_met == 1.0
