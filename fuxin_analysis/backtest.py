"""Backtest of the projection: fit on the years up to a cut-off, project a later year, compare with what
was observed. Benchmarks: the naive straight line through the two latest points before the cut-off, and
(exploratory, not used for the status) Holt's damped-trend exponential smoothing on the same logit scale
(statsmodels ``Holt(damped_trend=True)``; point forecast only)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .cache import conform
from .projection import project_level

# the table's columns and their types (pandas nullable types where a value may be missing: ``inside_80`` is
# True/False, or missing when the projection has no interval); a cached table is checked against it
COLUMNS: dict[str, str] = {
    "indicator_id": "string", "n_fit": "int64", "actual": "float64", "projected": "float64",
    "low_80": "float64", "high_80": "float64", "inside_80": "boolean", "error": "float64",
    "naive": "float64", "naive_error": "float64", "damped": "float64", "damped_error": "float64",
}


def naive_two_point(years: np.ndarray, values: np.ndarray, year: int) -> float:
    """The straight line through the two latest observations, extended to ``year``."""
    order = np.argsort(years)
    (y1, y2), (v1, v2) = np.asarray(years)[order][-2:], np.asarray(values)[order][-2:]
    return float(v2 + (v2 - v1) / (y2 - y1) * (year - y2))


def damped_trend(years: np.ndarray, values: np.ndarray, year: int, lower: float = 0.0,
                 upper: float | None = 100.0) -> float:
    """Holt's damped additive trend fitted to consecutive yearly values (logit scale when bounded)."""
    import warnings

    from statsmodels.tsa.holtwinters import Holt

    from .projection import _Scale

    order = np.argsort(years)
    years, values = np.asarray(years, float)[order], np.asarray(values, float)[order]
    if len(years) < 3 or np.any(np.diff(years) != 1):
        return np.nan
    scale = _Scale(lower, upper)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter on short series
        fit = Holt(scale.forward(values), damped_trend=True, initialization_method="estimated").fit()
    return float(scale.back(fit.forecast(int(year - years[-1]))[-1]))


def backtest(series: pd.DataFrame, fit_until: int, year: int, lower: float = 0.0,
             upper: float | None = 100.0, cache: bool = True) -> pd.DataFrame:
    """Per indicator of ``series`` (``indicator_id, year, value``): projection for ``year`` from data up to
    ``fit_until``, against the value observed in ``year``; indicators without that value are left out.

    Columns: ``indicator_id, n_fit, actual, projected, low_80, high_80, inside_80, error, naive, naive_error,
    damped, damped_error`` (errors are projection − actual, in the indicator's unit), of the types in
    :data:`COLUMNS`; missing values are NaN in the float columns and ``<NA>`` in ``inside_80``.

    With ``cache`` the table is kept in :mod:`fuxin_analysis.cache` (as plain JSON data, checked against
    :data:`COLUMNS` when read: never a pickle, which could run code), keyed by the series, the arguments, this
    module's and the projection's source and the libraries' versions: a run whose national series did not change
    skips statsmodels altogether. A cached and a computed table are identical, types included.
    """
    if not cache:
        return _backtest(series, fit_until, year, lower, upper)
    from . import cache as cache_mod

    data = series[["indicator_id", "year", "value"]].sort_values(["indicator_id", "year"], kind="stable")
    cache_key = cache_mod.key("backtest", [data, fit_until, year, lower, upper],
                              modules=[__name__, "fuxin_analysis.projection"],
                              packages=["statsmodels", "scipy", "numpy", "pandas"])
    return cache_mod.cached_frame("backtest", cache_key, lambda: _backtest(series, fit_until, year, lower, upper),
                                  COLUMNS)


def _backtest(series: pd.DataFrame, fit_until: int, year: int, lower: float, upper: float | None) -> pd.DataFrame:
    rows = []
    for indicator, group in series.groupby("indicator_id", sort=True):
        fit = group[group["year"] <= fit_until]
        actual = group.loc[group["year"] == year, "value"]
        if len(fit) < 2 or actual.empty:
            continue
        actual_value = float(actual.iloc[0])
        proj = project_level(fit["year"].to_numpy(float), fit["value"].to_numpy(float), year,
                             lower=lower, upper=upper)
        naive = naive_two_point(fit["year"].to_numpy(float), fit["value"].to_numpy(float), year)
        damped = damped_trend(fit["year"].to_numpy(float), fit["value"].to_numpy(float), year, lower, upper)
        rows.append({
            "indicator_id": indicator, "n_fit": len(fit), "actual": actual_value, "projected": proj.value,
            "low_80": proj.low, "high_80": proj.high,
            "inside_80": bool(proj.low <= actual_value <= proj.high) if not np.isnan(proj.low) else None,
            "error": proj.value - actual_value, "naive": naive, "naive_error": naive - actual_value,
            "damped": damped, "damped_error": damped - actual_value,
        })
    return conform(pd.DataFrame(rows, columns=list(COLUMNS)), COLUMNS)


def summary(table: pd.DataFrame) -> pd.DataFrame:
    """Mean absolute error of each method over the indicators of :func:`backtest` that all methods projected,
    and how often the actual value fell inside the OLS 80% prediction interval."""
    common = table.dropna(subset=["error", "naive_error", "damped_error"])
    interval = table.dropna(subset=["low_80"])
    return pd.DataFrame({
        "method": ["OLS trend, logit scale (used for the scorecard)", "naive two-point line",
                   "Holt damped trend, logit scale (exploratory)"],
        "indicators": [len(common)] * 3,
        "mean_absolute_error": [common["error"].abs().mean(), common["naive_error"].abs().mean(),
                                common["damped_error"].abs().mean()],
        "all_indicators_mae": [table["error"].abs().mean(), table["naive_error"].abs().mean(), np.nan],
        "inside_80_share": [interval["inside_80"].astype(float).mean() if len(interval) else np.nan, np.nan, np.nan],
    })
