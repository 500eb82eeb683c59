"""Data gaps: per target, which years have an observed value and which are missing, and which single figures would
most change the scorecard. What the bureau takes to its statisticians.

The figures are ranked by what they would do to the scorecard (the outcome rules of :mod:`fuxin_analysis.methods.progress`):
1. ``decides the outcome`` — a target whose target year has come (``pending``): its target-year value (for a total,
   the missing years' amounts) turns it into ``met`` or ``not_met``;
2. ``gives a first status`` — a target with nothing observed after the baseline (``no_data``): its latest year's
   value gives it a status, a trend and, with enough years, a projection;
3. ``updates the status`` — an ``open`` target: its latest missing year.
Targets whose outcome is known need nothing more. Within a rank, targets keep the scorecard's order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data.plan import FLOW_KINDS, Plan

COLUMNS = ["statement_id", "indicator_id", "name_zh", "name_en", "domain", "unit", "target_year", "outcome",
           "years_observed", "years_missing", "next_figure", "priority", "why"]
#: The ranks, with what the figure would do (Chinese, English).
PRIORITIES: dict[int, tuple[str, str]] = {
    1: ("决定结果（达成与否）", "decides the outcome (met or not)"),
    2: ("给出首个进展状态", "gives a first status"),
    3: ("更新进展状态", "updates the status"),
}


def _years(values: list[int]) -> str:
    return ", ".join(str(y) for y in values)


def data_gaps(plan: Plan, data: pd.DataFrame, assessment: pd.DataFrame, now: int) -> pd.DataFrame:
    """One row per target of ``assessment``: the years of the plan period up to ``now`` (the target year at most)
    with and without an observed value (the plan's baseline year counts for a level), the single figure that would
    most change its row (``next_figure``, e.g. ``2025``) and its ``priority`` (module docstring; 0 when nothing is
    needed). ``data`` is :func:`fuxin_analysis.data.observations.load` with the same ``as_of``. Sorted by priority."""
    statements = plan.targets().set_index("statement_id")
    observed = data.groupby("indicator_id")["year"].apply(lambda s: sorted({int(y) for y in s})).to_dict()
    base_year = plan.meta.baseline_year
    rows = []
    for order, r in enumerate(assessment.itertuples()):
        st = statements.loc[r.statement_id]
        flow = st["kind"] in FLOW_KINDS
        first = int(st["period_start"]) if flow else base_year
        last = min(int(r.target_year), now)
        span = list(range(first, last + 1))
        have = [y for y in observed.get(r.indicator_id, []) if first <= y <= int(r.target_year)]
        missing = [y for y in span if y not in have]
        priority, figure = 0, ""
        if r.outcome == "pending":
            priority = 1
            figure = _years(missing) if flow else str(int(r.target_year))
        elif r.outcome == "no_data":
            priority = 2
            figure = _years(missing) if flow else str(last) if last > base_year else ""
        elif r.outcome == "open" and missing:
            priority = 3
            figure = str(max(missing))
        if priority and not figure:
            priority = 0  # nothing can be observed yet (the plan period has not begun)
        rows.append({
            "statement_id": r.statement_id, "indicator_id": r.indicator_id, "name_zh": r.name_zh,
            "name_en": r.name_en, "domain": r.domain, "unit": r.unit, "target_year": int(r.target_year),
            "outcome": r.outcome, "years_observed": _years(have), "years_missing": _years(missing),
            "next_figure": figure, "priority": priority,
            "why": PRIORITIES[priority][1] if priority else "", "_order": order,
        })
    out = pd.DataFrame(rows, columns=[*COLUMNS, "_order"])
    rank = np.where(out["priority"] == 0, 99, out["priority"])
    return (out.assign(_rank=rank).sort_values(["_rank", "_order"], kind="stable")
            .drop(columns=["_rank", "_order"]).reset_index(drop=True))
