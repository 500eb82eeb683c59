"""HYPOTHETICAL scenarios: the pace needed from the latest value, and hypothetical values, by hand."""

import numpy as np
import pandas as pd
import pytest

from fuxin_analysis import assess
from fuxin_analysis.methods.scenarios import (
    HYPOTHETICAL,
    hypothetical_observations,
    required_from_latest,
    run_scenarios,
)

from .conftest import OBSERVED, shared


@pytest.fixture(scope=shared)
def needed(plan):
    return required_from_latest(plan, assess(plan, [OBSERVED])).set_index("statement_id")


def test_pace_needed_from_the_latest_value(needed):
    # senior-secondary GER: 98% (2020) → 99% (2025): (99 − 98)/5 = 0.2 points a year
    assert needed.loc["t_hs_ger_2025", "pace_needed"] == pytest.approx(0.2)
    # college: 9,800 (2024) → 10,000 (2025): 200 in one year
    assert needed.loc["t_fuxin_college_enrolment_2025", ["years_left", "pace_needed"]].tolist() == [1, 200]
    # head teachers: nothing counted yet, 300 in 2021–2025 → 60 a year
    assert needed.loc["t_excellent_head_teachers_2021_2025", "pace_needed"] == pytest.approx(60)
    # already achieved (preschool 95% ≥ 95%) and no-data levels are not listed
    assert "t_preschool_ger_2025" not in needed.index
    assert "t_ethnic_hs_ger_2025" not in needed.index


def test_hypothetical_values(plan, needed):
    rows = hypothetical_observations(plan, needed.reset_index(), 2023, multiplier=0.5, name="half")
    hs = rows[rows["indicator_id"] == "hs_ger"]
    # half of 0.2 a year from 98 in 2020: 98.1, 98.2, 98.3
    assert hs["year"].tolist() == [2021, 2022, 2023]
    assert hs["value"].tolist() == pytest.approx([98.1, 98.2, 98.3])
    assert rows["source"].str.startswith(HYPOTHETICAL).all()
    heads = rows[rows["indicator_id"] == "excellent_head_teachers"]
    assert heads["value"].tolist() == pytest.approx([30, 30, 30])  # half of 60 a year


def test_values_stay_within_bounds(plan, needed):
    rows = hypothetical_observations(plan, needed.reset_index(), 2025, multiplier=100, name="absurd")
    # a share stops at 100; a gross ratio may pass 100 and stops at its plausibility cap (150)
    top = rows.groupby("indicator_id")["value"].max()
    assert top["inclusive_kg_place_coverage"] == 100 and top["hs_ger"] == 150


def test_scenarios_change_the_status(plan):
    a = assess(plan, [OBSERVED])
    out = run_scenarios(plan, [str(OBSERVED)], a, [0.5, 1.0], 2023, indicators=["excellent_head_teachers"])
    assert out["hypothetical"].all()
    by = out.set_index("scenario")["status"]
    # half pace: 30 a year for 3 years = 90; P = (90/300)/(3/5) = 0.5 → limited progress
    assert by["0.5× pace needed"] == "limited_progress"
    # needed pace: 180 of 300 after 3 of 5 years: P = 1 → substantial progress
    assert by["1× pace needed"] == "substantial_progress"


def test_custom_paces(plan):
    a = assess(plan, [OBSERVED])
    out = run_scenarios(plan, [str(OBSERVED)], a, [1.0], 2023, paces={"hs_ger": 0.4})
    custom = out[out["scenario"] == "custom paces"].set_index("statement_id")
    assert list(custom.index) == ["t_hs_ger_2025"]
    # 98 + 3 × 0.4 = 99.2 in 2023 ≥ 99: achieved
    assert custom.loc["t_hs_ger_2025", "status"] == "target_achieved"


def test_hypothetical_values_never_reach_the_observations_on_disk(plan, tmp_path):
    """Scenarios run (every pace, a custom one too) and leave the observation file byte for byte as it was."""
    import shutil

    copy = tmp_path / "observed.csv"
    shutil.copy(OBSERVED, copy)
    before = copy.read_bytes()
    a = assess(plan, [copy])
    out = run_scenarios(plan, [str(copy)], a, [0.5, 1.0, 1.5], 2023, paces={"hs_ger": 0.5})
    assert len(out) > 0 and out["hypothetical"].all()
    assert copy.read_bytes() == before and HYPOTHETICAL not in before.decode("utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["observed.csv"]  # nothing written beside it


def _checked(plan, **paces):
    from fuxin_analysis.run.params import Params

    params = Params(plan_dir="x", scenario_paces=paces)
    params.check_against(plan, "params.yaml")
    return params


@pytest.mark.parametrize(("pace", "ok"), [(1e15, True), (-1e15, True), (1_000_000_000_000_001, False),
                                         (-1.0000001e15, False)])
def test_pace_bound(plan, pace, ok):
    from pydantic import ValidationError

    if ok:
        assert _checked(plan, hs_ger=pace).scenario_paces == {"hs_ger": pace}
    else:
        with pytest.raises(ValidationError, match="1000000000000000"):
            _checked(plan, hs_ger=pace)


@pytest.mark.parametrize("pace", [float("inf"), float("-inf"), float("nan")])
def test_a_pace_must_be_finite(plan, pace):
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="finite number"):
        _checked(plan, hs_ger=pace)


def test_a_total_cannot_shrink_a_level_can(plan):
    """A yearly amount of a total over the period (flow) is never negative; a rate may fall by any finite pace."""
    from fuxin_analysis import InputError

    assert _checked(plan, excellent_head_teachers=0).scenario_paces == {"excellent_head_teachers": 0}
    with pytest.raises(InputError, match=r"field 'scenario_paces.excellent_head_teachers': excellent_head_teachers "
                                         r"is a total over a period: its yearly amount cannot be negative "
                                         r"\(value: -0.5\)"):
        _checked(plan, excellent_head_teachers=-0.5)
    assert _checked(plan, hs_ger=-0.5).scenario_paces == {"hs_ger": -0.5}


def _row(statement_id, indicator_id, status, latest_year, latest_value, target_value, target_year):
    return {"statement_id": statement_id, "indicator_id": indicator_id, "status": status, "latest_year": latest_year,
            "latest_value": latest_value, "target_value": target_value, "target_year": target_year}


def test_pace_needed_from_the_latest_value_by_hand(plan):
    nan = float("nan")
    assessment = pd.DataFrame([
        # a level: 95 in 2022 to 99 by 2025, 3 years left: (99 − 95)/3 = 1.3333 a year
        _row("t_hs_ger_2025", "hs_ger", "moderate_progress", 2022, 95.0, 99.0, 2025),
        # a total of 300 over 2021–2025, 100 so far by 2022: (300 − 100)/3 = 66.667 a year
        _row("t_excellent_head_teachers_2021_2025", "excellent_head_teachers", "limited_progress", 2022, 100.0,
             300.0, 2025),
        # a yearly average of 10,000 over 2021–2025, averaging 8,000 over 2021–2023: the whole period needs
        # 50,000, 24,000 is done, (50,000 − 24,000)/2 = 13,000 a year for the 2 years left
        _row("t_voc_skills_training_per_year", "voc_skills_training", "moderate_progress", 2023, 8000.0, 10000.0,
             2025),
        # achieved: no pace needed, no row
        _row("t_preschool_ger_2025", "preschool_ger", "target_achieved", 2023, 96.0, 95.0, 2025),
    ])
    out = required_from_latest(plan, assessment).set_index("statement_id")
    assert list(out.index) == ["t_hs_ger_2025", "t_excellent_head_teachers_2021_2025", "t_voc_skills_training_per_year"]
    level = out.loc["t_hs_ger_2025"]
    assert (level["from_year"], level["from_value"], level["years_left"]) == (2022, 95.0, 3)
    assert level["pace_needed"] == pytest.approx(4 / 3)
    total = out.loc["t_excellent_head_teachers_2021_2025"]
    assert (total["kind"], total["from_year"], total["from_value"], total["years_left"]) == ("flow_total", 2022, 100.0, 3)
    assert total["pace_needed"] == pytest.approx(200 / 3)
    average = out.loc["t_voc_skills_training_per_year"]
    assert (average["from_value"], average["years_left"]) == (24000.0, 2)
    assert average["pace_needed"] == pytest.approx(13000)
    # nothing observed yet: a total starts from the year before its period, 0 done; a level is left out
    empty = pd.DataFrame([
        _row("t_excellent_head_teachers_2021_2025", "excellent_head_teachers", "not_available", nan, nan, 300.0, 2025),
        _row("t_hs_ger_2025", "hs_ger", "not_available", nan, nan, 99.0, 2025),
    ])
    out = required_from_latest(plan, empty)
    assert len(out) == 1
    assert (out["from_year"].iloc[0], out["from_value"].iloc[0], out["years_left"].iloc[0]) == (2020, 0.0, 5)
    assert out["pace_needed"].iloc[0] == pytest.approx(60)
    # the target year itself observed: no year left, no pace
    last = pd.DataFrame([_row("t_hs_ger_2025", "hs_ger", "moderate_progress", 2025, 98.0, 99.0, 2025)])
    row = required_from_latest(plan, last).iloc[0]
    assert row["years_left"] == 0 and np.isnan(row["pace_needed"])


NEEDED_COLUMNS = ["statement_id", "indicator_id", "kind", "from_year", "from_value", "target_value", "target_year",
                  "years_left", "pace_needed"]


def test_required_columns_in_order_with_rows_and_without(plan):
    """The needed-pace table always has its nine documented columns, in order, even when every target is met."""
    open_level = pd.DataFrame([_row("t_hs_ger_2025", "hs_ger", "moderate_progress", 2022, 95.0, 99.0, 2025)])
    out = required_from_latest(plan, open_level)
    assert list(out.columns) == NEEDED_COLUMNS
    # (99 − 95)/(2025 − 2022) = 4/3 a year
    assert out.iloc[0].tolist()[:8] == ["t_hs_ger_2025", "hs_ger", "gross_ratio", 2022, 95.0, 99.0, 2025, 3]
    assert out.iloc[0]["pace_needed"] == pytest.approx(4 / 3, rel=1e-12)
    all_met = pd.DataFrame([_row("t_preschool_ger_2025", "preschool_ger", "target_achieved", 2023, 96.0, 95.0, 2025)])
    none = required_from_latest(plan, all_met)
    assert list(none.columns) == NEEDED_COLUMNS and len(none) == 0


@pytest.mark.parametrize(("latest_year", "years_left", "pace"), [
    (2024, 1, 0.5),  # one year left: (99 − 98.5)/1 = 0.5
    (2025, 0, None),  # the target year itself: no year left, no pace
    (2026, -1, None),  # observed after the target year: no pace either
])
def test_level_pace_needs_a_year_left(plan, latest_year, years_left, pace):
    """A level's pace is (target − latest)/years left while at least one year is left; NaN at 0 and below."""
    a = pd.DataFrame([_row("t_hs_ger_2025", "hs_ger", "moderate_progress", latest_year, 98.5, 99.0, 2025)])
    row = required_from_latest(plan, a).iloc[0]
    assert (row["from_year"], row["from_value"], row["years_left"]) == (latest_year, 98.5, years_left)
    if pace is None:
        assert np.isnan(row["pace_needed"])
    else:
        assert row["pace_needed"] == pytest.approx(pace, rel=1e-12)


@pytest.mark.parametrize(("statement_id", "indicator_id", "latest_year", "latest_value", "target", "from_value",
                          "years_left", "pace"), [
    # a total of 300 in 2021–2025, 250 by 2024: (300 − 250)/1 = 50 in the one year left
    ("t_excellent_head_teachers_2021_2025", "excellent_head_teachers", 2024, 250.0, 300.0, 250.0, 1, 50.0),
    # 280 by 2025: no year left, no pace
    ("t_excellent_head_teachers_2021_2025", "excellent_head_teachers", 2025, 280.0, 300.0, 280.0, 0, None),
    # a yearly average of 10,000 in 2021–2025, 9,000 a year over 2021–2024: 36,000 done of 50,000 → 14,000 in 2025
    ("t_voc_skills_training_per_year", "voc_skills_training", 2024, 9000.0, 10000.0, 36000.0, 1, 14000.0),
    # averaging 9,500 over all five years: 47,500 done, no year left
    ("t_voc_skills_training_per_year", "voc_skills_training", 2025, 9500.0, 10000.0, 47500.0, 0, None),
])
def test_flow_pace_needs_a_year_left(plan, statement_id, indicator_id, latest_year, latest_value, target,
                                     from_value, years_left, pace):
    """A total's (or yearly average's) yearly amount still needed: one year left gives all that remains; none, NaN."""
    a = pd.DataFrame([_row(statement_id, indicator_id, "moderate_progress", latest_year, latest_value, target, 2025)])
    row = required_from_latest(plan, a).iloc[0]
    assert (row["from_year"], row["from_value"], row["years_left"]) == (latest_year, from_value, years_left)
    if pace is None:
        assert np.isnan(row["pace_needed"])
    else:
        assert row["pace_needed"] == pytest.approx(pace, rel=1e-12)


def test_a_level_without_data_is_skipped_not_the_rest(plan):
    """A level with nothing observed is left out, and the targets after it are still listed."""
    nan = float("nan")
    a = pd.DataFrame([
        _row("t_ethnic_hs_ger_2025", "ethnic_hs_ger", "not_available", nan, nan, 100.0, 2025),
        _row("t_hs_ger_2025", "hs_ger", "moderate_progress", 2023, 98.4, 99.0, 2025),  # (99 − 98.4)/2 = 0.3
    ])
    out = required_from_latest(plan, a)
    assert out["statement_id"].tolist() == ["t_hs_ger_2025"]
    assert out["pace_needed"].iloc[0] == pytest.approx(0.3, rel=1e-9)


def _needed_row(statement_id, indicator_id, kind, from_year, from_value, pace_needed, target_value=0.0,
                target_year=2025):
    return {"statement_id": statement_id, "indicator_id": indicator_id, "kind": kind, "from_year": from_year,
            "from_value": from_value, "target_value": target_value, "target_year": target_year,
            "years_left": target_year - from_year, "pace_needed": pace_needed}


OBS_COLUMNS = ["indicator_id", "year", "value", "source", "note"]


def test_hypothetical_rows_exactly(plan):
    """Every hypothetical row: its indicator, year, value, the source 'HYPOTHETICAL: scenario <name>' (an empty name
    by default) and the note 'not an observation'; a level moves by the pace, a total gets it as a yearly amount."""
    needed = pd.DataFrame([
        _needed_row("t_hs_ger_2025", "hs_ger", "gross_ratio", 2022, 98.0, 0.5),
        _needed_row("t_excellent_head_teachers_2021_2025", "excellent_head_teachers", "flow_total", 2022, 100.0, 1.5),
    ])
    rows = hypothetical_observations(plan, needed, 2024, multiplier=0.5)
    assert list(rows.columns) == OBS_COLUMNS and list(rows.index) == [0, 1, 2, 3]
    src = "HYPOTHETICAL: scenario "
    # hs_ger: 0.5 × 0.5 = 0.25 a year from 98 → 98.25, 98.5; head teachers: 0.5 × 1.5 = 0.75 a year (below 1)
    assert rows.to_dict("records") == [
        {"indicator_id": "hs_ger", "year": 2023, "value": 98.25, "source": src, "note": "not an observation"},
        {"indicator_id": "hs_ger", "year": 2024, "value": 98.5, "source": src, "note": "not an observation"},
        {"indicator_id": "excellent_head_teachers", "year": 2023, "value": 0.75, "source": src,
         "note": "not an observation"},
        {"indicator_id": "excellent_head_teachers", "year": 2024, "value": 0.75, "source": src,
         "note": "not an observation"},
    ]
    named = hypothetical_observations(plan, needed, 2023, multiplier=1.0, name="custom paces")
    assert named["source"].tolist() == ["HYPOTHETICAL: scenario custom paces"] * 2
    assert named["value"].tolist() == [98.5, 1.5]  # 98 + 0.5; 1 × 1.5


def test_hypothetical_rows_none_have_the_columns(plan):
    """No year to fill (through the latest year itself) or no pace given for any indicator: no rows, same columns."""
    needed = pd.DataFrame([_needed_row("t_hs_ger_2025", "hs_ger", "gross_ratio", 2022, 98.0, 0.5)])
    for rows in (hypothetical_observations(plan, needed, 2022, multiplier=1.0),
                 hypothetical_observations(plan, needed, 2025, paces={"excellent_head_teachers": 10.0})):
        assert list(rows.columns) == OBS_COLUMNS and len(rows) == 0


def test_levels_stop_at_the_lower_bound(plan):
    """A falling level reaches its lower bound (0) exactly, then stays there: 0.8 − 0.4 = 0.4, 0.0, then 0.0
    (not −0.4)."""
    needed = pd.DataFrame([_needed_row("t_hs_ger_2025", "hs_ger", "gross_ratio", 2022, 0.8, 0.2)])
    rows = hypothetical_observations(plan, needed, 2025, paces={"hs_ger": -0.4})
    assert rows["year"].tolist() == [2023, 2024, 2025]
    assert rows["value"].tolist() == pytest.approx([0.4, 0.0, 0.0], abs=1e-15)


def test_levels_stop_at_the_upper_bound(plan):
    """A share of a whole (bounds 0–100): 99 + 0.5 = 99.5, then 100 exactly, then 100 again (not 100.5)."""
    needed = pd.DataFrame([_needed_row("t_inclusive_kg_place_coverage_2025", "inclusive_kg_place_coverage", "rate",
                                       2022, 99.0, 0.25)])
    rows = hypothetical_observations(plan, needed, 2025, multiplier=2.0)  # 2 × 0.25 = 0.5 a year
    assert rows["value"].tolist() == [99.5, 100.0, 100.0]


def test_levels_without_a_bound_are_not_clipped(plan):
    """A count with no upper bound grows freely (9,800 + 300 a year); with no lower bound (allowed for a count in a
    plan's indicators) it may fall below zero (9,800 − 5,000 − 5,000 = −200)."""
    import dataclasses

    needed = pd.DataFrame([_needed_row("t_fuxin_college_enrolment_2025", "fuxin_college_enrolment", "stock", 2024,
                                       9800.0, 200.0)])
    up = hypothetical_observations(plan, needed, 2026, multiplier=1.5)  # 1.5 × 200 = 300 a year
    assert up["value"].tolist() == [10100.0, 10400.0]
    indicators = plan.indicators.copy()
    indicators.loc[indicators["indicator_id"] == "fuxin_college_enrolment", "lower_bound"] = np.nan
    unbounded = dataclasses.replace(plan, indicators=indicators)
    down = hypothetical_observations(unbounded, needed, 2026, paces={"fuxin_college_enrolment": -5000.0})
    assert down["value"].tolist() == [4800.0, -200.0]
    floored = hypothetical_observations(plan, needed, 2026, paces={"fuxin_college_enrolment": -5000.0})
    assert floored["value"].tolist() == [4800.0, 0.0]  # the same fall stops at the plan's lower bound 0


@pytest.mark.parametrize(("pace", "amount"), [(-3.0, 0.0), (0.0, 0.0), (0.5, 0.5)])
def test_a_yearly_amount_is_never_negative(plan, pace, amount):
    """A total's hypothetical yearly amount is the pace, or 0 for a negative pace (nothing can be un-counted)."""
    needed = pd.DataFrame([_needed_row("t_excellent_head_teachers_2021_2025", "excellent_head_teachers",
                                       "flow_total", 2023, 200.0, 50.0)])
    rows = hypothetical_observations(plan, needed, 2025, paces={"excellent_head_teachers": pace})
    assert rows["year"].tolist() == [2024, 2025] and rows["value"].tolist() == [amount, amount]


def test_indicators_skipped_do_not_end_the_loop(plan):
    """An indicator without a custom pace, or whose needed pace is NaN, is skipped; those listed after it still get
    their values."""
    nan = float("nan")
    needed = pd.DataFrame([
        _needed_row("t_hs_ger_2025", "hs_ger", "gross_ratio", 2025, 98.0, nan),
        _needed_row("t_fuxin_college_enrolment_2025", "fuxin_college_enrolment", "stock", 2024, 9800.0, 200.0),
    ])
    by_multiple = hypothetical_observations(plan, needed, 2025, multiplier=1.0)
    assert by_multiple[["indicator_id", "year", "value"]].values.tolist() == [
        ["fuxin_college_enrolment", 2025, 10000.0]]
    by_pace = hypothetical_observations(plan, needed, 2025, paces={"fuxin_college_enrolment": 100.0})
    assert by_pace[["indicator_id", "year", "value"]].values.tolist() == [["fuxin_college_enrolment", 2025, 9900.0]]


def test_one_path_per_indicator(plan):
    """Two open targets of one indicator give one hypothetical path: the first target's (9,800 + 200 = 10,000)."""
    needed = pd.DataFrame([
        _needed_row("t_fuxin_college_enrolment_2025", "fuxin_college_enrolment", "stock", 2024, 9800.0, 200.0),
        _needed_row("t_fuxin_college_enrolment_2030", "fuxin_college_enrolment", "stock", 2024, 9800.0, 50.0,
                    target_year=2030),
    ])
    rows = hypothetical_observations(plan, needed, 2025, multiplier=1.0)
    assert rows[["indicator_id", "year", "value"]].values.tolist() == [["fuxin_college_enrolment", 2025, 10000.0]]


def _observations(folder, *rows):
    path = folder / "observed.csv"
    lines = ["indicator_id,year,value,source,note"] + [f"{i},{y},{v},test figures,for a test" for i, y, v in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


SCENARIO_COLUMNS = ["scenario", "statement_id", "indicator_id", "name_zh", "name_en", "status", "trend_status",
                    "projected_value", "probability_met", "hypothetical"]


def test_scenarios_as_of_a_year(plan, tmp_path):
    """With ``as_of``, an observation of that very year counts and one after it is left out (its year takes the
    hypothetical value instead)."""
    heads = "excellent_head_teachers"
    path = _observations(tmp_path, (heads, 2021, 60), (heads, 2022, 60), (heads, 2023, 90), (heads, 2024, 200))
    a = assess(plan, [path], as_of=2023)
    # 210 of 300 by 2023, 2 years left: 45 a year. By 2024 at that pace: 255 of 300 after 4 of 5 years:
    # P = (255/300)/(4/5) = 1.0625 ≥ 1 → substantial progress, on track. (Without the 2023 figure: 165, P = 0.6875;
    # with the 2024 figure kept, 2024 would be there twice.)
    out = run_scenarios(plan, [path], a, [1.0], 2024, indicators=[heads], as_of=2023)
    assert out[["scenario", "statement_id", "status", "trend_status"]].values.tolist() == [
        ["1× pace needed", "t_excellent_head_teachers_2021_2025", "substantial_progress", "on_track"]]


def test_scenario_table(plan, tmp_path):
    """Names of the scenarios, columns in order, one row per scenario and target (by domain), index 0..n−1, and the
    statuses by hand. As of 2023: head teachers 210 of 300 (45 a year needed in 2024–2025), hs_ger at its 2020
    baseline 98 (0.2 a year needed for 99 in 2025). Through 2025, every year of both is known: the outcome decides
    ``probability_met`` (1 met, 0 not met) and leaves no projection."""
    heads, hs = "excellent_head_teachers", "hs_ger"
    path = _observations(tmp_path, (heads, 2021, 60), (heads, 2022, 60), (heads, 2023, 90))
    a = assess(plan, [path], as_of=2023)
    out = run_scenarios(plan, [path], a, [0.5, 1.0, 1.5], 2025, indicators=[heads, hs],
                        paces={heads: 30.0}, as_of=2023)
    assert list(out.columns) == SCENARIO_COLUMNS
    assert list(out.index) == list(range(7))
    assert out["hypothetical"].dtype == bool and out["hypothetical"].all()
    assert out["projected_value"].isna().all()
    hs_names = ["高中阶段毛入学率", "senior-secondary gross enrolment rate"]
    heads_names = ["优秀班主任", "excellent head teachers (班主任) selected"]
    hs_id, heads_id = "t_hs_ger_2025", "t_excellent_head_teachers_2021_2025"
    assert out.drop(columns=["projected_value", "hypothetical"]).values.tolist() == [
        # 0.5×: hs_ger 98 + 5 × 0.1 = 98.5 < 99; CAGR ratio ((98.5/98)^(1/5) − 1)/((99/98)^(1/5) − 1) = 0.501
        # → limited progress; observed 0.1 a year = 50% of 0.2 → moderately improving. Not met.
        ["0.5× pace needed", hs_id, hs, *hs_names, "limited_progress", "moderately_improving", 0.0],
        # head teachers 210 + 2 × 22.5 = 255 of 300 over all 5 years: P = 0.85 → moderate progress; not met
        ["0.5× pace needed", heads_id, heads, *heads_names, "moderate_progress", "moderately_improving", 0.0],
        # 1×: 98 + 5 × 0.2 = 99 and 210 + 2 × 45 = 300: both met
        ["1× pace needed", hs_id, hs, *hs_names, "target_achieved", "on_track", 1.0],
        ["1× pace needed", heads_id, heads, *heads_names, "target_achieved", "on_track", 1.0],
        # 1.5×: 98 + 5 × 0.3 = 99.5 and 210 + 2 × 67.5 = 345: both met
        ["1.5× pace needed", hs_id, hs, *hs_names, "target_achieved", "on_track", 1.0],
        ["1.5× pace needed", heads_id, heads, *heads_names, "target_achieved", "on_track", 1.0],
        # custom: 30 a year for head teachers only → 270 of 300: P = 0.9, not met; hs_ger has no custom pace
        ["custom paces", heads_id, heads, *heads_names, "moderate_progress", "moderately_improving", 0.0],
    ]


def test_scenarios_are_judged_at_their_last_year(plan, tmp_path):
    """The scenario's status is that of ``through_year``: a figure observed after it is not counted, even when
    ``as_of`` is not given. As of 2022: 120 of 300, 60 a year needed; with 60 in 2023, 180 after 3 of 5 years:
    P = (180/300)/(3/5) = 1 → substantial progress (the 200 of 2024 would make it achieved). The trend of three
    years at 60 is flat: 180 + 2 × 60 = 300 projected."""
    heads = "excellent_head_teachers"
    path = _observations(tmp_path, (heads, 2021, 60), (heads, 2022, 60), (heads, 2024, 200))
    a = assess(plan, [path], as_of=2022)
    out = run_scenarios(plan, [path], a, [1.0], 2023, indicators=[heads])
    row = out.iloc[0]
    assert (row["status"], row["trend_status"]) == ("substantial_progress", "on_track")
    assert row["projected_value"] == pytest.approx(300, rel=1e-9)


def test_no_scenario_gives_an_empty_table(plan):
    """No multiple of the needed pace and no custom pace (an empty mapping): an empty table, no error."""
    a = assess(plan, [OBSERVED])
    for paces in (None, {}):
        out = run_scenarios(plan, [str(OBSERVED)], a, [], 2023, paces=paces)
        assert out.shape == (0, 0)


def test_scenarios_without_observation_files(plan):
    """No observation file: the plan's baselines only. hs_ger from 98 (2020) at 0.2 a year reaches 99 in 2025."""
    a = assess(plan, None, as_of=2023)
    out = run_scenarios(plan, None, a, [1.0], 2025, indicators=["hs_ger"])
    assert out[["scenario", "statement_id", "status", "probability_met"]].values.tolist() == [
        ["1× pace needed", "t_hs_ger_2025", "target_achieved", 1.0]]
