"""The on-disk cache: a hit returns the stored table without computing; any change of input, code or switch is a
miss; an entry is plain JSON checked against the table's schema, so a planted, damaged or foreign entry (a pickle,
a symlink, a FIFO, an oversized file, wrong columns or types) is computed again and replaced, never run or followed;
an unwritable folder never breaks a run nor shows a warning."""

import json
import logging
import os
import pathlib
import pickle
import stat
import threading
import warnings

import pandas as pd
import pytest

from fuxin_analysis import cache
from fuxin_analysis.methods import evaluation as evaluation_mod
from fuxin_analysis.methods import projection

SCHEMA = {"a": "int64"}


@pytest.fixture
def cache_folder(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.ENV_VAR, str(folder))
    return folder


def national_series():
    """The national bulletin series only (the evaluation's first file), as the evaluation reads them."""
    series = evaluation_mod.load_series()
    return series[series["file"] == evaluation_mod.NATIONAL_FILE.name].reset_index(drop=True)


@pytest.fixture(scope="module")
def expected():
    """The evaluation's forecasts computed without the cache."""
    return evaluation_mod.rolling_forecasts(national_series(), cache=False)


def _no_statsmodels(*args, **kwargs):
    raise AssertionError("the Holt fit ran: the cache was not used")


def _count_computes(monkeypatch) -> list:
    """Record each computation of the forecasts table (a miss)."""
    calls = []
    compute = evaluation_mod._compute_forecasts

    def counted(*args, **kwargs):
        calls.append(1)
        return compute(*args, **kwargs)

    monkeypatch.setattr(evaluation_mod, "_compute_forecasts", counted)
    return calls


@pytest.fixture
def opened(monkeypatch) -> list:
    """The paths passed to os.open during the test (the cache opens entries with it)."""
    paths = []
    open_ = os.open

    def spy(path, *args, **kwargs):
        paths.append(os.fspath(path))
        return open_(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", spy)
    return paths


def _run():
    return evaluation_mod.rolling_forecasts(national_series())


def _entry(folder: pathlib.Path) -> pathlib.Path:
    (entry,) = folder.glob("evaluation-*.json")
    return entry


def _assert_recomputed_and_stored(folder, entry, expected, monkeypatch):
    """The entry now holds the computed table: a further run reads it without computing."""
    assert entry.is_file() and not entry.is_symlink()
    monkeypatch.setattr(projection, "holt_damped", _no_statsmodels)
    pd.testing.assert_frame_equal(_run(), expected, check_exact=True)
    assert not list(folder.glob(".evaluation-*"))  # no temporary file left


def test_second_evaluation_is_read_from_the_cache(cache_folder, monkeypatch):
    first = _run()
    assert len(list(cache_folder.glob("evaluation-*.json"))) == 1
    assert not list(cache_folder.glob("*.pkl"))  # no pickle anywhere
    monkeypatch.setattr(projection, "holt_damped", _no_statsmodels)
    second = _run()
    pd.testing.assert_frame_equal(first, second)
    # the cached table is the computed one: he_ger's two-point line from 2022, 59.6 + 3 × (59.6 − 57.8) = 65.0 in 2025
    row = second.set_index(["series_id", "method", "origin", "year"]).loc[("china_he_ger", "two_point", 2022, 2025)]
    assert row["forecast"] == pytest.approx(65.0) and row["horizon"] == 3 and row["actual"] == 61.3


def test_cold_and_warm_runs_are_identical(cache_folder, expected):
    cold = _run()
    warm = _run()
    pd.testing.assert_frame_equal(cold, warm, check_exact=True)  # dtypes, index and column labels included
    pd.testing.assert_frame_equal(cold, expected, check_exact=True)
    assert [str(t) for t in warm.dtypes] == list(evaluation_mod.FORECASTS.values())
    # the t interval's standard error belongs to the OLS rows only: missing (NaN) elsewhere, never 0
    ols = warm["method"] == "ols_logit"
    assert warm.loc[ols, "t_se"].notna().all() and warm.loc[~ols, "t_se"].isna().all()
    cal_warm = evaluation_mod.calibration_from(warm, "combination")
    cal_cold = evaluation_mod.calibration_from(expected, "combination")
    assert cal_warm.errors.keys() == cal_cold.errors.keys()
    assert all((cal_warm.errors[h] == cal_cold.errors[h]).all() for h in cal_cold.errors)


@pytest.mark.parametrize("change", ["value", "year", "methods"])
def test_a_changed_input_is_a_miss(cache_folder, monkeypatch, change):
    series = national_series()
    evaluation_mod.rolling_forecasts(series)
    monkeypatch.setattr(projection, "holt_damped", _no_statsmodels)
    methods = tuple(projection.METHODS)
    series = series.copy()
    if change == "value":
        series.loc[series.index[0], "value"] += 0.1
    elif change == "year":
        series = series[series["year"] != series["year"].max()]
    else:
        methods = ("damped", "last_value")
    with pytest.raises(AssertionError, match="cache was not used"):
        evaluation_mod.rolling_forecasts(series, methods)


def test_changed_code_is_a_miss(tmp_path):
    module = tmp_path / "cache_probe_module.py"
    module.write_text("X = 1\n")
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("cache_probe_module", module)
    sys.modules["cache_probe_module"] = importlib.util.module_from_spec(spec)
    try:
        before = cache.key("t", [1], modules=["cache_probe_module"])
        module.write_text("X = 2\n")
        assert cache.key("t", [1], modules=["cache_probe_module"]) != before
    finally:
        del sys.modules["cache_probe_module"]


def test_key_depends_on_every_part():
    frame = pd.DataFrame({"a": [1.0, 2.0]})
    base = cache.key("t", [frame, 2022])
    assert cache.key("t", [frame, 2022]) == base
    assert cache.key("u", [frame, 2022]) != base
    assert cache.key("t", [frame, 2023]) != base
    assert cache.key("t", [frame.assign(a=[1.0, 2.0000000001]), 2022]) != base  # full float precision
    assert cache.key("t", [frame, 2022], packages=["numpy"]) != base


def test_off_computes_every_time(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV_VAR, "off")
    assert cache.cache_dir() is None
    calls = []
    for _ in range(2):
        cache.cached_frame("t", "k" * 64, lambda: calls.append(1) or pd.DataFrame({"a": [1]}), SCHEMA)
    assert len(calls) == 2


def test_default_folder_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv(cache.ENV_VAR)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_dir() == tmp_path / "fuxin-analysis"


def test_damaged_entry_is_computed_again(cache_folder):
    frame = pd.DataFrame({"a": [1, 2]})
    cache.cached_frame("t", "k" * 64, lambda: frame, SCHEMA)
    (entry,) = cache_folder.glob("t-*.json")
    entry.write_bytes(entry.read_bytes()[:10])  # truncated, as by a full disk
    again = cache.cached_frame("t", "k" * 64, lambda: frame.assign(a=[3, 4]), SCHEMA)
    assert again["a"].tolist() == [3, 4]
    stored = cache.cached_frame("t", "k" * 64, _no_statsmodels, SCHEMA)  # and stored again
    assert stored["a"].tolist() == [3, 4]
    assert not list(cache_folder.glob(".t-*"))  # no temporary file left


def test_entry_of_another_key_is_a_miss(cache_folder):
    """The file name holds half of the key; the entry holds all of it."""
    cache.cached_frame("t", "a" * 64, lambda: pd.DataFrame({"a": [1]}), SCHEMA)
    (entry,) = cache_folder.glob("t-*.json")
    assert entry.name == f"t-{'a' * 32}.json"
    again = cache.cached_frame("t", "a" * 32 + "b" * 32, lambda: pd.DataFrame({"a": [2]}), SCHEMA)
    assert again["a"].tolist() == [2]


class _Payload:
    """Unpickling this creates the marker file: the proof that a cache entry ran code."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return pathlib.Path.touch, (pathlib.Path(self.marker),)


@pytest.mark.parametrize("planted_as", ["entry", "old pickle entry"])
def test_planted_pickle_is_never_run(cache_folder, tmp_path, monkeypatch, expected, planted_as):
    _run()
    entry = _entry(cache_folder)
    marker = tmp_path / "pwned"
    payload = pickle.dumps(_Payload(str(marker)))
    pickle.loads(payload)  # the payload works: unpickling it creates the marker
    assert marker.exists()
    marker.unlink()
    planted = entry if planted_as == "entry" else entry.with_suffix(".pkl")
    planted.write_bytes(payload)
    calls = _count_computes(monkeypatch)
    result = _run()
    assert not marker.exists()
    pd.testing.assert_frame_equal(result, expected, check_exact=True)
    assert len(calls) == (1 if planted_as == "entry" else 0)  # a .pkl is not even looked at
    if planted_as != "entry":
        assert planted.read_bytes() == payload  # an old-version file is left alone
    _assert_recomputed_and_stored(cache_folder, entry, expected, monkeypatch)
    assert not marker.exists()


def _rename(entry, old, new):
    for column in entry["columns"]:
        if column["name"] == old:
            column["name"] = new


def _column(entry, name):
    return next(c for c in entry["columns"] if c["name"] == name)


TAMPERINGS = {
    "wrong column name": lambda e: _rename(e, "forecast", "forecast "),
    "missing column": lambda e: e["columns"].remove(_column(e, "z_forecast")),
    "extra column": lambda e: e["columns"].append({"name": "extra", "dtype": "float64",
                                                   "values": [0.0] * len(e["columns"][0]["values"])}),
    "columns out of order": lambda e: e["columns"].reverse(),
    "text in a number column": lambda e: _column(e, "actual")["values"].__setitem__(1, "61.3"),
    "number as a bool": lambda e: _column(e, "n_fit")["values"].__setitem__(0, True),
    "missing count": lambda e: _column(e, "n_fit")["values"].__setitem__(0, None),
    "wrong type name": lambda e: _column(e, "actual").__setitem__("dtype", "object"),
    "short column": lambda e: _column(e, "forecast")["values"].pop(),
    "text as a number": lambda e: _column(e, "method")["values"].__setitem__(0, 3),
    "other version": lambda e: e.__setitem__("version", 0),
    "not an object": lambda e: e.clear(),
}


@pytest.mark.parametrize("tampering", list(TAMPERINGS))
def test_entry_not_matching_the_schema_is_computed_again(cache_folder, monkeypatch, expected, tampering):
    _run()
    entry = _entry(cache_folder)
    content = json.loads(entry.read_text())
    TAMPERINGS[tampering](content)
    entry.write_text(json.dumps(content))
    calls = _count_computes(monkeypatch)
    result = _run()
    assert len(calls) == 1
    pd.testing.assert_frame_equal(result, expected, check_exact=True)
    _assert_recomputed_and_stored(cache_folder, entry, expected, monkeypatch)


def test_a_valid_edited_entry_is_read_as_is(cache_folder, monkeypatch):
    """The counterpart of the test above: the check is on form, and a well-formed entry is a hit (so the tests
    of tampered entries do fail when tampering is not detected)."""
    _run()
    entry = _entry(cache_folder)
    content = json.loads(entry.read_text())
    _column(content, "actual")["values"][1] = 12.5
    entry.write_text(json.dumps(content))
    calls = _count_computes(monkeypatch)
    result = _run()
    assert calls == [] and result.loc[1, "actual"] == 12.5


BOOL_SCHEMA = {"n": "int64", "flag": "boolean"}
BOOL_FRAME = pd.DataFrame({"n": [1, 2, 3], "flag": [True, False, None]})


@pytest.mark.parametrize("tampering", ["valid", "bool as a number", "bool as text", "number as a bool"])
def test_boolean_columns_are_checked(cache_folder, tampering):
    """A nullable boolean column comes back as True/False/<NA>; a number or text in it, or a bool in an integer
    column, is a miss (computed again), while the untouched entry is a hit."""
    calls = []

    def compute():
        calls.append(1)
        return BOOL_FRAME

    first = cache.cached_frame("flags", "k" * 64, compute, BOOL_SCHEMA)
    assert list(first["flag"].astype(object)) == [True, False, pd.NA] and str(first["flag"].dtype) == "boolean"
    (entry,) = cache_folder.glob("flags-*.json")
    content = json.loads(entry.read_text())
    if tampering == "bool as a number":
        _column(content, "flag")["values"][0] = 0
    elif tampering == "bool as text":
        _column(content, "flag")["values"][0] = "False"
    elif tampering == "number as a bool":
        _column(content, "n")["values"][0] = True
    entry.write_text(json.dumps(content))
    again = cache.cached_frame("flags", "k" * 64, compute, BOOL_SCHEMA)
    pd.testing.assert_frame_equal(again, first, check_exact=True)
    assert len(calls) == (1 if tampering == "valid" else 2)


def test_symlinked_entry_is_replaced_not_followed(cache_folder, tmp_path, monkeypatch, expected, opened):
    _run()
    entry = _entry(cache_folder)
    target = tmp_path / "precious.json"
    target.write_text(entry.read_text())  # a valid entry, but only through the link
    before = target.read_bytes()
    entry.unlink()
    entry.symlink_to(target)
    calls = _count_computes(monkeypatch)
    opened.clear()
    result = _run()
    assert len(calls) == 1 and str(entry) not in opened and str(target) not in opened
    pd.testing.assert_frame_equal(result, expected, check_exact=True)
    assert target.read_bytes() == before and not target.is_symlink()
    _assert_recomputed_and_stored(cache_folder, entry, expected, monkeypatch)


def test_fifo_entry_does_not_block(cache_folder, monkeypatch, expected, opened):
    _run()
    entry = _entry(cache_folder)
    entry.unlink()
    os.mkfifo(entry)
    calls = _count_computes(monkeypatch)
    opened.clear()
    outcome = {}
    worker = threading.Thread(target=lambda: outcome.setdefault("result", _run()), daemon=True)
    worker.start()
    worker.join(timeout=60)
    if worker.is_alive():  # blocked on opening the FIFO: release it before failing
        os.close(os.open(entry, os.O_WRONLY | os.O_NONBLOCK))
        worker.join(timeout=10)
        pytest.fail("reading the cache blocked on a FIFO")
    assert len(calls) == 1 and str(entry) not in opened  # never opened
    pd.testing.assert_frame_equal(outcome["result"], expected, check_exact=True)
    _assert_recomputed_and_stored(cache_folder, entry, expected, monkeypatch)


def test_oversized_entry_is_not_read(cache_folder, monkeypatch, expected, opened):
    _run()
    entry = _entry(cache_folder)
    content = entry.read_text()
    entry.write_text(content + " " * (cache.MAX_ENTRY_BYTES + 1 - len(content)))  # valid JSON, one byte too many
    calls = _count_computes(monkeypatch)
    opened.clear()
    parsed = []
    loads = json.loads
    with monkeypatch.context() as patch:
        patch.setattr(cache.json, "loads", lambda *a, **k: parsed.append(1) or loads(*a, **k))
        result = _run()
    assert len(calls) == 1 and parsed == [] and str(entry) not in opened  # the size is checked before reading
    pd.testing.assert_frame_equal(result, expected, check_exact=True)
    assert entry.stat().st_size == len(content)
    _assert_recomputed_and_stored(cache_folder, entry, expected, monkeypatch)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to give a file away")
def test_entry_of_another_user_is_not_read(cache_folder, monkeypatch, expected):
    _run()
    entry = _entry(cache_folder)
    os.chown(entry, 12345, 12345)
    calls = _count_computes(monkeypatch)
    pd.testing.assert_frame_equal(_run(), expected, check_exact=True)
    assert len(calls) == 1 and entry.stat().st_uid == 0  # replaced by this user's own


@pytest.mark.parametrize("where", ["under a file", "in /proc"])
def test_unwritable_folder_computes_silently(tmp_path, monkeypatch, caplog, expected, where):
    blocker = tmp_path / "file"
    blocker.write_text("")
    # a folder inside a file cannot be made, nor one in /proc, even by root
    folder = blocker / "cache" if where == "under a file" else pathlib.Path("/proc/fuxin-nocache")
    monkeypatch.setenv(cache.ENV_VAR, str(folder))
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.DEBUG, "fuxin_analysis.cache"):
        warnings.simplefilter("always")
        result = _run()
    assert caught == []
    pd.testing.assert_frame_equal(result, expected, check_exact=True)
    assert any(r.levelno == logging.DEBUG and "not cached" in r.getMessage() for r in caplog.records)
    assert all(r.levelno == logging.DEBUG for r in caplog.records)
    reason = cache.problem()
    assert reason is not None and "\n" not in reason
    assert reason.startswith("results cache not used: ") and str(folder) in reason and "off" in reason
    assert not folder.exists()


def test_unwritable_folder_prints_nothing(tmp_path, monkeypatch, capfd):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv(cache.ENV_VAR, str(blocker / "cache"))
    capfd.readouterr()
    result = cache.cached_frame("t", "k" * 64, lambda: pd.DataFrame({"a": [5]}), SCHEMA)
    assert result["a"].tolist() == [5]
    assert capfd.readouterr() == ("", "")


def test_problem_is_none_for_a_writable_folder_and_for_off(tmp_path, monkeypatch):
    folder = tmp_path / "new" / "cache"
    monkeypatch.setenv(cache.ENV_VAR, str(folder))
    assert cache.problem() is None
    assert folder.is_dir() and list(folder.iterdir()) == []  # made, and the probe file removed
    monkeypatch.setenv(cache.ENV_VAR, "off")
    assert cache.problem() is None


def test_problem_is_one_line_and_never_raises(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    folder = blocker / "line\nbreak"
    monkeypatch.setenv(cache.ENV_VAR, str(folder))
    reason = cache.problem()
    assert reason is not None and "\n" not in reason and "line\\nbreak" in reason
    monkeypatch.setenv(cache.ENV_VAR, "~no-such-user-fuxin/cache")  # expanduser raises
    reason = cache.problem()
    assert reason is not None and reason.startswith("results cache not used") and "\n" not in reason
    result = cache.cached_frame("t", "k" * 64, lambda: pd.DataFrame({"a": [6]}), SCHEMA)
    assert result["a"].tolist() == [6]


def test_schema_is_applied_to_a_computed_table(cache_folder):
    frame = pd.DataFrame({"a": [1.0, 2.0]})  # float, though the schema says int64
    cold = cache.cached_frame("t", "k" * 64, lambda: frame, SCHEMA)
    warm = cache.cached_frame("t", "k" * 64, _no_statsmodels, SCHEMA)
    assert str(cold["a"].dtype) == "int64"
    pd.testing.assert_frame_equal(cold, warm, check_exact=True)
    with pytest.raises(ValueError, match="schema"):
        cache.cached_frame("u", "k" * 64, lambda: pd.DataFrame({"b": [1]}), SCHEMA)  # a mistake in the code



@pytest.mark.parametrize("planted", ["link to /dev/zero", "device node", "folder"])
def test_entry_that_is_not_a_file_is_not_opened(cache_folder, opened, planted):
    """Whatever is planted under the entry's name (an endless device, a folder) is not opened; a folder, which a
    rename cannot replace, is left alone and the table computed each time."""
    cache.cached_frame("t", "k" * 64, lambda: pd.DataFrame({"a": [1]}), SCHEMA)
    (entry,) = cache_folder.glob("t-*.json")
    entry.unlink()
    if planted == "link to /dev/zero":
        entry.symlink_to("/dev/zero")
    elif planted == "folder":
        entry.mkdir()
    else:
        try:
            os.mknod(entry, stat.S_IFCHR | 0o600, os.makedev(1, 5))  # /dev/zero's numbers
        except OSError as exc:
            pytest.skip(f"cannot make a device node here: {exc}")
    opened.clear()
    again = cache.cached_frame("t", "k" * 64, lambda: pd.DataFrame({"a": [2]}), SCHEMA)
    assert again["a"].tolist() == [2] and str(entry) not in opened
    if planted == "folder":
        assert entry.is_dir() and not list(cache_folder.glob(".t-*"))
    else:
        assert entry.is_file() and not entry.is_symlink()
        assert cache.cached_frame("t", "k" * 64, _no_statsmodels, SCHEMA)["a"].tolist() == [2]
