"""Progress toward each target: status, trend status, projection and the pace against history.

Methods (each cited in the notebooks):

1. **Status** — the Open SDG progress measure (Statistics Canada, inspired by Eurostat; Open SDG
   documentation ``docs/progress-methodology.md`` in github.com/open-sdg/open-sdg, and sdg-build
   ``sdg/ProgressMeasure.py``, method 2 "quantitative target", default thresholds 0.95 / 0.6 / 0).
   CAGR_obs = (current/base)^(1/(t−t0)) − 1, CAGR_req = (target/base)^(1/(T−t0)) − 1,
   R = sign·d·CAGR_obs/|CAGR_req| (d = +1 when higher is better, −1 when lower is better; sign = −1 for a
   negative base). ``target_achieved`` when the current value meets the target, else ``substantial_progress``
   (R ≥ 0.95), ``moderate_progress`` (0.6 ≤ R < 0.95), ``limited_progress`` (0 ≤ R < 0.6), ``deterioration``
   (R < 0), ``not_available`` (no observation after the base, or base and current of opposite signs).
   A zero base or target is replaced by 0.001 with a warning, as Open SDG does.
   Defined here where Open SDG is silent: a target already met at the base (CAGR_req = 0) is
   ``target_achieved`` while it holds and ``deterioration`` once it falls below; a range target (1–2 schools)
   is met at its low end; a ``<=`` target counts decreases as progress (d = −1); ``=`` follows the
   indicator's direction (met at or above for increase and maintain, at or below for decrease).
2. **Totals over the plan period** (flow_total): the yearly amounts observed since the period's start are
   summed; progress ratio P = (total so far / target) ÷ (years elapsed / years in the period), with the same
   thresholds and codes; ``target_achieved`` once the total reaches the target. A yearly average (年均,
   flow_per_year) is met when the average yearly amount so far meets it; P = average / target.
   For both, ``trend_status`` comes from the same P: ≥ 1 on_track, ≥ 0.5 moderately_improving,
   ≥ 0 stagnating. ``pace_required_vs_history`` = required yearly pace ÷ the 2016–2020 yearly pace the plan
   reports for the same indicator (300 head teachers in 5 years = 60/yr vs 165 in 5 years = 33/yr → 1.82).
3. **Trend status** — the SDSN Sustainable Development Report rule: required linear annual change
   (target − base)/(T − t0) against the observed average annual change (current − base)/(t − t0):
   ``on_track`` (observed ≥ required, or at/above an achieved target), ``moderately_improving``
   (≥ 50% of required), ``stagnating`` (0 to 50%), ``decreasing`` (< 0), ``not_available``.
4. **Projection** — :mod:`fuxin_analysis.methods.projection` with the method chosen by :mod:`fuxin_analysis.methods.evaluation`
   (logit scale for bounded rates); its 80% interval and ``probability_met`` are conformal, calibrated on real
   out-of-sample errors, and given only for bounded rates (nothing calibrates them for counts or totals).
5. **Outcome** (the final evaluation), in this order of precedence: ``met`` / ``not_met`` once the target year's
   value is observed (a total over the period: once it reaches the target, or once every year of the period is
   observed); ``no_data`` when nothing was observed after the baseline; ``pending`` when ``as_of`` (this year, when
   ``as_of`` is None) has reached the target year but its value is not observed; ``open`` while the target year is
   ahead. For ``met`` and ``not_met`` the projection columns are empty and ``probability_met`` is 1 or 0.
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from ..data import observations as obs_mod
from ..data.plan import DOMAINS, FLOW_KINDS, Plan, load_plan
from .projection import (
    MIN_POINTS,
    Calibration,
    Projection,
    judged_target,
    project_level,
    project_total,
    projection_bounds,
)

#: Open SDG's default thresholds for a quantitative target (sdg-build ``get_progress_thresholds``, method 2).
THRESHOLDS = {"high": 0.95, "med": 0.6, "low": 0.0}
#: SDSN trend rule: share of the required pace.
TREND_SHARE = 0.5
ZERO_REPLACEMENT = 0.001
#: Relative tolerance for comparisons, so that 333.33… × 3 meets 1000 and 98 + 3 × 0.2 is on pace for 0.2 a year.
TOL = 1e-12

STATUS_LABELS: dict[str, tuple[str, str]] = {
    "target_achieved": ("已实现目标", "Target achieved"),
    "substantial_progress": ("显著进展", "Substantial progress"),
    "moderate_progress": ("中等进展", "Moderate progress"),
    "limited_progress": ("进展有限", "Limited progress"),
    "deterioration": ("倒退", "Deterioration"),
    "not_available": ("数据不足", "Not available"),
}
#: One colour per status, green to red (ColorBrewer RdYlGn), grey for no data: charts, tables and the xlsx.
STATUS_COLORS: dict[str, str] = {
    "target_achieved": "#1a9850", "substantial_progress": "#91cf60", "moderate_progress": "#fee08b",
    "limited_progress": "#fc8d59", "deterioration": "#d73027", "not_available": "#d9d9d9",
}
TREND_LABELS: dict[str, tuple[str, str]] = {
    "on_track": ("按期推进", "On track"),
    "moderately_improving": ("稳步改善", "Moderately improving"),
    "stagnating": ("停滞", "Stagnating"),
    "decreasing": ("下降", "Decreasing"),
    "not_available": ("数据不足", "Not available"),
}
COLUMNS = [
    "statement_id", "indicator_id", "name_zh", "name_en", "domain", "unit", "comparator", "target_value",
    "target_value_high", "target_year", "baseline_year", "baseline_value", "latest_year", "latest_value",
    "n_observations", "required_annual_change", "observed_annual_change", "cagr_ratio", "status", "trend_status",
    "projected_value", "projected_low_80", "projected_high_80", "probability_met", "pace_required_vs_history",
    "status_zh", "status_en", "outcome",
]
OUTCOMES = ("met", "not_met", "pending", "open", "no_data")
OUTCOME_LABELS: dict[str, tuple[str, str]] = {
    "met": ("已达成", "Met"),
    "not_met": ("未达成", "Not met"),
    "pending": ("待核实（目标年数据未到）", "Pending (target-year figure not yet in)"),
    "open": ("进行中", "Open"),
    "no_data": ("无数据", "No data"),
}
OUTCOME_COLORS: dict[str, str] = {"met": "#1a9850", "not_met": "#d73027", "pending": "#fee08b", "open": "#91bfdb",
                                  "no_data": "#d9d9d9"}


class ProgressWarning(UserWarning):
    """A value was adjusted for the calculation (e.g. a zero base replaced by 0.001)."""


def cagr(current: float, base: float, year: float, base_year: float) -> float:
    """Compound annual growth rate from (base_year, base) to (year, current)."""
    return (current / base) ** (1 / (year - base_year)) - 1


def status_from_ratio(ratio: float | None, achieved: bool) -> str:
    """Open SDG status code from a progress ratio (``get_progress_status`` with the method-2 thresholds)."""
    if achieved:
        return "target_achieved"
    if ratio is None or (isinstance(ratio, float) and math.isnan(ratio)):
        return "not_available"
    if ratio >= THRESHOLDS["high"] - TOL:
        return "substantial_progress"
    if ratio >= THRESHOLDS["med"] - TOL:
        return "moderate_progress"
    if ratio >= THRESHOLDS["low"] - TOL:
        return "limited_progress"
    return "deterioration"


def trend_from_share(share: float | None, achieved: bool) -> str:
    """SDSN trend code from observed pace as a share of required pace (1 = exactly the required pace)."""
    if achieved:
        return "on_track"
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "not_available"
    if share >= 1 - 1e-9:
        return "on_track"
    if share >= TREND_SHARE - TOL:
        return "moderately_improving"
    if share >= -TOL:
        return "stagnating"
    return "decreasing"


def meets(value: float, target: float, direction: int) -> bool:
    """Whether ``value`` meets ``target`` (at or above for direction +1, at or below for −1), to a relative 1e-9."""
    slack = 1e-9 * max(1.0, abs(target))
    return value >= target - slack if direction > 0 else value <= target + slack


def target_direction(comparator: str, indicator_direction: str) -> int:
    """d: +1 when higher is better for this target, −1 when lower is better."""
    if comparator == "<=":
        return -1
    if comparator == "=" and indicator_direction == "decrease":
        return -1
    return 1


def level_progress(base_year: float, base: float, year: float, current: float, target_year: float,
                   target: float, direction: int, label: str = "") -> dict[str, object]:
    """Status, CAGR ratio and SDSN trend of a level (rate, stock, ratio) from its base to its current value."""
    achieved = meets(current, target, direction)
    out: dict[str, object] = {"cagr_ratio": np.nan, "required_annual_change": np.nan,
                              "observed_annual_change": np.nan}
    has_base = not any(isinstance(v, float) and math.isnan(v) for v in (base, base_year)) and target_year > base_year
    if has_base:
        required = (target - base) / (target_year - base_year)
        out["required_annual_change"] = required
    if not has_base or year <= base_year:  # no base, or nothing observed after it
        out["status"] = status_from_ratio(None, achieved)
        out["trend_status"] = trend_from_share(None, achieved)
        return out
    observed = (current - base) / (year - base_year)
    out["observed_annual_change"] = observed
    # Open SDG status
    b, t = base, target
    if b == 0:
        warnings.warn(f"{label}: base value is zero; 0.001 used instead (Open SDG rule)", ProgressWarning,
                      stacklevel=3)
        b = ZERO_REPLACEMENT
    if t == 0:
        warnings.warn(f"{label}: target is zero; 0.001 used instead (Open SDG rule)", ProgressWarning, stacklevel=3)
        t = ZERO_REPLACEMENT
    ratio: float | None = None
    required_growth = np.nan
    if not ((b > 0 and current < 0) or (b < 0 and current > 0)):
        required_growth = cagr(t, b, target_year, base_year)
        if required_growth == 0:  # target equal to the base: hold it
            ratio = None if achieved else -1.0
        else:
            sign = -1 if b < 0 else 1
            ratio = sign * direction * cagr(current, b, year, base_year) / abs(required_growth)
    out["cagr_ratio"] = np.nan if ratio is None or required_growth == 0 else ratio
    out["status"] = status_from_ratio(ratio, achieved)
    # SDSN trend: the observed pace as a share of the required one. Not achieved and not moving away (obs_d >= 0)
    # implies req_d > 0: a target at or behind the base in the better direction is met by any value that did not
    # move away from the base (signs of differences are exact in IEEE arithmetic)
    req_d, obs_d = direction * required, direction * observed
    if achieved:
        share = 1.0
    elif obs_d < 0:
        share = -1.0
    else:
        share = obs_d / req_d
    out["trend_status"] = trend_from_share(share, achieved)
    return out


def flow_progress(years: np.ndarray, amounts: np.ndarray, period_start: int, period_end: int, target: float,
                  kind: str, label: str = "") -> dict[str, object]:
    """Progress of a total over a period (or of a yearly average) from the yearly amounts observed so far."""
    n = len(years)
    span = period_end - period_start + 1
    required = target / span if kind == "flow_total" else target
    out: dict[str, object] = {"required_annual_change": required, "observed_annual_change": np.nan,
                              "cagr_ratio": np.nan, "latest_year": np.nan, "latest_value": np.nan}
    if n == 0:
        out["status"], out["trend_status"] = "not_available", "not_available"
        return out
    latest = int(max(years))
    elapsed = latest - period_start + 1
    if n < elapsed:
        warnings.warn(f"{label}: {elapsed - n} year(s) without an observation in {period_start}–{latest}; "
                      "the total so far counts only the years observed", ProgressWarning, stacklevel=3)
    total = float(np.sum(amounts))
    if kind == "flow_total":
        ratio = (total / target) / (elapsed / span)
        achieved = meets(total, target, 1)
        out["observed_annual_change"] = total / elapsed
        out["latest_value"] = total
    else:
        average = total / n
        ratio = average / target
        achieved = meets(average, target, 1)
        out["observed_annual_change"] = average
        out["latest_value"] = average
    out["latest_year"] = latest
    out["cagr_ratio"] = ratio
    out["status"] = status_from_ratio(ratio, achieved)
    out["trend_status"] = trend_from_share(ratio, achieved)
    return out


def _history_paces(plan: Plan) -> dict[str, tuple[float, float, float]]:
    """Per indicator: (base year, 13th-period total, its yearly pace) from the plan's latest baseline flow."""
    base = plan.statements
    base = base[(base["role"] == "baseline") & (base["period_end"] <= plan.meta.baseline_year)]
    base = base.sort_values(["indicator_id", "period_end", "period_start"]).drop_duplicates("indicator_id", keep="last")
    return {r.indicator_id: (float(r.period_end), float(r.value), float(r.value) / (r.period_end - r.period_start + 1))
            for r in base.itertuples()}


def assess(plan: Plan | str | Path, observations: pd.DataFrame | list[str | Path] | str | Path | None = None,
           as_of: int | None = None, method: str | None = None, today: date | None = None) -> pd.DataFrame:
    """One row per target of ``plan`` (by domain, then as listed): status, trend, projection, pace and outcome
    (module docstring).

    ``observations`` is a frame or CSV paths of ``indicator_id, year, value, source[, note]``; the plan's own
    baselines are added as observations of the baseline year. ``as_of`` keeps only observations up to that year and
    is the year the outcome is judged in (``today``'s year, by default the system's, when None). ``method`` is the
    projection method (:data:`fuxin_analysis.methods.projection.METHODS`; by default the evaluated default).
    """
    from .projection import DEFAULT_METHOD, METHODS

    method = method or DEFAULT_METHOD
    if method not in METHODS:
        raise ValueError(f"unknown projection method {method!r}; known: {', '.join(METHODS)}")
    now = judged_in(as_of, today)
    if not isinstance(plan, Plan):
        plan = load_plan(plan)
    base_year_plan = plan.meta.baseline_year
    if as_of is not None and as_of < base_year_plan:
        raise ValueError(f"as_of {as_of} is before the plan's baseline year {base_year_plan}")
    data = obs_mod.load(observations, plan, as_of)
    # one value per indicator-year for calculations: the plan's figure where both exist
    data = data.drop_duplicates(["indicator_id", "year"], keep="first").sort_values(["indicator_id", "year"],
                                                                                   kind="stable")
    ids = data["indicator_id"].to_numpy()
    years, values = data["year"].to_numpy(float), data["value"].to_numpy(float)
    cuts = np.flatnonzero(ids[1:] != ids[:-1]) + 1 if len(ids) else np.array([], dtype=int)
    series = {ids[a]: (years[a:b], values[a:b]) for a, b in zip(np.r_[0, cuts], np.r_[cuts, len(ids)], strict=True)
              if len(ids)}
    history = _history_paces(plan)
    targets = plan.targets()
    targets = targets.iloc[targets["domain"].map(DOMAINS.index).argsort(kind="stable")]
    empty = (np.array([]), np.array([]))
    @functools.cache
    def calibration() -> Calibration:  # read only when a target needs it
        from .evaluation import calibration as calibrate

        return calibrate(method)

    rows = [_assess_target(st, series.get(st["indicator_id"], empty), history.get(st["indicator_id"]), base_year_plan,
                           now, method, calibration)
            for st in targets.to_dict("records")]
    return pd.DataFrame(rows, columns=COLUMNS).astype({"n_observations": "int64"})


def judged_in(as_of: int | None, today: date | None = None) -> int:
    """The year outcomes are judged in: ``as_of``, or this year (``today``'s, by default the system's)."""
    return as_of if as_of is not None else (today or date.today()).year


def outcome(kind: str, years: np.ndarray, values: np.ndarray, target: float, direction: int, period_start: int,
            target_year: int, base_year: float, now: int) -> str:
    """The final evaluation of one target (module docstring, 5): ``years, values`` are its observations up to
    ``now`` (for a flow, the yearly amounts inside its period), sorted by year; ``base_year`` is the year after which
    an observation counts as new (the plan's baseline year)."""
    if kind in FLOW_KINDS:
        span = target_year - period_start + 1
        total = float(np.sum(values))
        goal = target * span if kind == "flow_per_year" else target
        if direction > 0 and meets(total, goal, 1):
            return "met"  # amounts are never negative: a total that reached its target stays there
        if direction < 0 and not meets(total, goal, -1):
            return "not_met"
        if len(np.unique(years)) >= span:
            return "met" if meets(total, goal, direction) else "not_met"
        if len(years) == 0:
            return "no_data"
    else:
        at_target = np.flatnonzero(years == target_year)
        if len(at_target):
            return "met" if meets(float(values[at_target[-1]]), target, direction) else "not_met"
        if not np.any(years > base_year):
            return "no_data"
    return "pending" if now >= target_year else "open"


def _assess_target(st: dict[str, object], series: tuple[np.ndarray, np.ndarray],
                   history: tuple[float, float, float] | None, plan_base_year: int, now: int, method: str,
                   calibration: Callable[[], Calibration]) -> dict[str, object]:
    """One target: ``st`` is its statement joined with its indicator; ``series`` its (years, values), sorted;
    ``calibration`` gives the projection's calibration when a bounded rate needs it."""
    direction = target_direction(st["comparator"], st["direction"])
    stated = float(st["value"])
    # a share's target at its bound is judged by one rule everywhere (projection.AT_BOUND)
    target = judged_target(stated, direction, str(st["kind"]), st["lower_bound"], st["upper_bound"])
    target_year = int(st["period_end"])
    label = str(st["statement_id"])
    row: dict[str, object] = {c: st[c] for c in ("statement_id", "indicator_id", "name_zh", "name_en", "domain",
                                                 "unit", "comparator")}
    row.update(target_value=stated, target_value_high=st["value_high"], target_year=target_year)
    years, values = series
    if st["kind"] in FLOW_KINDS:
        if direction < 0:  # load_plan refuses such a target; a plan built in code must not slip one through
            raise ValueError(f"{label}: a total or yearly amount 'at most' (a cap) is not assessed")
        if stated <= 0:  # likewise: progress is the share of the amount reached
            raise ValueError(f"{label}: a total or yearly amount target must be above 0 (value: {stated:g})")
        start = int(st["period_start"])
        inside = (years >= start) & (years <= target_year)
        years, amounts = years[inside], values[inside]
        result = flow_progress(years, amounts, start, target_year, target, st["kind"], label)
        hist_year, hist_total, hist_pace = history if history is not None else (np.nan, np.nan, np.nan)
        # a point only: no real out-of-sample errors calibrate an interval for totals
        span = target_year - start + 1 if st["kind"] == "flow_per_year" else 1
        total = project_total(years, amounts, start, target_year)
        proj = Projection(value=total.value / span, model=total.model, n=total.n)
        final = outcome(st["kind"], years, amounts, target, direction, start, target_year, plan_base_year, now)
        row.update(baseline_year=hist_year, baseline_value=hist_total, latest_year=result.pop("latest_year"),
                   latest_value=result.pop("latest_value"), n_observations=len(years),
                   pace_required_vs_history=result["required_annual_change"] / hist_pace)
    else:
        at_or_after = np.flatnonzero(years >= plan_base_year)
        base_i = at_or_after[0] if len(at_or_after) else None  # the base year's value, else the first after it
        if len(years):
            base_y = float(years[base_i]) if base_i is not None else np.nan
            base_v = float(values[base_i]) if base_i is not None else np.nan
            result = level_progress(base_y, base_v, float(years[-1]), float(values[-1]), target_year, target,
                                    direction, label)
            row.update(latest_year=int(years[-1]), latest_value=float(values[-1]))
        else:
            base_y = base_v = np.nan
            result = {"status": "not_available", "trend_status": "not_available", "cagr_ratio": np.nan,
                      "required_annual_change": np.nan, "observed_annual_change": np.nan}
            row.update(latest_year=np.nan, latest_value=np.nan)
        lower, upper = projection_bounds(str(st["kind"]), st["lower_bound"], st["upper_bound"], values)
        bounded = upper is not None
        needs = bounded and len(years) >= MIN_POINTS and target_year > (years[-1] if len(years) else target_year)
        proj = project_level(years, values, target_year, target, direction, lower, upper, method,
                             calibration() if needs else None)
        final = outcome(st["kind"], years, values, target, direction, int(st["period_start"]), target_year,
                        plan_base_year, now)
        row.update(baseline_year=base_y, baseline_value=base_v, n_observations=len(years),
                   pace_required_vs_history=np.nan)
    row.update(result)
    if final in ("met", "not_met"):  # the outcome is known: nothing left to project
        proj = Projection(probability_met=float(final == "met"))
    row.update(projected_value=proj.value, projected_low_80=proj.low, projected_high_80=proj.high,
               probability_met=proj.probability_met)
    row["status_zh"], row["status_en"] = STATUS_LABELS[row["status"]]
    row["outcome"] = final
    return row
