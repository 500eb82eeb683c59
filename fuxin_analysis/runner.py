"""Run the notebook collection with papermill and publish the rendered report.

Inputs are validated before any notebook runs. The report is written into a staging folder beside
the destination and moved into place only when every notebook and page succeeded, so a failed run
never leaves a half-written report; its staging folder is kept, renamed ``<dest>.failed-<time>``.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .params import load_params
from .plan import load_plan
from .progress import assess
from .report import Page, export_html, write_index, write_scorecard

#: The project's notebooks, beside the package in the source tree.
NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"


class RunError(RuntimeError):
    """A notebook failed; the message names the notebook and the cell."""


@dataclass(frozen=True)
class RunResult:
    output: Path
    pages: list[Page]


def notebooks(folder: Path = NOTEBOOK_DIR) -> list[Path]:
    """The collection's notebooks, in their numbered order (``01_….ipynb``, ``02_….ipynb``…)."""
    return sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb") if p.is_file())


def execute(notebook: Path, target: Path, parameters: dict[str, object]) -> None:
    """Execute one notebook with papermill, passing only the parameters it declares."""
    import papermill as pm

    declared = pm.inspect_notebook(str(notebook))
    given = {k: v for k, v in parameters.items() if k in declared}
    # A non-interactive MPLBACKEND (e.g. Agg) inherited by the kernel would keep charts out of the report.
    os.environ.pop("MPLBACKEND", None)
    try:
        pm.execute_notebook(str(notebook), str(target), parameters=given, cwd=str(notebook.parent),
                            kernel_name="python3", progress_bar=False, log_output=False)
    except pm.PapermillExecutionError as exc:
        first_line = next((line for line in exc.source.splitlines() if line.strip()), "")[:60]
        raise RunError(f"{notebook.name}: cell [{exc.exec_count}] ({first_line!r}) failed: "
                       f"{exc.ename}: {exc.evalue}".replace("\n", " ")) from None


def run(params_file: str | Path, output: str | Path | None = None, notebook_dir: Path = NOTEBOOK_DIR) -> RunResult:
    """Validate the inputs, execute every notebook, export HTML and an index, then publish to ``output``.

    ``output`` defaults to ``reports/<params file stem>/`` under the current folder.
    """
    params_file = Path(params_file)
    params, nb_params = load_params(params_file)
    plan = load_plan(nb_params["plan_dir"])  # fail on bad inputs before any kernel starts
    scorecard = assess(plan, nb_params["observations"], as_of=params.as_of)
    dest = Path(output) if output is not None else Path("reports") / params_file.stem
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = dest.parent / f".{dest.name}.staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    started = datetime.now()
    pages = []
    try:
        for nb in notebooks(notebook_dir):
            executed = staging / nb.name
            print(f"running {nb.name} …", flush=True)
            execute(nb, executed, nb_params)
            pages.append(export_html(executed, staging / f"{nb.stem}.html"))
        if not pages:
            raise RunError(f"no notebooks found in {notebook_dir}")
        write_scorecard(scorecard, staging / "scorecard.csv")
        write_index(staging, params.title, pages, started)
    except BaseException:
        failed = dest.parent / f"{dest.name}.failed-{started:%Y%m%d-%H%M%S}"
        shutil.rmtree(failed, ignore_errors=True)
        staging.rename(failed)
        print(f"the failed run's files are kept in {failed}", flush=True)
        raise
    _publish(staging, dest)
    return RunResult(output=dest, pages=pages)


def _publish(staging: Path, dest: Path) -> None:
    """Replace ``dest`` with ``staging``: the old report is moved aside first and removed last."""
    old = dest.parent / f".{dest.name}.old-{os.getpid()}"
    if dest.exists():
        dest.rename(old)
    staging.rename(dest)
    shutil.rmtree(old, ignore_errors=True)
