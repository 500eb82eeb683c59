"""The on-disk cache: a hit returns the stored table without computing; any change of input, code or switch is a
miss; a damaged entry or an unwritable folder never breaks a run."""

import pandas as pd
import pytest

from fuxin_analysis import backtest as backtest_mod
from fuxin_analysis import cache
from fuxin_analysis.reference import national_series


@pytest.fixture
def cache_folder(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.ENV_VAR, str(folder))
    return folder


def _no_statsmodels(*args, **kwargs):
    raise AssertionError("the Holt fit ran: the cache was not used")


def test_second_backtest_is_read_from_the_cache(cache_folder, monkeypatch):
    first = backtest_mod.backtest(national_series(), fit_until=2022, year=2025)
    assert len(list(cache_folder.glob("backtest-*.pkl"))) == 1
    monkeypatch.setattr(backtest_mod, "damped_trend", _no_statsmodels)
    second = backtest_mod.backtest(national_series(), fit_until=2022, year=2025)
    pd.testing.assert_frame_equal(first, second)
    # the cached table is the computed one: he_ger naive 59.6 + 3 × 1.8 = 65.0 (worked by hand)
    assert second.set_index("indicator_id").loc["he_ger", "naive"] == pytest.approx(65.0)


@pytest.mark.parametrize("change", ["value", "fit_until", "upper"])
def test_a_changed_input_is_a_miss(cache_folder, monkeypatch, change):
    series = national_series()
    backtest_mod.backtest(series, fit_until=2022, year=2025)
    monkeypatch.setattr(backtest_mod, "damped_trend", _no_statsmodels)
    kwargs = {"fit_until": 2022, "year": 2025}
    if change == "value":
        series = series.copy()
        series.loc[series.index[0], "value"] += 0.1
    elif change == "fit_until":
        kwargs["fit_until"] = 2021
    else:
        kwargs["upper"] = 99.0
    with pytest.raises(AssertionError, match="cache was not used"):
        backtest_mod.backtest(series, **kwargs)


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
        cache.cached_frame("t", "k" * 64, lambda: calls.append(1) or pd.DataFrame({"a": [1]}))
    assert len(calls) == 2


def test_default_folder_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv(cache.ENV_VAR)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_dir() == tmp_path / "fuxin-analysis"


def test_damaged_entry_is_computed_again(cache_folder):
    frame = pd.DataFrame({"a": [1, 2]})
    cache.cached_frame("t", "k" * 64, lambda: frame)
    (entry,) = cache_folder.glob("t-*.pkl")
    entry.write_bytes(entry.read_bytes()[:10])  # truncated, as by a full disk
    again = cache.cached_frame("t", "k" * 64, lambda: frame.assign(a=[3, 4]))
    assert again["a"].tolist() == [3, 4]
    assert pd.read_pickle(entry)["a"].tolist() == [3, 4]  # and stored again
    assert not list(cache_folder.glob(".t-*"))  # no temporary file left


def test_unwritable_folder_warns_and_computes(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv(cache.ENV_VAR, str(blocker / "cache"))  # a folder inside a file cannot be made
    with pytest.warns(UserWarning, match="not cached"):
        result = cache.cached_frame("t", "k" * 64, lambda: pd.DataFrame({"a": [5]}))
    assert result["a"].tolist() == [5]
