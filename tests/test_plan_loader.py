"""The plan loader: any folder of the same form loads; each kind of mistake gives one precise error."""

import shutil
from pathlib import Path

import pandas as pd
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


# ---- a small HYPOTHETICAL plan (figures written for these tests, not observations of anything) -----------------------

HYPO_YAML = """id: hypothetical
name_zh: 测试计划
name_en: Test plan (hypothetical)
issuer: 测试 / test fixture
period_start: 2021
period_end: 2025
baseline_year: 2020
baseline_period: "2016-2020"
source: "text.txt: HYPOTHETICAL sentences written for the test"
source_file: text.txt
"""
HYPO_TEXT = ("【假设，仅供测试 HYPOTHETICAL, test only】教师平均工资收入水平不低于当地公务员平均工资水平。办事最多跑2次。"
             "2020年辍学人数为0人。")
HYPO_IND_HEADER = "indicator_id,name_zh,name_en,domain,unit,kind,direction,lower_bound,upper_bound\n"
HYPO_INDICATORS = ("pay_ratio,教师工资与公务员工资之比,teacher pay to civil servant pay,teachers,ratio,ratio,increase,0,\n"
                   "service_visits,办事跑动次数,visits per service,governance,count,stock,decrease,,5\n"
                   "dropouts,辍学人数,dropouts,compulsory,persons,stock,decrease,0,\n")
HYPO_ST_HEADER = ("statement_id,indicator_id,role,period_start,period_end,comparator,value,value_high,unit,"
                  "source_section,source_quote,note\n")
HYPO_STATEMENTS = ("t_pay_ratio_2025,pay_ratio,target,2025,2025,>=,1,,ratio,假设,"
                   "教师平均工资收入水平不低于当地公务员平均工资水平,parity\n"
                   "t_service_visits_2025,service_visits,target,2025,2025,<=,2,,count,假设,办事最多跑2次,\n"
                   "b_dropouts_2020,dropouts,baseline,2020,2020,=,0,,persons,假设,2020年辍学人数为0人,\n")


def _hypothetical(tmp_path, indicators=HYPO_IND_HEADER + HYPO_INDICATORS, statements=HYPO_ST_HEADER + HYPO_STATEMENTS):
    folder = tmp_path / "hypothetical"
    folder.mkdir(exist_ok=True)
    for name, text in (("plan.yaml", HYPO_YAML), ("text.txt", HYPO_TEXT), ("indicators.csv", indicators),
                       ("statements.csv", statements)):
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_parity_zero_and_a_missing_lower_bound_load(tmp_path):
    """A ratio stated by 不低于 (parity, 1), a value of 0 at its lower bound, a count with only an upper bound: the
    plan loads, with the source file plan.yaml names."""
    plan = load_plan(_hypothetical(tmp_path))
    assert plan.path == tmp_path / "hypothetical" and plan.source_text == HYPO_TEXT
    assert plan.statements[["statement_id", "value"]].values.tolist() == [
        ["t_pay_ratio_2025", 1.0], ["t_service_visits_2025", 2.0], ["b_dropouts_2020", 0.0]]
    bounds = plan.indicators.set_index("indicator_id")[["lower_bound", "upper_bound"]]
    assert bounds.loc["service_visits"].isna().tolist() == [True, False] and bounds.loc["service_visits", "upper_bound"] == 5


def test_a_value_above_an_upper_bound_without_a_lower_bound(tmp_path):
    """The bounds in the message: an empty lower bound stays empty."""
    folder = _hypothetical(tmp_path, statements=HYPO_ST_HEADER + HYPO_STATEMENTS.replace(",<=,2,,count,", ",<=,6,,count,"))
    with pytest.raises(InputError) as info:
        load_plan(folder)
    assert str(info.value) == (f"{folder / 'statements.csv'}, row 3, field 'value': outside the indicator's bounds "
                               "[, 5] (value: 6)")


def test_a_quote_not_in_the_named_source_file(tmp_path):
    """The message names the source file plan.yaml gives (text.txt)."""
    folder = _hypothetical(tmp_path, statements=HYPO_ST_HEADER + HYPO_STATEMENTS.replace("办事最多跑2次", "办事最多跑3次"))
    with pytest.raises(InputError) as info:
        load_plan(folder)
    assert str(info.value) == (f"{folder / 'statements.csv'}, row 3, field 'source_quote': quote not found in the plan's "
                               "text (text.txt) (value: '办事最多跑3次')")


def test_optional_columns_may_be_left_out(tmp_path):
    """indicators.csv without the bound columns and statements.csv without the note column load: no bounds (NaN,
    float), empty notes; a statement may give no value (NaN)."""
    indicators = "\n".join(",".join(line.split(",")[:7]) for line in (HYPO_IND_HEADER + HYPO_INDICATORS).splitlines())
    statements = "\n".join(line.rsplit(",", 1)[0] for line in (HYPO_ST_HEADER + HYPO_STATEMENTS).splitlines())
    statements = statements.replace(",<=,2,,count,", ",<=,,,count,")
    plan = load_plan(_hypothetical(tmp_path, indicators=indicators + "\n", statements=statements + "\n"))
    assert list(plan.indicators.columns) == ["indicator_id", "name_zh", "name_en", "domain", "unit", "kind", "direction",
                                             "lower_bound", "upper_bound"]
    assert plan.indicators[["lower_bound", "upper_bound"]].isna().all().all()
    assert [str(plan.indicators[c].dtype) for c in ("lower_bound", "upper_bound")] == ["float64", "float64"]
    assert plan.statements["note"].tolist() == ["", "", ""]
    assert plan.statements["value"].tolist()[0] == 1.0 and pd.isna(plan.statements["value"].tolist()[1])
    assert {c: str(plan.statements[c].dtype) for c in ("period_start", "period_end", "value", "value_high")} == {
        "period_start": "int64", "period_end": "int64", "value": "float64", "value_high": "float64"}


def test_statements_joined_with_their_indicators(tmp_path):
    """statements_long: every statement column, then the indicator's names, domain, kind, direction and bounds;
    baselines() and targets() split it by role, each indexed from 0."""
    plan = load_plan(_hypothetical(tmp_path))
    columns = ["statement_id", "indicator_id", "role", "period_start", "period_end", "comparator", "value",
               "value_high", "unit", "source_section", "source_quote", "note", "name_zh", "name_en", "domain", "kind",
               "direction", "lower_bound", "upper_bound"]
    long = plan.statements_long()
    assert list(long.columns) == columns and list(long["statement_id"]) == [
        "t_pay_ratio_2025", "t_service_visits_2025", "b_dropouts_2020"]
    assert long[["name_en", "domain", "kind", "direction"]].values.tolist() == [
        ["teacher pay to civil servant pay", "teachers", "ratio", "increase"],
        ["visits per service", "governance", "stock", "decrease"], ["dropouts", "compulsory", "stock", "decrease"]]
    assert long["name_zh"].tolist() == ["教师工资与公务员工资之比", "办事跑动次数", "辍学人数"]
    assert long["lower_bound"].tolist()[::2] == [0.0, 0.0] and long["upper_bound"].tolist()[1] == 5.0
    base, targets = plan.baselines(), plan.targets()
    assert list(base.columns) == columns and list(targets.columns) == columns
    assert (list(base.index), list(base["statement_id"])) == ([0], ["b_dropouts_2020"])
    assert (list(targets.index), list(targets["statement_id"])) == ([0, 1], ["t_pay_ratio_2025", "t_service_visits_2025"])


def test_a_national_series_of_several_units_is_named_with_all(tmp_path, monkeypatch):
    """A national series published in several units: the message lists them sorted, joined by '/'."""
    from fuxin_analysis.data import reference

    monkeypatch.setattr(reference, "national_units", lambda: {"mixed_series": {"persons", "percent"}})
    folder = _hypothetical(tmp_path)
    (folder / "comparable.csv").write_text("indicator_id,national_indicator_id,note\ndropouts,mixed_series,x\n"
                                           "pay_ratio,mixed_series,y\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_plan(folder)
    assert str(info.value) == (f"{folder / 'comparable.csv'}, row 3, field 'national_indicator_id': the indicator's unit "
                               "'ratio' differs from the national series' unit 'percent/persons' (value: 'mixed_series')")


def test_statements_long_keeps_one_row_per_statement(tmp_path):
    """The join is one row per statement (docstring): a statement whose indicator row is missing from a Plan built by
    hand is kept (its indicator columns empty), and an indicator table with an id twice is refused rather than
    doubling statements."""
    import dataclasses

    plan = load_plan(_hypothetical(tmp_path))
    without = dataclasses.replace(plan, indicators=plan.indicators[plan.indicators["indicator_id"] != "pay_ratio"])
    long = without.statements_long()
    assert list(long["statement_id"]) == ["t_pay_ratio_2025", "t_service_visits_2025", "b_dropouts_2020"]
    assert long[["name_en", "kind"]].iloc[0].isna().all()
    twice = dataclasses.replace(plan, indicators=pd.concat([plan.indicators, plan.indicators.iloc[:1]]))
    with pytest.raises(pd.errors.MergeError):
        twice.statements_long()
