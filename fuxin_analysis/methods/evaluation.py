"""How well the projection methods forecast real education series: a rolling-origin evaluation.

Rolling-origin evaluation (time-series cross-validation; Tashman 2000, *Int. J. Forecasting* 16:437–450;
Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, 3rd ed., §5.10): for every real series, every
observed year with at least :data:`~fuxin_analysis.methods.projection.MIN_POINTS` observations up to it is an origin;
each method forecasts every later observed year up to :data:`~fuxin_analysis.methods.projection.MAX_HORIZON` years
ahead from the data up to the origin only, and the forecast is scored against what was published.

Scores per method and horizon: mean absolute error (MAE, percentage points); MASE, here the MAE relative to the
last-value forecast on the same points (Hyndman & Koehler 2006); the empirical coverage and mean width of the 80%
interval; and the Brier score (Brier 1950) of ``probability_met`` for targets placed at the series' own later
values. Intervals and probabilities are split-conformal (projection module) and scored leaving one series out:
the errors that calibrate a series' interval never include that series. The default method is chosen the same way:
for each series left out, the method with the lowest MAE on the others, scored on it.

The series are the national bulletin series in ``data/reference/national_moe_bulletins.csv`` and the series in
``data/reference/evaluation/*.csv``, each value with its source's address and sentence.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..cache import conform
from ..data.inputs import read_csv, read_text, validate_rows
from ..data.plan import GROSS_RATIO_CAP
from ..data.reference import REFERENCE_DIR
from ..errors import InputError
from .projection import (
    DEFAULT_METHOD,
    LEVEL_80,
    MAX_HORIZON,
    METHODS,
    MIN_POINTS,
    Calibration,
    _Line,
    _Scale,
    _t_quantile,
    _t_sf,
    forecast,
    forecast_z,
    projection_bounds,
    typical_step,
)

EVALUATION_DIR = REFERENCE_DIR / "evaluation"
NATIONAL_FILE = REFERENCE_DIR / "national_moe_bulletins.csv"
SERIES_COLUMNS = ["series_id", "region_zh", "region_en", "indicator", "name_zh", "name_en", "year", "value", "unit",
                  "kind", "source", "source_url", "stated_as"]
#: Every series evaluated is a percentage: a share is projected on the logit scale of [0, 100] as the plans' rates
#: are, a gross ratio below a ceiling set by its own values (projection.GROSS_MARGIN) as the plans' gross ratios are.
BOUNDS = (0.0, 100.0)
#: Nominal levels of the calibration chart.
LEVELS = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95)
#: Errors are measured in each series' typical yearly step (chosen by the evaluation: README, notebook 02).
SCALED = True
#: The evaluation's row for the OLS trend with its model-based t interval (the earlier default).
OLS_T = "ols_logit_t"

FORECASTS: dict[str, str] = {
    "series_id": "string", "method": "string", "origin": "int64", "year": "int64", "horizon": "int64",
    "n_fit": "int64", "actual": "float64", "forecast": "float64", "z_actual": "float64", "z_forecast": "float64",
    "step": "float64", "t_se": "float64", "t_df": "float64", "upper": "float64",
}


class SeriesRow(BaseModel):
    """One value of an evaluation series, with the page that states it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    series_id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    region_zh: str = Field(min_length=1)
    region_en: str = Field(min_length=1)
    indicator: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    year: int = Field(ge=1949, le=2100)
    value: float = Field(allow_inf_nan=False)
    unit: str = Field(pattern=r"^percent$")
    kind: str = Field(pattern=r"^(share|gross_ratio)$")
    source: str = Field(min_length=1)
    source_url: str = Field(min_length=1)
    stated_as: str = Field(min_length=1)

    @field_validator("year", mode="before")
    @classmethod
    def _whole_year(cls, v: object) -> object:
        if isinstance(v, str) and not v.strip().isdigit():
            raise ValueError("not a whole year")
        return v


def _read_series_file(path: Path) -> pd.DataFrame:
    rows = read_csv(path, SERIES_COLUMNS, SERIES_COLUMNS)
    models = validate_rows(SeriesRow, [r for _, r in rows], [(path, n) for n, _ in rows])
    seen: dict[tuple[str, int], int] = {}
    for (number, _), m in zip(rows, models, strict=True):
        if (m.series_id, m.year) in seen:
            raise InputError(path, f"duplicate year of {m.series_id} (also row {seen[(m.series_id, m.year)]})",
                             row=number, field="year", value=m.year)
        seen[(m.series_id, m.year)] = number
    return pd.DataFrame([m.model_dump() for m in models], columns=SERIES_COLUMNS)


#: The words that make a national bulletin's rate a gross ratio (it can exceed 100): 毛入学率, 毛入园率, 巩固率.
GROSS_RATIO_WORDS = ("毛入学率", "毛入园率", "巩固率")


def _national_as_series(path: Path) -> pd.DataFrame:
    """The national bulletin series as evaluation series; a series is a gross ratio or a share by its Chinese name."""
    text = read_text(path)  # not UTF-8, binary, missing: the one-line error naming the file
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    for column, whole in (("year", True), ("value", False)):  # text in a number column: its row, field and value
        numbers = pd.to_numeric(frame[column], errors="coerce")
        bad = np.flatnonzero(numbers.isna() | (numbers % 1 != 0 if whole else False))
        if len(bad):
            raise InputError(path, "a whole number is required" if whole else "not a number", row=int(bad[0]) + 2,
                             field=column, value=frame[column].iloc[bad[0]])
        frame[column] = numbers.astype("int64" if whole else "float64")
    gross = frame["name_zh"].str.contains("|".join(GROSS_RATIO_WORDS), regex=True)
    return frame.assign(series_id="china_" + frame["indicator"], region_zh="全国", region_en="China",
                        kind=np.where(gross, "gross_ratio", "share"))[SERIES_COLUMNS]


def load_series(folder: str | Path = EVALUATION_DIR, national: str | Path | None = NATIONAL_FILE) -> pd.DataFrame:
    """Every evaluation series, one row per series and year (columns :data:`SERIES_COLUMNS` plus ``file``), sorted.

    Where two files give the same series and year, the national bulletin file wins, then files in name order.
    A malformed file raises :class:`~fuxin_analysis.errors.InputError` naming the file, row, field and value.
    """
    parts = []
    if national is not None:
        parts.append(_national_as_series(Path(national)).assign(file=Path(national).name))
    for path in sorted(Path(folder).glob("*.csv")):
        parts.append(_read_series_file(path).assign(file=path.name))
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=[*SERIES_COLUMNS, "file"])
    frame = frame.drop_duplicates(["series_id", "year"], keep="first")
    return frame.sort_values(["series_id", "year"], ignore_index=True)


def usable(series: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The series the harness scores, and those left out with the reason (too short to give a forecast point, or
    a value outside [0, 100] for a share, above the plausibility cap for a gross ratio)."""
    reasons = {}
    if "kind" not in series:  # a table of shares only (the harness's own tests pass such)
        series = series.assign(kind="share")
    for sid, g in series.groupby("series_id", sort=True):
        top = BOUNDS[1] if (g["kind"] == "share").all() else GROSS_RATIO_CAP
        if ((g["value"] < BOUNDS[0]) | (g["value"] > top)).any():
            reasons[sid] = f"a value outside [{BOUNDS[0]:g}, {top:g}] ({g['value'].max():g})"
        elif len(g) <= MIN_POINTS:
            reasons[sid] = f"{len(g)} values: no origin with {MIN_POINTS} points and a later value"
    left_out = pd.DataFrame({"series_id": list(reasons), "reason": list(reasons.values())})
    return series[~series["series_id"].isin(reasons)].reset_index(drop=True), left_out


def _series_forecasts(sid: str, years: np.ndarray, values: np.ndarray, methods: tuple[str, ...],
                      kind: str = "share") -> list[dict]:
    """A share is projected within [0, 100] as the plans' rates are; a gross ratio below the ceiling its values up
    to the origin set (:func:`~fuxin_analysis.methods.projection.projection_bounds`), as the plans' gross ratios are."""
    rows = []
    for i in range(MIN_POINTS - 1, len(years) - 1):
        origin = years[i]
        later = (years > origin) & (years <= origin + MAX_HORIZON)
        if not later.any():
            continue
        bounds = projection_bounds("gross_ratio", *BOUNDS, values[: i + 1]) if kind == "gross_ratio" else BOUNDS
        scale = _Scale(*bounds)
        z_all = np.asarray(scale.forward(values), dtype=float)
        future = years[later]
        x, v, z = years[: i + 1], values[: i + 1], z_all[: i + 1]
        damped = None
        line = _Line.fit(x - x[0], z)
        step = typical_step(x, z)
        for method in methods:
            if method == "two_point":
                fc = forecast(x, v, future, method, *bounds)
                zf = np.asarray(scale.forward(fc), dtype=float)
            else:
                if method in ("damped", "combination"):
                    if damped is None:
                        damped = forecast_z(x, z, future, "damped")
                    zf = damped if method == "damped" else (damped + forecast_z(x, z, future, "drift")) / 2
                else:
                    zf = forecast_z(x, z, future, method)
                fc = np.asarray(scale.back(zf), dtype=float)
            se = np.sqrt(line.s2 * (1 + 1 / line.n + (future - x[0] - line.x_mean) ** 2 / line.sxx))
            for k, year in enumerate(future):
                rows.append({
                    "series_id": sid, "method": method, "origin": int(origin), "year": int(year),
                    "horizon": int(year - origin), "n_fit": i + 1, "actual": float(values[later][k]),
                    "forecast": float(fc[k]), "z_actual": float(z_all[later][k]), "z_forecast": float(zf[k]),
                    "step": step, "upper": float(bounds[1]),
                    "t_se": float(se[k]) if method == "ols_logit" else np.nan,
                    "t_df": float(line.df) if method == "ols_logit" else np.nan,
                })
    return rows


def _compute_forecasts(data: pd.DataFrame, methods: tuple[str, ...]) -> pd.DataFrame:
    rows: list[dict] = []
    for sid, g in data.groupby("series_id", sort=True):
        rows += _series_forecasts(sid, g["year"].to_numpy(float), g["value"].to_numpy(float), methods,
                                  str(g["kind"].iloc[0]))
    return pd.DataFrame(rows, columns=list(FORECASTS))


def rolling_forecasts(series: pd.DataFrame, methods: tuple[str, ...] = tuple(METHODS),
                      cache: bool = True) -> pd.DataFrame:
    """Every forecast of the harness: one row per series, method, origin and forecast year (:data:`FORECASTS`), for
    the :func:`usable` series of ``series``.

    Cached by :mod:`fuxin_analysis.cache` (as plain JSON, checked against :data:`FORECASTS` when read; keyed by the
    series, the methods, this module's and the projection's source and the libraries' versions): about a second to
    compute, milliseconds to read. A cached and a computed table are identical, types included."""
    data, _ = usable(series)
    data = data[["series_id", "year", "value", "kind"]].sort_values(["series_id", "year"], kind="stable",
                                                                     ignore_index=True)
    methods = tuple(methods)
    if not cache:
        return conform(_compute_forecasts(data, methods), FORECASTS)
    from .. import cache as cache_mod

    key = cache_mod.key("evaluation", [data, list(methods), BOUNDS, MIN_POINTS, MAX_HORIZON],
                        modules=[__name__, "fuxin_analysis.methods.projection"],
                        packages=["scipy", "numpy", "pandas"])
    return cache_mod.cached_frame("evaluation", key, lambda: _compute_forecasts(data, methods), FORECASTS)


def calibration_from(forecasts: pd.DataFrame, method: str, scaled: bool = SCALED) -> Calibration:
    """The errors (actual − forecast, logit scale; divided by the series' typical step when ``scaled``) of
    ``method`` in ``forecasts``, by horizon."""
    part = forecasts[forecasts["method"] == method]
    errors = {int(h): ((g["z_actual"] - g["z_forecast"]) / (g["step"] if scaled else 1.0)).to_numpy(float)
              for h, g in part.groupby("horizon")}
    return Calibration(method=method, errors=errors, scaled=scaled)


_CALIBRATIONS: dict[tuple[str, str], Calibration] = {}


def calibration(method: str = DEFAULT_METHOD, folder: str | Path = EVALUATION_DIR,
                national: str | Path | None = NATIONAL_FILE) -> Calibration:
    """The calibration of ``method`` on every evaluation series (what the scorecard's intervals use); kept in
    memory per process, keyed by the series files' contents."""
    digest = hashlib.sha256()
    for path in [*([Path(national)] if national is not None else []), *sorted(Path(folder).glob("*.csv"))]:
        for part in (path.name.encode(), path.read_bytes()):  # each part's own hash: no file can mimic two
            digest.update(hashlib.sha256(part).digest())
    key = (method, digest.hexdigest())
    if key not in _CALIBRATIONS:
        _CALIBRATIONS[key] = calibration_from(rolling_forecasts(load_series(folder, national)), method)
    return _CALIBRATIONS[key]


def _brier_targets(series: pd.DataFrame) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    return {sid: (g["year"].to_numpy(int), g["value"].to_numpy(float)) for sid, g in series.groupby("series_id")}


def out_of_sample(forecasts: pd.DataFrame, series: pd.DataFrame, levels: tuple[float, ...] = LEVELS,
                  scaled: bool = SCALED) -> pd.DataFrame:
    """Each forecast with its leave-one-series-out interval at each of ``levels`` (``inside_<level>``,
    ``width_80``) and its Brier contributions (``brier_sum``, ``brier_n``): the targets are the series' own values
    in the other years after the origin, up to the horizon limit; the event is that the forecast year's value is at
    or above the target. ``ols_logit`` rows appear twice: with the conformal interval and, as :data:`OLS_T`, with
    its own t interval and probability."""
    values = _brier_targets(series)
    out = []
    t_rows = forecasts[forecasts["method"] == "ols_logit"].assign(method=OLS_T)
    for frame in (forecasts, t_rows):
        for (method, sid), part in frame.groupby(["method", "series_id"], sort=True):
            part = part.copy()
            others = forecasts[(forecasts["method"] == ("ols_logit" if method == OLS_T else method))
                               & (forecasts["series_id"] != sid)]
            cal = calibration_from(others, "ols_logit" if method == OLS_T else method, scaled)
            years, vals = values[sid]
            cols: dict[str, list[float]] = {f"inside_{lv:g}": [] for lv in levels}
            cols.update(width_80=[], brier_sum=[], brier_n=[])
            for r in part.itertuples():
                h = int(r.horizon)
                # the scale this forecast was made on (a gross ratio's varies; tables without it are of shares)
                scale = _Scale(BOUNDS[0], getattr(r, "upper", BOUNDS[1]))
                z_vals = np.asarray(scale.forward(vals), dtype=float)
                for lv in levels:
                    if method == OLS_T:
                        half = _t_quantile(int(r.t_df), (1 + lv) / 2) * r.t_se
                        lo, hi = r.z_forecast - half, r.z_forecast + half
                    else:
                        lo, hi = cal.bounds(r.z_forecast, h, lv, r.step) if h in cal.errors else (np.nan, np.nan)
                    cols[f"inside_{lv:g}"].append(float(lo <= r.z_actual <= hi) if not np.isnan(lo) else np.nan)
                    if lv == LEVEL_80:
                        width = float(scale.back(hi) - scale.back(lo)) if not np.isnan(lo) else np.nan
                        cols["width_80"].append(width)
                pick = (years > r.origin) & (years <= r.origin + MAX_HORIZON) & (years != r.year)
                total, count = 0.0, 0
                for zt, vt in zip(z_vals[pick], vals[pick], strict=True):
                    if method == OLS_T:
                        p = _t_sf(int(r.t_df), (zt - r.z_forecast) / r.t_se) if r.t_se > 0 else \
                            float(r.z_forecast >= zt)
                    elif h in cal.errors:
                        p = cal.probability(r.z_forecast, h, zt, 1, r.step)
                    else:
                        continue
                    total += (p - float(r.actual >= vt)) ** 2
                    count += 1
                cols["brier_sum"].append(total)
                cols["brier_n"].append(count)
            out.append(part.assign(**cols))
    return pd.concat(out, ignore_index=True)


def _score(part: pd.DataFrame, naive_mae: float) -> dict[str, float]:
    mae = float((part["forecast"] - part["actual"]).abs().mean())
    return {"points": len(part), "series": part["series_id"].nunique(), "mae": mae,
            "mase": mae / naive_mae if naive_mae > 0 else np.nan,
            "coverage_80": float(part[f"inside_{LEVEL_80:g}"].mean()), "width_80": float(part["width_80"].mean()),
            "brier": float(part["brier_sum"].sum() / part["brier_n"].sum()) if part["brier_n"].sum() else np.nan}


def score_table(scored: pd.DataFrame) -> pd.DataFrame:
    """Per method (and :data:`OLS_T`) and horizon (``all`` for every horizon together): ``points, series, mae, mase,
    coverage_80, width_80, brier``, on the points every method forecast. ``scored`` is :func:`out_of_sample`."""
    naive = scored[scored["method"] == "last_value"].set_index(["series_id", "origin", "year"])
    rows = []
    for method in [*METHODS, OLS_T]:
        part = scored[scored["method"] == method]
        if part.empty:
            continue
        for horizon in [*range(1, MAX_HORIZON + 1), "all"]:
            sub = part if horizon == "all" else part[part["horizon"] == horizon]
            if sub.empty:
                continue
            base = naive.loc[list(zip(sub["series_id"], sub["origin"], sub["year"], strict=True))]
            naive_mae = float((base["forecast"] - base["actual"]).abs().mean())
            rows.append({"method": method, "horizon": str(horizon), **_score(sub, naive_mae)})
    return pd.DataFrame(rows)


def leave_one_series_out(forecasts: pd.DataFrame) -> pd.DataFrame:
    """For each series: the method with the lowest MAE on the other series (what would have been chosen without
    it), and that method's MAE on it. Columns ``series_id, chosen, mae``."""
    err = forecasts.assign(abs_error=(forecasts["forecast"] - forecasts["actual"]).abs())
    by = err.groupby(["series_id", "method"])["abs_error"].agg(["sum", "count"]).unstack("method")
    rows = []
    for sid in by.index:
        rest = by.drop(index=sid)
        mae = rest["sum"].sum() / rest["count"].sum()
        chosen = str(mae.idxmin())
        rows.append({"series_id": sid, "chosen": chosen,
                     "mae": float(by.loc[sid, ("sum", chosen)] / by.loc[sid, ("count", chosen)])})
    return pd.DataFrame(rows)


def coverage_by_level(scored: pd.DataFrame, methods: tuple[str, ...] = (DEFAULT_METHOD, OLS_T)) -> pd.DataFrame:
    """Nominal against observed (leave-one-series-out) coverage: ``method, nominal, observed, points``."""
    rows = []
    for method in methods:
        part = scored[scored["method"] == method]
        for lv in LEVELS:
            col = part[f"inside_{lv:g}"].dropna()
            rows.append({"method": method, "nominal": lv, "observed": float(col.mean()), "points": len(col)})
    return pd.DataFrame(rows)


def evaluate(folder: str | Path = EVALUATION_DIR, national: str | Path | None = NATIONAL_FILE) -> dict[str, pd.DataFrame]:
    """The whole evaluation: ``series`` (used), ``left_out``, ``forecasts``, ``scored``, ``scores``,
    ``selection`` (leave one series out) and ``coverage``."""
    series = load_series(folder, national)
    used, left_out = usable(series)
    forecasts = rolling_forecasts(series)
    scored = out_of_sample(forecasts, used)
    return {"series": used, "left_out": left_out, "forecasts": forecasts, "scored": scored,
            "scores": score_table(scored), "selection": leave_one_series_out(forecasts),
            "coverage": coverage_by_level(scored)}


def summary_table(result: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """All horizons together, one row per method: the table of the README and of ``python -m fuxin_analysis
    evaluate``, with the leave-one-series-out selection as a last row."""
    scores = result["scores"]
    table = scores[scores["horizon"] == "all"].drop(columns="horizon").reset_index(drop=True)
    sel = result["selection"]
    picked = result["forecasts"].merge(sel[["series_id", "chosen"]], left_on=["series_id", "method"],
                                       right_on=["series_id", "chosen"])
    table["default"] = table["method"] == DEFAULT_METHOD
    loso = {"method": "chosen leaving each series out", "points": len(picked), "series": picked["series_id"].nunique(),
            "mae": float((picked["forecast"] - picked["actual"]).abs().mean()), "default": False}
    return pd.concat([table, pd.DataFrame([loso])], ignore_index=True)


#: Series files whose rates are not about education (statistical bulletins' other shares): scored with the rest, and
#: also shown apart, so a reader sees how the methods do on education series alone.
OTHER_FILES = ("national_statistical_bulletins.csv",)


def group_table(result: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """All horizons together, per group of series (education rates; other rates of the statistical bulletins) and
    method: ``points, series, mae, coverage_80, width_80, brier`` (each series still left out of its calibration)."""
    other = set(result["series"].loc[result["series"]["file"].isin(OTHER_FILES), "series_id"])
    rows = []
    for group, mask in (("education", ~result["scored"]["series_id"].isin(other)),
                        ("other rates", result["scored"]["series_id"].isin(other))):
        part = result["scored"][mask]
        if part.empty:
            continue
        table = score_table(part)
        table = table[table["horizon"] == "all"].drop(columns=["horizon", "mase"])
        rows.append(table.assign(group=group))
    return pd.concat(rows, ignore_index=True).set_index(["group", "method"])


#: The ceilings margins the evaluation compares for gross ratios (projection.GROSS_MARGIN is the one chosen).
GROSS_MARGINS = (1.0, 2.0, 3.0, 5.0, 10.0, 20.0, 50.0)
#: How close to the lowest MAE a margin must come to be chosen by its Brier score.
MAE_TOLERANCE = 0.05


def gross_margin_scores(folder: str | Path = EVALUATION_DIR, national: str | Path | None = NATIONAL_FILE,
                        margins: tuple[float, ...] = GROSS_MARGINS) -> pd.DataFrame:
    """The default method on the gross-ratio series with each ceiling margin (highest value observed + margin):
    ``margin, points, mae, coverage_80, width_80, brier, chosen``. The rule: the best Brier score (the probability
    is what a planner reads) among the margins within :data:`MAE_TOLERANCE` of the lowest MAE. Computed afresh
    (seconds), never cached: the margin is what varies."""
    from . import projection

    series = load_series(folder, national)
    used, _ = usable(series)
    gross = set(used.loc[used["kind"] == "gross_ratio", "series_id"])
    rows = []
    chosen = projection.GROSS_MARGIN
    try:
        for margin in margins:
            projection.GROSS_MARGIN = float(margin)
            scored = out_of_sample(rolling_forecasts(series, (DEFAULT_METHOD,), cache=False), used)
            g = scored[scored["series_id"].isin(gross)]
            rows.append({"margin": float(margin), "points": len(g), "mae": float((g["forecast"] - g["actual"]).abs().mean()),
                         "coverage_80": float(g[f"inside_{LEVEL_80:g}"].mean()), "width_80": float(g["width_80"].mean()),
                         "brier": float(g["brier_sum"].sum() / g["brier_n"].sum())})
    finally:
        projection.GROSS_MARGIN = chosen
    table = pd.DataFrame(rows)
    near = table[table["mae"] <= table["mae"].min() * (1 + MAE_TOLERANCE)]
    best = near.sort_values(["brier", "mae"]).iloc[0]["margin"]
    return table.assign(chosen=table["margin"] == best)
