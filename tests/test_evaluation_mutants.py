"""Tests written against surviving mutants of methods/evaluation.py (make mutation)"""

import numpy as np
import pandas as pd
import pytest

from fuxin_analysis import cache
from fuxin_analysis.errors import InputError
from fuxin_analysis.methods import evaluation

HEADER = ",".join(evaluation.SERIES_COLUMNS)
NATIONAL_HEADER = "indicator,name_zh,name_en,year,value,unit,source,source_url,stated_as"


def _z(v):
    """The logit of a percentage on [0, 100]."""
    return float(np.log(v / (100.0 - v)))


def _series(sid, years, values, kind="share"):
    return pd.DataFrame({"series_id": sid, "year": years, "value": values, "kind": kind})


def _series_text(sid, values, first_year=2000):
    """A series file in the evaluation's format (UTF-8 text) with yearly ``values`` from ``first_year``."""
    lines = [HEADER] + [f"{sid},某地,Somewhere,{sid},某率,some rate,{first_year + i},{v},percent,share,A bulletin,"
                        f"https://example.org/{sid},某率{v}%" for i, v in enumerate(values)]
    return "\n".join(lines) + "\n"


# --- _compute_forecasts: one block per series, in series order ------------------------------------------------------


def test_compute_forecasts_groups_series_in_sorted_order_whatever_the_input_order():
    """Kills _compute_forecasts mutants 3 (groupby sort=None) and 8 (sort=False).

    The rows of "b" come first in the input; each series has 4 yearly values 2000–2003, so its only origin with
    MIN_POINTS = 3 values is 2002, forecasting 2003 (horizon 1): one last_value row per series, whose forecast is the
    value at the origin (b: 70, a: 30) and whose actual is the 2003 value (b: 80, a: 40). Sorted by series: a, then b.
    """
    data = pd.concat([_series("b", [2000, 2001, 2002, 2003], [50.0, 60.0, 70.0, 80.0]),
                      _series("a", [2000, 2001, 2002, 2003], [10.0, 20.0, 30.0, 40.0])], ignore_index=True)
    f = evaluation._compute_forecasts(data, ("last_value",))
    assert list(f["series_id"]) == ["a", "b"]
    assert list(f["origin"]) == [2002, 2002] and list(f["year"]) == [2003, 2003]
    assert list(f["forecast"]) == pytest.approx([30.0, 70.0])
    assert list(f["actual"]) == [40.0, 80.0]


# --- years given as text or as Python ints in an object column -------------------------------------------------------


@pytest.mark.parametrize("as_type", ["int64", "str", "object"])
def test_years_as_text_or_objects_are_read_as_numbers(as_type):
    """Kills _compute_forecasts mutant 21 (years ``to_numpy(None)``: text or object years reach the arithmetic
    ``origin + MAX_HORIZON`` / ``np.sqrt``) and _brier_targets mutant 1 (years ``to_numpy(None)``: text years
    compared with the integer origin).

    Two series, 2000–2004: a = 20, 25, 30, 35, 40 (rising), b = 50 flat (z = 0, all its errors 0). last_value
    from origins 2002 (→ 2003 h1, 2004 h2) and 2003 (→ 2004 h1): forecasts a 30, 30, 35; b 50, 50, 50.
    Brier targets of a row: the series' values in (origin, origin + 5] other than the forecast year:
      a 2002→2003: target 40 (2004). b's h1 errors [0, 0]; need (z40 − z30)/step > 0 → 0 hits → p = 1/(2+2) = 1/4;
                   event 35 ≥ 40 false → (1/4)² = 1/16.
      a 2002→2004: target 35 (2003). b's h2 errors [0]; need > 0 → 0 hits → p = 1/3; event 40 ≥ 35 true
                   → (1/3 − 1)² = 4/9.
      a 2003→2004: no other year in (2003, 2008] → no target, 0.
      b 2002→2003: target 50 (2004), need 0. a's h1 errors (z35 − z30)/s, (z40 − z35)/s both > 0 → 2 hits
                   → p = 3/4; event 50 ≥ 50 true → (3/4 − 1)² = 1/16.
      b 2002→2004: target 50 (2003), need 0. a's h2 error (z40 − z30)/s > 0 → p = 2/3; true → (2/3 − 1)² = 1/9.
      b 2003→2004: no target, 0.
    """
    series = pd.concat([_series("a", [2000, 2001, 2002, 2003, 2004], [20.0, 25.0, 30.0, 35.0, 40.0]),
                        _series("b", [2000, 2001, 2002, 2003, 2004], [50.0] * 5)], ignore_index=True)
    series = series.assign(year=series["year"].astype(as_type))
    f = evaluation.rolling_forecasts(series, ("last_value",), cache=False)
    assert list(f["origin"]) == [2002, 2002, 2003] * 2 and list(f["year"]) == [2003, 2004, 2004] * 2
    assert list(f["forecast"]) == pytest.approx([30.0, 30.0, 35.0, 50.0, 50.0, 50.0])
    used, _ = evaluation.usable(series)
    scored = evaluation.out_of_sample(f, used)
    assert list(scored["series_id"]) == ["a"] * 3 + ["b"] * 3
    assert list(scored["brier_n"]) == [1, 1, 0, 1, 1, 0]
    assert list(scored["brier_sum"]) == pytest.approx([1 / 16, 4 / 9, 0.0, 1 / 16, 1 / 9, 0.0])


# --- an unknown method name is refused, however close to a known one -----------------------------------------------


@pytest.mark.parametrize("method", ["DAMPED", "COMBINATION", "XXdampedXX", "XXcombinationXX", "holt"])
def test_an_unknown_method_is_refused_not_taken_for_the_combination(method):
    """Kills _series_forecasts mutants 83–86 (the names in ``method in ("damped", "combination")`` changed): with
    them an unknown name equal to the changed string took the damped branch and, not being "damped", silently got
    the combination's forecasts. Four yearly values give one origin (2002), so a forecast is attempted."""
    s = _series("a", [2000, 2001, 2002, 2003], [20.0, 25.0, 30.0, 35.0])
    with pytest.raises(ValueError, match=f"unknown projection method '{method}'"):
        evaluation.rolling_forecasts(s, (method,), cache=False)


# --- the in-memory calibration key tells file names from contents ---------------------------------------------------


@pytest.fixture
def fresh_calibrations(monkeypatch):
    monkeypatch.setenv(cache.ENV_VAR, "off")
    monkeypatch.setattr(evaluation, "_CALIBRATIONS", {})


def _two_folders(tmp_path, glue: bytes):
    """``whole``: a.csv and b.csv; ``joined``: a single a.csv holding a.csv's bytes, ``b.csv`` + ``glue`` and
    b.csv's bytes (a file with a NUL byte, which the series reader refuses)."""
    a, b = _series_text("a_rate", [20, 25, 30, 35]).encode(), _series_text("b_rate", [50, 52, 55, 56]).encode()
    whole, joined = tmp_path / "whole", tmp_path / "joined"
    whole.mkdir()
    joined.mkdir()
    (whole / "a.csv").write_bytes(a)
    (whole / "b.csv").write_bytes(b)
    (joined / "a.csv").write_bytes(a + b"b.csv" + glue + b)
    return whole, joined


@pytest.mark.parametrize("glue", [b"\0", b"XX\0XX"])
def test_a_changed_file_set_is_not_served_the_calibration_of_another(tmp_path, fresh_calibrations, glue):
    """One file a.csv holding A + "b.csv" + glue + B is not the two files a.csv = A and b.csv = B: it is read (and
    refused: it holds a NUL byte), not served their cached calibration. With name and contents joined by a NUL
    byte, glue b"\0" made the two keys equal (a bug, fixed: each part is hashed on its own); b"XX\0XX" is the same
    with mutant 14's separator. Each good file has 4 values → one origin (2002) → one horizon-1 error each → 2
    errors at horizon 1."""
    whole, joined = _two_folders(tmp_path, glue)
    good = evaluation.calibration(folder=whole, national=None)
    assert {h: len(e) for h, e in good.errors.items()} == {1: 2}
    with pytest.raises(InputError, match="binary data"):
        evaluation.calibration(folder=joined, national=None)


# --- the national file's errors ------------------------------------------------------------------------------------


def test_a_national_file_not_in_utf8_is_an_input_error(tmp_path):
    """A national bulletin file saved as GBK gave pandas' bare UnicodeDecodeError (a bug, fixed): now the one-line
    error naming the file."""
    national = tmp_path / "national.csv"
    rows = [NATIONAL_HEADER] + [f"x,高中阶段毛入学率,a rate,{2000 + i},{v},percent,公报,https://example.org/x,"
                                f"毛入学率{v}%" for i, v in enumerate([80, 82, 85, 87])]
    national.write_bytes(("\n".join(rows) + "\n").encode("gbk"))
    folder = tmp_path / "series"
    folder.mkdir()
    with pytest.raises(InputError) as exc:
        evaluation.load_series(folder, national)
    assert str(exc.value) == f"{national}: encoded in GBK/GB18030, not UTF-8; save it again as UTF-8 (CSV UTF-8 in Excel)"


@pytest.mark.parametrize(("year", "value", "message"), [
    ("2000", "8O", "row 3, field 'value': not a number (value: '8O')"),  # a letter O for 0, in the 2nd data row
    ("2000", "", "row 3, field 'value': not a number (value: '')"),
    ("2000.5", "80", "row 3, field 'year': a whole number is required (value: '2000.5')"),
    ("二〇〇〇", "80", "row 3, field 'year': a whole number is required (value: '二〇〇〇')"),
    ("2000.0", "80.5", None),  # read: 2000 and 80.5
])
def test_text_in_the_national_file_s_number_columns_is_an_input_error(tmp_path, year, value, message):
    """The national file's second data row (row 3) holds the value under test, the first (row 2) 1999 and 78: a
    value that is not a number, or a year that is not whole, gives the one-line error naming the file, row, field
    and value (it gave pandas' ValueError, without a row); good numbers are read as numbers."""
    national = tmp_path / "national.csv"
    row = "x,高中阶段毛入学率,a rate,{},{},percent,公报,https://example.org/x,毛入学率80%"
    national.write_text("\n".join([NATIONAL_HEADER, row.format(1999, 78), row.format(year, value)]) + "\n",
                        encoding="utf-8")
    folder = tmp_path / "series"
    folder.mkdir()
    if message is None:
        got = evaluation.load_series(folder, national)
        assert got["year"].tolist() == [1999, 2000] and got["value"].tolist() == [78.0, 80.5]
        assert str(got["year"].dtype) == "int64"
        return
    with pytest.raises(InputError) as exc:
        evaluation.load_series(folder, national)
    assert str(exc.value) == f"{national}, {message}"
