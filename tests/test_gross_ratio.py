"""Two kinds of percentage (issue 17): a gross ratio (毛入学率, 巩固率) may exceed 100 up to a plausibility cap and
is projected below a ceiling its own values set; a share stays within [0, 100], and its target at the bound (100%)
is judged by one rule (projection.AT_BOUND) for the verdict, the status, the interval and the probability."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from fuxin_analysis import assess, load_plan
from fuxin_analysis.data.observations import read_observations
from fuxin_analysis.errors import InputError
from fuxin_analysis.methods.projection import (
    AT_BOUND,
    GROSS_MARGIN,
    judged_target,
    projection_bounds,
)

from .conftest import OBSERVED, PLAN_DIR

HERE = Path(__file__).parent
GROSS = HERE / "plans" / "gross_ratio_above_100"
SHARE = HERE / "plans" / "share_at_bound"


def _obs(tmp_path: Path, lines: str, name: str = "obs.csv") -> Path:
    path = tmp_path / name
    path.write_text("indicator_id,year,value,source,note\n" + lines, encoding="utf-8")
    return path


# ---- a gross ratio above 100 ---------------------------------------------------------------------------------------

def test_a_preschool_gross_ratio_above_100_is_assessed_and_projected_above_100():
    """Guangdong: 100.97 (2018, baseline), 104.14 (2021), 107.76 (2023), all real; a HYPOTHETICAL target ≥ 110 by
    2025."""
    row = assess(load_plan(GROSS), [GROSS / "observed.csv"], as_of=2023).iloc[0]
    assert row["baseline_value"] == 100.97 and row["latest_value"] == 107.76 and row["n_observations"] == 3
    # SDSN: required (110 − 100.97) / (2025 − 2018) = 1.29 a year; observed (107.76 − 100.97) / 5 = 1.358 → on track
    assert row["required_annual_change"] == pytest.approx(9.03 / 7)
    assert row["observed_annual_change"] == pytest.approx(6.79 / 5)
    assert row["trend_status"] == "on_track"
    # Open SDG: (107.76/100.97)^(1/5) − 1 = 1.3102% against (110/100.97)^(1/7) − 1 = 1.2312% → ratio 1.064 ≥ 0.95
    assert row["cagr_ratio"] == pytest.approx(((107.76 / 100.97) ** 0.2 - 1) / ((110 / 100.97) ** (1 / 7) - 1))
    assert row["status"] == "substantial_progress"
    # projected below the ceiling 107.76 + 3 = 110.76, not below 100: the whole interval lies above 100
    ceiling = 107.76 + GROSS_MARGIN
    assert 107 <= row["projected_value"] < ceiling
    assert 100 < row["projected_low_80"] < row["projected_value"] < row["projected_high_80"] < ceiling
    assert 0 < row["probability_met"] < 1
    # the interval lies wholly below 110, and the probability agrees: below 0.1
    assert row["projected_high_80"] < 110 and row["probability_met"] < 0.1


def test_the_ceiling_of_a_gross_ratio_by_hand():
    assert projection_bounds("gross_ratio", 0.0, 150.0, np.array([95.0, 98.9])) == (0.0, 100.0 + GROSS_MARGIN)
    assert projection_bounds("gross_ratio", 0.0, 150.0, np.array([104.14, 107.76])) == (0.0, 107.76 + GROSS_MARGIN)
    assert projection_bounds("rate", 0.0, 100.0, np.array([99.0])) == (0.0, 100.0)  # a share keeps its bounds
    assert projection_bounds("stock", 0.0, None, np.array([5.0])) == (None, None)


def test_the_ceiling_of_a_gross_ratio_around_100():
    """max(100, highest value) + GROSS_MARGIN (3): the highest at 100 → 103; just below (99.9) → 103; just above
    (100.5) → 103.5; the highest wherever it is, NaN left out; no values (None or empty): 103."""
    assert GROSS_MARGIN == 3.0
    for values, ceiling in (([100.0], 103.0), ([99.9], 103.0), ([100.5], 103.5), ([101.0, np.nan, 99.0], 104.0)):
        assert projection_bounds("gross_ratio", 0.0, 150.0, np.array(values)) == (0.0, ceiling)
    assert projection_bounds("gross_ratio", 0.0, 150.0) == (0.0, 103.0)
    assert projection_bounds("gross_ratio", 0.0, 150.0, np.array([])) == (0.0, 103.0)


def test_the_floor_of_a_gross_ratio_is_its_lower_bound_or_0():
    for lower, floor in ((20, 20.0), (None, 0.0), (np.nan, 0.0)):
        bounds = projection_bounds("gross_ratio", lower, 150.0, np.array([104.0]))
        assert bounds == (floor, 107.0) and type(bounds[0]) is float


def test_a_share_keeps_its_bounds_and_other_kinds_have_none():
    """rate and ratio: (lower, upper) as given, when there is an upper bound; else, and for other kinds, the plain
    scale (None, None)."""
    assert projection_bounds("ratio", 0.0, 1.0) == (0.0, 1.0)
    assert projection_bounds("rate", None, 100.0) == (None, 100.0)
    assert projection_bounds("rate", 0.0, None) == (None, None)
    assert projection_bounds("rate", 0.0, np.nan) == (None, None)
    assert projection_bounds("stock", 0.0, 100.0) == (None, None)


def test_fuxin_hs_ger_above_100_is_accepted_and_meets_its_target(tmp_path, plan):
    extra = _obs(tmp_path, "hs_ger,2023,101.5,TEST: a value above 100 as the bureau may enter it,\n")
    frame = pd.read_csv(OBSERVED)
    kept = tmp_path / "observed.csv"
    frame[~((frame["indicator_id"] == "hs_ger") & (frame["year"] == 2023))].to_csv(kept, index=False)
    row = assess(plan, [kept, extra]).set_index("indicator_id").loc["hs_ger"]
    assert row["latest_value"] == 101.5 and row["target_value"] == 99
    assert row["status"] == "target_achieved"


def test_a_share_above_100_is_still_refused_and_a_slipped_decimal_too(tmp_path, plan):
    share = _obs(tmp_path, "public_kg_enrolment_share,2023,101.5,TEST,\n", "share.csv")
    with pytest.raises(InputError) as info:
        read_observations([share], plan)
    assert str(info.value) == (f"{share}, row 2, field 'value': outside the bounds [0, 100] of "
                               "public_kg_enrolment_share (percent, a share of a whole) (value: '101.5')")
    slip = _obs(tmp_path, "hs_ger,2023,1015,TEST,\n", "slip.csv")
    with pytest.raises(InputError) as info:
        read_observations([slip], plan)
    assert str(info.value).startswith(f"{slip}, row 2, field 'value': above the plausibility cap 150 of hs_ger, a "
                                      "gross ratio: it may exceed 100")
    # at the cap itself, and just above 100: accepted
    edge = _obs(tmp_path, "hs_ger,2022,150,TEST,\nhs_ger,2023,100.01,TEST,\n", "edge.csv")
    assert read_observations([edge], plan)["value"].tolist() == [150.0, 100.01]


def test_shipped_plans_declare_their_gross_ratios():
    fuxin = load_plan(PLAN_DIR).indicators.set_index("indicator_id")
    gross = set(fuxin.index[fuxin["kind"] == "gross_ratio"])
    assert gross == {"preschool_ger", "compulsory_consolidation", "hs_ger", "ethnic_preschool_ger",
                     "ethnic_compulsory_consolidation", "ethnic_hs_ger"}
    assert (fuxin.loc[list(gross), "upper_bound"] == 150).all()
    shares = fuxin[(fuxin["unit"] == "percent") & (fuxin["kind"] == "rate")]
    assert (shares["upper_bound"] == 100).all() and "public_kg_enrolment_share" in shares.index
    national = load_plan(PLAN_DIR.parent / "china_14th_education").indicators.set_index("indicator_id")
    assert set(national.index[national["kind"] == "gross_ratio"]) == {"preschool_ger", "compulsory_consolidation",
                                                                      "hs_ger", "he_ger"}


@pytest.mark.parametrize(("kind", "upper", "problem"), [
    ("gross_ratio", "100", "a gross ratio is a percentage that may exceed 100"),
    ("rate", "150", r"a share of a whole \(kind rate\) cannot exceed 100%"),
])
def test_a_plan_that_confuses_the_two_kinds_is_refused(tmp_path, kind, upper, problem):
    import shutil

    shutil.copytree(GROSS, tmp_path / "plan")
    path = tmp_path / "plan" / "indicators.csv"
    path.write_text("indicator_id,name_zh,name_en,domain,unit,kind,direction,lower_bound,upper_bound\n"
                    f"preschool_ger,学前教育毛入园率,preschool gross enrolment ratio,preschool,percent,{kind},increase,0,"
                    f"{upper}\n", encoding="utf-8")
    with pytest.raises(InputError, match=problem):
        load_plan(tmp_path / "plan")


def test_the_gross_margin_is_the_evaluations_choice():
    from fuxin_analysis.methods.evaluation import gross_margin_scores

    table = gross_margin_scores()
    chosen = table[table["chosen"]].iloc[0]
    assert chosen["margin"] == GROSS_MARGIN
    near = table[table["mae"] <= table["mae"].min() * 1.05]
    assert chosen["brier"] == near["brier"].min()
    assert table["points"].min() >= 250 and (table["coverage_80"] >= 0.8).all()


# ---- a share's target at its bound ---------------------------------------------------------------------------------

def test_the_judged_target_by_hand():
    assert judged_target(100.0, 1, "rate", 0.0, 100.0) == pytest.approx(100 - AT_BOUND) == pytest.approx(99.95)
    assert judged_target(0.0, -1, "rate", 0.0, 100.0) == pytest.approx(0.05)
    assert judged_target(99.0, 1, "rate", 0.0, 100.0) == 99.0  # not at the bound
    assert judged_target(100.0, 1, "gross_ratio", 0.0, 150.0) == 100.0  # a gross ratio's 100 is no bound
    assert judged_target(100.0, -1, "rate", 0.0, 100.0) == 100.0  # 100 to come down to is not at the bound


def test_the_judged_target_on_both_sides_of_the_bound():
    """Only a share (kind rate) with the bound stated: at or beyond it, the bound ∓ AT_BOUND (0.05); just inside
    it, the target itself."""
    assert AT_BOUND == 0.05
    up = [judged_target(t, 1, "rate", 0.0, 100.0) for t in (100.0, 100.01, 99.99)]
    assert up == pytest.approx([99.95, 99.95, 99.99])
    down = [judged_target(t, -1, "rate", 0.0, 100.0) for t in (0.0, -0.01, 0.01)]
    assert down == pytest.approx([0.05, 0.05, 0.01])
    assert judged_target(10.0, -1, "rate", 10.0, 110.0) == pytest.approx(10.05)  # the stated lower bound, not 0
    assert judged_target(110.0, 1, "rate", 10.0, 110.0) == pytest.approx(109.95)
    # at the other bound the direction decides: 0 to reach is not at the bound, nor is 100 to come down to
    assert judged_target(0.0, 1, "rate", 0.0, 100.0) == 0.0
    # no bound stated (None or NaN): the target itself
    for bound in (None, np.nan):
        assert judged_target(100.0, 1, "rate", 0.0, bound) == 100.0
        assert judged_target(0.0, -1, "rate", bound, 100.0) == 0.0
    # other kinds: the target itself, even at their bounds
    assert judged_target(1.0, 1, "ratio", 0.0, 1.0) == 1.0 and judged_target(0.0, -1, "ratio", 0.0, 1.0) == 0.0


@pytest.mark.parametrize(("value", "outcome"), [(100.0, "met"), (99.96, "met"), (99.95, "met"), (99.94, "not_met")])
def test_a_100_percent_target_is_met_by_a_value_that_states_as_100(tmp_path, value, outcome):
    obs = _obs(tmp_path, f"qualified_share,2025,{value},HYPOTHETICAL test,\n")
    row = assess(load_plan(SHARE), [obs]).iloc[0]
    assert row["outcome"] == outcome
    assert row["probability_met"] == (1.0 if outcome == "met" else 0.0)
    assert row["status"] == ("target_achieved" if outcome == "met" else "substantial_progress")
    assert row["target_value"] == 100  # the table states the plan's target; the rule only judges it


def test_a_share_near_its_bound_gets_a_probability_that_agrees_with_its_interval(tmp_path):
    near = _obs(tmp_path, "qualified_share,2021,99.3,HYPOTHETICAL test,\nqualified_share,2023,99.95,HYPOTHETICAL test,\n")
    row = assess(load_plan(SHARE), [near], as_of=2023).iloc[0]
    assert 0 < row["probability_met"] < 1
    assert row["projected_high_80"] <= 100 and row["projected_value"] <= 100
    assert row["projected_low_80"] >= 99.95 - 1e-9 and row["probability_met"] > 0.9  # interval at or above 99.95
    far = _obs(tmp_path, "qualified_share,2021,98.7,HYPOTHETICAL test,\nqualified_share,2023,98.8,HYPOTHETICAL test,\n",
               "far.csv")
    row = assess(load_plan(SHARE), [far], as_of=2023).iloc[0]
    assert row["projected_high_80"] < 99.95  # the whole interval lies below every value that meets the target
    assert 0 <= row["probability_met"] < 0.1


def test_the_notebooks_and_the_methods_table_state_the_rules_the_code_uses():
    import nbformat

    from fuxin_analysis.present.tables import thresholds_table

    text = "".join(c.source for c in nbformat.read(HERE.parent / "notebooks" / "02_trajectories.ipynb", 4).cells)
    assert f"+ {GROSS_MARGIN:g}个百分点" in text and f"plus {GROSS_MARGIN:g} points" in text
    rules = thresholds_table("en").reset_index()
    (row,) = rules[rules["Method"] == "A target at the bound"].itertuples()
    assert row.Rule.startswith(f"met from {100 - AT_BOUND:g} (100.0 at one decimal")
