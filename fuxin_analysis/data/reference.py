"""Reference data: the national series from the Ministry of Education's statistical bulletins, and the
national 14th Five-Year targets, as tidy frames (read from ``data/reference/``, with their citations); and a plan's
figures beside them, for the indicators its ``comparable.csv`` maps to a national series."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "data" / "reference"


def national_series(path: str | Path = REFERENCE_DIR / "national_moe_bulletins.csv") -> pd.DataFrame:
    """One row per national indicator and year: ``indicator_id, year, value, name_zh, name_en, unit, source…``."""
    frame = pd.read_csv(path, encoding="utf-8", dtype={"year": "int64", "value": "float64"})
    return frame.rename(columns={"indicator": "indicator_id"}).sort_values(["indicator_id", "year"],
                                                                             ignore_index=True)


def national_targets(path: str | Path = REFERENCE_DIR / "national_14th_targets.csv") -> pd.DataFrame:
    """The national 14th Five-Year education targets for 2025, with the reports that carried them."""
    frame = pd.read_csv(path, encoding="utf-8", dtype={"target_year": "int64", "value": "float64"})
    return frame.rename(columns={"indicator": "indicator_id"})


def national_units(folder: str | Path = REFERENCE_DIR) -> dict[str, set[str]]:
    """Every national series id of ``national_moe_bulletins.csv`` and ``national_14th_targets.csv`` with its unit(s):
    the series a plan's ``comparable.csv`` may name."""
    units: dict[str, set[str]] = {}
    for name in ("national_moe_bulletins.csv", "national_14th_targets.csv"):
        with open(Path(folder) / name, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                units.setdefault(row["indicator"], set()).add(row["unit"])
    return units


def plan_side(who: tuple[str, str]) -> tuple[str, str]:
    """How a comparison names the plan's figures: its jurisdiction (``who``, Chinese and English), or "规划 / Plan"
    when the plan is itself national, so that its columns and legend entries differ from the national figures'."""
    return ("规划", "Plan") if who[0].strip() == "全国" or who[1].strip().lower() == "china" else who


#: The columns of :func:`comparison_table`.
COMPARISON_COLUMNS = ("indicator_id", "national_indicator_id", "name_zh", "name_en", "plan_base", "national_base",
                      "plan_target_comparator", "plan_target", "national_latest_year", "national_latest",
                      "national_target_comparator", "national_target", "note")


def comparison_table(plan_table: pd.DataFrame, national: pd.DataFrame, targets: pd.DataFrame,
                     mapping: pd.DataFrame, base_year: int = 2020, target_year: int = 2025) -> pd.DataFrame:
    """The plan's baseline and target beside the national value in the same years and the national target.

    ``plan_table`` is :func:`fuxin_analysis.present.tables.baseline_target_table`; ``mapping`` is the plan's
    ``comparable.csv`` (:attr:`fuxin_analysis.data.plan.Plan.comparable`). One row per mapped indicator:
    ``indicator_id, national_indicator_id, name_zh, name_en, plan_base, national_base, plan_target_comparator,
    plan_target, national_latest_year, national_latest, national_target_comparator, national_target, note``.
    """
    nat = national.set_index(["indicator_id", "year"])["value"]
    nat_targets = targets[targets["target_year"] == target_year].set_index("indicator_id")
    rows = []
    for _, m in mapping.iterrows():
        series = national[national["indicator_id"] == m["national_indicator_id"]]
        latest = series[series["year"] <= target_year].sort_values("year").tail(1)
        t = nat_targets.loc[m["national_indicator_id"]] if m["national_indicator_id"] in nat_targets.index else None
        for _, p in plan_table[plan_table["indicator_id"] == m["indicator_id"]].iterrows():  # one row per target
            rows.append({
                "indicator_id": m["indicator_id"], "national_indicator_id": m["national_indicator_id"],
                "name_zh": p["name_zh"], "name_en": p["name_en"],
                "plan_base": p["baseline_value"] if pd.notna(p["baseline_period_end"])
                and p["baseline_period_end"] == base_year else float("nan"),
                "national_base": nat.get((m["national_indicator_id"], base_year), float("nan")),
                "plan_target_comparator": p["target_comparator"], "plan_target": p["target_value"],
                "national_latest_year": int(latest["year"].iloc[0]) if len(latest) else None,
                "national_latest": float(latest["value"].iloc[0]) if len(latest) else float("nan"),
                "national_target_comparator": None if t is None else t["comparator"],
                "national_target": float("nan") if t is None else float(t["value"]),
                "note": m["note"],
            })
    return pd.DataFrame(rows, columns=list(COMPARISON_COLUMNS))
