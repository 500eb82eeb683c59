"""Notebooks on a Dask cluster: the pool a batch uses with ``--scheduler ADDRESS`` (needs the ``[cluster]`` extra).

The unit of work is one notebook execution. Workers need not share the client's disk: each task carries its
inputs (the notebook, the plan folder's files, the observation files: a few hundred kilobytes), runs in a private
folder of the worker, and returns the executed notebook; the client writes and publishes every report itself, under
the same rules as ``run``. What a task cannot carry, the worker's own installation (the package, the reference
data under ``data/reference/``, the libraries), must be the client's: the client checks every worker's versions
against its own before anything runs (Dask's own check, then this package's fingerprint: package versions, the
SHA-256 of the package's code and of the reference data), and each task checks the fingerprint again on the worker
that runs it (a worker may join later). A mismatch is refused in one line.

On each worker the kernels of a batch come from one :class:`~fuxin_analysis.run.kernels.KernelSession` (forked from a
preloaded process, as on one machine), closed when the batch ends or is stopped: a stopped batch sets a Dask
``Event`` that every running task watches, so no kernel keeps running on a worker. A worker that dies mid-task
costs that notebook a new start elsewhere (the scheduler reschedules it), not the batch; its kernels end with it.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError

if TYPE_CHECKING:
    from ..data.plan import Plan
    from .kernels import KernelSession
    from .runner import Executed

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # the whole package, every layer
REFERENCE_DIR = PACKAGE_DIR.parent / "data" / "reference"
#: How often a running task looks whether its batch was stopped.
POLL_SECONDS = 0.5


def _digest(folder: Path, pattern: str) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob(pattern)):
        if "__pycache__" in path.parts or not path.is_file():
            continue
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@cache
def fingerprint() -> dict[str, object]:
    """What must be the same on the client and on every worker: the versions of Python and the packages, the
    SHA-256 of this package's code, notebooks' templates included, and of the reference data."""
    from .manifest import package_versions

    return {"packages": package_versions(), "code": _digest(PACKAGE_DIR, "*.*"),
            "reference": _digest(REFERENCE_DIR, "*.csv")}


def mismatch(theirs: dict[str, Any], ours: dict[str, Any]) -> str | None:
    """The first difference between two fingerprints, in words; None if they agree."""
    for name, version in ours["packages"].items():
        if theirs["packages"].get(name) != version:
            return f"{name} {theirs['packages'].get(name)} there, {version} here"
    if theirs["code"] != ours["code"]:
        return "the fuxin_analysis package's code differs"
    if theirs["reference"] != ours["reference"]:
        return "the reference data (data/reference/) differs"
    return None


# ---- on the worker ----------------------------------------------------------------------------------------------

_SESSIONS: dict[str, KernelSession] = {}
_SESSIONS_LOCK = threading.Lock()


def _session(batch_id: str) -> KernelSession:
    from .kernels import KernelSession

    with _SESSIONS_LOCK:
        if batch_id not in _SESSIONS:
            _SESSIONS[batch_id] = KernelSession(preload=True)
        return _SESSIONS[batch_id]


def close_session(batch_id: str) -> bool:
    """End a batch's kernels on this worker and remove their folder (run on every worker when the batch ends)."""
    with _SESSIONS_LOCK:
        session = _SESSIONS.pop(batch_id, None)
    if session is not None:
        session.close()
    return session is not None


def execute_on_worker(batch_id: str, expected: dict[str, Any], notebook_name: str, notebook: bytes,
                      parameters: dict[str, object], plan_files: dict[str, bytes],
                      observations: list[tuple[str, bytes]]) -> tuple[bytes, float, str, dict[str, str]]:
    """Run one notebook on this worker: check the fingerprint, write the inputs into a private folder (inside the
    batch's session folder, which a janitor removes even if the worker dies), execute, and return the executed
    notebook, the seconds it took, this worker's address, and which of its paths stand for which of the client's. Stops (and kills the kernel) when the batch's cancel
    event is set."""
    from distributed import Event, get_worker

    from .runner import RunError, execute

    differs = mismatch(fingerprint(), expected)
    if differs:
        raise RunError(f"worker {get_worker().address} does not match the client: {differs}; install the same "
                       "uv.lock and the same project on every worker")
    session = _session(batch_id)
    folder = Path(tempfile.mkdtemp(prefix="task-", dir=session.folder))
    try:
        (folder / "plan").mkdir()
        for name, data in plan_files.items():
            (folder / "plan" / name).write_bytes(data)
        paths = []
        for i, (name, data) in enumerate(observations):
            (folder / f"observations-{i}").mkdir()
            paths.append(folder / f"observations-{i}" / name)
            paths[-1].write_bytes(data)
        (folder / "notebooks").mkdir()
        source = folder / "notebooks" / notebook_name
        source.write_bytes(notebook)
        target = folder / f"executed-{notebook_name}"
        given = {**parameters, "plan_dir": str(folder / "plan"), "observations": [str(p) for p in paths]}
        outcome: dict[str, BaseException] = {}
        done = threading.Event()

        def work() -> None:
            try:
                execute(source, target, given, session)
            except BaseException as exc:  # handed to the task's thread
                outcome["error"] = exc
            finally:
                done.set()

        started = time.perf_counter()
        threading.Thread(target=work, name=f"notebook {notebook_name}", daemon=True).start()
        cancel = Event(f"fuxin-cancel-{batch_id}")
        while not done.wait(POLL_SECONDS):
            if cancel.is_set():
                close_session(batch_id)  # its kernels killed: the notebook's thread ends at once
                done.wait(30)
                raise RunError(f"{notebook_name}: cancelled (the batch was stopped)")
        if "error" in outcome:
            raise outcome["error"]
        seconds = time.perf_counter() - started
        moved = {str(folder / "plan"): str(parameters["plan_dir"]),
                 **{str(p): str(c) for p, c in zip(paths, parameters["observations"], strict=True)}}
        return target.read_bytes(), seconds, get_worker().address, moved
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def as_given(executed: bytes, moved: dict[str, str], notebook: Path, target: Path,
             parameters: dict[str, object]) -> bytes:
    """The executed notebook as it would read had it run on the client: the parameters papermill injected, and its
    record of them and of the notebook's paths, with the client's paths instead of the task's folder on the
    worker."""
    import nbformat
    from papermill.translators import PythonTranslator

    nb = nbformat.reads(executed.decode("utf-8"), as_version=4)
    for cell in nb.cells:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            for here, there in moved.items():
                cell.source = cell.source.replace(PythonTranslator.translate_escaped_str(here),
                                                  PythonTranslator.translate_escaped_str(there))
    record = nb.metadata.get("papermill")
    if record is not None:
        record["input_path"], record["output_path"] = str(notebook.resolve()), str(target)
        given = record.get("parameters", {})
        record["parameters"] = {k: parameters[k] if k in parameters else v for k, v in given.items()}
    return nbformat.writes(nb).encode("utf-8")


# ---- on the client ----------------------------------------------------------------------------------------------

class ClusterPool:
    """A :class:`~fuxin_analysis.run.runner.NotebookPool` on the Dask cluster at ``address``."""

    def __init__(self, address: str, progress: Callable[[str], None] = print) -> None:
        try:
            from distributed import Client, Event
        except ImportError:
            raise InputError("--scheduler", "running on a Dask cluster needs the optional [cluster] packages: "
                                            "pip install -e '.[cluster]' (make test installs them)",
                             value=address) from None
        try:
            self.client = Client(address, timeout="10s", set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise InputError("--scheduler", f"no Dask scheduler answers there ({type(exc).__name__})",
                             value=address) from None
        try:
            self._check_versions()
        except BaseException:
            self.client.close()
            raise
        self.where = str(self.client.scheduler.address)
        self.slots = max(1, sum(self.client.nthreads().values()))
        self.batch_id = uuid.uuid4().hex
        self._cancel = Event(f"fuxin-cancel-{self.batch_id}", client=self.client)
        self._threads = ThreadPoolExecutor(max_workers=256, thread_name_prefix="cluster")
        self._futures: set[Any] = set()
        self._lock = threading.Lock()
        self._progress = progress

    def describe(self) -> str:
        workers = len(self.client.nthreads())
        return f"the Dask cluster at {self.where} ({workers} workers, {self.slots} threads)"

    def _check_versions(self) -> None:
        """Dask's own check (its required packages), then this package's fingerprint on every worker."""
        try:
            self.client.get_versions(check=True)
        except ValueError as exc:
            first = " ".join(str(exc).split())[:200]
            raise InputError("--scheduler", f"the cluster's versions differ from this machine's: {first}",
                             value=self.client.scheduler.address) from None
        ours = fingerprint()
        for worker, theirs in sorted(self.client.run(fingerprint).items()):
            differs = mismatch(theirs, ours)
            if differs:
                raise InputError("--scheduler", f"worker {worker} does not match this machine: {differs}; install "
                                                "the same uv.lock and the same project on every worker",
                                 value=self.client.scheduler.address)
        if not self.client.nthreads():
            raise InputError("--scheduler", "the cluster has no workers; start some with `dask worker ADDRESS`",
                             value=self.client.scheduler.address)

    def submit(self, notebook: Path, target: Path, parameters: dict[str, object], plan: Plan) -> Future[Executed]:
        return self._threads.submit(self._run, notebook, target, parameters, plan)

    def _run(self, notebook: Path, target: Path, parameters: dict[str, object], plan: Plan) -> Executed:
        from .runner import Executed, RunError

        plan_files = {p.name: p.read_bytes() for p in sorted(plan.path.iterdir())
                      if p.is_file() and not p.name.startswith(".")}
        observations = [(Path(p).name, Path(p).read_bytes()) for p in parameters["observations"]]
        key = f"notebook-{target.parent.name.split('.staging-')[0].lstrip('.')}-{notebook.stem}-{uuid.uuid4().hex[:8]}"
        future = self.client.submit(execute_on_worker, self.batch_id, fingerprint(), notebook.name,
                                    notebook.read_bytes(), parameters, plan_files, observations, key=key, pure=False)
        with self._lock:
            self._futures.add(future)
        try:
            executed, seconds, worker, moved = future.result()
        except RunError:
            raise
        except Exception as exc:
            raise RunError(f"{notebook.name}: on the cluster: {type(exc).__name__}: {exc}".replace("\n", " ")[:300]) \
                from None
        finally:
            with self._lock:
                self._futures.discard(future)
        target.write_bytes(as_given(executed, moved, notebook, target, parameters))
        return Executed(seconds, worker)

    def stop(self) -> None:
        """Cancel the queued tasks, stop the running ones (their kernels killed on the workers), close the client."""
        try:
            self._cancel.set()
            with self._lock:
                futures = list(self._futures)
            self.client.cancel(futures, force=True)
            self._threads.shutdown(wait=False, cancel_futures=True)
            self._end_sessions()
        finally:
            self.client.close()

    def _end_sessions(self) -> None:
        try:
            self.client.run(close_session, self.batch_id)
        except Exception:  # noqa: BLE001 - a worker that is gone has no session left to close
            pass

    def close(self) -> None:
        if self.client.status == "closed":
            return
        self._threads.shutdown(wait=False, cancel_futures=True)
        self._end_sessions()
        self.client.close()


