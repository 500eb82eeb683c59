"""``assess`` end to end on the shipped plan: columns, baselines as base, ``as_of``, flows and history pace."""

import numpy as np
import pandas as pd
import pytest

from fuxin_analysis import assess
from fuxin_analysis.methods.progress import COLUMNS

from .conftest import PLAN_DIR, ROOT


def _obs(rows):
    return pd.DataFrame(rows, columns=["indicator_id", "year", "value", "source"])


def test_columns_in_order_one_row_per_target(plan):
    out = assess(plan, [ROOT / "data" / "observations" / "fuxin_observed.csv"])
    assert list(out.columns) == COLUMNS
    assert len(out) == (plan.statements["role"] == "target").sum()
    assert out["statement_id"].is_unique


def test_plan_folder_path_is_accepted():
    out = assess(PLAN_DIR)
    row = out.set_index("statement_id").loc["t_preschool_ger_2025"]
    # 95% in 2020 already meets "95%以上": achieved on the plan's own figure, latest year 2020
    assert (row["status"], row["latest_year"], row["status_zh"]) == ("target_achieved", 2020, "已实现目标")


def test_hs_ger_with_observations_and_as_of(plan):
    obs = _obs([("hs_ger", 2021, 98.2, "test bulletin"), ("hs_ger", 2022, 98.4, "test bulletin"), ("hs_ger", 2023, 98.9, "test bulletin")])
    row = assess(plan, obs).set_index("statement_id").loc["t_hs_ger_2025"]
    # base 98 (2020, the plan), current 98.9 (2023), target 99 (2025)
    # CAGR_obs = (98.9/98)^(1/3) − 1 = 0.0030519; CAGR_req = (99/98)^(1/5) − 1 = 0.0020326; R = 1.50148
    assert row["cagr_ratio"] == pytest.approx(1.50148, abs=1e-4)
    assert row["status"] == "substantial_progress"
    # SDSN: required (99 − 98)/5 = 0.2 a year, observed (98.9 − 98)/3 = 0.3 a year → on track
    assert row["required_annual_change"] == pytest.approx(0.2)
    assert row["observed_annual_change"] == pytest.approx(0.3)
    assert row["trend_status"] == "on_track"
    assert row["n_observations"] == 4 and row["latest_year"] == 2023
    # a gross ratio (hs_ger) is projected below max(100, highest observed) + GROSS_MARGIN (3) = 103, not below 100
    assert row["projected_value"] < 103 and row["projected_high_80"] < 103
    # what did we know in 2021? only the plan's 98 and 98.2
    early = assess(plan, obs, as_of=2021).set_index("statement_id").loc["t_hs_ger_2025"]
    assert (early["latest_year"], early["latest_value"], early["n_observations"]) == (2021, 98.2, 2)
    # CAGR_obs = 98.2/98 − 1 = 0.0020408; R = 0.0020408/0.0020326 = 1.00404
    assert early["cagr_ratio"] == pytest.approx(1.00404, abs=1e-4)
    assert np.isnan(early["projected_low_80"])  # two observations: a line, no interval


def test_plan_figure_stays_the_base(plan):
    obs = _obs([("hs_ger", 2020, 97.0, "test bulletin"), ("hs_ger", 2022, 98.4, "test bulletin")])
    with pytest.warns(UserWarning, match="differs from the plan's baseline"):
        row = assess(plan, obs).set_index("statement_id").loc["t_hs_ger_2025"]
    assert row["baseline_value"] == 98.0
    assert row["observed_annual_change"] == pytest.approx(0.2)  # (98.4 − 98)/2, not from 97


def test_totals_and_history_pace(plan):
    obs = _obs([("excellent_head_teachers", 2021, 50, "test bulletin"), ("excellent_head_teachers", 2022, 70, "test bulletin")])
    row = assess(plan, obs).set_index("statement_id").loc["t_excellent_head_teachers_2021_2025"]
    assert (row["baseline_year"], row["baseline_value"]) == (2020, 165)  # the 2016–2020 total
    assert row["latest_value"] == 120 and row["latest_year"] == 2022
    assert row["cagr_ratio"] == pytest.approx(1.0)  # (120/300)/(2/5)
    assert row["pace_required_vs_history"] == pytest.approx(60 / 33)  # 1.82
    assert row["status"] == "substantial_progress"
    # two yearly amounts: the line through them (50, 70, 90, 110, 130) → 50 + 70 + 90 + 110 + 130 = 450
    assert row["projected_value"] == pytest.approx(450)


def test_as_of_before_baseline_is_refused(plan):
    with pytest.raises(ValueError, match="before the plan's baseline year"):
        assess(plan, None, as_of=2019)
