"""Parameter files: the rules that need the plan (``Params.check_against``) and the paths a file gives
(``params_from_mapping``), each boundary tested on both sides, each message in full (the fast suite: no run)."""

import shutil
from pathlib import Path

import pytest

from fuxin_analysis import load_plan
from fuxin_analysis.errors import InputError
from fuxin_analysis.present.explore import PlanChoice
from fuxin_analysis.run import params as params_module
from fuxin_analysis.run.params import (
    DEFAULT_TITLE,
    Params,
    discover_plans,
    load_param_set,
    load_params,
    params_from_mapping,
)

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


def test_a_path_with_a_nul_character_is_named_with_its_key(tmp_path):
    """A NUL character cannot be in a path: the message names the parameter file, the key and the value given."""
    with pytest.raises(InputError) as info:
        params_from_mapping({"plan_dir": "a\x00b"}, "p.yaml", tmp_path)
    assert str(info.value) == ("p.yaml, field 'plan_dir': not a usable path (it contains a NUL character) "
                               "(value: 'a\\x00b')")
    with pytest.raises(InputError) as info:
        _mapping(tmp_path, observations=[str(OBSERVED), "x\x00.csv"])
    assert str(info.value) == ("p.yaml, field 'observations[1]': not a usable path (it contains a NUL character) "
                               "(value: 'x\\x00.csv')")


def test_a_key_of_the_wrong_type_is_named_with_the_file(tmp_path):
    """Schema errors name the label they are given (the parameter file), the key and the value."""
    with pytest.raises(InputError) as info:
        params_from_mapping({"plan_dir": 5}, "p.yaml", tmp_path)
    assert str(info.value) == "p.yaml, field 'plan_dir': Input should be a valid string (value: 5)"  # pydantic's words


@pytest.mark.parametrize(("name", "make", "problem"), [
    ("missing.csv", None, "observation file not found"),
    ("folder", "dir", "is a folder, not a CSV file"),
    ("notes.txt", "file", "an observation file must be a .csv file or an Excel workbook (.xlsx)"),
])
def test_a_refused_observation_path_in_full(tmp_path, name, make, problem):
    """Each refusal of an observation path, as one whole line: file, key with its index, problem, the value given."""
    if make == "dir":
        (tmp_path / name).mkdir()
    elif make == "file":
        (tmp_path / name).write_text("x", encoding="utf-8")
    with pytest.raises(InputError) as info:
        _mapping(tmp_path, observations=[name])
    assert str(info.value) == f"p.yaml, field 'observations[0]': {problem} (value: '{name}')"


def test_csv_and_xlsx_observations_are_accepted_in_any_case_of_suffix(tmp_path):
    """.csv and .xlsx files (the suffix compared in lower case: Excel on Windows writes .XLSX) pass the path checks,
    each made absolute against the base folder, in the order given."""
    names = ["a.csv", "b.xlsx", "c.XLSX", "d.CSV"]
    for name in names:
        (tmp_path / name).write_text("x", encoding="utf-8")
    _, notebook = _mapping(tmp_path, observations=names)
    assert notebook["observations"] == [str((tmp_path / n).resolve()) for n in names]


def test_load_params_gives_the_validated_keys_and_the_notebook_parameters(tmp_path):
    """``load_params``: the Params and the notebook's parameters of one file (paths absolute, defaults filled)."""
    (tmp_path / "obs.csv").write_text("indicator_id,year,value,source,note\n", encoding="utf-8")
    path = tmp_path / "p.yaml"
    path.write_text(f'plan_dir: "{PLAN_DIR}"\nobservations: [obs.csv]\nas_of: 2022\nlanguage: zh\n'
                    'scenario_indicators: [hs_ger]\nscenario_through_year: 2024\n', encoding="utf-8")
    params, notebook = load_params(path)
    assert isinstance(params, Params) and params.as_of == 2022 and params.observations == ["obs.csv"]
    assert notebook == {
        "plan_dir": str(PLAN_DIR), "observations": [str((tmp_path / "obs.csv").resolve())], "as_of": 2022,
        "language": "zh", "title": DEFAULT_TITLE, "scenario_multipliers": [0.5, 1.0, 1.5],
        "scenario_through_year": 2024, "scenario_indicators": ["hs_ger"], "scenario_paces": {}}
    loaded = load_param_set(path)
    assert loaded.params == params and loaded.notebook == notebook


def test_errors_of_a_parameter_file_name_the_file(tmp_path):
    """A parameter file's errors (schema, paths) name the file itself."""
    path = tmp_path / "p.yaml"
    path.write_text("plan_dir: nowhere\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_param_set(path)
    assert str(info.value) == f"{path}, field 'plan_dir': plan folder not found (value: 'nowhere')"


# ---- the explorer's plans --------------------------------------------------------------------------------------------

def _plan_copy(root: Path, name: str, fixture: str) -> Path:
    folder = root / "data" / "plans" / name
    shutil.copytree(HERE / "plans" / fixture, folder)
    return folder


def _baselines_only(root: Path) -> Path:
    """A plan folder whose only statement is a baseline (no target for the explorer to show)."""
    folder = _plan_copy(root, "e_baselines", "share_at_bound")
    text = (folder / "statements.csv").read_text(encoding="utf-8")
    (folder / "statements.csv").write_text("\n".join(text.splitlines()[:2]) + "\n", encoding="utf-8")
    (folder / "plan.yaml").write_text((folder / "plan.yaml").read_text(encoding="utf-8").replace(
        'id: "share_at_bound"', 'id: "baselines_only"'), encoding="utf-8")
    return folder


@pytest.fixture
def project(tmp_path):
    """A project folder: plans a (mini_plan), b (share_at_bound), c (one_indicator), a plan of baselines only, a
    folder without plan.yaml and a stray file under data/plans; parameter files in params/ (default.yaml names plan
    a, a.yaml and c.yaml plan b, b_broken.yaml a folder that is not there; notes.yml is not a parameter file)."""
    root = tmp_path / "project"
    a, b = _plan_copy(root, "a", "mini_plan"), _plan_copy(root, "b", "share_at_bound")
    _plan_copy(root, "c", "one_indicator")
    _baselines_only(root)
    (root / "data" / "plans" / "empty_folder").mkdir()
    (root / "data" / "plans" / "README.txt").write_text("x", encoding="utf-8")
    obs = root / "obs"
    obs.mkdir()
    for name in ("y.csv", "x.csv", "w.csv", "v.csv"):
        (obs / name).write_text("indicator_id,year,value,source,note\n", encoding="utf-8")
    params = root / "params"
    params.mkdir()
    (params / "default.yaml").write_text(f'plan_dir: "{a}"\nobservations: ["{obs / "y.csv"}"]\n', encoding="utf-8")
    (params / "a.yaml").write_text(f'plan_dir: "{b}"\nobservations: ["{obs / "x.csv"}"]\n', encoding="utf-8")
    (params / "b_broken.yaml").write_text('plan_dir: "nowhere"\n', encoding="utf-8")
    (params / "c.yaml").write_text(f'plan_dir: "{b}"\nobservations: ["{obs / "x.csv"}", "{obs / "w.csv"}"]\n',
                                   encoding="utf-8")
    (params / "notes.yml").write_text(f'plan_dir: "{a}"\nobservations: ["{obs / "v.csv"}"]\n', encoding="utf-8")
    return root


def test_discover_plans_offers_each_plan_with_its_observations(project):
    """The plan of default.yaml first, then those of the other parameter files by file name, then the plan folders
    no file names (by folder name); each plan's observation files once, in the order the files list them; a plan
    without a target, a folder without plan.yaml and a stray file are not offered; a broken parameter file is
    reported as a warning and the files after it are still read."""
    obs = (project / "obs").resolve()
    with pytest.warns(UserWarning) as caught:
        plans = discover_plans(project)
    broken = project / "params" / "b_broken.yaml"
    assert [str(w.message) for w in caught] == [
        f"explorer: {broken}, field 'plan_dir': plan folder not found (value: 'nowhere')"]
    assert all(w.filename != params_module.__file__ for w in caught)  # attributed to the caller, not to params.py
    folders = (project / "data" / "plans").resolve()
    assert plans == {
        "mini_plan": PlanChoice(folders / "a", (obs / "y.csv",)),
        "share_at_bound": PlanChoice(folders / "b", (obs / "x.csv", obs / "w.csv")),
        "one_indicator": PlanChoice(folders / "c", ()),
    }
    assert list(plans) == ["mini_plan", "share_at_bound", "one_indicator"]


def test_discover_plans_without_parameter_files(tmp_path):
    """No parameter file: every plan folder with a target is offered, by folder name, without observations."""
    root = tmp_path / "project"
    (root / "params").mkdir(parents=True)
    _plan_copy(root, "z", "mini_plan")
    _plan_copy(root, "y", "one_indicator")
    folders = (root / "data" / "plans").resolve()
    assert discover_plans(root) == {"one_indicator": PlanChoice(folders / "y", ()),
                                    "mini_plan": PlanChoice(folders / "z", ())}
    assert list(discover_plans(root)) == ["one_indicator", "mini_plan"]
