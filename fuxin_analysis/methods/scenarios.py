"""What-if paces: HYPOTHETICAL values, never observations.

For each open target, the pace it needs from its latest value; then, for pace assumptions set by the user
(multiples of that needed pace, or a yearly change per indicator), hypothetical yearly values from the latest
observation to a chosen year, and the status and probability that ``assess`` gives with them. Hypothetical rows
carry ``HYPOTHETICAL`` in their source, live only in memory, and every table built here says so in its columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from ..data import observations as obs_mod
from ..data.plan import FLOW_KINDS, Plan
from .progress import assess

HYPOTHETICAL = "HYPOTHETICAL"


def required_from_latest(plan: Plan, assessment: pd.DataFrame) -> pd.DataFrame:
    """Per target not yet achieved: the yearly change (levels) or yearly amount (totals) it needs from its
    latest value to reach the target by the target year. Columns: ``statement_id, indicator_id, kind,
    from_year, from_value, target_value, target_year, years_left, pace_needed``."""
    kinds = plan.indicators.set_index("indicator_id")["kind"]
    starts = plan.statements.set_index("statement_id")["period_start"]
    rows = []
    for _, r in assessment[assessment["status"] != "target_achieved"].iterrows():
        kind = kinds[r["indicator_id"]]
        target_year = int(r["target_year"])
        if kind in FLOW_KINDS:
            start = int(starts[r["statement_id"]])
            from_year = int(r["latest_year"]) if pd.notna(r["latest_year"]) else start - 1
            n_done = from_year - start + 1
            done = 0.0 if pd.isna(r["latest_value"]) else float(r["latest_value"])
            if kind == "flow_per_year":  # latest_value is the yearly average so far
                done *= n_done
                total = r["target_value"] * (target_year - start + 1)
            else:
                total = r["target_value"]
            years_left = target_year - from_year
            pace = (total - done) / years_left if years_left > 0 else np.nan
            from_value = done
        else:
            if pd.isna(r["latest_value"]):
                continue  # nothing to start from
            from_year, from_value = int(r["latest_year"]), float(r["latest_value"])
            years_left = target_year - from_year
            pace = (r["target_value"] - from_value) / years_left if years_left > 0 else np.nan
        rows.append({"statement_id": r["statement_id"], "indicator_id": r["indicator_id"], "kind": kind,
                     "from_year": from_year, "from_value": from_value, "target_value": r["target_value"],
                     "target_year": target_year, "years_left": years_left, "pace_needed": pace})
    return pd.DataFrame(rows, columns=["statement_id", "indicator_id", "kind", "from_year", "from_value",
                                       "target_value", "target_year", "years_left", "pace_needed"])


def hypothetical_observations(plan: Plan, needed: pd.DataFrame, through_year: int, multiplier: float | None = None,
                              paces: Mapping[str, float] | None = None, name: str = "") -> pd.DataFrame:
    """Hypothetical yearly values from each target's latest year to ``through_year``: at ``multiplier`` × the
    pace it needs, or at the yearly change given in ``paces`` for the indicators listed there. Levels are
    kept within the indicator's bounds. Rows have the observation columns, with HYPOTHETICAL in ``source``."""
    bounds = plan.indicators.set_index("indicator_id")[["lower_bound", "upper_bound"]]
    rows = []
    for _, r in needed.drop_duplicates("indicator_id").iterrows():
        if paces is not None:
            if r["indicator_id"] not in paces:
                continue
            pace = float(paces[r["indicator_id"]])
        else:
            pace = float(multiplier) * r["pace_needed"]
        if np.isnan(pace):
            continue
        low, high = bounds.loc[r["indicator_id"]]
        value = r["from_value"]
        for year in range(int(r["from_year"]) + 1, through_year + 1):
            if r["kind"] in FLOW_KINDS:
                amount = max(pace, 0.0)
            else:
                value = float(np.clip(value + pace, -np.inf if pd.isna(low) else low, np.inf if pd.isna(high) else high))
                amount = value
            rows.append({"indicator_id": r["indicator_id"], "year": year, "value": amount,
                         "source": f"{HYPOTHETICAL}: scenario {name}", "note": "not an observation"})
    return pd.DataFrame(rows, columns=list(obs_mod.COLUMNS))


def run_scenarios(plan: Plan, observations: Iterable[str] | None, assessment: pd.DataFrame,
                  multipliers: Iterable[float], through_year: int, indicators: Iterable[str] = (),
                  paces: Mapping[str, float] | None = None, as_of: int | None = None) -> pd.DataFrame:
    """Status and probability of each open target under each HYPOTHETICAL pace assumption.

    One row per scenario and target: ``scenario, statement_id, indicator_id, status, trend_status,
    projected_value, probability_met`` and ``hypothetical = True``. ``indicators`` limits the targets covered.
    ``as_of`` is that of ``assessment``: the scenarios start from what was known then, and observations after it
    are left out (the hypothetical values take their years).
    """
    needed = required_from_latest(plan, assessment)
    if indicators:
        needed = needed[needed["indicator_id"].isin(list(indicators))]
    observed = obs_mod.read_observations(list(observations or []), plan)[list(obs_mod.COLUMNS)]
    if as_of is not None:
        observed = observed[observed["year"] <= as_of]
    plans: list[tuple[str, pd.DataFrame]] = [
        (f"{m:g}× pace needed", hypothetical_observations(plan, needed, through_year, multiplier=m,
                                                          name=f"{m:g}x pace needed")) for m in multipliers]
    if paces:
        plans.append(("custom paces", hypothetical_observations(plan, needed, through_year, paces=paces,
                                                                name="custom paces")))
    results = []
    for name, hypothetical in plans:
        frame = pd.concat([observed, hypothetical], ignore_index=True)
        out = assess(plan, frame, as_of=through_year)
        out = out[out["statement_id"].isin(set(needed["statement_id"]) & set(
            out.loc[out["indicator_id"].isin(set(hypothetical["indicator_id"])), "statement_id"]))]
        out = out.assign(scenario=name, hypothetical=True)
        results.append(out[["scenario", "statement_id", "indicator_id", "name_zh", "name_en", "status",
                            "trend_status", "projected_value", "probability_met", "hypothetical"]])
    return pd.concat(results, ignore_index=True) if results else pd.DataFrame()
