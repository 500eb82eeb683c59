"""Projection to the target year, with an 80% interval and a probability calibrated on real out-of-sample errors.

Candidate methods (:data:`METHODS`), all fitted on the indicator's own scale, or for a bounded rate on the logit
scale of (value − lower)/(upper − lower) and transformed back, so that no projection passes a bound:

- ``last_value`` — the latest observation carried forward (the naive benchmark of forecasting);
- ``two_point`` — the straight line through the two latest observations, on the indicator's own scale and clipped
  to its bounds (the benchmark a planner draws with a ruler);
- ``ols_logit`` — ordinary least squares linear trend through every observation (the tool's earlier default);
- ``drift`` — the average yearly change from the first to the latest observation (random walk with drift);
- ``damped`` — Holt's additive damped trend (Gardner & McKenzie 1985), its parameters chosen on a grid by least
  squares (:func:`holt_damped`; the same recursion as statsmodels' ``Holt(damped_trend=True)``);
- ``combination`` — the mean of ``damped`` and ``drift`` (forecast combination: Hyndman & Athanasopoulos,
  *Forecasting: Principles and Practice*, 3rd ed., §13.4).

Which is the default, and how wide its interval is, come from :mod:`fuxin_analysis.methods.evaluation`: a rolling-origin
evaluation on real published series. The interval is split-conformal by horizon (Vovk et al. 2005; FPP3 §5.5):
the 10% and 90% quantiles of the out-of-sample errors at that horizon, on the transformed scale, added to the
forecast; ``probability_met`` is the share of those errors that would carry the forecast to the target. Only
bounded rates have such calibration data; for other indicators (counts, totals) the projection is a point without
interval or probability, since no real out-of-sample errors exist to calibrate one.

The OLS t interval (n − 2 degrees of freedom, as statsmodels' ``get_prediction``) is kept for the evaluation's
comparison only: on real series it covered far fewer than 80% of outcomes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import pandas as pd

from .trajectory import expit, logit

#: Shares are clipped to [EPS, 1 − EPS] before the logit, so that 0% or 100% observations stay finite. Small enough
#: that a target at the bound judged by :data:`AT_BOUND` (99.95 of 100) stays distinct from the clip (99.99).
EPS = 1e-4
#: A gross ratio (kind ``gross_ratio``) has no structural ceiling, so it is never projected on a logit with 100 as its
#: ceiling: its ceiling is the highest value observed (at least 100) plus this margin, in points, so that it saturates
#: near the level it has reached yet may go on above 100. Chosen by the evaluation (``evaluate --gross-margins``,
#: :func:`fuxin_analysis.methods.evaluation.gross_margin_scores`): on the 12 real gross-ratio series (266 forecasts) the
#: margins 1–50 cover their 80% intervals alike (85–87%); margin 3 has the best Brier score (0.110) among those within
#: 5% of the lowest MAE (1.60 at margin 1; 1.62 at 3; 2.24 on the plain scale, 1.91 for the two-point line).
GROSS_MARGIN = 3.0
#: A share's target at its bound (100%, or 0% for a decreasing one) is met by a value within this many of the bound's
#: units (percentage points): the value that rounds to the target at one decimal, the precision at which statistical
#: bulletins state rates (99.96 is stated as 100.0). The verdict, the status, the interval and ``probability_met``
#: all judge the target by this threshold, so that they never contradict each other.
AT_BOUND = 0.05


def projection_bounds(kind: str, lower: float | None, upper: float | None,
                      values: np.ndarray | None = None) -> tuple[float | None, float | None]:
    """The range a level is projected in: a share's bounds (logit scale); for a gross ratio, 0 and
    :data:`GROSS_MARGIN` above the highest of ``values`` (at least 100); nothing (the plain scale) otherwise."""
    if kind == "gross_ratio":
        top = float(np.nanmax(values)) if values is not None and len(values) else 100.0
        return (0.0 if lower is None or np.isnan(lower) else float(lower)), max(100.0, top) + GROSS_MARGIN
    if kind in ("rate", "ratio") and upper is not None and not np.isnan(upper):
        return lower, upper
    return None, None


def judged_target(target: float, direction: int, kind: str, lower: float | None, upper: float | None) -> float:
    """The value a target is judged against: the target itself, or for a share's target at its bound (100% to
    reach, or 0% to come down to) the bound less :data:`AT_BOUND` (plus, for 0%)."""
    if kind != "rate":
        return target
    if direction > 0 and upper is not None and not np.isnan(upper) and target >= upper:
        return float(upper) - AT_BOUND
    if direction < 0 and lower is not None and not np.isnan(lower) and target <= lower:
        return float(lower) + AT_BOUND
    return target
LEVEL_80 = 0.80


@dataclass(frozen=True)
class Projection:
    """A projected value with its 80% prediction interval and the probability that it meets the target."""

    value: float = np.nan
    low: float = np.nan
    high: float = np.nan
    probability_met: float = np.nan
    model: str = "none"
    n: int = 0


class _Scale:
    """Identity, or logit of the share of a bounded range."""

    def __init__(self, lower: float | None, upper: float | None) -> None:
        self.bounded = upper is not None and not np.isnan(upper)
        self.lower = 0.0 if lower is None or np.isnan(lower) else float(lower)
        self.width = (float(upper) - self.lower) if self.bounded else 1.0

    def forward(self, v: np.ndarray | float) -> np.ndarray | float:
        if not self.bounded:
            return np.asarray(v, dtype=float)
        return logit(np.clip((np.asarray(v, dtype=float) - self.lower) / self.width, EPS, 1 - EPS))

    def back(self, z: np.ndarray | float) -> np.ndarray | float:
        return z if not self.bounded else self.lower + self.width * expit(z)

    @property
    def name(self) -> str:
        return "OLS linear trend on the logit scale" if self.bounded else "OLS linear trend"


def _meets(value: float, target: float, direction: int) -> bool:
    slack = 1e-9 * max(1.0, abs(target))  # so that 0.2 × 5 meets 1
    return value >= target - slack if direction > 0 else value <= target + slack


@dataclass(frozen=True)
class _Line:
    """An OLS line z = a + b·x with what its predictions need: n, mean of x, Sxx and residual variance."""

    a: float
    b: float
    n: int
    x_mean: float
    sxx: float
    s2: float

    @classmethod
    def fit(cls, x: np.ndarray, z: np.ndarray) -> _Line:
        n = len(x)
        x_mean, z_mean = x.mean(), z.mean()
        dx = x - x_mean
        sxx = float(dx @ dx)
        b = float(dx @ (z - z_mean)) / sxx
        a = float(z_mean - b * x_mean)
        resid = z - (a + b * x)
        s2 = float(resid @ resid) / (n - 2)
        if s2 <= 1e-24 * (1.0 + float(z @ z) / n):  # points on a line: rounding noise, not scatter
            s2 = 0.0
        return cls(a, b, n, float(x_mean), sxx, s2)

    @property
    def df(self) -> int:
        return self.n - 2

    def mean(self, x: np.ndarray | float) -> np.ndarray | float:
        return self.a + self.b * np.asarray(x, dtype=float)

    def se_new(self, x: np.ndarray | float) -> np.ndarray | float:
        """Standard error of a new observation at ``x``: sqrt(s²(1 + 1/n + (x − x̄)²/Sxx))."""
        d = np.asarray(x, dtype=float) - self.x_mean
        return np.sqrt(self.s2 * (1 + 1 / self.n + d * d / self.sxx))


def _t_quantile(df: int, p: float) -> float:
    from scipy.special import stdtrit

    return float(stdtrit(df, p))


def _t_sf(df: int, t: float) -> float:
    """P(T > t) for Student's t with ``df`` degrees of freedom."""
    from scipy.special import stdtr

    return float(stdtr(df, -t))


def _probability(mean: float, se: float, df: int, target: float, direction: int) -> float:
    if se <= 0:
        return float(_meets(mean, target, direction))
    t = (target - mean) / se
    return _t_sf(df, t) if direction > 0 else 1 - _t_sf(df, t)


#: The candidate methods, with their names in Chinese and English (module docstring).
METHODS: dict[str, tuple[str, str]] = {
    "last_value": ("末值延续", "last value carried forward"),
    "two_point": ("两点直线外推", "line through the last two points"),
    "ols_logit": ("OLS线性趋势", "OLS linear trend"),
    "drift": ("平均变化外推", "drift (average yearly change)"),
    "damped": ("Holt阻尼趋势", "Holt's damped trend"),
    "combination": ("阻尼趋势与平均变化之均值", "mean of damped trend and drift"),
}
#: The method the scorecard uses, chosen by the leave-one-series-out evaluation (README, notebook 02).
DEFAULT_METHOD = "combination"
#: A projection with an interval needs this many observations (the evaluation's origins have as many).
MIN_POINTS = 3
#: The longest horizon the evaluation scores, in years; beyond it no interval is calibrated.
MAX_HORIZON = 5
#: Fewer out-of-sample errors than this at a horizon give no interval there.
MIN_ERRORS = 20


def method_label(method: str, language: str = "en") -> str:
    """The method's name: Chinese, English, or both (``zh`` / ``en`` / ``both``)."""
    zh, en = METHODS[method]
    return {"zh": zh, "en": en}.get(language, f"{zh} / {en}")


#: The grid over which Holt's damped trend chooses its parameters: smoothing of the level (α) and of the trend
#: (β), and damping (φ, within Hyndman's usual [0.8, 0.98]).
HOLT_ALPHA = np.round(np.arange(0.1, 1.01, 0.1), 2)
HOLT_BETA = np.round(np.arange(0.1, 1.01, 0.1), 2)
HOLT_PHI = np.array([0.8, 0.85, 0.9, 0.95, 0.98])
_GRID = np.array(np.meshgrid(HOLT_ALPHA, HOLT_BETA, HOLT_PHI, indexing="ij")).reshape(3, -1)


def holt_damped(z: np.ndarray, steps: int, alpha: float | None = None, beta: float | None = None,
                phi: float | None = None) -> np.ndarray:
    """Holt's additive damped trend (Gardner & McKenzie 1985) on consecutive yearly values ``z``: the next ``steps``
    forecasts. Level and trend start at z₀ and z₁ − z₀; for t ≥ 1, ŷₜ = ℓₜ₋₁ + φbₜ₋₁, ℓₜ = αzₜ + (1 − α)ŷₜ,
    bₜ = β(ℓₜ − ℓₜ₋₁) + (1 − β)φbₜ₋₁; the h-step forecast is ℓ_T + (φ + … + φʰ)b_T (statsmodels'
    ``Holt(damped_trend=True)`` with the same start and parameters gives the same numbers: see the tests).
    Parameters not given are chosen on the grid :data:`HOLT_ALPHA` × :data:`HOLT_BETA` × :data:`HOLT_PHI` by the
    least sum of squared one-step errors, all at once (vectorised; a statsmodels fit with its optimiser took
    30–150 ms a series, this takes about a millisecond, which an assessment of thousands of indicators needs)."""
    z = np.asarray(z, dtype=float)
    grid = _GRID if alpha is None else np.array([[alpha], [beta], [phi]], dtype=float)
    a, b, f = grid
    level = np.full(a.shape, z[0])
    trend = np.full(a.shape, z[1] - z[0])
    sse = np.zeros(a.shape)
    for value in z[1:]:
        predicted = level + f * trend
        sse += (value - predicted) ** 2
        new_level = a * value + (1 - a) * predicted
        trend = b * (new_level - level) + (1 - b) * f * trend
        level = new_level
    best = int(np.argmin(sse))  # the first of equal sums: the grid's order decides ties, so results are stable
    damping = np.cumsum(f[best] ** np.arange(1, steps + 1))
    return level[best] + damping * trend[best]


def forecast_z(x: np.ndarray, z: np.ndarray, future: np.ndarray, method: str) -> np.ndarray:
    """Forecasts on the transformed scale for the years ``future`` (after ``x[-1]``) from points (x, z), x sorted
    and distinct, at least two of them. Gaps between observed years are filled linearly for Holt's method, which
    needs a value every year."""
    x, z, future = (np.asarray(a, dtype=float) for a in (x, z, future))
    ahead = future - x[-1]
    if method == "last_value":
        return np.full(len(future), z[-1])
    if len(x) == 2 or method == "two_point":
        return z[-1] + (z[-1] - z[-2]) / (x[-1] - x[-2]) * ahead
    drift = z[-1] + (z[-1] - z[0]) / (x[-1] - x[0]) * ahead
    if method == "drift":
        return drift
    if method == "ols_logit":
        line = _Line.fit(x - x[0], z)
        return np.asarray(line.mean(future - x[0]), dtype=float)
    if method in ("damped", "combination"):
        grid = np.arange(x[0], x[-1] + 1)
        path = holt_damped(np.interp(grid, x, z), int(ahead.max()))
        damped = path[ahead.astype(int) - 1]
        return damped if method == "damped" else (damped + drift) / 2
    raise ValueError(f"unknown projection method {method!r}; known: {', '.join(METHODS)}")


def forecast(years: np.ndarray, values: np.ndarray, future: np.ndarray, method: str,
             lower: float | None = None, upper: float | None = None) -> np.ndarray:
    """Point forecasts of ``method`` for the years ``future`` from observations sorted by year (at least two).
    Bounded rates are forecast on the logit scale, except ``two_point``, the line on the indicator's own scale,
    which is clipped to the bounds."""
    years, values, future = (np.asarray(a, dtype=float) for a in (years, values, future))
    scale = _Scale(lower, upper)
    if method == "two_point":
        line = values[-1] + (values[-1] - values[-2]) / (years[-1] - years[-2]) * (future - years[-1])
        return np.clip(line, scale.lower, scale.lower + scale.width) if scale.bounded else line
    return np.asarray(scale.back(forecast_z(years, scale.forward(values), future, method)), dtype=float)


#: The scale of a series' errors never falls below this (logit units a year), so a flat series still gets an interval.
MIN_STEP = 0.01


def typical_step(years: np.ndarray, z: np.ndarray) -> float:
    """Mean absolute yearly change of a series on the transformed scale, at least :data:`MIN_STEP`: the unit in
    which a scaled calibration measures its errors (a series that moves fast has wider intervals)."""
    years, z = np.asarray(years, dtype=float), np.asarray(z, dtype=float)
    if len(years) < 2:
        return MIN_STEP
    return max(float(np.mean(np.abs(np.diff(z)) / np.diff(years))), MIN_STEP)


@dataclass(frozen=True)
class Calibration:
    """Out-of-sample errors (actual − forecast, on the transformed scale) of one method, by horizon in years:
    the empirical predictive distribution behind the interval and ``probability_met`` (split conformal). With
    ``scaled``, each error is divided by its series' :func:`typical_step` at the origin, and multiplied back by the
    projected series' own step."""

    method: str
    errors: dict[int, np.ndarray] = field(default_factory=dict)
    scaled: bool = True

    def __post_init__(self) -> None:  # sorted once here, so that each interval reads its ranks directly
        object.__setattr__(self, "errors", {h: np.sort(np.asarray(e, dtype=float)) for h, e in self.errors.items()})

    def covers(self, horizon: int) -> bool:
        return horizon in self.errors and len(self.errors[horizon]) >= MIN_ERRORS

    def bounds(self, z_hat: float, horizon: int, level: float = LEVEL_80, step: float = 1.0) -> tuple[float, float]:
        """The central ``level`` interval around ``z_hat``: the errors of ranks ⌊(n + 1)(1 − level)/2⌋ and
        ⌈(n + 1)(1 + level)/2⌉ of n added to it (split conformal's finite-sample ranks, Lei et al. 2018, *JASA*
        113:1094–1111), so that with exchangeable errors the interval holds at least ``level`` of outcomes."""
        e = self.errors[horizon]
        n = len(e)
        # the ranks in exact arithmetic (the level as written, 0.8 = 4/5): in floats, 30 × (1 − 0.8)/2 is
        # 2.9999999999999996, whose floor is 2, not 3
        share = Fraction(repr(float(level)))
        lo_rank = max(math.floor((n + 1) * (1 - share) / 2), 1)
        hi_rank = min(math.ceil((n + 1) * (1 + share) / 2), n)
        low, high = e[lo_rank - 1], e[hi_rank - 1]
        unit = step if self.scaled else 1.0
        return z_hat + float(low) * unit, z_hat + float(high) * unit

    def probability(self, z_hat: float, horizon: int, z_target: float, direction: int, step: float = 1.0) -> float:
        """P(value meets the target): the share of errors that carry ``z_hat`` to ``z_target`` or beyond, with
        one success and one failure added (Laplace), so that a finite sample never says 0 or 1."""
        e = self.errors[horizon]
        need = (z_target - z_hat) / (step if self.scaled else 1.0)
        slack = 1e-9 * max(1.0, abs(need))
        hits = int(np.sum(e >= need - slack)) if direction > 0 else int(np.sum(e <= need + slack))
        return (hits + 1) / (len(e) + 2)


def project_level(years: np.ndarray, values: np.ndarray, target_year: int, target: float | None = None,
                  direction: int = 1, lower: float | None = None, upper: float | None = None,
                  method: str | None = None, calibration: Calibration | None = None) -> Projection:
    """Project a level (rate, stock…) to ``target_year`` from its observations, with ``method`` (default
    :data:`DEFAULT_METHOD`). ``direction`` +1: the target is met at or above ``target``, −1: at or below.

    With :data:`MIN_POINTS` or more observations and a ``calibration`` of the same method covering the horizon
    (bounded rates only), the 80% interval and ``probability_met`` come from it; otherwise the projection is a
    point. Two observations give the line through them; one gives nothing; a target year not after the latest
    observation gives nothing (its value is observed, or its projection is not a forecast).
    """
    method = method or DEFAULT_METHOD
    if method not in METHODS:
        raise ValueError(f"unknown projection method {method!r}; known: {', '.join(METHODS)}")
    years = np.asarray(years, dtype=float)
    values = np.asarray(values, dtype=float)
    order = np.argsort(years, kind="stable")
    years, values = years[order], values[order]
    n = len(years)
    if n < 2 or len(np.unique(years)) < n or target_year <= years[-1]:
        return Projection(n=n)
    scale = _Scale(lower, upper)
    if n == 2:
        value = float(forecast(years, values, [target_year], "drift", lower, upper)[0])
        return Projection(value=value, model="line through two observations" +
                          (" (logit scale)" if scale.bounded else ""), n=n)
    value = float(forecast(years, values, [target_year], method, lower, upper)[0])
    name = METHODS[method][1] + (" (logit scale)" if scale.bounded and method != "two_point" else "")
    horizon = int(target_year - years[-1])
    if calibration is None or not scale.bounded or not calibration.covers(horizon):
        return Projection(value=value, model=name, n=n)
    if calibration.method != method:
        raise ValueError(f"the calibration is of {calibration.method!r}, not of the method {method!r}")
    z_hat = float(scale.forward(value))
    step = typical_step(years, scale.forward(values))
    low, high = calibration.bounds(z_hat, horizon, step=step)
    probability = np.nan
    if target is not None and not np.isnan(target):
        probability = calibration.probability(z_hat, horizon, float(scale.forward(target)), direction, step)
    return Projection(value=value, low=float(scale.back(low)), high=float(scale.back(high)),
                      probability_met=probability, model=name + ", conformal 80% interval", n=n)


def project_ols(years: np.ndarray, values: np.ndarray, target_year: int, target: float | None = None,
                direction: int = 1, lower: float | None = None, upper: float | None = None) -> Projection:
    """The OLS linear trend with its model-based t interval and probability (the tool's earlier default), kept for
    the evaluation's comparison. Needs 3 observations."""
    years = np.asarray(years, dtype=float)
    values = np.asarray(values, dtype=float)
    n = len(years)
    if n < 3 or len(np.unique(years)) < 2:
        return Projection(n=n)
    scale = _Scale(lower, upper)
    z = scale.forward(values)
    x0 = years.min()
    line = _Line.fit(years - x0, z)
    mean = float(line.mean(target_year - x0))
    se = float(line.se_new(target_year - x0))
    half = _t_quantile(line.df, (1 + LEVEL_80) / 2) * se
    probability = np.nan
    if target is not None and not np.isnan(target):
        probability = _probability(mean, se, line.df, float(scale.forward(target)), direction)
    return Projection(value=float(scale.back(mean)), low=float(scale.back(mean - half)),
                      high=float(scale.back(mean + half)), probability_met=probability, model=scale.name, n=n)


def project_total(years: np.ndarray, amounts: np.ndarray, period_start: int, period_end: int,
                  target: float | None = None, direction: int = 1) -> Projection:
    """Project the total over ``period_start``–``period_end`` from the yearly amounts observed so far.

    Observed amounts count as they are; each remaining year gets the trend's prediction. With 3 or more
    observations the interval and probability come from the t distribution of the sum of the remaining
    years' new observations: Var = s²·(m²/n + (Σ(x_f − x̄))²/Sxx) for the m predicted means, plus m·s².
    With 2, the line through them; with 1, that year's amount repeated.
    """
    years = np.asarray(years, dtype=float)
    amounts = np.asarray(amounts, dtype=float)
    n = len(years)
    if n == 0:
        return Projection()
    done = float(amounts.sum())
    future = np.arange(int(years.max()) + 1, period_end + 1, dtype=float)
    if len(future) == 0:
        probability = np.nan if target is None else float(_meets(done, target, direction))
        return Projection(value=done, low=done, high=done, probability_met=probability, model="observed total", n=n)
    if n == 1:
        return Projection(value=done + amounts[0] * len(future), model="observed yearly amount repeated", n=n)
    if n == 2:
        slope = (amounts[1] - amounts[0]) / (years[1] - years[0])
        rest = amounts[1] + slope * (future - years[1])
        return Projection(value=done + float(rest.sum()), model="line through two yearly amounts", n=n)
    x0 = years.min()
    line = _Line.fit(years - x0, amounts)
    m = len(future)
    mean = done + float(np.sum(line.mean(future - x0)))
    spread = float(np.sum(future - x0 - line.x_mean))
    se = float(np.sqrt(line.s2 * (m * m / line.n + spread * spread / line.sxx) + m * line.s2))
    half = _t_quantile(line.df, (1 + LEVEL_80) / 2) * se
    probability = np.nan if target is None else _probability(mean, se, line.df, target, direction)
    return Projection(value=mean, low=mean - half, high=mean + half, probability_met=probability,
                      model="OLS linear trend of yearly amounts", n=n)


def projection_path(years: np.ndarray, values: np.ndarray, until: int, lower: float | None = None,
                    upper: float | None = None, method: str | None = None,
                    calibration: Calibration | None = None) -> pd.DataFrame:
    """The projection of :func:`project_level` for each year from the latest observation to ``until``: columns
    ``year, value, low_80, high_80`` (the first row is the latest observation itself, so that a chart joins it;
    the band is empty where :func:`project_level` gives none). Empty for fewer than two observations."""
    years = np.asarray(years, dtype=float)
    values = np.asarray(values, dtype=float)
    columns = ["year", "value", "low_80", "high_80"]
    if len(years) < 2 or len(np.unique(years)) < len(years) or until <= years.max():
        return pd.DataFrame(columns=columns)
    order = np.argsort(years)
    rows = [{"year": int(years[order[-1]]), "value": float(values[order[-1]]), "low_80": np.nan, "high_80": np.nan}]
    for year in range(int(years.max()) + 1, until + 1):
        p = project_level(years, values, year, lower=lower, upper=upper, method=method, calibration=calibration)
        rows.append({"year": year, "value": p.value, "low_80": p.low, "high_80": p.high})
    out = pd.DataFrame(rows, columns=columns)
    if out["low_80"].notna().any():  # the band starts at the latest observation
        out.loc[0, ["low_80", "high_80"]] = out.loc[0, "value"]
    return out
