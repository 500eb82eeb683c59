"""Batch runs (``python -m fuxin_analysis batch``): the batch file, its expansion and validation, one report per
set, the batch's own files, failures that do not stop the other sets, interruption, and the same batch on a Dask
``LocalCluster`` (two worker processes) giving the same scorecards as on this machine."""

import csv
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fuxin_analysis.errors import InputError
from fuxin_analysis.run.batch import load_batch, run_batch

from .conftest import OBSERVED, PLAN_DIR, ROOT, notebook_folder

pytestmark = pytest.mark.slow  # runs batches, a cluster or the command line: not in the fast suite

NATIONAL = ROOT / "data" / "plans" / "china_14th_education"
NATIONAL_OBSERVED = ROOT / "data" / "observations" / "china_14th_observed.csv"


def _base(folder: Path, **extra) -> Path:
    lines = [f'plan_dir: "{PLAN_DIR}"', f'observations: ["{OBSERVED}"]', 'language: "en"', 'title: "Batch test"']
    lines += [f"{k}: {v}" for k, v in extra.items()]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "base.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _batch(folder: Path, text: str, **base) -> Path:
    _base(folder, **base)
    path = folder / "batch.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fuxin_analysis", *args], capture_output=True, text=True,
                          env=env, timeout=600)


# ---- the batch file ------------------------------------------------------------------------------------------------

def test_the_shipped_vintages_batch_expands_to_ten_sets():
    batch = load_batch(ROOT / "params" / "batches" / "vintages.yaml")
    names = [s.name for s in batch.sets]
    assert names == [f"{who}_as_of_{y}" for who in ("fuxin", "national") for y in range(2021, 2026)]
    assert [s.params.as_of for s in batch.sets] == [2021, 2022, 2023, 2024, 2025] * 2
    # the base's paths stay relative to the base file, the set's are relative to the batch file
    assert {s.notebook["plan_dir"] for s in batch.sets[:5]} == {str(PLAN_DIR)}
    assert {s.notebook["plan_dir"] for s in batch.sets[5:]} == {str(NATIONAL)}
    assert batch.sets[7].notebook["observations"] == [str(NATIONAL_OBSERVED)]
    assert batch.varying == ["plan_dir", "observations", "as_of", "title"]  # in the parameter file's order
    assert batch.sets[0].label.endswith("vintages.yaml, set 'fuxin_as_of_2021'")


def test_a_sweep_without_sets_names_the_sets_by_their_values(tmp_path):
    batch = load_batch(_batch(tmp_path, "base: base.yaml\nsweep:\n  as_of: [2022, null]\n  language: [zh, en]\n"))
    assert [s.name for s in batch.sets] == ["as_of_2022_language_zh", "as_of_2022_language_en",
                                            "as_of_none_language_zh", "as_of_none_language_en"]
    assert batch.varying == ["as_of", "language"]


def test_sets_without_a_sweep_and_a_batch_of_one(tmp_path):
    batch = load_batch(_batch(tmp_path, "base: base.yaml\nsets:\n  - name: a\n  - name: b\n    params: {as_of: 2023}\n"))
    assert [(s.name, s.params.as_of) for s in batch.sets] == [("a", None), ("b", 2023)]
    assert batch.varying == ["as_of"]
    one = load_batch(_batch(tmp_path, "base: base.yaml\n"))
    assert [s.name for s in one.sets] == ["batch"] and one.varying == []


@pytest.mark.parametrize(("text", "expected"), [
    ("base: base.yaml\nsets: [{name: a, params: {as_off: 2022}}]\n",
     "batch.yaml, set 'a', field 'sets[0].params.as_off': not a parameter (value: 'as_off'); did you mean 'as_of'?"),
    ("base: base.yaml\nsets: [{name: a, params: {as_of: x}}]\n",
     "batch.yaml, set 'a', field 'as_of': Input should be a valid integer (value: 'x')"),
    ("base: base.yaml\nsets: [{name: a, params: {as_of: 2019}}]\n",
     "batch.yaml, set 'a', field 'as_of': before the plan's baseline year 2020 (value: 2019)"),
    ("base: base.yaml\nsets: [{name: a, params: {scenario_indicators: [hs_gerr]}}]\n",
     "batch.yaml, set 'a', field 'scenario_indicators': unknown indicator (not in plan fuxin_14th) (value: 'hs_gerr')"),
    ("base: base.yaml\nsets: [{name: a, params: {plan_dir: nowhere}}]\n",
     "batch.yaml, set 'a', field 'plan_dir': plan folder not found (value: 'nowhere')"),
    ("base: base.yaml\nsets: [{name: '../a'}]\n",
     "batch.yaml, field 'sets[0].name': a set's name is its report's folder"),
    ("base: base.yaml\nsets: [{name: a.b}]\n", "batch.yaml, field 'sets[0].name': a set's name"),
    ("base: base.yaml\nsets: [{name: a}, {name: a}]\n",
     "batch.yaml, field 'sets[1].name': sets[0] and sets[1] are both named 'a'; names must be unique"),
    ("base: base.yaml\nsets: [{name: a, params: {as_of: 2022}}]\nsweep: {as_of: [2023]}\n",
     "batch.yaml, set 'a', field 'sets[0].params.as_of': the sweep varies this key too"),
    ("base: base.yaml\nsweep: {as_off: [2023]}\n", "batch.yaml, field 'sweep.as_off': not a parameter"),
    ("base: base.yaml\nsweep: {as_of: []}\n", "batch.yaml, field 'sweep.as_of': List should have at least 1 item"),
    ("base: missing.yaml\n", "batch.yaml, field 'base': base parameter file not found (value: 'missing.yaml')"),
    ("sets: []\n", "batch.yaml, field 'base': Field required"),
    ("base: base.yaml\nset: []\n", "batch.yaml, field 'set'"),
    ("base: [base.yaml\n", "batch.yaml"),
])
def test_a_bad_batch_is_refused_in_one_line_before_anything_runs(tmp_path, text, expected):
    path = _batch(tmp_path, text)
    with pytest.raises(InputError) as info:
        load_batch(path)
    assert str(info.value).startswith(str(tmp_path / expected)), str(info.value)
    out = _cli("batch", str(path), "--output", str(tmp_path / "out"))
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and out.stderr.startswith(f"error: {tmp_path / expected}"), out.stderr
    assert not (tmp_path / "out").exists()


def test_a_bad_base_file_is_named_as_itself(tmp_path):
    path = _batch(tmp_path, "base: base.yaml\n", as_of="'2022'")
    with pytest.raises(InputError, match=r"base\.yaml, field 'as_of': Input should be a valid integer"):
        load_batch(path)


def test_more_sets_than_a_province_runs_is_a_slip(tmp_path):
    years = ", ".join(str(y) for y in range(2020, 2026))
    langs = "[zh, en, both]"
    text = f"base: base.yaml\nsweep:\n  as_of: [{years}]\n  language: {langs}\n  scenario_through_year: [{years}]\n"
    text += "  scenario_multipliers: [" + ", ".join(f"[{m}]" for m in range(1, 20)) + "]\n"
    with pytest.raises(InputError, match=r"more than 2000 reports \(value: 2052\)"):
        load_batch(_batch(tmp_path, text))


# ---- runs on this machine, with small notebooks ---------------------------------------------------------------------

FAIL_2022 = "if as_of == 2022:\n    raise ValueError('no figures for 2022')\nprint('as of', as_of)"


def _books(tmp_path: Path, *cells: str) -> Path:
    import nbformat

    folder = notebook_folder(tmp_path / "nb", *cells, name="01_one.ipynb")
    nb = nbformat.read(folder / "01_one.ipynb", as_version=4)
    nb.cells[0].source = "as_of = None\nlanguage = 'both'"
    nbformat.write(nb, folder / "01_one.ipynb")
    return folder


def test_a_failed_set_does_not_stop_the_others(tmp_path):
    books = _books(tmp_path, FAIL_2022)
    path = _batch(tmp_path, "base: base.yaml\nsweep: {as_of: [2021, 2022, 2023]}\n")
    out = _cli("batch", str(path), "--output", str(tmp_path / "out"), "--notebooks", str(books), "--jobs", "2")
    assert out.returncode == 1, out.stderr
    lines = out.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: batch written to {tmp_path / 'out'}/index.html "
                                                   "(2 of 3 sets, on local,"), lines
    # papermill's injected parameters are cell [2]: the failing cell is the third
    assert lines[0].endswith("; 1 failed: as_of_2022: 01_one.ipynb: cell [3] ('if as_of == 2022:') failed: "
                             "ValueError: no figures for 2022"), lines[0]
    dest = tmp_path / "out"
    assert (dest / "as_of_2021" / "index.html").is_file() and (dest / "as_of_2023" / "index.html").is_file()
    assert not (dest / "as_of_2022").exists()
    (kept,) = dest.glob("as_of_2022.failed-*")
    assert (kept / "01_one.ipynb").is_file()  # kept as run keeps a failed run
    index = (dest / "index.html").read_text(encoding="utf-8")
    assert "3 sets: 2 written, 1 failed." in index and "no figures for 2022" in index and kept.name in index
    manifest = json.loads((dest / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["sets"]["as_of_2022"]["ok"] is False and manifest["sets"]["as_of_2023"]["ok"] is True
    assert f"{kept.name}/01_one.ipynb" in manifest["files"] and "as_of_2021/scorecard.csv" in manifest["files"]
    # each set's report is exactly what run writes, with its own manifest naming the batch and the set
    own = json.loads((dest / "as_of_2023" / "manifest.json").read_text(encoding="utf-8"))
    assert own["parameters"]["set"] == "as_of_2023" and own["parameters"]["as_of"] == 2023
    assert own["ran_on"] == {"where": "local"}
    # the batch's checksums cover every file, the sets' included (sha256sum -c checks them)
    assert subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=dest).returncode == 0
    # the batch scorecard: the published sets stacked, set and as_of first
    with open(dest / "batch_scorecard.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    header = next(csv.reader(open(dest / "batch_scorecard.csv", encoding="utf-8-sig")))
    assert header[:3] == ["set", "as_of", "statement_id"]
    with open(dest / "as_of_2021" / "scorecard.csv", encoding="utf-8-sig", newline="") as f:
        one = list(csv.DictReader(f))
    assert len(rows) == 2 * len(one)
    assert [r["set"] for r in rows] == ["as_of_2021"] * len(one) + ["as_of_2023"] * len(one)
    assert {r["as_of"] for r in rows} == {"2021", "2023"}
    assert [{k: v for k, v in r.items() if k not in ("set", "as_of")} for r in rows[: len(one)]] == one
    from openpyxl import load_workbook

    sheet = load_workbook(dest / "batch_scorecard.xlsx").active
    assert [c.value for c in sheet[1]] == header
    assert sheet.max_row == 1 + len(rows) and sheet.cell(row=2, column=1).value == "as_of_2021"

    # run again: the batch's folder is replaced; a file a user put inside a set's report is never lost
    again = _cli("batch", str(path), "--output", str(dest), "--notebooks", str(books), "--jobs", "2")
    assert again.returncode == 1 and "2 of 3 sets" in again.stderr
    (dest / "as_of_2021" / "my notes.txt").write_text("mine", encoding="utf-8")
    refused = _cli("batch", str(path), "--output", str(dest), "--notebooks", str(books))
    assert refused.returncode == 2
    assert "as_of_2021/my notes.txt is not a file of the report this tool wrote there" in refused.stderr
    assert (dest / "as_of_2021" / "my notes.txt").read_text(encoding="utf-8") == "mine"


def test_the_index_grid_has_every_target_down_and_every_set_across(tmp_path):
    books = _books(tmp_path, "print(as_of)")
    path = _batch(tmp_path, "base: base.yaml\nsweep: {as_of: [2021, 2025]}\n")
    result = run_batch(path, tmp_path / "out", jobs=1, notebook_dir=books, progress=lambda _: None)
    assert not result.failed
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    from fuxin_analysis import load_plan

    plan = load_plan(PLAN_DIR)
    targets = (plan.statements["role"] == "target").sum()
    head, grid = index.split('<table class="grid"><thead>')[1].split("</table>")[0].split("</thead>")
    assert grid.count("<tr><th>") == targets  # one row per target
    assert grid.count('<td class="cell"') == 2 * targets  # one cell per target and set
    assert head.count('href="as_of_2021/index.html"') == 1 and head.count('href="as_of_2025/index.html"') == 1
    # each cell says what that set's scorecard says, in the status colour with the outcome's colour below
    from fuxin_analysis.methods.progress import (
        OUTCOME_COLORS,
        OUTCOME_LABELS,
        STATUS_COLORS,
        STATUS_LABELS,
    )

    cells = re.findall(r'background:(#\w+);border-bottom:6px solid (#\w+)" title="([^"]+)">([^<]+)<br><b>([^<]+)</b>',
                       grid)
    assert len(cells) == 2 * targets
    expected = []
    for row in zip(*(_scorecard_rows(tmp_path / "out" / f"as_of_{y}" / "scorecard.csv") for y in (2021, 2025)),
                   strict=True):
        expected += [(STATUS_COLORS[r["status"]], OUTCOME_COLORS[r["outcome"]], r["statement_id"],
                      STATUS_LABELS[r["status"]][1], OUTCOME_LABELS[r["outcome"]][1]) for r in row]
    assert cells == expected


def test_sigterm_keeps_the_finished_sets_and_leaves_nothing_running(tmp_path):
    """SIGTERM cancels what is queued and ends what runs; the sets that finished are kept in
    out.interrupted-<time>, no kernel is left, the temporary folder is empty."""
    pids = tmp_path / "pids"
    pids.mkdir()
    books = _books(tmp_path, f"import os, time\nopen({str(pids)!r} + f'/{{as_of}}', 'w').write(str(os.getpid()))\n"
                             "if as_of == 2023:\n    time.sleep(120)")
    path = _batch(tmp_path, "base: base.yaml\nsweep: {as_of: [2021, 2023, 2024, 2025]}\n")
    temp = tmp_path / "tmp"
    temp.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "fuxin_analysis", "batch", str(path), "--output",
                             str(tmp_path / "out"), "--notebooks", str(books), "--jobs", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "TMPDIR": str(temp)})
    deadline = time.time() + 120
    while not ((pids / "2023").exists() and (pids / "2021").exists()) and time.time() < deadline:
        time.sleep(0.2)
    time.sleep(3)  # the 2021 set publishes into the batch's staging folder
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert err.startswith("interrupted (SIGTERM); the previous report is unchanged; this run's files are kept in "
                          f"{tmp_path / 'out.interrupted-'}"), err
    assert not (tmp_path / "out").exists()
    (kept,) = tmp_path.glob("out.interrupted-*")
    assert (kept / "as_of_2021" / "index.html").is_file()
    assert not (kept / "as_of_2023").exists()
    sleeping = int((pids / "2023").read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(sleeping, 0)
    deadline = time.time() + 10
    while list(temp.iterdir()) and time.time() < deadline:
        time.sleep(0.2)
    assert list(temp.iterdir()) == []


# ---- the same batch on a Dask LocalCluster -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  local_directory=str(tmp_path_factory.mktemp("dask"))) as c:
        yield c


def _scorecard_rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def two_sets(tmp_path_factory):
    folder = tmp_path_factory.mktemp("two_sets")
    path = folder / "batch.yaml"
    path.write_text(f'base: "{ROOT / "params" / "default.yaml"}"\n'
                    "sets:\n  - name: fuxin\n  - name: national\n"
                    f'    params: {{plan_dir: "{NATIONAL}", observations: ["{NATIONAL_OBSERVED}"]}}\n'
                    "sweep: {as_of: [2023]}\n", encoding="utf-8")
    return path


def test_local_and_cluster_batches_give_the_same_scorecards(tmp_path, cluster, two_sets):
    local = run_batch(two_sets, tmp_path / "local", progress=lambda _: None)
    remote = run_batch(two_sets, tmp_path / "remote", scheduler=cluster.scheduler_address, progress=lambda _: None)
    assert not local.failed and not remote.failed
    assert remote.where == cluster.scheduler_address and local.where == "local"
    assert (tmp_path / "local" / "batch_scorecard.csv").read_bytes() == \
        (tmp_path / "remote" / "batch_scorecard.csv").read_bytes()
    for name in ("fuxin_as_of_2023", "national_as_of_2023"):
        assert (tmp_path / "local" / name / "scorecard.csv").read_bytes() == \
            (tmp_path / "remote" / name / "scorecard.csv").read_bytes()
        ran = json.loads((tmp_path / "remote" / name / "manifest.json").read_text(encoding="utf-8"))["ran_on"]
        workers = set(cluster.scheduler_info["workers"])
        assert ran["where"] == cluster.scheduler_address
        assert len(ran["workers"]) == 6 and set(ran["workers"].values()) <= workers
        # the executed notebooks came back whole: the same cells, outputs included
        import nbformat

        for nb in ("03_scorecard.ipynb", "04_national_comparison.ipynb"):
            a = nbformat.read(tmp_path / "local" / name / nb, as_version=4)
            b = nbformat.read(tmp_path / "remote" / name / nb, as_version=4)
            assert [c.source for c in a.cells] == [c.source for c in b.cells]  # the client's paths, not the worker's
            assert a.metadata.papermill.parameters == b.metadata.papermill.parameters

            def texts(nb):  # what the cells printed and displayed as text, object addresses aside
                return [re.sub(r"0x[0-9a-f]+", "0x…", str(o.get("text") or o.get("data", {}).get("text/plain")))
                        for c in nb.cells for o in c.get("outputs", [])]

            assert texts(a) == texts(b)
    assert len(_scorecard_rows(tmp_path / "remote" / "batch_scorecard.csv")) > 10


def test_a_worker_killed_mid_task_costs_a_retry_not_the_batch(tmp_path, cluster):
    from distributed import Client

    marks = tmp_path / "marks"
    marks.mkdir()
    books = _books(tmp_path, f"import os, time\nopen({str(marks)!r} + f'/{{as_of}}-{{os.getpid()}}', 'w')\n"
                             "time.sleep(4)\nprint('done', as_of)")
    path = _batch(tmp_path, "base: base.yaml\nsweep: {as_of: [2021, 2022, 2023, 2024]}\n")
    with Client(cluster.scheduler_address) as client:
        worker_pids = client.run(os.getpid)
    import threading

    box = {}
    thread = threading.Thread(target=lambda: box.update(result=run_batch(
        path, tmp_path / "out", scheduler=cluster.scheduler_address, notebook_dir=books, progress=lambda _: None)))
    thread.start()
    deadline = time.time() + 60
    while not list(marks.iterdir()) and time.time() < deadline:
        time.sleep(0.1)
    kernel = int(next(marks.iterdir()).name.split("-")[1])

    def parent(pid: int) -> int:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])

    victim = parent(parent(kernel))  # the kernel was forked by its session's fork server, started by the worker
    assert victim in worker_pids.values()
    os.kill(victim, signal.SIGKILL)  # a worker process dies while it runs a notebook
    thread.join(timeout=300)
    result = box["result"]
    assert not result.failed, [r.error for r in result.failed]
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if p.is_dir()) == [
        "as_of_2021", "as_of_2022", "as_of_2023", "as_of_2024"]
    # some notebook started twice: once on the worker that died, then again
    started = [p.name.split("-")[0] for p in marks.iterdir()]
    assert len(started) > 4


def test_a_worker_that_differs_from_the_client_is_refused(cluster, tmp_path, two_sets):
    from distributed import Client

    from fuxin_analysis.run import cluster as cl

    def patch() -> None:
        import fuxin_analysis.run.cluster as module

        real = module.fingerprint()
        module.fingerprint = lambda: {**real, "packages": {**real["packages"], "pandas": "0.0.1"}}

    def unpatch() -> None:
        import importlib

        import fuxin_analysis.run.cluster as module

        importlib.reload(module)

    with Client(cluster.scheduler_address) as client:
        client.run(patch)
        try:
            with pytest.raises(InputError, match=r"--scheduler: worker tcp://.* does not match this machine: pandas "
                                                 r"0\.0\.1 there, .* here; install the same uv\.lock"):
                cl.ClusterPool(cluster.scheduler_address)
            out = _cli("batch", str(two_sets), "--output", str(tmp_path / "out"), "--scheduler",
                       cluster.scheduler_address)
            assert out.returncode == 2 and "does not match this machine: pandas 0.0.1 there" in out.stderr
            assert not (tmp_path / "out").exists()
        finally:
            client.run(unpatch)


def test_jobs_with_a_scheduler_is_refused(tmp_path, two_sets):
    out = _cli("batch", str(two_sets), "--output", str(tmp_path / "out"), "--scheduler", "tcp://127.0.0.1:9",
               "--jobs", "2")
    assert out.returncode == 2 and out.stderr.startswith("error: --jobs: sets the notebooks run at once on this "
                                                         "machine; with --scheduler the cluster's workers decide")


def test_without_the_cluster_extra_the_scheduler_option_says_what_to_install(monkeypatch):
    from fuxin_analysis.run.cluster import ClusterPool

    monkeypatch.setitem(sys.modules, "distributed", None)  # as if `pip install -e '.[cluster]'` was never run
    with pytest.raises(InputError, match=r"^--scheduler: running on a Dask cluster needs the optional \[cluster\] "
                                         r"packages: pip install -e '\.\[cluster\]'"):
        ClusterPool("tcp://127.0.0.1:8786")


def test_no_scheduler_at_the_address_is_one_line(tmp_path, two_sets):
    out = _cli("batch", str(two_sets), "--output", str(tmp_path / "out"), "--scheduler", "tcp://127.0.0.1:9")
    assert out.returncode == 2
    assert out.stderr.startswith("error: --scheduler: no Dask scheduler answers there") and \
        out.stderr.count("\n") == 1, out.stderr


def test_fingerprints_differ_in_words():
    from fuxin_analysis.run.cluster import fingerprint, mismatch

    ours = fingerprint()
    assert set(ours) == {"packages", "code", "reference"} and len(ours["code"]) == len(ours["reference"]) == 64
    assert mismatch(ours, ours) is None
    assert mismatch({**ours, "packages": {**ours["packages"], "numpy": "1.0"}}, ours) == \
        f"numpy 1.0 there, {ours['packages']['numpy']} here"
    missing = {k: v for k, v in ours["packages"].items() if k != "papermill"}
    assert mismatch({**ours, "packages": missing}, ours) == f"papermill None there, {ours['packages']['papermill']} here"
    assert mismatch({**ours, "code": "0" * 64}, ours) == "the fuxin_analysis package's code differs"
    assert mismatch({**ours, "reference": "0" * 64}, ours) == "the reference data (data/reference/) differs"
