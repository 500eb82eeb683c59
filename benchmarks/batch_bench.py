"""Batch figures of ``make bench`` (10–12), also runnable alone: ``.venv/bin/python benchmarks/batch_bench.py [--no-cluster]``.

10. the shipped batch ``params/batches/vintages.yaml`` (10 sets: Fuxin and the national plan, ``as_of`` 2021–2025)
    through ``batch``, against the same ten sets as ten separate ``run`` invocations, in the same benchmark run
    (goal: the batch at most 0.8 × their sum);
11. the same batch on a two-worker ``distributed.LocalCluster`` (``--scheduler``) against the local pool
    (goal: at most 1.3 ×);
12. from the batch's cost per set (core-seconds) and the client's own CPU time per set on the cluster (exports,
    scorecards, publishing: done on the client's machine, one set after another at worst), what 14 cities × 5
    ``as_of`` years × 3 scenarios (210 sets) would take on 1, 8 and 64 worker cores.
Every command is the real command line, in a temporary folder; each timing is warm (one batch ran first).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
VINTAGES = ROOT / "params" / "batches" / "vintages.yaml"


def _cli(*args: str, env: dict[str, str], cpu: dict[str, float] | None = None) -> float:
    """Wall seconds of one command; with ``cpu``, also the CPU seconds of the command's own process tree."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([PY, "-m", "fuxin_analysis", *args], check=True, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if cpu is not None:
        cpu["seconds"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall


def separate_parameter_files(folder: Path) -> list[Path]:
    """The vintages batch's sets, each as the parameter file a user would write for ``run``."""
    from fuxin_analysis.run.batch import load_batch

    files = []
    for s in load_batch(VINTAGES).sets:
        p = s.params
        data = {"plan_dir": s.notebook["plan_dir"], "observations": s.notebook["observations"], "as_of": p.as_of,
                "language": p.language, "title": p.title, "scenario_multipliers": p.scenario_multipliers,
                "scenario_through_year": p.scenario_through_year}
        path = folder / f"{s.name}.yaml"
        path.write_text("".join(f"{k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in data.items()),
                        encoding="utf-8")
        files.append(path)
    return files


def batch_figures(tmp: Path, cluster: bool = True) -> dict[str, float]:
    tmp.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "FUXIN_ANALYSIS_CACHE_DIR": str(tmp / "cache"), "MPLCONFIGDIR": str(tmp / "mpl")}
    cores = os.cpu_count() or 1
    _cli("batch", str(VINTAGES), "--output", str(tmp / "warmup"), env=env)  # caches filled, as in daily use
    out: dict[str, float] = {"cores": cores}
    out["batch"] = _cli("batch", str(VINTAGES), "--output", str(tmp / "batch"), env=env)
    (tmp / "params").mkdir()
    runs = [_cli("run", str(p), "--output", str(tmp / "runs" / p.stem), env=env)
            for p in separate_parameter_files(tmp / "params")]
    out["runs"], out["sets"] = sum(runs), len(runs)
    if cluster:
        from distributed import LocalCluster

        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                          local_directory=str(tmp / "dask")) as c:
            _cli("batch", str(VINTAGES), "--output", str(tmp / "cluster-warmup"), "--scheduler", c.scheduler_address,
                 env=env)
            client: dict[str, float] = {}
            out["cluster"] = _cli("batch", str(VINTAGES), "--output", str(tmp / "cluster"), "--scheduler",
                                  c.scheduler_address, env=env, cpu=client)
            out["client_cpu"] = client["seconds"]  # the client's own work: exports, scorecards, publishing
            out["local2"] = _cli("batch", str(VINTAGES), "--output", str(tmp / "local2"), "--jobs", "2", env=env)
    return out


def report(f: dict[str, float]) -> list[str]:
    lines = [f"10. batch params/batches/vintages.yaml ({f['sets']:.0f} sets): {f['batch']:.1f} s; the same sets as "
             f"{f['sets']:.0f} separate runs: {f['runs']:.1f} s; batch ÷ runs: {f['batch'] / f['runs']:.2f}  "
             "(goal ≤ 0.8)"]
    if "cluster" in f:
        lines.append(f"11. the same batch on a 2-worker LocalCluster: {f['cluster']:.1f} s; on the local pool "
                     f"(--jobs 2): {f['local2']:.1f} s; cluster ÷ local: {f['cluster'] / f['local2']:.2f}  "
                     "(goal ≤ 1.3)")
    per_set = f["batch"] * f["cores"] / f["sets"]  # core-seconds per set, this machine
    sets = 14 * 5 * 3
    client = f.get("client_cpu", 0.0) / f["sets"]  # CPU seconds per set on the client (exports, scorecards…)
    workers = per_set - client  # the kernels' share, spread over the workers' cores
    estimate = ", ".join(f"{n} worker cores ≈ {max(sets * workers / n, sets * client) / 60:.1f} min"
                         for n in (1, 8, 64))
    lines.append(f"12. cost per set {per_set:.1f} core-seconds, of which the client's own work {client:.1f} s "
                 f"(exports, scorecards, publishing, on the client's machine); 14 cities × 5 as_of years × 3 "
                 f"scenarios = {sets} sets: {estimate} (the client's share sets the floor: {sets * client / 60:.1f} "
                 "min)")
    return lines


if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="fuxin-bench-") as tmp:
        print("\n".join(report(batch_figures(Path(tmp), cluster="--no-cluster" not in sys.argv))))
