"""Reference data: the national series from the Ministry of Education's statistical bulletins, and the
national 14th Five-Year targets, as tidy frames (read from ``data/reference/``, with their citations)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "data" / "reference"


def national_series(path: str | Path = REFERENCE_DIR / "national_moe_bulletins.csv") -> pd.DataFrame:
    """One row per national indicator and year: ``indicator_id, year, value, name_zh, name_en, unit, source…``."""
    frame = pd.read_csv(path, encoding="utf-8", dtype={"year": "int64", "value": "float64"})
    return frame.rename(columns={"indicator": "indicator_id"}).sort_values(["indicator_id", "year"],
                                                                             ignore_index=True)


def national_targets(path: str | Path = REFERENCE_DIR / "national_14th_targets.csv") -> pd.DataFrame:
    """The national 14th Five-Year education targets for 2025, with the reports that carried them."""
    frame = pd.read_csv(path, encoding="utf-8", dtype={"target_year": "int64", "value": "float64"})
    return frame.rename(columns={"indicator": "indicator_id"})
