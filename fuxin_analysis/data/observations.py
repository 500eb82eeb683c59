"""Observed values: CSV files or Excel workbooks (:mod:`fuxin_analysis.data.workbook`) of ``indicator_id, year, value,
source, note``, validated against a plan.

The plan's own baselines for its baseline year are observations too (``origin = "plan"``). An observed value
for the baseline year that differs from the plan's figure is kept (``origin = "observed"``) and reported with
a warning; the plan's figure stays the base of every calculation.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Annotated

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ..errors import InputError, nearest
from .inputs import read_csv, validate_rows
from .plan import GROSS_RATIO, LEVEL_KINDS, FiniteFloat, Plan, SnakeId, Text, Year

COLUMNS = ("indicator_id", "year", "value", "source", "note")
FRAME_COLUMNS = ["indicator_id", "year", "value", "source", "note", "origin", "file"]


class ObservationWarning(UserWarning):
    """An observation that is kept but deserves a look (e.g. it differs from the plan's baseline)."""


class ObservationRow(BaseModel):
    """One row of an observation file."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    indicator_id: SnakeId
    year: Year
    value: FiniteFloat
    source: Annotated[Text, StringConstraints(min_length=3)] = Field(description="publication and address")
    note: str = ""


def empty() -> pd.DataFrame:
    """An observation frame with no rows."""
    return pd.DataFrame({c: pd.Series(dtype="int64" if c == "year" else "float64" if c == "value" else "str")
                         for c in FRAME_COLUMNS})


def read_observations(paths: Iterable[str | Path], plan: Plan, today: date | None = None) -> pd.DataFrame:
    """Read and validate observation files against ``plan``; one error naming file, row, field, value.

    A year after the current year (``today``, by default the system's date) cannot have been observed: it is
    refused like any bad value (usually a typo, 2032 for 2023)."""
    def rows() -> Iterable[tuple[Path | str, int, dict[str, object]]]:
        for path in map(Path, paths):
            suffix = path.suffix.lower()
            if suffix in (".xlsx", ".xls"):
                from .workbook import read_rows

                yield from read_rows(path)
            elif suffix == ".csv":
                for row, record in read_csv(path, COLUMNS, COLUMNS[:4]):
                    yield path, row, record
            else:
                raise InputError(path, "an observation file must be a .csv file or an Excel workbook (.xlsx)")

    return _validated(rows(), plan, last_year=(today or date.today()).year)


def _validated(rows: Iterable[tuple[Path, int, dict[str, object]]], plan: Plan,
               last_year: int | None = None) -> pd.DataFrame:
    """Rows checked against the schema in one pass, then across rows and files with vectorised checks (no year
    after ``last_year``, known indicator, within bounds, no indicator-year twice); the first problem in file order
    is raised."""
    rows = list(rows)
    if not rows:
        return empty()
    records = [r for _, _, r in rows]
    places = [(p, n) for p, n, _ in rows]
    checked = validate_rows(ObservationRow, records, places)
    frame = pd.DataFrame({
        "indicator_id": [o.indicator_id for o in checked], "year": [o.year for o in checked],
        "value": [o.value for o in checked], "source": [o.source for o in checked],
        "note": [o.note for o in checked], "origin": "observed", "file": [str(p) for p, _ in places],
    }, columns=FRAME_COLUMNS).astype({"year": "int64", "value": "float64"})
    indicators = plan.indicators.set_index("indicator_id")

    def fail(i: int, problem: str, field: str, hint: str | None = None) -> None:
        path, row = places[i]
        raise InputError(path, problem, row=row, field=field, value=records[i].get(field), hint=hint)

    future = frame["year"] > last_year if last_year is not None else pd.Series(False, index=frame.index)
    if future.any():
        i = int(future.to_numpy().argmax())
        fail(i, f"a year after the current year {last_year} cannot have been observed", "year")
    unknown = ~frame["indicator_id"].isin(indicators.index)
    if unknown.any():
        i = int(unknown.to_numpy().argmax())
        guess = nearest(frame.at[i, "indicator_id"], indicators.index)
        fail(i, f"unknown indicator (not in plan {plan.id})", "indicator_id",
             f"did you mean '{guess}'?" if guess else None)
    low = frame["indicator_id"].map(indicators["lower_bound"])
    high = frame["indicator_id"].map(indicators["upper_bound"])
    outside = (low.notna() & (frame["value"] < low)) | (high.notna() & (frame["value"] > high))
    if outside.any():
        i = int(outside.to_numpy().argmax())
        ind = indicators.loc[frame.at[i, "indicator_id"]]
        bounds = f"[{'' if pd.isna(low[i]) else f'{low[i]:g}'}, {'' if pd.isna(high[i]) else f'{high[i]:g}'}]"
        if ind["kind"] == GROSS_RATIO and frame.at[i, "value"] > high[i]:
            fail(i, f"above the plausibility cap {high[i]:g} of {frame.at[i, 'indicator_id']}, a gross ratio: it may "
                    f"exceed 100 (pupils of any age over the official age group), but not {high[i]:g} (a slipped "
                    "decimal?)", "value")
        fail(i, f"outside the bounds {bounds} of {frame.at[i, 'indicator_id']} ({ind['unit']}"
                f"{', a share of a whole' if ind['kind'] == 'rate' and ind['unit'] == 'percent' else ''})", "value")
    twice = frame.duplicated(["indicator_id", "year"], keep="first")
    if twice.any():
        i = int(twice.to_numpy().argmax())
        same = frame[(frame["indicator_id"] == frame.at[i, "indicator_id"]) & (frame["year"] == frame.at[i, "year"])]
        first = int(same.index[0])
        first_path, first_row = places[first]
        where = "this file" if first_path == places[i][0] else Path(first_path).name
        fail(i, f"duplicate indicator-year (also in {where}, row {first_row})", "year")
    return frame


def plan_baselines_as_observations(plan: Plan) -> pd.DataFrame:
    """The plan's baseline levels (2020 values of rates, stocks, ratios, years) as observations of their year.

    Only single values (comparator ``=``) count; flows (totals over 2016–2020) are not yearly observations.
    """
    base = plan.baselines()
    base = base[base["kind"].isin(LEVEL_KINDS) & (base["period_start"] == base["period_end"])
                & (base["comparator"] == "=")]  # a range such as "95% 和 90%" is not one observed value
    return pd.DataFrame({
        "indicator_id": base["indicator_id"],
        "year": base["period_end"].astype("int64"),
        "value": base["value"].astype("float64"),
        "source": f"{plan.meta.name_zh}, " + base["source_section"] + ": " + base["source_quote"],
        "note": base["note"],
        "origin": "plan",
        "file": str(plan.path / "statements.csv"),
    }, columns=FRAME_COLUMNS).reset_index(drop=True)


def combine(plan: Plan, observed: pd.DataFrame) -> pd.DataFrame:
    """Plan baselines and observed values in one tidy frame, sorted by indicator and year.

    Where an observed value falls on a plan baseline's indicator and year, both rows are kept; a warning
    says so when the values differ (the plan's figure stays the base).
    """
    base = plan_baselines_as_observations(plan)
    clash = base.merge(observed, on=["indicator_id", "year"], suffixes=("_plan", "_obs"))
    for _, r in clash[clash["value_plan"] != clash["value_obs"]].iterrows():
        warnings.warn(
            f"{r['file_obs']}: {r['indicator_id']} {r['year']} observed {r['value_obs']:g} differs from the plan's "
            f"baseline {r['value_plan']:g}; the plan's figure stays the base",
            ObservationWarning, stacklevel=2)
    frames = [f for f in (base, observed) if len(f)]
    out = pd.concat(frames, ignore_index=True) if frames else empty()
    order = {"plan": 0, "observed": 1}
    out = out.assign(_o=out["origin"].map(order)).sort_values(["indicator_id", "year", "_o"], kind="stable")
    return out.drop(columns="_o").reset_index(drop=True)


def load(observations: pd.DataFrame | Iterable[str | Path] | None, plan: Plan, as_of: int | None = None) -> pd.DataFrame:
    """Observations given as a frame or as CSV paths, validated and combined with the plan's baselines;
    with ``as_of``, only the years up to it."""
    if observations is None:
        observed = empty()
    elif isinstance(observations, pd.DataFrame):
        observed = _check_frame(observations, plan)
    elif isinstance(observations, str | Path):
        observed = read_observations([observations], plan)
    else:
        observed = read_observations(list(observations), plan)
    data = combine(plan, observed)
    return data if as_of is None else data[data["year"] <= as_of].reset_index(drop=True)


def _check_frame(frame: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """A frame given in code goes through the same checks as a file; rows are numbered as in a CSV file."""
    label = Path("<observations frame>")
    for column in COLUMNS[:4]:
        if column not in frame.columns:
            raise InputError(label, "missing column", row=1, field=column)
    records = frame[[c for c in COLUMNS if c in frame.columns]].to_dict("records")
    return _validated(((label, i, r) for i, r in enumerate(records, start=2)), plan)
