"""Projection to the target year with uncertainty: an ordinary least squares (OLS) linear trend.

Bounded rates (a percentage with an upper bound) are fitted on the logit scale of (value − lower)/(upper − lower)
and transformed back, so that neither the projection nor its interval passes the bound. Other indicators are
fitted on their own scale. With n ≥ 3 observations the 80% prediction interval and the predictive probability
that the target-year value meets the target come from the Student t distribution of a new observation
(n − 2 degrees of freedom), as in any OLS prediction. With 2 observations the projection is the line through
them, with no interval. Totals over a period project each remaining year's amount with the same trend.

The fit uses the closed-form OLS formulas (slope, intercept, residual variance, the variance of a new
observation) on each series' few points, with scipy's Student t functions: the same numbers as statsmodels'
``OLS(...).fit().get_prediction(...)`` (``tests/test_projection.py`` checks them against it) at a fraction of
the cost, so that assessing thousands of indicators stays fast.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .trajectory import expit, logit

#: Shares are clipped to [EPS, 1 − EPS] before the logit, so that 0% or 100% observations stay finite.
EPS = 1e-3
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


def project_level(years: np.ndarray, values: np.ndarray, target_year: int, target: float | None = None,
                  direction: int = 1, lower: float | None = None, upper: float | None = None) -> Projection:
    """Project a level (rate, stock…) to ``target_year`` from its observations.

    ``direction`` +1 means the target is met at or above ``target``, −1 at or below.
    """
    years = np.asarray(years, dtype=float)
    values = np.asarray(values, dtype=float)
    n = len(years)
    scale = _Scale(lower, upper)
    if n < 2 or len(np.unique(years)) < 2:
        return Projection(n=n)
    z = scale.forward(values)
    if n == 2:
        slope = (z[1] - z[0]) / (years[1] - years[0])
        value = float(scale.back(z[1] + slope * (target_year - years[1])))
        return Projection(value=value, model="line through two observations" +
                          (" (logit scale)" if scale.bounded else ""), n=n)
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


def trend_path(years: np.ndarray, values: np.ndarray, until: int, lower: float | None = None,
               upper: float | None = None) -> pd.DataFrame:
    """The fitted trend for each year from the first observation to ``until``, with the 80% prediction band
    (the same model as :func:`project_level`; a line without band for two observations; empty for fewer)."""
    years = np.asarray(years, dtype=float)
    values = np.asarray(values, dtype=float)
    grid = np.arange(int(years.min()) if len(years) else until, until + 1, dtype=float)
    out = pd.DataFrame({"year": grid.astype(int), "fit": np.nan, "low_80": np.nan, "high_80": np.nan})
    if len(years) < 2 or len(np.unique(years)) < 2:
        return out.iloc[0:0]
    scale = _Scale(lower, upper)
    z = scale.forward(values)
    if len(years) == 2:
        slope = (z[1] - z[0]) / (years[1] - years[0])
        out["fit"] = scale.back(z[0] + slope * (grid - years[0]))
        return out
    x0 = years.min()
    line = _Line.fit(years - x0, z)
    mean = line.mean(grid - x0)
    half = _t_quantile(line.df, (1 + LEVEL_80) / 2) * line.se_new(grid - x0)
    out["fit"] = scale.back(mean)
    out["low_80"] = scale.back(mean - half)
    out["high_80"] = scale.back(mean + half)
    return out
