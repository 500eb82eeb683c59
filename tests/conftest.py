import atexit
import json
import os
import shutil
import tempfile
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

# `make mutation` (FUXIN_MUTATION=1) runs with the results cache off (FUXIN_ANALYSIS_CACHE_DIR=off): its mutants share
# one test session, and a table cached under one mutant would be read under the next. The calibration of the shipped
# series, which every assessment uses, is computed once in mutmut's fork server (which imports this file before
# forking a process per mutant), instead of once per mutant (about a second each). The evaluation's own tests compute
# forecasts and calibrations afresh under each mutant (rolling_forecasts with cache=False, calibration_from); reusing
# the unmutated calibration elsewhere can only let a mutant survive, never kill one. No folder is made: mutmut's
# processes end without running atexit, and the cluster tests that need one are slow tests, not run there.
if os.environ.get("FUXIN_MUTATION") == "1":
    from fuxin_analysis.methods.evaluation import calibration

    calibration()
else:
    # the on-disk cache (fuxin_analysis.cache) of this test session: a fresh folder, never the user's; kernels the
    # tests start inherit it (unless FUXIN_ANALYSIS_CACHE_DIR=off). Dask's scratch files (its lock files included) of
    # the cluster tests go in the same folder: none left in /tmp
    _CACHE = tempfile.mkdtemp(prefix="fuxin-test-cache-")
    if os.environ.get("FUXIN_ANALYSIS_CACHE_DIR") != "off":
        os.environ["FUXIN_ANALYSIS_CACHE_DIR"] = _CACHE
    atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)
    os.environ["DASK_TEMPORARY_DIRECTORY"] = os.path.join(_CACHE, "dask")

ROOT = Path(__file__).resolve().parent.parent
PLAN_DIR = ROOT / "data" / "plans" / "fuxin_14th"
OBSERVED = ROOT / "data" / "observations" / "fuxin_observed.csv"
XSS_TITLE = "<script>alert(1)</script> 阜新"
HOSTILE_SOURCE = "<script>alert('source')</script> report"
HOSTILE_NOTE = "<img src=x onerror=alert(2)>"


def shared(fixture_name: str, config: pytest.Config) -> str:
    """The scope of a fixture that is built once and shared (``@pytest.fixture(scope=shared)``): the module, except
    under ``make mutation``, where each test builds its own. mutmut runs a mutant against the tests it saw call the
    mutated function, and a shared fixture calls it only while setting up its first test: the tests after it (which
    read what it built) would never see the mutant."""
    return "function" if os.environ.get("FUXIN_MUTATION") == "1" else "module"


@pytest.fixture(scope=shared)
def plan():
    from fuxin_analysis import load_plan

    return load_plan(PLAN_DIR)


def write_params(folder: Path, **extra) -> Path:
    """A parameter file for tests: the shipped plan and observations, English labels, a hostile title, and an
    observation file whose source and note try to inject HTML."""
    hostile = folder / "hostile.csv"
    hostile.write_text("indicator_id,year,value,source,note\n"
                       f'education_groups,2021,8,"{HOSTILE_SOURCE}","{HOSTILE_NOTE}"\n', encoding="utf-8")
    lines = [f'plan_dir: "{PLAN_DIR}"', 'language: "en"', f"title: {json.dumps(XSS_TITLE)}",
             f'observations: ["{OBSERVED}", "{hostile}"]']
    lines += [f"{k}: {v}" for k, v in extra.items()]
    path = folder / "params.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def notebook_folder(folder: Path, *cells: str, name: str = "01_test.ipynb") -> Path:
    """``folder`` with one numbered notebook: a ``parameters`` cell, then ``cells``; for runs that need no real
    notebook of the collection."""
    import nbformat

    folder.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("language = 'both'", metadata={"tags": ["parameters"]}),
                *(nbformat.v4.new_code_cell(c) for c in cells)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, folder / name)
    return folder


def published_report(dest: Path, index: str) -> Path:
    """A report folder as this tool publishes one (its manifest's marker and file list, its SHA256SUMS), holding
    only an ``index.html`` with ``index``: a previous report a run may replace, made without running notebooks."""
    from fuxin_analysis.run import destination

    dest.mkdir(parents=True)
    (dest / "index.html").write_text(index, encoding="utf-8")
    manifest = {"tool": {"name": destination.TOOL, "report_format": destination.REPORT_FORMAT},
                "files": ["SHA256SUMS", "index.html", "manifest.json"]}
    (dest / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    destination.write_checksums(dest)
    return dest


def unchanged_report(dest: Path, index: str) -> bool:
    """Whether ``dest`` is still exactly what :func:`published_report` made."""
    from fuxin_analysis.run import destination

    return (sorted(p.name for p in dest.iterdir()) == ["SHA256SUMS", "index.html", "manifest.json"]
            and (dest / "index.html").read_text(encoding="utf-8") == index
            and destination.report_problem(dest) is None)


@pytest.fixture(scope="session")
def report(tmp_path_factory):
    """One full run of the collection, shared by the runner and browser tests."""
    from fuxin_analysis.run.runner import run

    folder = tmp_path_factory.mktemp("run")
    saved = os.environ.get("MPLBACKEND")
    os.environ["MPLBACKEND"] = "Agg"  # a user's non-interactive backend must not keep charts out of the report
    try:
        result = run(write_params(folder), folder / "out", jobs=2, progress=lambda _: None)
    finally:
        os.environ.pop("MPLBACKEND", None)
        if saved is not None:
            os.environ["MPLBACKEND"] = saved
    return result.output


@pytest.fixture(scope="session")
def national_report(tmp_path_factory):
    """One full run of the collection for the national plan (``params/china_14th.yaml``)."""
    from fuxin_analysis.run.runner import run

    params = ROOT / "params" / "china_14th.yaml"
    return run(params, tmp_path_factory.mktemp("national") / "out", jobs=2, progress=lambda _: None).output


@pytest.fixture(scope="session", autouse=True)
def no_network():
    """Tests run with the network blocked: any connection from this process to a non-loopback address fails.
    (Kernels talk to the runner over Unix sockets; the browser tests block the browser's requests themselves.)"""
    import ipaddress
    import socket

    original = socket.socket.connect

    def guarded(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0]
            try:
                loopback = ipaddress.ip_address(host).is_loopback
            except ValueError:
                loopback = host == "localhost"
            if not loopback:
                raise OSError(f"network access blocked in tests: {address}")
        return original(self, address)

    socket.socket.connect = guarded
    yield
    socket.socket.connect = original


#: Debian's Chromium, driven headless by the browser tests (the report pages, the explorer app)
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_or_skip() -> str:
    """The Chromium executable; without one, CI fails (it must install it) and a local run skips the calling module."""
    import shutil

    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            raise RuntimeError("CI needs Debian's chromium for the browser tests (.ci/run installs it)")
        pytest.skip("Chromium is not installed here (apt-get install chromium); CI installs it",
                    allow_module_level=True)
    return found


def pytest_collection_modifyitems(config, items):  # noqa: ARG001 - pytest's hook signature
    """nbval's notebook cells run kernels: they belong to the slow tests (``pytest -m "not slow"`` leaves them out)."""
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.slow)
