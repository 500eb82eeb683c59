"""Batch runs: many parameter sets, one report each, one pool of kernels (or a Dask cluster) for all of them.

A batch file (YAML) names a base parameter file and the sets that differ from it, and optionally a sweep::

    base: ../default.yaml          # relative paths are relative to the file that gives them
    sets:                          # a name (a safe folder name) and the keys that differ from base
      - name: fuxin
        params: {}
      - name: national
        params: {plan_dir: ../../data/plans/china_14th_education}
    sweep:                         # every combination of these values, applied to each set (or to base)
      as_of: [2021, 2022, 2023, 2024, 2025]

The sets are expanded (``fuxin_as_of_2021``, …), and every one is validated and assessed, with the same checks as
``run``, before any notebook runs: a bad set stops the batch with one line naming the batch file, the set and the
key. Then every notebook of every set goes to one pool, so all cores stay busy across sets; each set is published
as ``run`` would publish it, into the batch's staging folder, which replaces the batch's folder at the end
(:mod:`fuxin_analysis.run.destination`'s rules). A set that fails does not stop the others.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictStr

from ..data.inputs import file_kind, read_yaml_mapping, resolve, validate
from ..data.plan import Plan, load_plan
from ..errors import InputError, nearest
from . import destination
from .params import PATH_KEYS, Params, ParamSet, load_param_set, params_from_mapping

if TYPE_CHECKING:
    from .kernels import KernelSession
    from .prepare import Prepared
    from .runner import NotebookPool

#: A set's name is a folder name on every system: letters, digits, ``_`` and ``-``; no dots (the batch's own files
#: and the folders kept for failed sets have one).
SET_NAME = r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,79}$"
#: More sets than a province would run in one go is a typing slip (a sweep over a range of years typed wrongly).
MAX_SETS = 2000
SCORECARD = "batch_scorecard"
INDEX = "index.html"


class SetSpec(BaseModel):
    """One entry of ``sets``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: StrictStr = Field(description="the set's folder in the batch's report: letters, digits, _ and -")
    params: dict[StrictStr, Any] = Field(default_factory=dict, description="the keys that differ from base")


class BatchFile(BaseModel):
    """The keys of a batch file (README, "Batch runs")."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    base: StrictStr = Field(description="the parameter file every set starts from")
    sets: list[SetSpec] = Field(default_factory=list, description="named sets of keys that differ from base")
    sweep: dict[StrictStr, Annotated[list[Any], Field(min_length=1, max_length=100)]] = Field(
        default_factory=dict, description="keys and their values: every combination, applied to each set")


@dataclass(frozen=True)
class Batch:
    """A batch file, validated and expanded: its sets in order, and the parameter keys that vary between them."""

    path: Path
    base: Path
    sets: list[ParamSet]
    varying: list[str]
    #: each plan folder the sets name, loaded once (by its resolved path)
    plans: dict[str, Plan]


def _value_name(value: object) -> str:
    text = "none" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    return re.sub(r"[^A-Za-z0-9_\-]+", "-", text).strip("-") or "x"


def load_batch(path: str | Path) -> Batch:
    """Read, expand and validate a batch file: every set is a full :class:`~fuxin_analysis.run.params.ParamSet`."""
    path = Path(path)
    spec = validate(BatchFile, read_yaml_mapping(path), path)
    here = resolve(path, path).parent
    base_file = resolve(here / spec.base, path, "base", spec.base)
    if file_kind(base_file) != "file":
        raise InputError(path, "base parameter file not found", field="base", value=spec.base)
    load_param_set(base_file)  # a bad base file is named as itself
    base_data = read_yaml_mapping(base_file)
    keys = list(Params.model_fields)
    for key in spec.sweep:
        if key not in keys:
            guess = nearest(key, keys)
            raise InputError(path, "not a parameter", field=f"sweep.{key}", value=key,
                             hint=f"did you mean '{guess}'?" if guess else None)
    for i, s in enumerate(spec.sets):
        if not re.match(SET_NAME, s.name):
            raise InputError(path, "a set's name is its report's folder: letters, digits, _ and - (at most 80; no "
                                   "dots, slashes or spaces)", field=f"sets[{i}].name", value=s.name)
    named = [(s.name, s.params) for s in spec.sets] or [(None, {})]
    for i, (name, params) in enumerate(named):
        for key in params:
            where = f"sets[{i}].params.{key}"
            if key not in keys:
                guess = nearest(key, keys)
                raise InputError(f"{path}, set '{name}'", "not a parameter", field=where, value=key,
                                 hint=f"did you mean '{guess}'?" if guess else None)
            if key in spec.sweep:
                raise InputError(f"{path}, set '{name}'", "the sweep varies this key too: give it in one place",
                                 field=where, value=key)
    combos = list(itertools.product(*spec.sweep.values())) if spec.sweep else [()]
    if len(named) * len(combos) > MAX_SETS:
        raise InputError(path, f"{len(named)} sets × {len(combos)} sweep values is more than {MAX_SETS} reports",
                         field="sweep", value=len(named) * len(combos))
    sets: list[ParamSet] = []
    seen: dict[str, int] = {}
    plans: dict[str, Plan] = {}  # each plan folder loaded once, for the checks that need the plan
    for i, (name, params) in enumerate(named):
        for combo in combos:
            swept = dict(zip(spec.sweep, combo, strict=True))
            parts = ([name] if name else []) + [f"{k}_{_value_name(v)}" for k, v in swept.items()]
            full = "_".join(parts) if parts else path.stem
            label = f"{path}, set '{full}'"
            if full in seen:
                raise InputError(path, f"sets[{seen[full]}] and sets[{i}] are both named '{full}'; names must be "
                                       "unique", field=f"sets[{i}].name", value=full)
            seen[full] = i
            if not re.match(SET_NAME, full):
                raise InputError(label, "the expanded set name is not a safe folder name", field="name",
                                 value=full)
            data = {**base_data, **params, **swept}
            # paths given by the batch file are relative to it, the base's to the base file
            bases = {k: here for k in PATH_KEYS if k in params}
            p, notebook = params_from_mapping(data, label, base_file.parent, bases)
            plan_dir = str(notebook["plan_dir"])
            if plan_dir not in plans:
                plans[plan_dir] = load_plan(plan_dir)
            p.check_against(plans[plan_dir], label)
            sets.append(ParamSet(p, notebook, (path, base_file), full))
    return Batch(path, base_file, sets, varying_keys(sets), plans)


def varying_keys(sets: list[ParamSet]) -> list[str]:
    """The parameters whose values differ between the sets, in the order of the parameter file's keys."""
    dumped = [{**s.params.model_dump(mode="json"), "plan_dir": s.notebook["plan_dir"],
               "observations": s.notebook["observations"]} for s in sets]
    return [k for k in Params.model_fields if len({json.dumps(d[k], sort_keys=True) for d in dumped}) > 1]


@dataclass
class SetResult:
    """How one set ended: its report's pages, or the one-line error and the folder its files are kept in."""

    name: str
    prepared: Prepared
    pages: list | None = None
    error: str | None = None
    kept: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class BatchResult:
    output: Path
    results: list[SetResult]
    seconds: float
    where: str
    slots: int
    failed: list[SetResult] = field(default_factory=list)


def run_batch(batch_file: str | Path, output: str | Path | None = None, jobs: int | None = None,
              scheduler: str | None = None, notebook_dir: Path | None = None,
              progress: Callable[[str], None] = print, preload: bool = True,
              session: KernelSession | None = None) -> BatchResult:
    """Validate every set, run every set's notebooks in one pool (this machine's kernels, ``jobs`` at a time, or the
    Dask cluster at ``scheduler``), publish each set's report into the batch's staging folder, write the batch's
    index, scorecards, manifest and checksums, and publish the batch to ``output`` (default
    ``reports/<batch file stem>/``). Sets that fail are listed, not fatal: see :attr:`BatchResult.failed`."""
    from .prepare import NOTEBOOK_DIR, check_jobs, notebooks, prepare
    from .runner import protected_inputs

    t0 = time.perf_counter()
    batch = load_batch(batch_file)
    notebook_dir = notebook_dir or NOTEBOOK_DIR
    books = notebooks(notebook_dir)
    # every set checked and assessed before anything runs, each plan folder read once (by load_batch)
    prepared = [prepare(s, books, batch.plans[str(s.notebook["plan_dir"])]) for s in batch.sets]
    dest = destination.check(output if output is not None else Path("reports") / batch.path.stem,
                             protected_inputs(batch.sets, notebook_dir))
    if scheduler is None:
        # across sets a kernel is never short of work, but it waits on the runner part of the time (outputs, the
        # next cell): one kernel more than cores kept the cores busier (vintages, 2 cores: 3 at a time took 0.87×
        # the time of 2, over three runs each)
        jobs = check_jobs(jobs or (os.cpu_count() or 1) + 1, books * len(batch.sets))
    own = session is None and scheduler is None
    if own:
        from .kernels import KernelSession

        session = KernelSession(preload)
    from .runner import cache_note, lock

    note = cache_note()
    if note:
        progress(note)
    try:
        with lock(dest):
            pool: NotebookPool
            if scheduler is not None:
                from .cluster import ClusterPool

                pool = ClusterPool(scheduler, progress)
            else:
                from .runner import LocalPool

                pool = LocalPool(session, jobs)
            try:
                return _run_locked(batch, prepared, dest, pool, progress, t0)
            finally:
                pool.close()
    finally:
        if own and session is not None:
            session.close()


def _run_locked(batch: Batch, prepared: list[Prepared], dest: Path, pool: NotebookPool,
                progress: Callable[[str], None], t0: float) -> BatchResult:
    from .runner import Pools, RunError, _keep, _publish, _signals_deferred, make_report

    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.staging-", dir=dest.parent))
    os.chmod(staging, 0o755)
    started = datetime.now()
    pools = Pools(pool, ThreadPoolExecutor(max_workers=1, thread_name_prefix="export"), shared=True)
    # enough sets in flight to keep every slot of the pool busy, not hundreds of staging folders at once
    in_flight = min(len(prepared), max(2, 2 * pool.slots))
    sets = ThreadPoolExecutor(max_workers=in_flight, thread_name_prefix="set")
    results = {p.params.name: SetResult(p.params.name, p) for p in prepared}
    progress(f"running {len(prepared)} sets × {len(prepared[0].books)} notebooks on {pool.describe()} …")

    def one(p: Prepared) -> None:
        result = results[p.params.name]
        began = time.perf_counter()
        try:
            result.pages = make_report(p, staging / p.params.name, dest / p.params.name, pools, progress)
        except RunError as exc:
            result.error = f"{p.params.name}: {exc.detail or exc}"
            result.kept = exc.kept.name if exc.kept is not None else None
            progress(f"{result.error}; its files are kept in {result.kept}")
        result.seconds = time.perf_counter() - began

    futures: list[Future[None]] = []
    try:
        futures = [sets.submit(one, p) for p in prepared]
        pending = set(futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                fut.result()
        sets.shutdown(wait=True)
        ordered = [results[p.params.name] for p in prepared]
        from .batch_report import write_batch_files

        write_batch_files(staging, batch, ordered, started, pool.where)
        destination.write_checksums(staging)
        with _signals_deferred():
            _publish(staging, dest)
    except BaseException as exc:
        pools.interrupted.set()
        sets.shutdown(wait=False, cancel_futures=True)
        pool.stop()  # queued notebooks cancelled, kernels or tasks ended
        pools.exporter.shutdown(wait=False, cancel_futures=True)
        wait(futures, timeout=60)  # the sets' threads end (their kernels are gone) before their folder moves
        kept = _keep(staging, dest, "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed", started)
        if isinstance(exc, KeyboardInterrupt):
            exc.kept = kept  # type: ignore[attr-defined]
            raise
        detail = str(exc) if isinstance(exc, RunError | InputError) else f"{type(exc).__name__}: {exc}"
        raise RunError(f"{detail}; this batch's files are kept in {kept}, {dest} is unchanged") from exc
    pools.exporter.shutdown(wait=True)
    ordered = [results[p.params.name] for p in prepared]
    return BatchResult(dest, ordered, time.perf_counter() - t0, pool.where, pool.slots,
                       [r for r in ordered if not r.ok])

