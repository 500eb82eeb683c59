"""Required trajectories: the yearly path from a base value to a target, for charts and for pace.

Three paths, each from (base year, base value) to (target year, target value):
- linear: equal yearly steps, the path behind the SDSN "required linear annual change";
- compound: equal yearly growth rates, the path behind Open SDG's required CAGR;
- logistic (bounded rates only): linear on the logit scale of value/upper bound, so the path slows as it
  nears the ceiling, as enrolment rates do.
For totals over a period, the required path is the running total at an even yearly pace.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def logit(p: np.ndarray | float) -> np.ndarray | float:
    return np.log(p / (1 - p))


def expit(z: np.ndarray | float) -> np.ndarray | float:
    return 1 / (1 + np.exp(-z))


def required_path(base_year: int, base_value: float, target_year: int, target_value: float,
                  upper: float | None = None, lower: float = 0.0, eps: float = 1e-3) -> pd.DataFrame:
    """Yearly values from base to target: columns ``year``, ``linear``, ``compound``, ``logistic``.

    ``compound`` is empty (NaN) when base and target differ in sign or either is zero; ``logistic`` is empty
    without an ``upper`` bound. Shares are clipped to [eps, 1 − eps] of the bounded range for the logit.
    """
    if target_year <= base_year:
        raise ValueError(f"target year {target_year} must come after base year {base_year}")
    years = np.arange(base_year, target_year + 1)
    share = (years - base_year) / (target_year - base_year)
    linear = base_value + (target_value - base_value) * share
    if base_value * target_value > 0:
        compound = base_value * (target_value / base_value) ** share
    else:
        compound = np.full(len(years), np.nan)
    if upper is not None and not np.isnan(upper):
        width = upper - lower
        z0 = logit(np.clip((base_value - lower) / width, eps, 1 - eps))
        z1 = logit(np.clip((target_value - lower) / width, eps, 1 - eps))
        logistic = lower + width * expit(z0 + (z1 - z0) * share)
        logistic[0], logistic[-1] = base_value, target_value  # exact at both ends despite the clipping
    else:
        logistic = np.full(len(years), np.nan)
    return pd.DataFrame({"year": years, "linear": linear, "compound": compound, "logistic": logistic})


def required_total_path(period_start: int, period_end: int, target_total: float) -> pd.DataFrame:
    """Running total at an even pace: ``target_total × (years elapsed / years in the period)``."""
    years = np.arange(period_start, period_end + 1)
    n = period_end - period_start + 1
    return pd.DataFrame({"year": years, "cumulative": target_total * (years - period_start + 1) / n})
