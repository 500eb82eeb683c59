"""The runner's handling of parameters (``fuxin_analysis.run.prepare``): what a run computes itself before any
kernel starts — the scorecard, the observations it used and the data gaps — follows ``as_of`` like the notebooks do,
and bad notebooks folders or ``--jobs`` values stop the run with one line. Expectations are worked out from the test
plan's three values (tests/observations/one_indicator.csv: 2021 98.3, 2022 98.5, 2023 98.6; target 99 in 2025)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fuxin_analysis import InputError, load_plan
from fuxin_analysis.run.params import load_param_set
from fuxin_analysis.run.prepare import NOTEBOOK_DIR, check_jobs, notebooks, prepare

ROOT = Path(__file__).resolve().parent.parent
ONE_PLAN = ROOT / "tests" / "plans" / "one_indicator"
ONE_OBSERVED = ROOT / "tests" / "observations" / "one_indicator.csv"


def _params(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "p.yaml"
    path.write_text("\n".join([f'plan_dir: "{ONE_PLAN}"', f'observations: ["{ONE_OBSERVED}"]', *lines]) + "\n",
                    encoding="utf-8")
    return path


@pytest.mark.parametrize(("as_of", "latest", "years", "missing"), [
    # as of 2022: 2021 and 2022 are known (latest 98.5); of the years up to 2022 only the baseline year 2020 has no
    # value (the plan gives no baseline, and a level's baseline year counts)
    (2022, (2022, 98.5), [2021, 2022], "2020"),
    # as of 2023: the third value counts
    (2023, (2023, 98.6), [2021, 2022, 2023], "2020"),
    # as of 2025 (the target year): 2024 and 2025 have no value either
    (2025, (2023, 98.6), [2021, 2022, 2023], "2020, 2024, 2025"),
])
def test_what_the_runner_writes_itself_follows_as_of(tmp_path, as_of, latest, years, missing):
    prepared = prepare(load_param_set(_params(tmp_path, f"as_of: {as_of}")), [])
    row = prepared.assessed.assessment.iloc[0]
    assert (int(row["latest_year"]), float(row["latest_value"])) == latest
    assert sorted(prepared.assessed.data.loc[prepared.assessed.data["indicator_id"] == "senior_secondary_ger",
                                             "year"]) == years
    gaps = prepared.assessed.gaps.iloc[0]
    assert gaps["years_missing"] == missing
    # the outcome is judged in as_of: before the target year it is open, in it (no 2025 value) pending
    assert row["outcome"] == ("pending" if as_of == 2025 else "open")
    assert gaps["outcome"] == row["outcome"]


def test_without_as_of_everything_observed_is_used(tmp_path):
    prepared = prepare(load_param_set(_params(tmp_path)), [])
    assert int(prepared.assessed.assessment.iloc[0]["latest_year"]) == 2023
    assert len(prepared.assessed.data[prepared.assessed.data["indicator_id"] == "senior_secondary_ger"]) == 3


def test_the_plan_given_is_used_and_the_parameters_are_checked_against_it(tmp_path):
    plan = load_plan(ONE_PLAN)
    books = [Path("01_x.ipynb")]
    params = load_param_set(_params(tmp_path))
    prepared = prepare(params, books, plan)
    assert prepared.params is params and prepared.plan is plan and prepared.books == books
    path = _params(tmp_path, "as_of: 2019")
    with pytest.raises(InputError) as exc:
        prepare(load_param_set(path), books, plan)
    assert str(exc.value) == (f"{path}, field 'as_of': before the plan's baseline year 2020 (value: 2019)")


def _notebook(folder: Path, name: str, text: str = '{"cells": [], "metadata": {}, "nbformat": 4, '
                                                     '"nbformat_minor": 5}') -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def test_notebooks_are_the_numbered_ones_in_order(tmp_path):
    for name in ("02_b.ipynb", "01_a.ipynb", "explore.ipynb", "1_short.ipynb", "03_c.txt"):
        _notebook(tmp_path, name)
    (tmp_path / "04_folder.ipynb").mkdir()  # a folder named like a notebook is not one
    assert [p.name for p in notebooks(tmp_path)] == ["01_a.ipynb", "02_b.ipynb"]
    assert [p.name for p in notebooks()] == sorted(p.name for p in NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))


def test_a_missing_or_wrong_notebooks_folder_is_refused(tmp_path):
    with pytest.raises(InputError) as exc:
        notebooks(tmp_path / "nowhere")
    assert str(exc.value) == f"{tmp_path / 'nowhere'}: notebooks folder not found"
    file = _notebook(tmp_path, "01_a.ipynb")
    with pytest.raises(InputError) as exc:
        notebooks(file)
    assert str(exc.value) == f"{file}: not a folder of notebooks"
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError) as exc:
        notebooks(empty)
    assert str(exc.value) == f"{empty}: no numbered notebooks (01_name.ipynb, 02_name.ipynb, …) in this folder"


def test_a_notebook_that_is_not_json_is_named(tmp_path):
    _notebook(tmp_path, "01_a.ipynb")
    bad = _notebook(tmp_path, "02_b.ipynb", "{not json")
    with pytest.raises(InputError) as exc:
        notebooks(tmp_path)
    message = str(exc.value)
    assert message.startswith(f"{bad}: not a notebook file (invalid JSON: Expecting property name enclosed in double "
                              "quotes: line 1 column 2 (char 1)")
    # a long parser message is cut at 80 characters: 100,000 blank lines, then "{x" on line 100,001 give
    # "Expecting property name enclosed in double quotes: line 100001 column 2 (char 100001)", 85 characters: 50
    # for the words and colon, then " line 100001" (12, to 62), " column 2" (9, to 71) and " (char 10" (the 9 that
    # reach 80)
    _notebook(tmp_path, "02_b.ipynb", "\n" * 100_000 + "{x")
    with pytest.raises(InputError) as exc:
        notebooks(tmp_path)
    detail = str(exc.value).split("(invalid JSON: ", 1)[1].removesuffix(")")
    assert detail == "Expecting property name enclosed in double quotes: line 100001 column 2 (char 10"
    assert len(detail) == 80


@pytest.mark.parametrize(("jobs", "books", "expected"), [
    (1, 6, 1), (2, 6, 2), (6, 6, 6), (7, 6, 6),  # as asked, never more than the notebooks
    (3, 1, 1), (1, 0, 1),  # at least one
])
def test_jobs_as_asked_up_to_the_notebooks(jobs, books, expected):
    assert check_jobs(jobs, [Path(f"{i:02d}.ipynb") for i in range(books)]) == expected


def test_jobs_default_to_one_per_core_up_to_the_notebooks(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    assert check_jobs(None, [Path("a")] * 6) == 4
    assert check_jobs(None, [Path("a")] * 3) == 3
    monkeypatch.setattr(os, "cpu_count", lambda: None)  # unknown: one
    assert check_jobs(None, [Path("a")] * 6) == 1


@pytest.mark.parametrize("jobs", [0, -1, True, False, 1.5, "2"])
def test_jobs_that_are_not_a_whole_number_of_at_least_one_are_refused(jobs):
    with pytest.raises(InputError) as exc:
        check_jobs(jobs, [Path("a")])
    shown = repr(jobs) if isinstance(jobs, str) else str(jobs)  # a string is quoted, to tell "2" from 2
    assert str(exc.value) == f"--jobs: must be a whole number of at least 1 (value: {shown})"
