"""The plan loader: any folder of the same form loads; each kind of mistake gives one precise error."""

import shutil
from pathlib import Path

import pytest

from fuxin_analysis import InputError, load_plan

from .conftest import PLAN_DIR

MINI = Path(__file__).parent / "plans" / "mini_plan"
CHINA = PLAN_DIR.parent / "china_14th_education"


def test_a_second_plan_folder_loads_without_code_change():
    plan = load_plan(MINI)
    assert plan.id == "mini_plan"
    assert list(plan.indicators["indicator_id"]) == ["kg_ger", "college_students", "top_voc_schools"]
    targets = plan.targets().set_index("statement_id")
    assert targets.loc["college_students_2025", "value"] == 10_000  # 1 万人
    assert targets.loc["top_voc_schools_2021_2025", ["value", "value_high"]].tolist() == [1, 2]


def test_frames_are_typed(plan):
    st = plan.statements
    assert str(st["value"].dtype) == "float64" and str(st["period_start"].dtype) == "int64"
    assert str(plan.indicators["upper_bound"].dtype) == "float64"


@pytest.fixture
def copy(tmp_path):
    """A writable copy of the shipped plan folder."""
    target = tmp_path / "plan"
    shutil.copytree(PLAN_DIR, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# (file, text to replace, replacement, expected row, field, value in the message)
CASES = {
    "missing column": ("statements.csv", "statement_id,indicator_id,role,", "statement_id,role,", 1,
                       "indicator_id", None),
    "unknown indicator": ("statements.csv", "b_hs_ger_2020,hs_ger,", "b_hs_ger_2020,hs_gr,", 5, "indicator_id",
                          "hs_gr"),
    "percentage above its upper bound": ("statements.csv", "b_hs_ger_2020,hs_ger,baseline,2020,2020,=,98,",
                                         "b_hs_ger_2020,hs_ger,baseline,2020,2020,=,130,", 5, "value", "130"),
    "non-numeric value": ("statements.csv", "b_hs_ger_2020,hs_ger,baseline,2020,2020,=,98,",
                          "b_hs_ger_2020,hs_ger,baseline,2020,2020,=,ninety-eight,", 5, "value", "ninety-eight"),
    "percent sign in a number": ("statements.csv", "b_hs_ger_2020,hs_ger,baseline,2020,2020,=,98,",
                                 "b_hs_ger_2020,hs_ger,baseline,2020,2020,=,98%,", 5, "value", "98%"),
    "duplicate statement id": ("statements.csv", "b_hs_ger_2020,", "b_compulsory_consolidation_2020,", 5,
                               "statement_id", "b_compulsory_consolidation_2020"),
    "duplicate indicator id": ("indicators.csv", "hs_ger,高中阶段毛入学率", "preschool_ger,高中阶段毛入学率", 11,
                               "indicator_id", "preschool_ger"),
    "unknown comparator": ("statements.csv", "b_hs_ger_2020,hs_ger,baseline,2020,2020,=,",
                           "b_hs_ger_2020,hs_ger,baseline,2020,2020,~,", 5, "comparator", "~"),
    "unit differs from indicator": ("statements.csv", "b_hs_ger_2020,hs_ger,baseline,2020,2020,=,98,,percent,",
                                    "b_hs_ger_2020,hs_ger,baseline,2020,2020,=,98,,persons,", 5, "unit", "persons"),
    "quote not in the source": ("statements.csv", "高中阶段毛入学率达到98%", "高中阶段毛入学率达到97%", 5,
                                "source_quote", "高中阶段毛入学率达到97%"),
    "value not stated by its quote": ("statements.csv", "b_hs_ger_2020,hs_ger,baseline,2020,2020,=,98,",
                                      "b_hs_ger_2020,hs_ger,baseline,2020,2020,=,89,", 5, "value", "89"),
    "unknown domain": ("indicators.csv", "hs_ger,高中阶段毛入学率,senior-secondary gross enrolment rate,senior_secondary",
                       "hs_ger,高中阶段毛入学率,senior-secondary gross enrolment rate,highschool", 11, "domain",
                       "highschool"),
    "range with low above high": ("statements.csv", "range,1,2,schools", "range,2,1,schools", 56, "value", "2"),
    "year written as a float": ("statements.csv", "b_hs_ger_2020,hs_ger,baseline,2020,", "b_hs_ger_2020,hs_ger,baseline,2020.0,",
                                5, "period_start", "2020.0"),
    "infinite value": ("statements.csv", "b_hs_ger_2020,hs_ger,baseline,2020,2020,=,98,",
                       "b_hs_ger_2020,hs_ger,baseline,2020,2020,=,inf,", 5, "value", "inf"),
    "target year before the base year": ("statements.csv", "t_hs_ger_2025,hs_ger,target,2025,2025,",
                                         "t_hs_ger_2025,hs_ger,target,2019,2019,", 55, "period_end", "2019"),
    "comparable: unknown plan indicator": ("comparable.csv", "hs_ger,hs_ger,", "hs_gr,hs_ger,", 4, "indicator_id",
                                           "hs_gr"),
    "comparable: unknown national series": ("comparable.csv", "hs_ger,hs_ger,", "hs_ger,hs_gr,", 4,
                                            "national_indicator_id", "hs_gr"),
    "comparable: duplicate row": ("comparable.csv", "hs_ger,hs_ger,Same definition (高中阶段毛入学率).",
                                  "preschool_ger,preschool_ger,Same definition (学前三年毛入园率).", 4, "indicator_id",
                                  "preschool_ger"),
    "comparable: missing column": ("comparable.csv", "indicator_id,national_indicator_id,note",
                                   "indicator_id,note", 1, "national_indicator_id", None),
    "comparable: unit differs from the national series": ("comparable.csv", "hs_ger,hs_ger,", "voc_enrolment,hs_ger,",
                                                          4, "national_indicator_id", "hs_ger"),
    "comparable: no note": ("comparable.csv", "hs_ger,hs_ger,Same definition (高中阶段毛入学率).", "hs_ger,hs_ger,",
                            4, "note", None),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_table_gives_one_precise_error(copy, case):
    name, old, new, row, field, value = CASES[case]
    _edit(copy / name, old, new)
    with pytest.raises(InputError) as info:
        load_plan(copy)
    err = info.value
    message = str(err)
    assert name in message and "\n" not in message
    assert (err.row, err.field) == (row, field), message
    assert f"row {row}" in message and f"'{field}'" in message
    if value is not None:
        assert value in message


def test_unknown_indicator_suggests_the_nearest(copy):
    _edit(copy / "statements.csv", "b_hs_ger_2020,hs_ger,", "b_hs_ger_2020,hs_gers,")
    with pytest.raises(InputError, match="did you mean 'hs_ger'"):
        load_plan(copy)


def test_missing_file_is_named(copy):
    (copy / "indicators.csv").unlink()
    with pytest.raises(InputError, match=r"indicators\.csv: file not found"):
        load_plan(copy)


def test_gbk_file_is_recognised(copy):
    path = copy / "indicators.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
    with pytest.raises(InputError, match="GBK"):
        load_plan(copy)


def test_malformed_plan_yaml(copy):
    (copy / "plan.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"plan\.yaml: YAML syntax error at line"):
        load_plan(copy)


def test_plan_yaml_years_out_of_order(copy):
    _edit(copy / "plan.yaml", "period_start: 2021", "period_start: 2019")
    with pytest.raises(InputError, match="years out of order"):
        load_plan(copy)


def test_missing_folder():
    with pytest.raises(InputError, match="plan folder not found"):
        load_plan("/nonexistent/plan")


def test_comparable_indicators_are_read_from_the_plan_folder(plan):
    pairs = dict(zip(plan.comparable["indicator_id"], plan.comparable["national_indicator_id"], strict=True))
    assert pairs["inclusive_kg_place_coverage"] == "inclusive_kg_enrolment_share" and len(pairs) == 6
    assert all(plan.comparable["note"].str.len() > 0)  # why the two definitions compare
    national = load_plan(CHINA).comparable
    assert list(national.columns) == ["indicator_id", "national_indicator_id", "note"]
    assert (national["indicator_id"] == national["national_indicator_id"]).all() and "he_ger" in set(national["indicator_id"])


def test_a_plan_without_comparable_csv_compares_nothing():
    plan = load_plan(MINI)
    assert not (MINI / "comparable.csv").exists()
    assert plan.comparable.empty and list(plan.comparable.columns) == ["indicator_id", "national_indicator_id", "note"]


def test_unknown_national_series_suggests_the_nearest(copy):
    _edit(copy / "comparable.csv", "hs_ger,hs_ger,", "hs_ger,hs_gers,")
    with pytest.raises(InputError, match="unknown national series.*did you mean 'hs_ger'"):
        load_plan(copy)
