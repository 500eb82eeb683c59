"""Run the notebook collection with papermill and publish the rendered report.

Inputs (parameters, plan, observations, notebooks) and the destination (:mod:`fuxin_analysis.run.destination`) are
validated before any kernel starts. Notebooks run in parallel, each in its own kernel of the run's
:class:`~fuxin_analysis.run.kernels.KernelSession` (IPC transport: no TCP ports to collide; forked from a process that
has done the imports once; every temporary file in a private folder removed with the run), and each is exported to
HTML on its own thread as soon as it finishes, while the others still run. The report is written into a new
staging folder beside the destination and moved into place only when every notebook and export succeeded, so a
failed run never leaves a half-written report; its staging folder is kept, renamed ``<dest>.failed-<time>``
(``.interrupted-<time>`` after Ctrl-C or SIGTERM), with the executed notebooks."""

from __future__ import annotations

import json
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ..data.inputs import os_problem
from ..data.plan import Plan
from ..errors import InputError
from . import changes, destination
from .manifest import parameter_record, write_manifest
from .params import ParamSet, load_param_set
from .prepare import NOTEBOOK_DIR, Prepared, check_jobs, notebooks, prepare
from .report import (
    Page,
    export_html,
    write_index,
    write_scorecard,
    write_scorecard_xlsx,
)

if TYPE_CHECKING:
    from .kernels import KernelSession

#: How long each notebook took, kept in the report for the next run's order (longest first).
TIMINGS = "timings.json"
#: The first words of a lock file's line, so that a file of the same name that is not a lock is never written.
LOCK_HEADER = "fuxin-analysis run lock"


class RunError(RuntimeError):
    """A notebook failed, or the report could not be published; the message names the notebook and the cell, or
    the folder, and where the run's files are kept (also as ``detail`` and ``kept`` when a report was begun)."""

    detail: str | None = None
    kept: Path | None = None


class RunLocked(RunError):
    """Another run is writing the same report."""


@dataclass(frozen=True)
class RunResult:
    output: Path
    pages: list[Page]
    seconds: float
    jobs: int


def execute(notebook: Path, target: Path, parameters: dict[str, object], session: KernelSession) -> None:
    """Execute one notebook with papermill in its own folder, passing only the parameters it declares, in a kernel
    of ``session``."""
    import papermill as pm

    notebook = notebook.resolve()
    declared = pm.inspect_notebook(str(notebook))
    given = {k: v for k, v in parameters.items() if k in declared}
    try:
        # the kernel's working folder is set through nbclient's resources, not papermill's cwd (a process-wide
        # chdir, unsafe with notebooks running in parallel threads)
        pm.execute_notebook(str(notebook), str(target), parameters=given, kernel_name="python3",
                            progress_bar=False, log_output=False, kernel_manager_class=session.manager_class,
                            resources={"metadata": {"path": str(notebook.parent)}})
    except pm.PapermillExecutionError as exc:
        first_line = next((line for line in exc.source.splitlines() if line.strip()), "")[:60]
        raise RunError(f"{notebook.name}: cell [{exc.exec_count}] ({first_line!r}) failed: "
                       f"{exc.ename}: {exc.evalue}".replace("\n", " ")) from None
    except Exception as exc:  # the kernel died, timed out or could not start
        raise RunError(f"{notebook.name}: {type(exc).__name__}: {exc}".replace("\n", " ")[:300]) from None


@dataclass(frozen=True)
class Executed:
    """One notebook run: how long it took and where (``local``, or the Dask worker's address)."""

    seconds: float
    worker: str


class NotebookPool(Protocol):
    """Where notebooks run: this machine's kernels (:class:`LocalPool`) or a Dask cluster
    (:class:`fuxin_analysis.run.cluster.ClusterPool`). One pool serves every set of a batch, so that every core stays
    busy across sets."""

    where: str
    #: notebooks it runs at once
    slots: int

    def describe(self) -> str:
        """Where the notebooks run, for the progress line."""

    def submit(self, notebook: Path, target: Path, parameters: dict[str, object], plan: Plan) -> Future[Executed]:
        """Execute ``notebook`` with ``parameters`` and write the executed notebook to ``target``."""

    def stop(self) -> None:
        """Cancel what is queued and end what runs: no kernel or task outlives this call."""

    def close(self) -> None:
        """Release the pool's own resources once every notebook ended."""


class LocalPool:
    """``jobs`` notebooks at a time, each in a kernel of ``session``."""

    where = "local"

    def __init__(self, session: KernelSession, jobs: int) -> None:
        self.session = session
        self.slots = jobs
        self._threads = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="notebook")

    def describe(self) -> str:
        return f"this machine, {self.slots} at a time"

    def submit(self, notebook: Path, target: Path, parameters: dict[str, object], plan: Plan) -> Future[Executed]:
        return self._threads.submit(self._execute, notebook, target, parameters)

    def _execute(self, notebook: Path, target: Path, parameters: dict[str, object]) -> Executed:
        started = time.perf_counter()
        execute(notebook, target, parameters, self.session)
        return Executed(time.perf_counter() - started, "local")

    def stop(self) -> None:
        self._threads.shutdown(wait=False, cancel_futures=True)  # no notebook starts from now on
        self.session.close()  # no kernel outlives the run, nor writes into its files

    def close(self) -> None:
        """Release the threads (the session belongs to whoever opened it)."""
        self._threads.shutdown(wait=False, cancel_futures=True)


@dataclass
class Pools:
    """The executors a run uses: its notebooks' pool and one thread that exports HTML pages as notebooks finish.
    A batch shares one ``Pools`` between its sets (``shared``): a failing set then stops only its own notebooks."""

    notebooks: NotebookPool
    exporter: ThreadPoolExecutor
    shared: bool = False
    #: set when the batch is interrupted: its sets' folders are then kept as interrupted, not failed
    interrupted: threading.Event = field(default_factory=threading.Event)


def run(params_file: str | Path, output: str | Path | None = None, jobs: int | None = None,
        notebook_dir: Path = NOTEBOOK_DIR, progress: Callable[[str], None] = print,
        preload: bool = True, session: KernelSession | None = None) -> RunResult:
    """Validate the inputs and the destination, execute every notebook (``jobs`` at a time; default: one per core),
    export the pages, the index, ``scorecard.csv``/``.xlsx``, ``manifest.json`` and ``SHA256SUMS``, then publish
    to ``output`` (default ``reports/<params file stem>/``; what it may be: :mod:`fuxin_analysis.run.destination`).

    Every input problem raises :class:`~fuxin_analysis.errors.InputError` before any notebook runs. With
    ``preload`` (the default) kernels are forked from a process that imported the notebooks' libraries once; a
    ``session`` already opened by the caller (the command line opens it early) is used and left open."""
    own = session is None
    if session is None:
        from .kernels import KernelSession

        session = KernelSession(preload)  # its fork server's imports overlap the checks below
    try:
        return _run(Path(params_file), output, jobs, notebook_dir, progress, session)
    finally:
        if own:
            session.close()


def _run(params_file: Path, output: str | Path | None, jobs: int | None, notebook_dir: Path,
         progress: Callable[[str], None], session: KernelSession) -> RunResult:
    t0 = time.perf_counter()
    params = load_param_set(params_file)
    books = notebooks(notebook_dir)
    prepared = prepare(params, books)
    jobs = check_jobs(jobs, books)
    dest = destination.check(output if output is not None else Path("reports") / params_file.stem,
                             protected_inputs([params], notebook_dir))
    note = cache_note()
    if note:
        progress(note)
    with lock(dest):
        pools = Pools(LocalPool(session, jobs), ThreadPoolExecutor(max_workers=1, thread_name_prefix="export"))
        try:
            result = make_report(prepared, dest, dest, pools, progress)
        finally:
            pools.exporter.shutdown(wait=False, cancel_futures=True)
            pools.notebooks.close()
        return RunResult(output=dest, pages=result, seconds=time.perf_counter() - t0, jobs=jobs)


def cache_note() -> str | None:
    """A line for the user when the on-disk cache cannot be used (the run is slower, not wrong)."""
    from .. import cache

    note = cache.problem()
    return f"note: {note}" if note else None


def protected_inputs(sets: list[ParamSet], notebook_dir: Path) -> list[destination.Protected]:
    """The inputs a report (or a batch's reports) must keep away from (see :mod:`fuxin_analysis.run.destination`)."""
    from .manifest import PROJECT_ROOT

    Protected = destination.Protected
    out = [
        Protected(notebook_dir, "the notebooks folder", folder=True),
        Protected(PROJECT_ROOT / "data" / "reference", "the reference data folder", folder=True),
        Protected(Path(__file__).resolve().parents[1], "the fuxin_analysis package", folder=True),
    ]
    for params in sets:
        out += [Protected(Path(params.notebook["plan_dir"]), "the plan folder", folder=True)]
        for file in params.files:
            out += [Protected(file.resolve().parent, "the parameter file's folder", folder=True, inside_ok=True),
                    Protected(file, "the parameter file", folder=False)]
        out += [Protected(Path(p), "an observation file", folder=False) for p in params.notebook["observations"]]
    return out


@contextmanager
def lock(dest: Path) -> Iterator[None]:
    """One run at a time per destination: an exclusive lock on ``.<dest>.lock`` beside it (released by the
    system if the process dies, so it never goes stale). A second run refuses at once with a clear message. The
    lock file is never followed if it is a symbolic link, and never written if it holds anything but this tool's
    lock line."""
    import fcntl

    path = dest.parent / f".{dest.name}.lock"
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(dest, f"refused as the report folder: its parent {dest.parent} cannot be created "
                               f"({os_problem(exc)})") from None
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise InputError(dest, f"refused as the report folder: its lock file {path} cannot be created "
                               f"({os_problem(exc)})") from None
    with os.fdopen(fd, "r+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = handle.read(200).strip().removeprefix(LOCK_HEADER).strip(" :") or "another process"
            raise RunLocked(f"{dest}: another run ({holder}) is writing this report; wait for it to finish "
                            "and run again") from None
        content = handle.read(200)
        if content.strip() and not content.startswith(LOCK_HEADER):
            raise InputError(dest, f"refused as the report folder: {path.name} beside it is not this tool's lock "
                                   "file; move it away")
        handle.seek(0)
        handle.truncate()
        handle.write(f"{LOCK_HEADER}: pid {os.getpid()}, started {datetime.now():%Y-%m-%d %H:%M:%S}")
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)


def _report_files(books: list[Path]) -> list[str]:
    """Every file a published report holds (listed in its manifest, so the next run can tell them from a user's)."""
    return sorted([*(b.name for b in books), *(f"{b.stem}.html" for b in books), "index.html", "scorecard.csv",
                   "scorecard.xlsx", changes.OBSERVATIONS_FILE, changes.CHANGES_FILE, destination.MANIFEST, TIMINGS,
                   destination.CHECKSUMS])


def make_report(prepared: Prepared, dest: Path, previous: Path, pools: Pools,
                progress: Callable[[str], None]) -> list[Page]:
    """Execute and export into a new staging folder beside ``dest``, then publish it there; ``previous`` is where
    the report this one replaces is read from (for ``changes.csv`` and the notebooks' order; ``dest`` for a run,
    the published batch's folder of the set for a batch).

    On any failure or interruption the staging folder is kept under a clear name (``<dest>.failed-<time>``,
    ``.interrupted-<time>``): a run that owns its pools kills its kernels at once; a set of a batch cancels its
    queued notebooks and lets its running ones end, so that the other sets go on."""
    params, plan, assessed, books = prepared.params, prepared.plan, prepared.assessed, prepared.books
    assessment = assessed.assessment
    old = changes.read_previous(previous) if previous.is_dir() else None  # the report this run will replace
    unreadable = old is None and previous.is_dir() and any(previous.iterdir())
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.staging-", dir=dest.parent))
    os.chmod(staging, 0o755)  # mkdtemp makes it private; a published report is as readable as any new folder
    started = datetime.now()
    pages: dict[str, Page] = {}
    timings: dict[str, float] = {}
    workers: dict[str, str] = {}
    futures: dict[Future[Executed], Path] = {}
    prefix = f"{params.name}: " if params.name is not None else ""
    try:
        progress(f"{prefix}running {len(books)} notebooks on {pools.notebooks.describe()} …")
        for nb in _longest_first(books, previous / TIMINGS):
            futures[pools.notebooks.submit(nb, staging / nb.name, params.notebook, plan)] = nb
        # the files that do not need the notebooks are written while they run
        write_scorecard(assessment, staging / "scorecard.csv")
        write_scorecard_xlsx(assessment, staging / "scorecard.xlsx", params.params.language, plan, assessed.gaps)
        changes.write_observations(assessed.data, staging / changes.OBSERVATIONS_FILE)
        compared = changes.compare(old, assessment, assessed.data, plan.meta.id, parameter_record(params),
                                   started.isoformat(timespec="seconds"), unreadable)
        changes.write(compared, staging / changes.CHANGES_FILE)
        exports = {}
        pending = set(futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                nb = futures[fut]
                executed = fut.result()  # re-raises a notebook's failure
                timings[nb.name] = round(executed.seconds, 2)
                workers[nb.name] = executed.worker
                progress(f"{prefix}[{len(timings)}/{len(books)}] {nb.name} done ({executed.seconds:.1f} s)")
                exports[pools.exporter.submit(export_html, staging / nb.name, staging / f"{nb.stem}.html")] = nb
        for fut, nb in exports.items():
            pages[nb.name] = fut.result()
        ordered = [pages[nb.name] for nb in books]
        ran_on = {"where": pools.notebooks.where}
        if pools.notebooks.where != "local":
            ran_on["workers"] = dict(sorted(workers.items()))
        write_manifest(staging / destination.MANIFEST, params, plan, books, started, _report_files(books), ran_on)
        write_index(staging, params.params.title, ordered, started, assessment, params.params.language, plan,
                    compared)
        (staging / TIMINGS).write_text(json.dumps(timings, indent=1, sort_keys=True), encoding="utf-8")
        destination.write_checksums(staging)
        with _signals_deferred():
            _publish(staging, dest)
    except BaseException as exc:
        if pools.shared and not isinstance(exc, KeyboardInterrupt):
            for fut in futures:
                fut.cancel()  # this set's queued notebooks; the other sets' go on
            wait(list(futures))  # its running ones end before their folder is renamed
        else:
            pools.notebooks.stop()
            pools.exporter.shutdown(wait=False, cancel_futures=True)
        interrupted = isinstance(exc, KeyboardInterrupt) or pools.interrupted.is_set()
        kept = _keep(staging, dest, "interrupted" if interrupted else "failed", started)
        if isinstance(exc, KeyboardInterrupt):
            exc.kept = kept  # type: ignore[attr-defined] # for the command line's one line
            raise
        detail = str(exc) if isinstance(exc, RunError | InputError) else f"{type(exc).__name__}: {exc}"
        error = RunError(f"{prefix}{detail}; this run's files are kept in {kept}, {dest} is unchanged"
                         .replace("\n", " "))
        error.detail, error.kept = detail.replace("\n", " "), kept  # a batch names them in its own words
        raise error from exc
    return ordered


def _longest_first(books: list[Path], timings_file: Path) -> list[Path]:
    """The notebooks in the order that finishes soonest on a few cores: longest first, by the times of the last
    published in the same folder (its timings.json); notebooks not timed yet go first, in their numbered order."""
    try:
        last = json.loads(timings_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        last = {}
    if not isinstance(last, dict):
        last = {}
    return sorted(books, key=lambda nb: -float(last.get(nb.name, float("inf"))))


def _keep(staging: Path, dest: Path, kind: str, started: datetime) -> Path:
    """Rename the staging folder of a failed or interrupted run to ``<dest>.<kind>-<time>`` (``-2``, ``-3``… if
    that exists: nothing is ever replaced); where even that fails, it stays where it is."""
    base = dest.parent / f"{dest.name}.{kind}-{started:%Y%m%d-%H%M%S}"
    for n in range(1, 100):
        candidate = base if n == 1 else base.with_name(f"{base.name}-{n}")
        if os.path.lexists(candidate):
            continue
        try:
            os.rename(staging, candidate)
        except OSError:
            return staging
        return candidate
    return staging


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM (in the main thread, where Python runs signal handlers) for the few renames that
    publish a report, so that an interruption never falls between them; a signal received meanwhile is dropped,
    and the run ends as it would a moment later, published."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {s: signal.signal(s, lambda *_: None) for s in held}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def _publish(staging: Path, dest: Path) -> None:
    """Replace ``dest`` with ``staging``, after checking once more that ``dest`` is still a folder this tool may
    replace (a file may have been added while the notebooks ran): the old report is moved into a new hidden folder
    beside it first and removed last; if the new one cannot be moved into place, the old one is put back."""
    problem = destination.report_problem(dest)
    if problem:
        raise InputError(dest, f"not replaced: {problem}")
    holder = None
    if os.path.lexists(dest):
        holder = Path(tempfile.mkdtemp(prefix=f".{dest.name}.old-", dir=dest.parent))
        try:
            os.rename(dest, holder / dest.name)
        except OSError:
            holder.rmdir()
            raise
    try:
        os.rename(staging, dest)
    except OSError:
        if holder is not None:
            try:
                os.rename(holder / dest.name, dest)
            except OSError as exc:
                raise RunError(f"{dest}: the new report could not be moved into place, nor the previous one back "
                               f"({exc.strerror}); the previous report is in {holder / dest.name}") from exc
            holder.rmdir()
        raise
    if holder is not None:
        shutil.rmtree(holder, ignore_errors=True)
