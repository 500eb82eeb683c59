"""Observation files: validated like the plan tables; the plan's baselines count as observations."""

import warnings
from datetime import date

import pandas as pd
import pytest

from fuxin_analysis import InputError
from fuxin_analysis.data.observations import ObservationWarning, load, read_observations

from .conftest import ROOT

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
