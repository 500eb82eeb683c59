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

CASES = {
    "duplicate": ("statements.csv", S + K + K,
                  "statements.csv, row 3, field 'statement_id': duplicate id (first in row 2) (value: 'kg_ger_2025')"),
    "unknown": ("statements.csv", S + K.replace(",kg_ger,", ",kg_gr,"),
                "statements.csv, row 2, field 'indicator_id': unknown indicator (value: 'kg_gr'); did you mean "
                "'kg_ger'?"),
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
    "no indicators": ("indicators.csv", "indicator_id,name_zh,name_en,domain,unit,kind,direction,lower_bound,"
                                        "upper_bound\n", "indicators.csv: no indicators"),
    "comparable, unknown indicator": ("comparable.csv", C + "zzzz,preschool_ger,x\n",
                                      "comparable.csv, row 2, field 'indicator_id': unknown indicator (value: 'zzzz'); "
                                      "the plan's indicators are in indicators.csv"),
    "comparable, unknown series": ("comparable.csv", C + "kg_ger,zzzz,x\n",
                                   "comparable.csv, row 2, field 'national_indicator_id': unknown national series "
                                   "(value: 'zzzz'); the national series are those of "
                                   "data/reference/national_moe_bulletins.csv and national_14th_targets.csv"),
    "comparable, twice": ("comparable.csv", C + "kg_ger,preschool_ger,x\nkg_ger,preschool_ger,y\n",
                          "comparable.csv, row 3, field 'indicator_id': duplicate indicator (first in row 2): an "
                          "indicator is compared with one national series (value: 'kg_ger')"),
    "comparable, once": ("comparable.csv", C + "kg_ger,preschool_ger,Same definition.\n", None),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_refusal_in_full(tmp_path, case):
    name, text, expected = CASES[case]
    folder = tmp_path / "plan"
    shutil.copytree(MINI, folder)
    (folder / name).write_text(text, encoding="utf-8")
    if expected is None:  # the other side of the boundary: accepted
        plan = load_plan(folder)
        if name == "comparable.csv":
            assert plan.comparable.to_dict("records") == [
                {"indicator_id": "kg_ger", "national_indicator_id": "preschool_ger", "note": "Same definition."}]
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
