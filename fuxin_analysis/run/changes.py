"""What changed since the last report in the same folder: per target, the status and outcome before and after, and
the new or changed observations behind the change.

A report holds what it needs for the next comparison: ``scorecard.csv`` (the assessment), ``observations.csv`` (every
observation it used, the plan's baselines included) and ``manifest.json`` (run time, plan, parameters). Changes
compare like with like: when the plan differs nothing is compared, and when a parameter that shapes the scorecard
differs (``as_of``, the observation files) the comparison says so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .destination import MANIFEST

OBSERVATIONS_FILE = "observations.csv"
CHANGES_FILE = "changes.csv"
COLUMNS = ["statement_id", "indicator_id", "name_zh", "name_en", "changed", "status_before", "status_after",
           "outcome_before", "outcome_after", "latest_before", "latest_after", "new_observations", "previous_run",
           "this_run"]
#: Parameters whose difference makes two scorecards differ for reasons other than new data.
COMPARED_PARAMETERS = ("as_of", "observations")


@dataclass(frozen=True)
class Previous:
    """The report a folder held before this run: its run time, plan id, parameters, scorecard and observations
    (None when that report did not keep them)."""

    run_time: str
    plan_id: str | None
    parameters: dict
    scorecard: pd.DataFrame
    observations: pd.DataFrame | None


@dataclass(frozen=True)
class Changes:
    """The comparison: ``table`` has :data:`COLUMNS` (one row per target, empty when nothing could be compared);
    ``notes`` are sentences (Chinese, English) the index shows above it."""

    table: pd.DataFrame
    notes: list[tuple[str, str]] = field(default_factory=list)
    previous_run: str | None = None

    @property
    def changed(self) -> pd.DataFrame:
        return self.table[self.table["changed"]] if len(self.table) else self.table


def read_previous(folder: Path) -> Previous | None:
    """The report in ``folder`` (checked by :mod:`fuxin_analysis.run.destination` as this tool's, unchanged), or None
    when there is none or its scorecard cannot be read."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        scorecard = pd.read_csv(folder / "scorecard.csv", encoding="utf-8-sig")
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or "statement_id" not in scorecard.columns:
        return None
    try:
        observations = pd.read_csv(folder / OBSERVATIONS_FILE, encoding="utf-8-sig")
    except (OSError, ValueError):
        observations = None
    plan = manifest.get("plan") if isinstance(manifest.get("plan"), dict) else {}
    parameters = manifest.get("parameters") if isinstance(manifest.get("parameters"), dict) else {}
    return Previous(run_time=str(manifest.get("run_time", "")), plan_id=plan.get("id"), parameters=parameters,
                    scorecard=scorecard, observations=observations)


def _observation_key(frame: pd.DataFrame) -> pd.Series:
    return frame.drop_duplicates(["indicator_id", "year"]).set_index(["indicator_id", "year"])["value"]


def _new_observations(before: pd.DataFrame | None, after: pd.DataFrame) -> dict[str, str]:
    """Per indicator: the observations added or changed since ``before`` (``2024: 9800 (was 9700)``)."""
    if before is None:
        return {}
    old, new = _observation_key(before), _observation_key(after)
    out: dict[str, list[str]] = {}
    for (indicator, year), value in new.items():
        was = old.get((indicator, year))
        if was is None or pd.isna(was):
            out.setdefault(indicator, []).append(f"{int(year)}: {value:g}")
        elif float(was) != float(value):
            out.setdefault(indicator, []).append(f"{int(year)}: {value:g} (was {float(was):g})")
    for (indicator, year), was in old.items():
        if (indicator, year) not in new.index:
            out.setdefault(indicator, []).append(f"{int(year)}: removed (was {float(was):g})")
    return {k: "; ".join(v) for k, v in out.items()}


def _same(a: object, b: object) -> bool:
    return (pd.isna(a) and pd.isna(b)) if (pd.isna(a) or pd.isna(b)) else a == b


def compare(previous: Previous | None, assessment: pd.DataFrame, observations: pd.DataFrame, plan_id: str,
            parameters: dict, this_run: str, unreadable: bool = False) -> Changes:
    """Target by target, ``previous`` against this run's ``assessment`` and ``observations``; ``unreadable``: the
    folder held a report whose scorecard could not be read (it is said so, rather than that there was none)."""
    empty = pd.DataFrame(columns=COLUMNS)
    if previous is None and unreadable:
        return Changes(empty, [("此文件夹中的上一份报告没有可读的记分卡（scorecard.csv）：无可比较。",
                                "The previous report in this folder has no readable scorecard.csv: nothing to compare.")])
    if previous is None:
        return Changes(empty, [("此文件夹中没有上一份报告：无可比较。", "No previous report in this folder: nothing to compare.")])
    if previous.plan_id != plan_id:
        return Changes(empty, [(f"上一份报告分析的是另一个规划（{previous.plan_id}），不作比较。",
                                f"The previous report analysed another plan ({previous.plan_id}): not compared.")],
                       previous.run_time)
    notes = []
    for name in COMPARED_PARAMETERS:
        before, after = previous.parameters.get(name), parameters.get(name)
        if before != after:
            notes.append((f"参数 {name} 不同（上次 {before}，本次 {after}）：部分变化可能来自参数而非新数据。",
                          (f"The parameter {name} differs ({before} before, {after} now): some changes may come from "
                          "it rather than from new data.")))
    if previous.observations is None:
        notes.append(("上一份报告未保存其观测数据：无法列出新增观测。",
                      "The previous report did not keep its observations: new observations cannot be listed."))
    new_obs = _new_observations(previous.observations, observations)
    old = previous.scorecard.set_index("statement_id")
    rows = []
    for r in assessment.itertuples():
        before = old.loc[r.statement_id] if r.statement_id in old.index else None
        get = (lambda c, b=before: None if b is None or c not in b.index else b[c])
        status_b, outcome_b, latest_b = get("status"), get("outcome"), get("latest_value")
        changed = (before is None or status_b != r.status or outcome_b != r.outcome
                   or not _same(latest_b, r.latest_value) or r.indicator_id in new_obs)
        rows.append({"statement_id": r.statement_id, "indicator_id": r.indicator_id, "name_zh": r.name_zh,
                     "name_en": r.name_en, "changed": bool(changed), "status_before": status_b,
                     "status_after": r.status, "outcome_before": outcome_b, "outcome_after": r.outcome,
                     "latest_before": latest_b, "latest_after": r.latest_value,
                     "new_observations": new_obs.get(r.indicator_id, ""), "previous_run": previous.run_time,
                     "this_run": this_run})
    table = pd.DataFrame(rows, columns=COLUMNS)
    if not table["changed"].any():
        notes.append(("与上一份报告相比，没有目标发生变化。", "No target changed since the previous report."))
    return Changes(table, notes, previous.run_time)


def write(changes: Changes, target: Path) -> Path:
    """``changes.csv``: every target with ``changed`` and the values before and after (UTF-8 with BOM, like the
    scorecard); only the header when nothing was compared."""
    changes.table.to_csv(target, index=False, encoding="utf-8-sig", float_format="%.10g", lineterminator="\n")
    return target


def write_observations(data: pd.DataFrame, target: Path) -> Path:
    """``observations.csv``: every observation the report used (the plan's baselines included), so that the next
    report can say which are new."""
    data[["indicator_id", "year", "value", "source", "note", "origin"]].to_csv(
        target, index=False, encoding="utf-8-sig", float_format="%.10g", lineterminator="\n")
    return target
