"""Every refusal of a plan folder, in full: the one line names the file, the row, the field and the value, and says
what to do (the fast suite; the command line's corpus, tests/bad_inputs/, checks the same through a run)."""

import shutil
from pathlib import Path

import pytest

from fuxin_analysis import load_plan
from fuxin_analysis.errors import InputError

MINI = Path(__file__).parent / "plans" / "mini_plan"
S = ("statement_id,indicator_id,role,period_start,period_end,comparator,value,value_high,unit,source_section,"
     "source_quote,note\n")
K = "kg_ger_2025,kg_ger,target,2025,2025,>=,95,,percent,二（三）,学前三年毛入园率达到 95%以上,\n"
STOCK = "college_students_2025,college_students,target,2025,2025,=,-5,,persons,二（三）,阜新高专在校生达到 1 万人,\n"
C = "indicator_id,national_indicator_id,note\n"
TOP = ("top_voc_schools_2021_2025,top_voc_schools,target,2021,2025,range,1,2,schools,二（三）,"
       "建设 1-2 所具有示范引领作用的高水平现代化职业学校,\n")

CASES = {
    "duplicate": ("statements.csv", S + K + K,
                  "statements.csv, row 3, field 'statement_id': duplicate id (first in row 2) (value: 'kg_ger_2025')"),
    "unknown": ("statements.csv", S + K.replace(",kg_ger,", ",kg_gr,"),
                ("statements.csv, row 2, field 'indicator_id': unknown indicator (value: 'kg_gr'); did you mean "
                "'kg_ger'?")),
    "unit": ("statements.csv", S + K.replace(",percent,", ",persons,"),
             "statements.csv, row 2, field 'unit': unit differs from the indicator's unit 'percent' (value: 'persons')"),
    "above": ("statements.csv", S + K.replace(",95,,", ",130,,"),
              "statements.csv, row 2, field 'value': outside the indicator's bounds [0, 100] (value: 130)"),
    "at the bound": ("statements.csv", S + K.replace(",95,,", ",100,,").replace("学前三年毛入园率达到 95%以上",
                                                                               "高中阶段毛入学率达到 100%"), None),
    "below": ("statements.csv", S + K.replace(",95,,", ",-1,,"),
              "statements.csv, row 2, field 'value': outside the indicator's bounds [0, 100] (value: -1)"),
    "a stock below 0": ("statements.csv", S + STOCK,
                        "statements.csv, row 2, field 'value': outside the indicator's bounds [0, ] (value: -5)"),
    "no statements": ("statements.csv", S, "statements.csv: no statements"),
    "no indicators": ("indicators.csv", ("indicator_id,name_zh,name_en,domain,unit,kind,direction,lower_bound,"
                                        "upper_bound\n"), "indicators.csv: no indicators"),
    "comparable, unknown indicator": ("comparable.csv", C + "zzzz,preschool_ger,x\n",
                                      ("comparable.csv, row 2, field 'indicator_id': unknown indicator (value: 'zzzz'); "
                                      "the plan's indicators are in indicators.csv")),
    "comparable, unknown series": ("comparable.csv", C + "kg_ger,zzzz,x\n",
                                   ("comparable.csv, row 2, field 'national_indicator_id': unknown national series "
                                   "(value: 'zzzz'); the national series are those of "
                                   "data/reference/national_moe_bulletins.csv and national_14th_targets.csv")),
    "comparable, twice": ("comparable.csv", C + "kg_ger,preschool_ger,x\nkg_ger,preschool_ger,y\n",
                          ("comparable.csv, row 3, field 'indicator_id': duplicate indicator (first in row 2): an "
                          "indicator is compared with one national series (value: 'kg_ger')")),
    "comparable, once": ("comparable.csv", C + "kg_ger,preschool_ger,Same definition.\n", None),
    "unknown, nothing close": ("statements.csv", S + K.replace(",kg_ger,", ",zzzz,"),
                               ("statements.csv, row 2, field 'indicator_id': unknown indicator (value: 'zzzz'); add it "
                               "to indicators.csv first")),
    "a range's high above the bound": ("statements.csv", S + K.replace(",>=,95,,", ",range,95,130,"),
                                       ("statements.csv, row 2, field 'value_high': outside the indicator's bounds "
                                       "[0, 100] (value: 130)")),
    "a baseline after the baseline year": ("statements.csv", S + K.replace(",target,2025,2025,", ",baseline,2021,2021,"),
                                           ("statements.csv, row 2, field 'period_end': a baseline must end by the "
                                           "baseline year 2020 (value: 2021)")),
    "a baseline in the baseline year": ("statements.csv", S + K.replace(",target,2025,2025,", ",baseline,2020,2020,"),
                                        None),
    "a target in the baseline year": ("statements.csv", S + K.replace(",target,2025,2025,", ",target,2020,2020,"),
                                      ("statements.csv, row 2, field 'period_end': a target year must come after the "
                                      "baseline year 2020 (value: 2020)")),
    "a target the year after": ("statements.csv", S + K.replace(",target,2025,2025,", ",target,2021,2021,"), None),
    "quote not in the text": ("statements.csv", S + K.replace("95%以上", "96%以上"),
                              ("statements.csv, row 2, field 'source_quote': quote not found in the plan's text "
                              "(source.txt) (value: '学前三年毛入园率达到 96%以上')")),
    "value not in its quote": ("statements.csv", S + K.replace(",95,,", ",96,,"),
                               "statements.csv, row 2, field 'value': value is not a number the quote states (value: 96)"),
    "a range's high not in its quote": ("statements.csv", S + "top_2021_2025,top_voc_schools,target,2021,2025,range,1,3,"
                                        "schools,二（三）,建设 1-2 所具有示范引领作用的高水平现代化职业学校,\n",
                                        ("statements.csv, row 2, field 'value_high': value is not a number the quote "
                                        "states (value: 3)")),
    "indicator twice": ("indicators.csv", ("indicator_id,name_zh,name_en,domain,unit,kind,direction,lower_bound,"
                                          "upper_bound\nkg_ger,学前三年毛入园率,preschool GER,preschool,percent,rate,"
                                          "increase,0,100\nkg_ger,学前三年毛入园率,preschool GER,preschool,percent,rate,"
                                          "increase,0,100\n"),
                        "indicators.csv, row 3, field 'indicator_id': duplicate id (first in row 2) (value: 'kg_ger')"),
    "a name the chart cannot show": ("indicators.csv", (MINI / "indicators.csv").read_text(encoding="utf-8").replace(
        "学前三年毛入园率", "学前\u200b三年毛入园率"),
        ("indicators.csv, row 2, field 'name_zh': the character U+200B (ZERO WIDTH SPACE) is a control or format "
        "character, which charts do not show: remove it (value: '学前\\u200b三年毛入园率')")),
    "an English name the chart cannot show": ("indicators.csv", (MINI / "indicators.csv").read_text(encoding="utf-8")
                                              .replace("preschool gross", "preschool\u200b gross"),
                                              ("indicators.csv, row 2, field 'name_en': the character U+200B (ZERO WIDTH "
                                              "SPACE) is a control or format character, which charts do not show: "
                                              "remove it (value: 'preschool\\u200b gross enrolment rate')")),
    "a year written as a decimal": ("statements.csv", S + K.replace(",2025,2025,", ",2025.0,2025,"),
                                    ("statements.csv, row 2, field 'period_start': a year must be four digits, e.g. 2023 "
                                    "(value: '2025.0')")),
    "a year with spaces around it": ("statements.csv", S + K.replace(",2025,2025,", ", 2025 ,2025,"), None),
    "plan.yaml: a year as a number with decimals": ("plan.yaml", (MINI / "plan.yaml").read_text(encoding="utf-8")
                                                    .replace("period_start: 2021", "period_start: 2021.0"),
                                                    ("plan.yaml, field 'period_start': a year must be a whole number "
                                                    "written as four digits, e.g. 2023 (value: 2021)")),
    "plan.yaml: a year as a boolean": ("plan.yaml", (MINI / "plan.yaml").read_text(encoding="utf-8")
                                       .replace("period_start: 2021", "period_start: yes"),
                                       ("plan.yaml, field 'period_start': a year must be a whole number written as four "
                                       "digits, e.g. 2023 (value: True); YAML reads unquoted yes/no/on/off/true/false as "
                                       "a boolean: put the value in quotes")),
    "plan.yaml: years out of order": ("plan.yaml", (MINI / "plan.yaml").read_text(encoding="utf-8")
                                      .replace("period_start: 2021", "period_start: 2020"),
                                      ("plan.yaml: years out of order: need baseline_period start <= end = baseline_year "
                                      "< period_start <= period_end")),
    "comparable, an indicator misspelt": ("comparable.csv", C + "kg_gr,preschool_ger,x\n",
                                          ("comparable.csv, row 2, field 'indicator_id': unknown indicator (value: "
                                          "'kg_gr'); did you mean 'kg_ger'?")),
    "comparable, a series misspelt": ("comparable.csv", C + "kg_ger,preschool_gr,x\n",
                                      ("comparable.csv, row 2, field 'national_indicator_id': unknown national series "
                                      "(value: 'preschool_gr'); did you mean 'preschool_ger'?")),
    "comparable, another unit": ("comparable.csv", C + "college_students,preschool_ger,x\n",
                                 ("comparable.csv, row 2, field 'national_indicator_id': the indicator's unit 'persons' "
                                 "differs from the national series' unit 'percent' (value: 'preschool_ger')")),
    "comparable, header only": ("comparable.csv", C, None),
    # a total over the period 'at most' (a cap) is refused; 'at least' and '=' on an increasing indicator are not
    "a cap on a total": ("statements.csv", S + TOP.replace(",range,1,2,", ",<=,2,,"),
                         ("statements.csv, row 2, field 'comparator': a total or yearly amount 'at most' (a cap) is not "
                          "assessed: the progress methods measure reaching an amount (comparator '>=' or '=', on an "
                          "indicator that increases) (value: '<=')")),
    "at least a total": ("statements.csv", S + TOP.replace(",range,1,2,", ",>=,1,,"), None),
    # a total target of 0 (or less) would be reached before anything is done: refused; 1 (above) is read
    "a total of 0": ("statements.csv", S + TOP.replace(",range,1,2,", ",>=,0,,"),
                     ("statements.csv, row 2, field 'value': a total or yearly amount target must be above 0: "
                      "progress is the share of it reached (value: 0)")),
    "a total reached": ("statements.csv", S + TOP.replace(",range,1,2,", ",=,2,,"), None),
}
TOP_DECREASING = "top_voc_schools,高水平现代化职业学校,high-level vocational schools,vocational,schools,flow_total,{},0,\n"


@pytest.mark.parametrize(("direction", "refused"), [("decrease", True), ("increase", False)])
def test_an_equal_total_on_a_decreasing_indicator_is_a_cap(tmp_path, direction, refused):
    """'=' means 'at most' on an indicator that should decrease (progress.target_direction): refused for a total."""
    folder = tmp_path / "plan"
    shutil.copytree(MINI, folder)
    ind = (folder / "indicators.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / "indicators.csv").write_text("".join(ind[:3]) + TOP_DECREASING.format(direction), encoding="utf-8")
    (folder / "statements.csv").write_text(S + TOP.replace(",range,1,2,", ",=,2,,"), encoding="utf-8")
    if not refused:
        assert list(load_plan(folder).statements["comparator"]) == ["="]
        return
    with pytest.raises(InputError) as info:
        load_plan(folder)
    assert str(info.value).startswith(f"{folder / 'statements.csv'}, row 2, field 'comparator': a total or yearly "
                                      "amount 'at most' (a cap) is not assessed")


@pytest.mark.parametrize("case", list(CASES))
def test_each_refusal_in_full(tmp_path, case):
    name, text, expected = CASES[case]
    folder = tmp_path / "plan"
    shutil.copytree(MINI, folder)
    (folder / name).write_text(text, encoding="utf-8")
    if expected is None:  # the other side of the boundary: accepted
        plan = load_plan(folder)
        if name == "comparable.csv":
            assert list(plan.comparable.columns) == ["indicator_id", "national_indicator_id", "note"]
            assert plan.comparable.to_dict("records") == ([] if text == C else [
                {"indicator_id": "kg_ger", "national_indicator_id": "preschool_ger", "note": "Same definition."}])
        else:
            assert list(plan.statements["statement_id"]) == [text.splitlines()[-1].split(",")[0]]
        return
    with pytest.raises(InputError) as info:
        load_plan(folder)
    assert str(info.value) == f"{folder / expected}"


def test_a_plan_folder_that_is_missing_or_a_file(tmp_path):
    with pytest.raises(InputError) as info:
        load_plan(tmp_path / "nowhere")
    assert str(info.value) == f"{tmp_path / 'nowhere'}: plan folder not found"
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_plan(tmp_path / "afile")
    assert str(info.value) == f"{tmp_path / 'afile'}: not a folder"
