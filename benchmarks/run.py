"""Benchmark of the regeneration (``make bench``): prints its figures in one run.

1. floor: median wall time of papermill executing a two-cell notebook that only imports the stack the
   notebooks use (pandas, matplotlib, seaborn, statsmodels, fuxin_analysis): the cost of one kernel;
2. the full regeneration of params/default.yaml (every notebook, HTML, index, scorecard), cold (fresh
   matplotlib and results caches, first run) and warm (median of the following runs), through the real command
   line; and warm with ``--fresh-kernels`` (no preloaded fork server), to show what forking kernels saves;
3. the ratio of (2, warm) to floor × notebooks ÷ cores;
4. the naive regeneration (a sequential loop of ``papermill`` then ``jupyter nbconvert --to html`` per
   notebook) and the ratio of ours to it;
5. ``import fuxin_analysis`` (and what assess needs) against importing pandas alone;
6. ``assess`` on a SYNTHETIC plan of 100, 1,000 and 10,000 indicators × 30 years (benchmarks/synthetic.py;
   generated data, in a temporary folder only);
7. writing the data-entry workbook for the shipped plan (``template``) and reading it back filled with every value
   of its plan period (the filled values are a benchmark's, in a temporary folder only, never data);
8. the explorer (``fuxin_analysis.present.explore``): seconds from a control's change to the new chart, row and text
   (the PNG included), over changes of the indicator, the as-of year, the method and the language.
   How many visitors the web app holds: ``benchmarks/app_visitors.py`` (it starts a browser; not run here);
9. set-up from a fresh clone with empty package caches (``benchmarks/setup_time.py``): ``make report``'s wall time
   against the run's own time in the same run;
10–12. batch runs (``benchmarks/batch_bench.py``): the shipped 10-set batch against ten separate runs, on a
   two-worker Dask LocalCluster against the local pool, and what 210 sets would take on 1, 8 and 64 cores.
Ratios measured in the same run are the figures that count: these machines are noisy.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
PY = sys.executable
BIN = Path(PY).parent


def median_time(fn, repeat: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times


STACK = "import pandas, matplotlib.pyplot, seaborn, statsmodels.api\nimport fuxin_analysis"
#: What the notebooks' first cell imports today (no seaborn, no statsmodels: see fuxin_analysis.present.charts.setup).
NOTEBOOK_IMPORTS = "from fuxin_analysis import assess, charts, load_plan, notebook, tables"


def floor_notebook(folder: Path, imports: str, name: str) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(imports)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def run_floor(folder: Path, repeat: int, imports: str = STACK, name: str = "floor") -> tuple[float, list[float]]:
    import papermill as pm

    from fuxin_analysis.run.kernels import KernelSession

    nb = floor_notebook(folder, imports, name)
    with KernelSession(preload=False) as session:  # fresh kernels: the floor is what one kernel start costs
        return median_time(lambda: pm.execute_notebook(str(nb), str(folder / f"{name}_out.ipynb"),
                                                       kernel_name="python3", progress_bar=False,
                                                       kernel_manager_class=session.manager_class), repeat)


def regenerate(output: Path, env: dict[str, str], *extra: str) -> None:
    subprocess.run([PY, "-m", "fuxin_analysis", "run", str(ROOT / "params" / "default.yaml"), "--output",
                    str(output), *extra], check=True, capture_output=True, env=env)


def naive(folder: Path) -> None:
    """What a user would script: papermill, then nbconvert, one notebook after the other."""
    from fuxin_analysis.run.prepare import notebooks

    for nb in notebooks():
        out = folder / nb.name
        subprocess.run([str(BIN / "papermill"), str(nb), str(out), "--cwd", str(nb.parent), "-p", "plan_dir",
                        str(ROOT / "data/plans/fuxin_14th")], check=True, capture_output=True)
        subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(out)], check=True,
                       capture_output=True)


def import_time(statement: str, repeat: int) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    return statistics.median(float(subprocess.run([PY, "-c", code], capture_output=True, text=True,
                                                  check=True).stdout) for _ in range(repeat))


def assess_scaling(folder: Path, sizes: list[int], repeat: int) -> list[tuple[int, float]]:
    import synthetic

    from fuxin_analysis import assess, load_plan

    out = []
    for n in sizes:
        plan = load_plan(synthetic.write_plan(folder / f"plan_{n}", n))
        obs = synthetic.observations(n)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assess(plan, obs.head(60))  # imports done before timing
            med, _ = median_time(lambda: assess(plan, obs), repeat if n <= 1000 else max(1, repeat - 1))
        out.append((n, med))
    return out


def explorer_redraws() -> list[float]:
    """Seconds for each of a series of changes a user makes in the explorer (the first assessment of each as-of
    year and method included: nothing is warmed up but the explorer itself)."""
    from fuxin_analysis.present.explore import Explorer
    from fuxin_analysis.run.params import discover_plans

    e = Explorer(discover_plans())
    c = e.controls
    changes = [("plan", "china_14th_education"), ("domain", "higher"), ("indicator", "t_he_ger_2025"),
               *[("as_of", y) for y in (2020, 2021, 2022, 2023, 2024, 2025, 2026)], ("method", "drift"),
               ("method", "damped"), ("language", "zh"), ("language", "en"), ("plan", "fuxin_14th"),
               ("domain", "senior_secondary"), ("as_of", 2023), ("pace_on", True), ("pace", 0.3)]
    times = []
    for name, value in changes:
        t0 = time.perf_counter()
        c[name].value = value
        times.append(time.perf_counter() - t0)
    return times


def template_times(folder: Path, repeat: int) -> tuple[float, float]:
    """Median seconds to write the shipped plan's workbook, and to read it back with every value filled."""
    from openpyxl import load_workbook

    from fuxin_analysis import load_plan
    from fuxin_analysis.data.observations import read_observations
    from fuxin_analysis.data.workbook import SHEET, write_template

    plan = load_plan(ROOT / "data" / "plans" / "fuxin_14th")
    counter = iter(range(10_000))
    write_t, _ = median_time(lambda: write_template(plan, folder / f"t{next(counter)}.xlsx"), repeat)
    filled = folder / "filled.xlsx"
    book = load_workbook(write_template(plan, filled.with_name("base.xlsx")))
    bounds = plan.indicators.set_index("indicator_id")["lower_bound"]
    for row in book[SHEET].iter_rows(min_row=2):
        if row[0].value:
            row[2].value = float(bounds[row[0].value]) + 1  # SYNTHETIC: within every indicator's bounds
            row[3].value = "SYNTHETIC benchmark value"
    book.save(filled)
    read_t, _ = median_time(lambda: read_observations([filled], plan), repeat)
    return write_t, read_t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per timed figure (median reported)")
    parser.add_argument("--naive-repeat", type=int, default=1, help="runs of the (slow) naive loop")
    args = parser.parse_args()
    from fuxin_analysis.run.prepare import notebooks

    cores = os.cpu_count() or 1
    n_notebooks = len(notebooks())
    print(f"machine: {cores} cores, Python {sys.version.split()[0]}; {n_notebooks} notebooks; "
          f"medians of {args.repeat} runs")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        _, floor_all = run_floor(tmp, args.repeat)
        light, _ = run_floor(tmp, args.repeat, NOTEBOOK_IMPORTS, "light")

        # a fresh matplotlib cache and a fresh results cache (fuxin_analysis.cache) for the cold run
        env = {**os.environ, "MPLCONFIGDIR": str(tmp / "mplconfig"), "FUXIN_ANALYSIS_CACHE_DIR": str(tmp / "cache")}
        cold, _ = median_time(lambda: regenerate(tmp / "cold", env), 1)
        warm, warm_all = median_time(lambda: regenerate(tmp / "warm", env), args.repeat)
        fresh, fresh_all = median_time(lambda: regenerate(tmp / "fresh", env, "--fresh-kernels"), args.repeat)
        _, floor_after = run_floor(tmp, args.repeat)  # the machine drifts: the floor is sampled on both sides
        floor = statistics.median(floor_all + floor_after)
        print(f"1. floor (papermill, two-cell notebook importing pandas, matplotlib, seaborn, statsmodels, "
              f"fuxin_analysis): {floor:.2f} s  [{', '.join(f'{t:.2f}' for t in floor_all + floor_after)}]")
        print(f"   for reference, a kernel importing only what the notebooks now import ({NOTEBOOK_IMPORTS}): "
              f"{light:.2f} s")
        print(f"2. full regeneration of params/default.yaml: cold {cold:.2f} s (fresh matplotlib and results "
              f"caches), warm {warm:.2f} s  [{', '.join(f'{t:.2f}' for t in warm_all)}]")
        print(f"   with --fresh-kernels (every kernel a new process, not forked from the preloaded one): "
              f"{fresh:.2f} s  [{', '.join(f'{t:.2f}' for t in fresh_all)}]")
        ideal = floor * n_notebooks / cores
        print(f"3. warm ÷ (floor × {n_notebooks} notebooks ÷ {cores} cores = {ideal:.2f} s): {warm / ideal:.2f}  "
              f"(goal ≤ 1.2); with --fresh-kernels: {fresh / ideal:.2f}; against the lighter kernel: "
              f"{warm / (light * n_notebooks / cores):.2f}")

        (tmp / "naive").mkdir()
        naive_time, _ = median_time(lambda: naive(tmp / "naive"), args.naive_repeat)
        print(f"4. naive loop (papermill then nbconvert, one by one): {naive_time:.2f} s; ours ÷ naive: "
              f"{warm / naive_time:.2f}  (goal ≤ 0.5)")

        pandas_t = import_time("import pandas", 5)
        package_t = import_time("import fuxin_analysis", 5)
        assess_t = import_time("import fuxin_analysis; from fuxin_analysis import assess, load_plan", 5)
        print(f"5. import pandas alone {pandas_t:.3f} s; import fuxin_analysis {package_t:.3f} s (heavy modules "
              f"load on first use); with assess and load_plan {assess_t:.3f} s = pandas {assess_t - pandas_t:+.3f} s "
              f"(goal ≤ +0.3 s)")

        scaling = assess_scaling(tmp, [100, 1000, 10000], args.repeat)
        parts = ", ".join(f"{n:,} indicators {t:.3f} s ({t / n * 1e3:.2f} ms each)" for n, t in scaling)
        print(f"6. assess on SYNTHETIC data, 30 years (damped-trend and drift projections, conformal intervals from "
              f"the cached calibration): {parts}  (goal < 1 s at 1,000; linear)")
        redraws = explorer_redraws()
        print(f"8. explorer: a change redraws in median {statistics.median(redraws):.3f} s, slowest "
              f"{max(redraws):.3f} s over {len(redraws)} changes  (goal ≤ 0.3 s)")
        from setup_time import setup_time

        wall, run_t = setup_time()
        print(f"9. fresh clone, no package cache: make report {wall:.1f} s, of which the run {run_t:.1f} s; "
              f"set-up {wall - run_t:.1f} s  (goal < 15 s)")
        write_t, read_t = template_times(tmp, args.repeat)
        print(f"7. template for the shipped plan: write {write_t:.3f} s; read back with every value filled "
              f"(SYNTHETIC values) {read_t:.3f} s  (goal: together under 1 s)")
        from batch_bench import batch_figures, report

        print("\n".join(report(batch_figures(tmp / "batch"))))
    shutil.rmtree(ROOT / "benchmarks" / "__pycache__", ignore_errors=True)


if __name__ == "__main__":
    main()
