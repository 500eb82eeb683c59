"""Observation files: validated like the plan tables; the plan's baselines count as observations."""

import warnings
from datetime import date

import pandas as pd
import pytest

from fuxin_analysis import InputError
from fuxin_analysis.data.observations import ObservationWarning, load, read_observations

from .conftest import ROOT, shared

HEADER = "indicator_id,year,value,source,note\n"


def _write(tmp_path, text, name="obs.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_shipped_observation_file(plan):
    obs = read_observations([ROOT / "data" / "observations" / "fuxin_observed.csv"], plan)
    row = obs.iloc[0]
    assert (row["indicator_id"], row["year"], row["value"]) == ("fuxin_college_enrolment", 2024, 9800)
    assert "9800余人" in row["source"]


CASES = {
    "unknown indicator": ("hs_gr,2021,98.5,Bulletin 2021\n", 2, "indicator_id", "hs_gr"),
    "share of 130": ("public_kg_enrolment_share,2021,130,Bulletin 2021\n", 2, "value", "130"),
    "gross ratio of 1015 (101.5 slipped)": ("hs_ger,2021,1015,Bulletin 2021\n", 2, "value", "1015"),
    "negative count": ("voc_enrolment,2021,-5,Bulletin 2021\n", 2, "value", "-5"),
    "text in a value": ("hs_ger,2021,high,Bulletin 2021\n", 2, "value", "high"),
    "percent sign": ("hs_ger,2021,95%,Bulletin 2021\n", 2, "value", "95%"),
    "year as a float": ("hs_ger,2023.0,98.5,Bulletin 2023\n", 2, "year", "2023.0"),
    "year in Chinese": ("hs_ger,二〇二三,98.5,Bulletin 2023\n", 2, "year", "二〇二三"),
    "missing source": ("hs_ger,2021,98.5,\n", 2, "source", None),
    "NaN value": ("hs_ger,2021,nan,Bulletin 2021\n", 2, "value", "nan"),
    "duplicate year": ("hs_ger,2021,98.5,Bulletin 2021\nhs_ger,2021,98.6,Bulletin 2021b\n", 3, "year", "2021"),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_observation_gives_one_precise_error(tmp_path, plan, case):
    body, row, field, value = CASES[case]
    path = _write(tmp_path, HEADER + body)
    with pytest.raises(InputError) as info:
        read_observations([path], plan)
    err = info.value
    assert (err.row, err.field) == (row, field), str(err)
    assert "obs.csv" in str(err) and "\n" not in str(err)
    if value is not None:
        assert value in str(err)


def test_duplicate_across_files(tmp_path, plan):
    a = _write(tmp_path, HEADER + "hs_ger,2021,98.5,Bulletin 2021\n", "a.csv")
    b = _write(tmp_path, HEADER + "hs_ger,2021,98.7,Bureau report\n", "b.csv")
    with pytest.raises(InputError, match=r"b\.csv, row 2, field 'year': duplicate indicator-year \(also in a\.csv, row 2\)"):
        read_observations([a, b], plan)


def test_missing_column_and_gbk(tmp_path, plan):
    with pytest.raises(InputError, match="missing column"):
        read_observations([_write(tmp_path, "indicator_id,year,value\nhs_ger,2021,98\n")], plan)
    with pytest.raises(InputError, match="GBK"):
        read_observations([_write(tmp_path, HEADER + "hs_ger,2021,98.5,阜新市统计公报\n", encoding="gbk")], plan)


def test_not_a_csv(tmp_path, plan):
    with pytest.raises(InputError, match="must be a .csv file"):
        read_observations(["/etc/passwd"], plan)
    binary = tmp_path / "data.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    with pytest.raises(InputError, match="not a text file"):
        read_observations([binary], plan)


def test_plan_baselines_are_observations_and_win_on_their_year(tmp_path, plan):
    path = _write(tmp_path, HEADER + "hs_ger,2020,97.0,Bulletin 2020\nhs_ger,2021,98.5,Bulletin 2021\n")
    with pytest.warns(ObservationWarning, match="hs_ger 2020 observed 97 differs from the plan's baseline 98"):
        data = load([path], plan)
    hs = data[data["indicator_id"] == "hs_ger"]
    assert hs[["year", "value", "origin"]].values.tolist() == [[2020, 98.0, "plan"], [2020, 97.0, "observed"],
                                                               [2021, 98.5, "observed"]]


def test_same_value_on_the_baseline_year_is_silent(tmp_path, plan):
    path = _write(tmp_path, HEADER + "hs_ger,2020,98,Bulletin 2020\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = load([path], plan)
    same = out[(out["indicator_id"] == "hs_ger") & (out["year"] == 2020)]
    assert same["value"].tolist() == [98.0, 98.0]  # the plan's 98% and the bulletin's 98 agree: kept, no warning


def test_frame_is_checked_like_a_file(plan):
    frame = pd.DataFrame({"indicator_id": ["public_kg_enrolment_share"], "year": [2021], "value": [130.0],
                          "source": ["x report"]})
    with pytest.raises(InputError, match=r"<observations frame>, row 2, field 'value'"):
        load(frame, plan)


def test_utf8_bom_is_accepted(tmp_path, plan):
    # Excel's "CSV UTF-8" starts the file with a byte-order mark: read as UTF-8, the header is intact
    path = tmp_path / "bom.csv"
    path.write_bytes((HEADER + "hs_ger,2021,98.5,阜新市统计公报 2021\n").encode("utf-8-sig"))
    obs = read_observations([path], plan)
    assert obs.loc[0, "source"] == "阜新市统计公报 2021"


@pytest.mark.parametrize(("today", "year", "refused"), [
    (date(2026, 11, 29), 2026, False), (date(2026, 11, 29), 2027, True),   # the current year is the last one
    (date(2024, 1, 1), 2024, False), (date(2024, 1, 1), 2025, True),       # on New Year's Day as well
    (date(2026, 11, 29), 2099, True),                                      # a typo (2032 for 2023) published as met
])
def test_a_year_after_the_current_year_is_refused(tmp_path, plan, today, year, refused):
    path = _write(tmp_path, HEADER + f"hs_ger,2021,98.5,Bulletin 2021\nhs_ger,{year},99,Bulletin {year}\n")
    if not refused:
        assert read_observations([path], plan, today=today)["year"].tolist() == [2021, year]
        return
    with pytest.raises(InputError) as info:
        read_observations([path], plan, today=today)
    assert str(info.value) == (f"{path}, row 3, field 'year': a year after the current year {today.year} cannot have "
                               f"been observed (value: '{year}')")


@pytest.mark.parametrize("column", ["indicator_id", "year", "value", "source"])
def test_a_frame_missing_a_column_names_it(plan, column):
    frame = pd.DataFrame({"indicator_id": ["hs_ger"], "year": [2021], "value": [98.0], "source": ["x report"]})
    with pytest.raises(InputError) as info:
        load(frame.drop(columns=[column]), plan)
    assert str(info.value) == f"<observations frame>, row 1, field '{column}': missing column"
    assert load(frame, plan).query("year == 2021")["value"].tolist() == [98.0]  # complete: read, row by row


def test_os_problems_in_words():
    import errno

    from fuxin_analysis.data.inputs import os_problem

    assert os_problem(FileNotFoundError(errno.ENOENT, "No such file")) == "not found"
    assert os_problem(OSError(errno.ELOOP, "Too many levels")) == "a symbolic link loop"
    assert os_problem(PermissionError(errno.EPERM, "x")) == "permission denied"
    assert os_problem(OSError(errno.EIO, "Input/Output Error")) == "input/output error"  # the system's words
    assert os_problem(OSError("no errno")) == "oserror"  # neither errno nor words: the kind of error
    assert os_problem(OSError(1, None)) == "permission denied"  # errno 1 is EPERM, not "no errno"


# ---- a tiny plan of every kind of bound (HYPOTHETICAL figures, written for these tests) ----------------------------

TINY_INDICATORS = """indicator_id,name_zh,name_en,domain,unit,kind,direction,lower_bound,upper_bound
qualified_share,专任教师学历达标率,teachers meeting the standard,teachers,percent,rate,increase,0,100
hs_ger,高中阶段毛入学率,senior-secondary gross enrolment ratio,senior_secondary,percent,gross_ratio,increase,0,150
college_students,在校生,students,higher,persons,stock,increase,0,
new_schools,新建学校,new schools,facilities,schools,flow_total,increase,0,
voc_share,职业教育占比,vocational share,vocational,percent,ratio,increase,0,100
service_visits,办事跑动次数,visits per service,governance,count,stock,decrease,,5
"""
TINY_STATEMENTS = """statement_id,indicator_id,role,period_start,period_end,comparator,value,value_high,unit,source_section,source_quote,note
b_qualified_share_2020,qualified_share,baseline,2020,2020,=,98.6,,percent,假设,专任教师学历达标率为98.6%,HYPOTHETICAL.
b_hs_ger_2020,hs_ger,baseline,2020,2020,=,102.5,,percent,假设,高中阶段毛入学率为102.5%,
b_college_students_2019_2020,college_students,baseline,2019,2020,=,9800,,persons,假设,2019—2020年在校生9800人,
b_new_schools_2020,new_schools,baseline,2020,2020,=,3,,schools,假设,2020年新建学校3所,
b_voc_share_2020,voc_share,baseline,2020,2020,>=,30,,percent,假设,职普比不低于30%,
t_qualified_share_2025,qualified_share,target,2025,2025,>=,100,,percent,假设,专任教师学历达标率达到100%,
t_service_visits_2025,service_visits,target,2025,2025,<=,2,,count,假设,办事跑动次数不超过2次,
"""
TINY_SOURCE = ("【假设，仅供测试 HYPOTHETICAL, test only】2020年，专任教师学历达标率为98.6%，高中阶段毛入学率为102.5%，"
               "2019—2020年在校生9800人，2020年新建学校3所，职普比不低于30%。到2025年，专任教师学历达标率达到100%，"
               "办事跑动次数不超过2次。")
TINY_YAML = """id: tiny_plan
name_zh: 测试计划
name_en: Test plan (hypothetical)
issuer: 测试 / test fixture
period_start: 2021
period_end: 2025
baseline_year: 2020
baseline_period: "2016-2020"
source: "source.txt: HYPOTHETICAL sentences written for the test"
"""


@pytest.fixture(scope=shared)
def tiny(tmp_path_factory):
    """A plan with a share (rate, [0, 100]), a gross ratio ([0, 150]), a stock with no upper bound, a flow, a
    percentage that is not a share (ratio, [0, 100]) and a count with no lower bound ([, 5]); its baselines: two single
    2020 values (=), a two-year level, a flow, a '>=' statement."""
    from fuxin_analysis import load_plan

    folder = tmp_path_factory.mktemp("tiny") / "tiny_plan"
    folder.mkdir()
    for name, text in (("plan.yaml", TINY_YAML), ("indicators.csv", TINY_INDICATORS),
                       ("statements.csv", TINY_STATEMENTS), ("source.txt", TINY_SOURCE)):
        (folder / name).write_text(text, encoding="utf-8")
    return load_plan(folder)


def _refusal(tmp_path, plan, body, name="obs.csv"):
    path = _write(tmp_path, HEADER + body, name)
    with pytest.raises(InputError) as info:
        read_observations([path], plan, today=date(2026, 11, 29))
    return str(info.value).replace(str(path), name)


def _read(tmp_path, plan, body):
    return read_observations([_write(tmp_path, HEADER + body)], plan, today=date(2026, 11, 29))


SHARE = "outside the bounds [0, 100] of qualified_share (percent, a share of a whole)"
CAP = ("above the plausibility cap 150 of hs_ger, a gross ratio: it may exceed 100 (pupils of any age over the official "
       "age group), but not 150 (a slipped decimal?)")


@pytest.mark.parametrize(("line", "problem"), [
    ("qualified_share,2021,100.5", f"{SHARE} (value: '100.5')"),        # just above 100
    ("qualified_share,2021,-0.5", f"{SHARE} (value: '-0.5')"),          # just below 0
    ("hs_ger,2021,150.5", f"{CAP} (value: '150.5')"),                   # just above the cap
    ("hs_ger,2021,-1", "outside the bounds [0, 150] of hs_ger (percent) (value: '-1')"),  # below: no cap message
    ("college_students,2021,-1", "outside the bounds [0, ] of college_students (persons) (value: '-1')"),
    ("service_visits,2021,5.5", "outside the bounds [, 5] of service_visits (count) (value: '5.5')"),
    ("voc_share,2021,100.5", "outside the bounds [0, 100] of voc_share (percent) (value: '100.5')"),  # not a share
])
def test_a_value_outside_its_bounds_in_full(tmp_path, tiny, line, problem):
    """Each kind of bound refused in one whole line; the share and the gross ratio say which kind of percentage."""
    assert _refusal(tmp_path, tiny, f"hs_ger,2021,101,Bulletin\n{line},Bulletin 2021\n") == (
        f"obs.csv, row 3, field 'value': {problem}")


def test_values_at_their_bounds_are_accepted(tmp_path, tiny):
    """At each bound (0 and 100 of a share, 150 of a gross ratio, 0 of a stock, 5 of a count) and beyond a missing
    bound (a stock of 10^9, a count of −3), a value is read."""
    body = ("qualified_share,2021,0,Bulletin\nqualified_share,2022,100,Bulletin\nhs_ger,2021,150,Bulletin\n"
            "college_students,2021,0,Bulletin\ncollege_students,2022,1000000000,Bulletin\n"
            "service_visits,2021,5,Bulletin\nservice_visits,2022,-3,Bulletin\n")
    assert _read(tmp_path, tiny, body)["value"].tolist() == [0, 100, 150, 0, 1e9, 5, -3]


def test_an_observation_file_read_into_the_frame(tmp_path, tiny):
    """The columns of an observation frame, in order, with their types: source and note stripped, origin 'observed',
    the file each row came from."""
    path = _write(tmp_path, HEADER + "hs_ger,2021,101.5,  Bulletin 2021  ,  revised \nqualified_share,2022,99,Report,\n")
    obs = read_observations([path], tiny, today=date(2026, 11, 29))
    assert list(obs.columns) == ["indicator_id", "year", "value", "source", "note", "origin", "file"]
    assert (str(obs["year"].dtype), str(obs["value"].dtype)) == ("int64", "float64")
    assert obs.to_dict("records") == [
        {"indicator_id": "hs_ger", "year": 2021, "value": 101.5, "source": "Bulletin 2021", "note": "revised",
         "origin": "observed", "file": str(path)},
        {"indicator_id": "qualified_share", "year": 2022, "value": 99.0, "source": "Report", "note": "",
         "origin": "observed", "file": str(path)}]


def test_a_file_without_a_note_column_is_read(tmp_path, tiny):
    """The note column is optional (the first four are required)."""
    path = _write(tmp_path, "indicator_id,year,value,source\nhs_ger,2021,101.5,Bulletin\n")
    obs = read_observations([path], tiny, today=date(2026, 11, 29))
    assert obs[["indicator_id", "year", "value", "note"]].values.tolist() == [["hs_ger", 2021, 101.5, ""]]


def test_no_observation_files_give_an_empty_typed_frame(tiny):
    obs = read_observations([], tiny)
    assert obs.empty and list(obs.columns) == ["indicator_id", "year", "value", "source", "note", "origin", "file"]
    assert (str(obs["year"].dtype), str(obs["value"].dtype)) == ("int64", "float64")


def test_an_unknown_indicator_in_full(tmp_path, tiny):
    """An unknown id names the plan; a close one is suggested, a far one is not."""
    assert _refusal(tmp_path, tiny, "hs_ger,2021,101,Bulletin\nhs_gr,2021,101,Bulletin\n") == (
        "obs.csv, row 3, field 'indicator_id': unknown indicator (not in plan tiny_plan) (value: 'hs_gr'); "
        "did you mean 'hs_ger'?")
    assert _refusal(tmp_path, tiny, "zzzz,2021,101,Bulletin\n") == (
        "obs.csv, row 2, field 'indicator_id': unknown indicator (not in plan tiny_plan) (value: 'zzzz')")


def test_a_duplicate_in_the_same_file_names_the_first_row(tmp_path, tiny):
    """The first row of the same indicator AND year is named (not a row of the same year only, nor of the same
    indicator only)."""
    body = ("hs_ger,2022,101,Bulletin\nvoc_share,2021,30,Bulletin\nvoc_share,2022,31,Bulletin\n"
            "voc_share,2022,32,Bulletin\n")
    assert _refusal(tmp_path, tiny, body) == (
        "obs.csv, row 5, field 'year': duplicate indicator-year (also in this file, row 4) (value: '2022')")


def test_a_file_of_another_kind_in_full(tmp_path, tiny):
    """Only .csv and Excel files are read: the suffix in any case (.CSV is a CSV file; .XLSX and .xls go to the
    workbook reader, which names what it found)."""
    text = _write(tmp_path, "x", "notes.txt")
    with pytest.raises(InputError) as info:
        read_observations([text], tiny)
    assert str(info.value) == f"{text}: an observation file must be a .csv file or an Excel workbook (.xlsx)"
    upper = _write(tmp_path, HEADER + "hs_ger,2021,101.5,Bulletin\n", "OBS.CSV")
    assert read_observations([upper], tiny)["value"].tolist() == [101.5]
    for name in ("book.xlsx", "BOOK.XLSX"):
        fake = _write(tmp_path, "not a zip", name)
        with pytest.raises(InputError) as info:
            read_observations([fake], tiny)
        assert str(info.value) == f"{fake}: not an Excel workbook (.xlsx)"
    old = _write(tmp_path, "x", "old.xls")
    with pytest.raises(InputError) as info:
        read_observations([old], tiny)
    assert str(info.value) == f"{old}: an old-format Excel workbook (.xls); open it in Excel and save it as .xlsx"


def test_the_plans_baselines_as_observations(tiny):
    """Only the single-year '=' values of level kinds: the two-year level, the flow and the '>=' statement are not
    observations. The source cites the plan, its section and its words."""
    from fuxin_analysis.data.observations import plan_baselines_as_observations

    base = plan_baselines_as_observations(tiny)
    file = str(tiny.path / "statements.csv")
    assert list(base.columns) == ["indicator_id", "year", "value", "source", "note", "origin", "file"]
    assert list(base.index) == [0, 1] and (str(base["year"].dtype), str(base["value"].dtype)) == ("int64", "float64")
    assert base.to_dict("records") == [
        {"indicator_id": "qualified_share", "year": 2020, "value": 98.6, "source": "测试计划, 假设: 专任教师学历达标率为98.6%",
         "note": "HYPOTHETICAL.", "origin": "plan", "file": file},
        {"indicator_id": "hs_ger", "year": 2020, "value": 102.5, "source": "测试计划, 假设: 高中阶段毛入学率为102.5%",
         "note": "", "origin": "plan", "file": file}]


def test_combine_sorts_and_warns_once_per_differing_baseline(tmp_path, tiny):
    """Sorted by indicator and year, the plan's row before the observed one of the same year; a warning only where
    the observed value differs from the plan's (hs_ger: 101 vs 102.5; qualified_share agrees), attributed to the
    caller."""
    from fuxin_analysis.data import observations as module
    from fuxin_analysis.data.observations import combine

    path = _write(tmp_path, HEADER + "hs_ger,2021,103,Bulletin\nhs_ger,2020,101,Bulletin\nqualified_share,2020,98.6,Bulletin\n"
                                     "college_students,2021,9900,Bulletin\n")
    observed = read_observations([path], tiny, today=date(2026, 11, 29))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = combine(tiny, observed)
    assert [(w.category, str(w.message)) for w in caught] == [
        (ObservationWarning, (f"{path}: hs_ger 2020 observed 101 differs from the plan's baseline 102.5; the plan's "
                             "figure stays the base"))]
    assert caught[0].filename != module.__file__
    assert list(out.columns) == ["indicator_id", "year", "value", "source", "note", "origin", "file"]
    assert list(out.index) == list(range(6))
    assert out[["indicator_id", "year", "value", "origin"]].values.tolist() == [
        ["college_students", 2021, 9900.0, "observed"],
        ["hs_ger", 2020, 102.5, "plan"], ["hs_ger", 2020, 101.0, "observed"], ["hs_ger", 2021, 103.0, "observed"],
        ["qualified_share", 2020, 98.6, "plan"], ["qualified_share", 2020, 98.6, "observed"]]


def test_load_accepts_none_a_path_a_list_or_a_frame(tmp_path, tiny):
    """No observations: the plan's baselines alone; one path (str or Path), a list of paths, or a frame: the same."""
    path = _write(tmp_path, HEADER + "college_students,2021,9900,Bulletin\n")
    alone = load(None, tiny)
    assert alone[["indicator_id", "year", "value", "origin"]].values.tolist() == [
        ["hs_ger", 2020, 102.5, "plan"], ["qualified_share", 2020, 98.6, "plan"]]
    expected = [["college_students", 2021, 9900.0, "observed"], *alone[["indicator_id", "year", "value", "origin"]]
                .values.tolist()]
    for given in (str(path), path, [path], (p for p in [path])):
        assert load(given, tiny)[["indicator_id", "year", "value", "origin"]].values.tolist() == expected
    frame = pd.DataFrame({"indicator_id": ["college_students"], "year": [2021], "value": [9900.0], "source": ["Bulletin"]})
    assert load(frame, tiny)[["indicator_id", "year", "value", "origin"]].values.tolist() == expected


@pytest.mark.parametrize(("as_of", "years"), [(2020, [2020, 2020]), (2021, [2020, 2021, 2020]),
                                              (2022, [2020, 2021, 2022, 2020]), (None, [2020, 2021, 2022, 2020])])
def test_load_up_to_as_of(tmp_path, tiny, as_of, years):
    """``as_of`` keeps the years up to it, that year included; the index restarts at 0. Rows: hs_ger 2020 (plan),
    2021, 2022 (observed), then qualified_share 2020 (plan)."""
    path = _write(tmp_path, HEADER + "hs_ger,2021,103,Bulletin\nhs_ger,2022,104,Bulletin\n")
    out = load([path], tiny, as_of=as_of)
    assert out["year"].tolist() == years and list(out.index) == list(range(len(years)))
    assert list(out.columns) == ["indicator_id", "year", "value", "source", "note", "origin", "file"]


def test_no_baselines_and_no_observations_give_an_empty_typed_frame():
    """A plan without baselines (one target only) and no observations: an empty frame of the usual columns."""
    from fuxin_analysis import load_plan

    out = load(None, load_plan(ROOT / "tests" / "plans" / "one_indicator"))
    assert out.empty and list(out.columns) == ["indicator_id", "year", "value", "source", "note", "origin", "file"]
    assert (str(out["year"].dtype), str(out["value"].dtype), str(out["source"].dtype)) == ("int64", "float64", "str")


def test_a_frames_rows_are_numbered_as_in_a_csv_file(tiny):
    """The frame's second record is row 3 (the header is row 1); its value is shown as given (a float)."""
    frame = pd.DataFrame({"indicator_id": ["hs_ger", "qualified_share"], "year": [2021, 2021], "value": [101.0, 130.0],
                          "source": ["x report", "x report"]})
    with pytest.raises(InputError) as info:
        load(frame, tiny)
    assert str(info.value) == f"<observations frame>, row 3, field 'value': {SHARE} (value: 130)"


def test_a_frame_is_not_refused_for_its_years(tiny):
    """A frame given in code has no 'current year' rule (only files read for a run do): 2099 is kept."""
    frame = pd.DataFrame({"indicator_id": ["hs_ger"], "year": [2099], "value": [101.0], "source": ["x report"]})
    assert load(frame, tiny).query("origin == 'observed'")["year"].tolist() == [2099]


def test_combine_puts_the_plans_rows_first_whatever_order_it_is_given(tiny):
    """Given rows out of order (an observed row before a plan row of the same indicator and year, as a frame built in
    code may be), combine still sorts by indicator, year, then the plan's row before the observed one."""
    from fuxin_analysis.data.observations import FRAME_COLUMNS, combine, empty

    rows = pd.DataFrame([["voc_share", 2021, 31.0, "Bulletin", "", "observed", "x.csv"],
                         ["voc_share", 2021, 30.0, "Plan text", "", "plan", "y.csv"],
                         ["voc_share", 2020, 29.0, "Bulletin", "", "observed", "x.csv"]], columns=FRAME_COLUMNS)
    out = combine(tiny, pd.concat([empty(), rows], ignore_index=True))
    voc = out[out["indicator_id"] == "voc_share"]
    assert voc[["year", "value", "origin"]].values.tolist() == [[2020, 29.0, "observed"], [2021, 30.0, "plan"],
                                                               [2021, 31.0, "observed"]]
