"""Data gaps (which years are missing, which figure matters most) and the comparison with the previous report,
worked by hand on the shipped plan."""

from datetime import date

import pandas as pd

from fuxin_analysis import assess
from fuxin_analysis.data import observations as obs_mod
from fuxin_analysis.methods.gaps import data_gaps
from fuxin_analysis.run.changes import Previous, compare

SRC = "test bulletin"


def _obs(rows):
    return pd.DataFrame([(*r, SRC) for r in rows], columns=["indicator_id", "year", "value", "source"])


def _gaps(plan, rows, as_of=None, today=date(2026, 6, 1)):
    frame = _obs(rows)
    a = assess(plan, frame, as_of=as_of, today=today)
    data = obs_mod.load(frame, plan, as_of)
    return data_gaps(plan, data, a, as_of or today.year).set_index("statement_id"), a


def test_pending_level_needs_its_target_year(plan):
    gaps, _ = _gaps(plan, [("hs_ger", 2021, 98.2), ("hs_ger", 2023, 98.9)])
    hs = gaps.loc["t_hs_ger_2025"]
    # 2020 is the plan's figure; 2022, 2024, 2025 are missing; 2025 decides the outcome
    assert (hs["years_observed"], hs["years_missing"]) == ("2020, 2021, 2023", "2022, 2024, 2025")
    assert (hs["next_figure"], hs["priority"], hs["outcome"]) == ("2025", 1, "pending")
    assert gaps.index[0] == "t_hs_ger_2025"  # the figure that decides an outcome comes first


def test_open_level_needs_its_latest_missing_year(plan):
    gaps, _ = _gaps(plan, [("hs_ger", 2021, 98.2)], as_of=2023)
    hs = gaps.loc["t_hs_ger_2025"]
    assert (hs["outcome"], hs["years_missing"], hs["next_figure"], hs["priority"]) == ("open", "2022, 2023", "2023", 3)


def test_no_data_level_and_total(plan):
    gaps, _ = _gaps(plan, [])
    level = gaps.loc["t_preschool_ger_2025"]  # only the plan's 2020 figure
    assert (level["outcome"], level["years_observed"], level["next_figure"], level["priority"]) == (
        "no_data", "2020", "2025", 2)
    total = gaps.loc["t_excellent_head_teachers_2021_2025"]  # a total needs every year's amount
    assert (total["years_observed"], total["next_figure"], total["priority"]) == ("", "2021, 2022, 2023, 2024, 2025", 2)


def test_a_known_outcome_needs_nothing(plan):
    gaps, _ = _gaps(plan, [("hs_ger", 2025, 99.0)])
    hs = gaps.loc["t_hs_ger_2025"]
    assert (hs["outcome"], hs["next_figure"], hs["priority"], hs["why"]) == ("met", "", 0, "")
    assert gaps.index[-1] == "t_hs_ger_2025"  # the only target that needs nothing comes last
    assert list(gaps["priority"].replace(0, 99)) == sorted(gaps["priority"].replace(0, 99))


def _previous(plan, rows, run_time="2026-01-01T10:00:00", plan_id="fuxin_14th", parameters=None, keep_obs=True):
    frame = _obs(rows)
    a = assess(plan, frame, today=date(2026, 6, 1))
    data = obs_mod.load(frame, plan)
    observations = data[["indicator_id", "year", "value", "source", "note", "origin"]] if keep_obs else None
    return Previous(run_time, plan_id, parameters or {"as_of": None, "observations": ["a.csv"]}, a, observations)


def _now(plan, rows):
    frame = _obs(rows)
    return assess(plan, frame, today=date(2026, 6, 1)), obs_mod.load(frame, plan)


def test_a_new_value_and_its_change(plan):
    before = _previous(plan, [("hs_ger", 2023, 98.9), ("preschool_ger", 2023, 96.0)])
    a, data = _now(plan, [("hs_ger", 2023, 98.9), ("hs_ger", 2025, 98.5), ("preschool_ger", 2023, 96.5)])
    result = compare(before, a, data, "fuxin_14th", {"as_of": None, "observations": ["a.csv"]}, "2026-06-01T10:00:00")
    table = result.table.set_index("statement_id")
    hs = table.loc["t_hs_ger_2025"]
    assert (hs["outcome_before"], hs["outcome_after"], hs["new_observations"]) == ("pending", "not_met", "2025: 98.5")
    pre = table.loc["t_preschool_ger_2025"]
    assert pre["changed"] and pre["new_observations"] == "2023: 96.5 (was 96)"
    assert set(result.changed["statement_id"]) == {"t_hs_ger_2025", "t_preschool_ger_2025"}
    assert (hs["previous_run"], hs["this_run"]) == ("2026-01-01T10:00:00", "2026-06-01T10:00:00")
    assert result.notes == []  # same plan, same parameters: nothing to warn about


def test_nothing_changed_and_a_removed_value(plan):
    rows = [("hs_ger", 2023, 98.9)]
    a, data = _now(plan, rows)
    same = compare(_previous(plan, rows), a, data, "fuxin_14th", {"as_of": None, "observations": ["a.csv"]}, "t")
    assert not same.table["changed"].any() and same.notes[-1][1] == "No target changed since the previous report."
    a, data = _now(plan, [])
    gone = compare(_previous(plan, rows), a, data, "fuxin_14th", {"as_of": None, "observations": ["a.csv"]}, "t")
    assert gone.table.set_index("statement_id").loc["t_hs_ger_2025", "new_observations"] == "2023: removed (was 98.9)"


def test_like_with_like(plan):
    a, data = _now(plan, [])
    first = compare(None, a, data, "fuxin_14th", {}, "t")
    assert first.table.empty and first.notes[0][1] == "No previous report in this folder: nothing to compare."
    broken = compare(None, a, data, "fuxin_14th", {}, "t", unreadable=True)
    assert broken.table.empty and "has no readable scorecard.csv" in broken.notes[0][1]
    other = compare(_previous(plan, [], plan_id="china_14th_education"), a, data, "fuxin_14th", {}, "t")
    assert other.table.empty and "another plan (china_14th_education): not compared" in other.notes[0][1]
    shifted = compare(_previous(plan, []), a, data, "fuxin_14th", {"as_of": 2023, "observations": ["a.csv"]}, "t")
    assert len(shifted.table) == len(a) and "The parameter as_of differs (None before, 2023 now)" in shifted.notes[0][1]
    old = compare(_previous(plan, [], keep_obs=False), a, data, "fuxin_14th",
                  {"as_of": None, "observations": ["a.csv"]}, "t")
    assert "did not keep its observations" in old.notes[0][1]
