"""Parameter files: the rules that need the plan (``Params.check_against``) and the paths a file gives
(``params_from_mapping``), each boundary tested on both sides, each message in full (the fast suite: no run)."""

from pathlib import Path

import pytest

from fuxin_analysis import load_plan
from fuxin_analysis.errors import InputError
from fuxin_analysis.run.params import Params, load_param_set, params_from_mapping

from .conftest import OBSERVED, PLAN_DIR

HERE = Path(__file__).parent


def _refused(plan, **keys) -> str:
    with pytest.raises(InputError) as info:
        Params(plan_dir="x", **keys).check_against(plan, "p.yaml")
    return str(info.value)


def _accepted(plan, **keys) -> Params:
    params = Params(plan_dir="x", **keys)
    params.check_against(plan, "p.yaml")
    return params


def test_as_of_from_the_baseline_year(plan):
    """Fuxin's baseline year is 2020: 2019 is refused, 2020 (the boundary) and later are accepted."""
    assert _refused(plan, as_of=2019) == "p.yaml, field 'as_of': before the plan's baseline year 2020 (value: 2019)"
    assert _accepted(plan, as_of=2020).as_of == 2020
    assert _accepted(plan, as_of=2021).as_of == 2021
    assert _accepted(plan).as_of is None


@pytest.mark.parametrize(("year", "ok"), [(2020, False), (2021, True), (2025, True), (2026, False)])
def test_scenario_through_year_within_the_plan_period(plan, year, ok):
    """The plan period is 2021–2025: the baseline year itself and the year after the period are refused."""
    if ok:
        assert _accepted(plan, scenario_through_year=year).through_year(plan) == year
    else:
        assert _refused(plan, scenario_through_year=year) == (
            f"p.yaml, field 'scenario_through_year': must be within the plan period 2021–2025 (value: {year})")


def test_through_year_defaults_to_the_plans_third_year(plan):
    assert _accepted(plan).through_year(plan) == 2023  # 2021 + 2
    gross = load_plan(HERE / "plans" / "gross_ratio_above_100")  # 2019–2025: its third year is 2021
    assert Params(plan_dir="x").through_year(gross) == 2021


@pytest.mark.parametrize("key", ["scenario_indicators", "scenario_paces"])
def test_unknown_indicators_are_named_with_the_nearest_known_one(plan, key):
    value = ["hs_gerr"] if key == "scenario_indicators" else {"hs_gerr": 1.0}
    assert _refused(plan, **{key: value}) == (f"p.yaml, field '{key}': unknown indicator (not in plan fuxin_14th) "
                                              "(value: 'hs_gerr'); did you mean 'hs_ger'?")
    far = ["zzzz"] if key == "scenario_indicators" else {"zzzz": 1.0}
    assert _refused(plan, **{key: far}) == (f"p.yaml, field '{key}': unknown indicator (not in plan fuxin_14th) "
                                            "(value: 'zzzz')")
    known = ["hs_ger"] if key == "scenario_indicators" else {"hs_ger": 1.0}
    _accepted(plan, **{key: known})


@pytest.mark.parametrize(("pace", "ok"), [(-0.5, False), (0.0, True), (0.5, True)])
def test_a_totals_pace_cannot_be_negative_a_levels_can(plan, pace, ok):
    flow = "excellent_head_teachers"  # a total over the plan period
    if ok:
        _accepted(plan, scenario_paces={flow: pace})
    else:
        assert _refused(plan, scenario_paces={flow: pace}) == (
            f"p.yaml, field 'scenario_paces.{flow}': {flow} is a total over a period: its yearly amount cannot be "
            f"negative (value: {pace:g})")
    _accepted(plan, scenario_paces={"hs_ger": pace})  # a level may fall


# ---- paths ---------------------------------------------------------------------------------------------------------

def _mapping(tmp_path, **keys):
    return params_from_mapping({"plan_dir": str(PLAN_DIR), **keys}, "p.yaml", tmp_path)


def test_paths_resolve_against_the_folder_that_gave_them(tmp_path):
    """A batch's base gives the plan folder, its set the observations: each path is relative to its own folder."""
    (tmp_path / "obs").mkdir()
    (tmp_path / "obs" / "a.csv").write_text("indicator_id,year,value,source,note\n", encoding="utf-8")
    _, notebook = params_from_mapping({"plan_dir": "fuxin_14th", "observations": ["a.csv"]}, "p.yaml", tmp_path,
                                      {"plan_dir": PLAN_DIR.parent, "observations": tmp_path / "obs"})
    assert notebook["plan_dir"] == str(PLAN_DIR)
    assert notebook["observations"] == [str((tmp_path / "obs" / "a.csv").resolve())]
    with pytest.raises(InputError, match="plan folder not found"):  # without its base, the same name is not there
        params_from_mapping({"plan_dir": "fuxin_14th"}, "p.yaml", tmp_path)


def test_a_plan_folder_that_is_not_there(tmp_path):
    with pytest.raises(InputError) as info:
        params_from_mapping({"plan_dir": "nowhere"}, "p.yaml", tmp_path)
    assert str(info.value) == "p.yaml, field 'plan_dir': plan folder not found (value: 'nowhere')"


@pytest.mark.parametrize(("name", "make", "problem"), [
    ("missing.csv", None, "observation file not found"),
    ("folder", "dir", "is a folder, not a CSV file"),
    ("old.xls", "file", "an old-format Excel workbook (.xls) (value: 'old.xls'); open it in Excel and save it as .xlsx"),
    ("notes.txt", "file", "an observation file must be a .csv file or an Excel workbook (.xlsx)"),
])
def test_observation_paths_are_checked_in_order(tmp_path, name, make, problem):
    if make == "dir":
        (tmp_path / name).mkdir()
    elif make == "file":
        (tmp_path / name).write_text("x", encoding="utf-8")
    with pytest.raises(InputError) as info:
        _mapping(tmp_path, observations=[str(OBSERVED), name])
    assert str(info.value).startswith(f"p.yaml, field 'observations[1]': {problem}"), str(info.value)


def test_a_valid_file_gives_the_notebook_parameters(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(f'plan_dir: "{PLAN_DIR}"\nobservations: ["{OBSERVED}"]\nas_of: 2023\nscenario_multipliers: [1, 2.5]\n'
                    'scenario_paces: {hs_ger: 1}\n', encoding="utf-8")
    loaded = load_param_set(path)
    assert loaded.files == (path,) and loaded.name is None and loaded.label == str(path)
    nb = loaded.notebook
    assert nb["plan_dir"] == str(PLAN_DIR) and nb["observations"] == [str(OBSERVED)] and nb["as_of"] == 2023
    assert nb["scenario_multipliers"] == [1.0, 2.5] and all(isinstance(m, float) for m in nb["scenario_multipliers"])
    assert nb["scenario_paces"] == {"hs_ger": 1.0} and isinstance(nb["scenario_paces"]["hs_ger"], float)
    assert nb["language"] == "both" and nb["scenario_through_year"] is None and nb["scenario_indicators"] == []
