"""From a parameter set to a run that can start: the notebooks found and valid, the plan loaded, the parameters
checked against it, and what the runner writes itself computed with the same parameters (the scorecard, the
observations used and the data gaps, all as of ``as_of``). Everything here happens before any kernel starts, so a
bad input stops the run with one line and nothing written."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..data.inputs import file_kind, read_text
from ..data.plan import Plan, load_plan
from ..errors import InputError
from ..methods.progress import assess
from .params import ParamSet

#: The project's notebooks, beside the package in the source tree.
NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"


@dataclass(frozen=True)
class Assessed:
    """What the runner computes before the notebooks run: the scorecard, the observations it used, the data gaps."""

    assessment: pd.DataFrame
    data: pd.DataFrame
    gaps: pd.DataFrame


@dataclass(frozen=True)
class Prepared:
    """A run validated and computed up to its notebooks: parameters, plan, notebooks, and what the runner itself
    writes (:class:`Assessed`)."""

    params: ParamSet
    plan: Plan
    assessed: Assessed
    books: list[Path]


def prepare(params: ParamSet, books: list[Path], plan: Plan | None = None) -> Prepared:
    """Load the plan (unless the caller has: a batch loads each plan folder once) and the observations, check the
    parameters against the plan, and assess: every problem an InputError naming the parameters' file (and set)."""
    from ..data.observations import load as load_observations
    from ..methods.gaps import data_gaps
    from ..methods.progress import judged_in

    nb_params = params.notebook
    plan = plan if plan is not None else load_plan(nb_params["plan_dir"])
    params.params.check_against(plan, params.label)
    assessment = assess(plan, nb_params["observations"], as_of=params.params.as_of)
    data = load_observations(nb_params["observations"], plan, params.params.as_of)
    gaps = data_gaps(plan, data, assessment, judged_in(params.params.as_of))
    return Prepared(params, plan, Assessed(assessment, data, gaps), books)


def notebooks(folder: Path = NOTEBOOK_DIR) -> list[Path]:
    """The collection's notebooks, in their numbered order (``01_….ipynb``, ``02_….ipynb``…); a missing folder, a
    folder without numbered notebooks or a notebook that is not a valid notebook file is an InputError."""
    folder = Path(folder)
    kind = file_kind(folder)
    if kind != "folder":
        raise InputError(folder, "notebooks folder not found" if kind is None else "not a folder of notebooks")
    books = sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb") if file_kind(p) == "file")
    if not books:
        raise InputError(folder, "no numbered notebooks (01_name.ipynb, 02_name.ipynb, …) in this folder")
    for book in books:
        try:
            json.loads(read_text(book))
        except ValueError as exc:
            raise InputError(book, f"not a notebook file (invalid JSON: {str(exc)[:80]})") from None
    return books


def check_jobs(jobs: int | None, books: list[Path]) -> int:
    """The notebooks run at once: as asked, or one per core; never more than there are notebooks."""
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise InputError("--jobs", "must be a whole number of at least 1", value=jobs)
    return max(1, min(jobs or os.cpu_count() or 1, len(books)))
