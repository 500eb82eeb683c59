"""The second real plan, the national education targets of the 14th Five-Year outline: it validates, and its full
report renders with the final evaluation (every rate met in 2025 by the bulletins' figures, worked out by hand)."""

import json
import re

import pandas as pd
import pytest

from fuxin_analysis import assess, load_plan
from fuxin_analysis.runner import run

from .conftest import ROOT

PLAN = ROOT / "data" / "plans" / "china_14th_education"
OBSERVED = ROOT / "data" / "observations" / "china_14th_observed.csv"
PARAMS = ROOT / "params" / "china_14th.yaml"


@pytest.fixture(scope="module")
def national_report(tmp_path_factory):
    return run(PARAMS, tmp_path_factory.mktemp("national") / "out", jobs=2, progress=lambda _: None).output


def test_the_plan_validates_and_cites_its_publication():
    plan = load_plan(PLAN)
    assert plan.meta.baseline_year == 2020 and plan.meta.period_end == 2025
    assert "http" in plan.meta.source and "/shared/" not in plan.meta.source
    assert "shared/seed" not in load_plan(ROOT / "data" / "plans" / "fuxin_14th").meta.source


def test_final_evaluation_by_hand():
    # 2025 bulletin: preschool 92.9 ≥ 90; consolidation 96.1 ≥ 96 (= target, higher is better); senior secondary
    # 92.0 ≥ 92; higher education 61.3 ≥ 60 → all four met, with probability exactly 1 and nothing projected
    out = assess(PLAN, [OBSERVED]).set_index("indicator_id")
    for indicator, value in [("preschool_ger", 92.9), ("compulsory_consolidation", 96.1), ("hs_ger", 92.0),
                             ("he_ger", 61.3)]:
        row = out.loc[indicator]
        assert (row["outcome"], row["latest_year"], row["latest_value"], row["probability_met"]) == (
            "met", 2025, value, 1.0)
        assert pd.isna(row["projected_value"])
    # the building and support targets have no observation in this folder
    assert set(out.loc[out["outcome"] != "met", "outcome"]) == {"no_data"}


def test_as_of_2022_projects_with_a_calibrated_interval():
    row = assess(PLAN, [OBSERVED], as_of=2022).set_index("indicator_id").loc["he_ger"]
    assert row["outcome"] == "open" and row["latest_value"] == 59.6
    assert row["projected_low_80"] < row["projected_value"] < row["projected_high_80"]
    assert 0 < row["probability_met"] < 1


def test_the_report_renders_the_final_evaluation(national_report):
    index = (national_report / "index.html").read_text(encoding="utf-8")
    assert "第十四个五年规划" in index and "Plan" in index  # the index names its plan
    scorecard = pd.read_csv(national_report / "scorecard.csv", encoding="utf-8-sig")
    assert list(scorecard.columns)[-1] == "outcome"
    assert (scorecard["outcome"] == "met").sum() == 4
    page = (national_report / "03_scorecard.html").read_text(encoding="utf-8")
    assert "4 met, 0 not met" in page and "已达成4个" in page
    nb = json.loads((national_report / "02_trajectories.ipynb").read_text(encoding="utf-8"))
    outputs = [o for c in nb["cells"] for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("name") == "stderr" or o.get("output_type") == "error"]
    assert "The default method is" in (national_report / "02_trajectories.html").read_text(encoding="utf-8")


def _plan_ids() -> set[str]:
    ids = set()
    for folder in (ROOT / "data" / "plans").iterdir():
        if (folder / "indicators.csv").exists():
            ids |= set(pd.read_csv(folder / "indicators.csv")["indicator_id"])
    return ids


@pytest.mark.parametrize("notebook", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_no_notebook_names_an_indicator_of_a_shipped_plan(notebook):
    text = "".join("".join(c["source"]) for c in json.loads(notebook.read_text(encoding="utf-8"))["cells"])
    found = {i for i in _plan_ids() if re.search(rf"\b{re.escape(i)}\b", text)}
    assert not found, f"{notebook.name} names {sorted(found)}"
