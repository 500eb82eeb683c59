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

from .conftest import OBSERVED


@pytest.fixture(scope="module")
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
