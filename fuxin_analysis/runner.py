"""Run the notebook collection with papermill and publish the rendered report.

Inputs (parameters, plan, observations) are validated before any kernel starts. Notebooks run in parallel, each
in its own kernel (IPC transport: no TCP ports to collide; forked from a process that has done the imports once,
see :mod:`fuxin_analysis.kernels`), and each is exported to HTML on its own thread as soon as it finishes, while
the others still run. The report is written into a staging folder beside the destination and moved into place
only when every notebook and export succeeded, so a failed run never leaves a half-written report; its staging
folder is kept, renamed ``<dest>.failed-<time>``, with the failed executed notebook."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from .manifest import write_manifest
from .params import Params, load_params
from .plan import Plan, load_plan
from .progress import assess
from .report import Page, export_html, write_index, write_scorecard, write_scorecard_xlsx

#: The project's notebooks, beside the package in the source tree.
NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"


class RunError(RuntimeError):
    """A notebook failed; the message names the notebook and the cell."""


class RunLocked(RunError):
    """Another run is writing the same report."""


@dataclass(frozen=True)
class RunResult:
    output: Path
    pages: list[Page]
    seconds: float
    jobs: int


def notebooks(folder: Path = NOTEBOOK_DIR) -> list[Path]:
    """The collection's notebooks, in their numbered order (``01_….ipynb``, ``02_….ipynb``…)."""
    return sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb") if p.is_file())


def execute(notebook: Path, target: Path, parameters: dict[str, object], preload: bool = False) -> None:
    """Execute one notebook with papermill in its own folder, passing only the parameters it declares (with
    ``preload``, in a kernel forked from the preloaded fork server)."""
    import papermill as pm

    from .kernels import ipc_kernel_manager

    notebook = notebook.resolve()
    declared = pm.inspect_notebook(str(notebook))
    given = {k: v for k, v in parameters.items() if k in declared}
    try:
        # the kernel's working folder is set through nbclient's resources, not papermill's cwd (a process-wide
        # chdir, unsafe with notebooks running in parallel threads)
        pm.execute_notebook(str(notebook), str(target), parameters=given, kernel_name="python3",
                            progress_bar=False, log_output=False, kernel_manager_class=ipc_kernel_manager(preload),
                            resources={"metadata": {"path": str(notebook.parent)}})
    except pm.PapermillExecutionError as exc:
        first_line = next((line for line in exc.source.splitlines() if line.strip()), "")[:60]
        raise RunError(f"{notebook.name}: cell [{exc.exec_count}] ({first_line!r}) failed: "
                       f"{exc.ename}: {exc.evalue}".replace("\n", " ")) from None
    except Exception as exc:  # the kernel died, timed out or could not start
        raise RunError(f"{notebook.name}: {type(exc).__name__}: {exc}".replace("\n", " ")[:300]) from None


def _execute_timed(notebook: Path, staging: Path, parameters: dict[str, object], preload: bool) -> float:
    started = time.perf_counter()
    execute(notebook, staging / notebook.name, parameters, preload)
    return time.perf_counter() - started


def run(params_file: str | Path, output: str | Path | None = None, jobs: int | None = None,
        notebook_dir: Path = NOTEBOOK_DIR, progress: Callable[[str], None] = print,
        preload: bool = True) -> RunResult:
    """Validate the inputs, execute every notebook (``jobs`` at a time; default: one per core), export the
    pages, the index, ``scorecard.csv``/``.xlsx`` and ``manifest.json``, then publish to ``output``
    (default ``reports/<params file stem>/``). With ``preload`` (the default) kernels are forked from a process
    that imported the notebooks' libraries once (:mod:`fuxin_analysis.kernels`); without, each starts afresh."""
    t0 = time.perf_counter()
    params_file = Path(params_file)
    params, nb_params = load_params(params_file)
    plan = load_plan(nb_params["plan_dir"])
    params.check_against(plan, params_file)
    assessment = assess(plan, nb_params["observations"], as_of=params.as_of)
    books = notebooks(notebook_dir)
    if not books:
        raise RunError(f"no notebooks found in {notebook_dir}")
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(books)))
    os.environ.pop("MPLBACKEND", None)  # a non-interactive backend inherited by kernels would drop the charts
    from .kernels import start_early

    start_early(preload)  # a no-op when the command line already started it
    dest = Path(output) if output is not None else Path("reports") / params_file.stem
    dest.parent.mkdir(parents=True, exist_ok=True)
    with _lock(dest):
        return _run_locked(dest, params_file, params, plan, nb_params, assessment, books, jobs, progress, t0,
                           preload)


@contextmanager
def _lock(dest: Path) -> Iterator[None]:
    """One run at a time per destination: an exclusive lock on ``.<dest>.lock`` beside it (released by the
    system if the process dies, so it never goes stale). A second run refuses at once with a clear message."""
    import fcntl

    path = dest.parent / f".{dest.name}.lock"
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise RunLocked(f"{dest}: another run ({holder}) is writing this report; wait for it to finish "
                            "and run again") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, started {datetime.now():%Y-%m-%d %H:%M:%S}")
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)


def _run_locked(dest: Path, params_file: Path, params: Params, plan: Plan, nb_params: dict[str, object],
                assessment: pd.DataFrame, books: list[Path], jobs: int, progress: Callable[[str], None],
                t0: float, preload: bool) -> RunResult:
    """Execute and export into a staging folder, then publish it; on any failure keep it under a clear name."""
    staging = dest.parent / f".{dest.name}.staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    started = datetime.now()
    pages: dict[str, Page] = {}
    pool = ThreadPoolExecutor(max_workers=jobs)  # one kernel per thread
    exporter = ThreadPoolExecutor(max_workers=1)  # HTML pages, each as soon as its notebook ran, beside the kernels
    timings_file = dest.parent / f".{dest.name}.timings.json"
    timings: dict[str, float] = {}
    try:
        progress(f"running {len(books)} notebooks, {jobs} at a time …")
        futures = {pool.submit(_execute_timed, nb, staging, nb_params, preload): nb
                   for nb in _longest_first(books, timings_file)}
        # the files that do not need the notebooks are written while they run
        write_scorecard(assessment, staging / "scorecard.csv")
        write_scorecard_xlsx(assessment, staging / "scorecard.xlsx", params.language, plan)
        write_manifest(staging / "manifest.json", params_file, params, plan, nb_params, books, started)
        exports = {}
        pending = set(futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                nb = futures[fut]
                seconds = fut.result()  # re-raises a notebook's failure
                timings[nb.name] = round(seconds, 2)
                progress(f"[{len(timings)}/{len(books)}] {nb.name} done ({seconds:.1f} s)")
                exports[exporter.submit(export_html, staging / nb.name, staging / f"{nb.stem}.html")] = nb
        for fut, nb in exports.items():
            pages[nb.name] = fut.result()
        ordered = [pages[nb.name] for nb in books]
        write_index(staging, params.title, ordered, started, assessment, params.language, plan)
    except BaseException as exc:
        pool.shutdown(wait=False, cancel_futures=True)
        exporter.shutdown(wait=False, cancel_futures=True)
        kind = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
        failed = dest.parent / f"{dest.name}.{kind}-{started:%Y%m%d-%H%M%S}"
        shutil.rmtree(failed, ignore_errors=True)
        staging.rename(failed)
        progress(f"the {kind} run's files are kept in {failed}; {dest} is unchanged")
        raise
    pool.shutdown(wait=True)
    exporter.shutdown(wait=True)
    _publish(staging, dest)
    timings_file.write_text(json.dumps(timings, indent=1, sort_keys=True), encoding="utf-8")
    return RunResult(output=dest, pages=ordered, seconds=time.perf_counter() - t0, jobs=jobs)


def _longest_first(books: list[Path], timings_file: Path) -> list[Path]:
    """The notebooks in the order that finishes soonest on a few cores: longest first, by the times of the last
    run into the same folder (kept beside it); notebooks not timed yet go first, in their numbered order."""
    try:
        last = json.loads(timings_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        last = {}
    if not isinstance(last, dict):
        last = {}
    return sorted(books, key=lambda nb: -float(last.get(nb.name, float("inf"))))


def _publish(staging: Path, dest: Path) -> None:
    """Replace ``dest`` with ``staging``: the old report is moved aside first and removed last."""
    old = dest.parent / f".{dest.name}.old-{os.getpid()}"
    if dest.exists():
        dest.rename(old)
    staging.rename(dest)
    shutil.rmtree(old, ignore_errors=True)
