"""The second real plan, the national education targets of the 14th Five-Year outline: it validates, and its full
report renders with the final evaluation (every rate met in 2025 by the bulletins' figures, worked out by hand)."""

import json
import re

import pandas as pd
import pytest

from fuxin_analysis import assess, load_plan

from .conftest import ROOT

pytestmark = pytest.mark.slow  # runs notebooks, a browser or the command line: not in the fast suite

PLAN = ROOT / "data" / "plans" / "china_14th_education"
OBSERVED = ROOT / "data" / "observations" / "china_14th_observed.csv"


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


#: Every plan folder shipped with the project: the real plans and the test fixtures.
PLAN_FOLDERS = sorted(p.parent for p in [*(ROOT / "data" / "plans").glob("*/indicators.csv"),
                                         *(ROOT / "tests" / "plans").glob("*/indicators.csv")])
#: What must not name a plan's indicator: every notebook, and every module and template of the package.
CODE = [*sorted((ROOT / "notebooks").glob("*.ipynb")),
        *sorted(p for p in (ROOT / "fuxin_analysis").rglob("*") if p.suffix in {".py", ".j2"})]


def _plan_ids() -> dict[str, str]:
    """Every indicator id of every shipped plan folder, with the folder that has it."""
    ids = {}
    for folder in PLAN_FOLDERS:
        for indicator_id in pd.read_csv(folder / "indicators.csv")["indicator_id"]:
            ids.setdefault(indicator_id, folder.name)
    return ids


def test_every_shipped_plan_folder_is_checked():
    names = {p.name for p in PLAN_FOLDERS}
    assert {"fuxin_14th", "china_14th_education", "mini_plan", "one_indicator"} <= names
    assert len(_plan_ids()) > 70 and any(p.suffix == ".py" for p in CODE) and any(p.suffix == ".ipynb" for p in CODE)


@pytest.mark.parametrize("path", CODE, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_notebook_or_module_names_an_indicator_of_a_shipped_plan(path):
    """What a section needs is chosen from the plan's own data (domains, units, kinds, roles, comparable.csv), never
    by naming an indicator of one plan."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        text = "".join("".join(c["source"]) for c in json.loads(text)["cells"])
    found = {f"{i} ({folder})" for i, folder in _plan_ids().items() if re.search(rf"\b{re.escape(i)}\b", text)}
    assert not found, f"{path.relative_to(ROOT)} names {sorted(found)}"
