"""Kernels forked from the preloaded fork server behave as kernels started afresh: same working folder, import
path, environment, matplotlib backend and charts; they see code changes; they end with the runner."""

import json
import os
import sys
from pathlib import Path

import nbformat
import pytest

from fuxin_analysis import kernels
from fuxin_analysis.runner import run

from .conftest import write_params

PROBE = """import json, os, sys
import matplotlib, matplotlib.pyplot as plt
plt.plot([1, 2], [3, 4])
print(json.dumps({"cwd": os.getcwd(), "path": sys.path, "argv0": os.path.basename(sys.argv[0]),
                  "argv1": sys.argv[1], "backend": matplotlib.get_backend(), "probe": os.environ.get("FUXIN_PROBE"),
                  "name": __name__, "ppid": os.getppid(), "pgid_is_own": os.getpgid(0) == os.getpid()}))"""


def _probe_books(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("language = 'both'", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(PROBE)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, folder / "01_probe.ipynb")
    return folder


def _probe(tmp_path: Path, name: str, preload: bool) -> tuple[dict, list[str]]:
    books = _probe_books(tmp_path / "nb")
    out = run(write_params(tmp_path), tmp_path / name, notebook_dir=books, preload=preload,
              progress=lambda _: None).output
    cell = nbformat.read(out / "01_probe.ipynb", as_version=4).cells[-1]  # after papermill's injected cell
    text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
    kinds = [k for o in cell.outputs if o.output_type == "display_data" for k in o.data]
    return json.loads(text), kinds


@pytest.fixture
def probe_env(monkeypatch):
    monkeypatch.setenv("FUXIN_PROBE", "seen")


def test_forked_kernel_matches_a_fresh_one(tmp_path, probe_env):
    forked, forked_outputs = _probe(tmp_path, "forked", preload=True)
    fresh, fresh_outputs = _probe(tmp_path, "fresh", preload=False)
    assert fresh["ppid"] == os.getpid()  # a fresh kernel is the runner's child
    assert forked["ppid"] != os.getpid()  # a forked one, the fork server's
    del forked["ppid"], fresh["ppid"]
    assert forked == fresh
    assert fresh["cwd"] == str((tmp_path / "nb").resolve()) and fresh["probe"] == "seen"
    assert fresh["backend"] == "module://matplotlib_inline.backend_inline" and fresh["pgid_is_own"]
    assert "image/png" in forked_outputs and "image/png" in fresh_outputs  # the chart reached the notebook


def test_fork_server_restarts_when_the_code_changed(tmp_path):
    first, _ = _probe(tmp_path, "a", preload=True)
    second, _ = _probe(tmp_path, "b", preload=True)
    assert first["ppid"] == second["ppid"]  # the same fork server served both runs
    module = Path(kernels.__file__)
    stat = module.stat()
    os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # as if edited
    try:
        third, _ = _probe(tmp_path, "c", preload=True)
    finally:
        os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert third["ppid"] != second["ppid"]  # a new fork server, with fresh imports


def test_only_this_interpreters_ipykernel_is_forked(tmp_path):
    assert kernels._is_this_ipykernel([sys.executable, "-m", "ipykernel_launcher", "-f", "c.json"])
    assert not kernels._is_this_ipykernel(["/usr/bin/python3.9", "-m", "ipykernel_launcher", "-f", "c.json"])
    assert not kernels._is_this_ipykernel([sys.executable, "-m", "other_kernel", "-f", "c.json"])
    assert not kernels._is_this_ipykernel(["julia", "-i"])


def test_a_dead_fork_server_is_replaced(tmp_path):
    first, _ = _probe(tmp_path, "a", preload=True)
    os.kill(first["ppid"], 9)  # the fork server, killed between two runs
    second, _ = _probe(tmp_path, "b", preload=True)
    assert second["ppid"] not in (first["ppid"], os.getpid())  # a new server, still forking


def test_forked_kernel_ends_with_the_runner(tmp_path):
    """A runner killed outright (no clean-up at all) leaves no kernel behind."""
    import subprocess
    import time

    books = _probe_books(tmp_path / "nb")
    (books / "01_probe.ipynb").unlink()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("language = 'both'", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(f"import os, time\nopen({str(tmp_path / 'pid')!r}, 'w').write("
                                          "str(os.getpid()))\ntime.sleep(120)")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, books / "01_sleep.ipynb")
    proc = subprocess.Popen([sys.executable, "-m", "fuxin_analysis", "run", str(write_params(tmp_path)),
                             "--output", str(tmp_path / "out"), "--notebooks", str(books)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while not (tmp_path / "pid").exists() and time.time() < deadline:
        time.sleep(0.2)
    kernel = int((tmp_path / "pid").read_text())
    proc.kill()  # SIGKILL: the runner cannot shut anything down
    proc.wait()
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            os.kill(kernel, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        os.kill(kernel, 9)
        pytest.fail("the kernel outlived its runner")


def test_without_pidfds_kernels_start_afresh(tmp_path, monkeypatch):
    monkeypatch.setattr(kernels, "available", lambda: False)  # e.g. macOS, or Linux before 5.3
    probe, outputs = _probe(tmp_path, "a", preload=True)
    assert probe["ppid"] == os.getpid() and "image/png" in outputs


def test_no_interrupt_on_the_way_to_shutdown(monkeypatch):
    """jupyter_client interrupts a kernel before shutting it down, and ipykernel then logs an ERROR on the user's
    terminal; the runner's kernels have finished their notebook by then, so the interrupt is skipped."""
    import asyncio

    from jupyter_client.manager import AsyncKernelManager

    sent = []

    async def interrupt(self):
        sent.append(self.shutting_down)

    monkeypatch.setattr(AsyncKernelManager, "_async_interrupt_kernel", interrupt)
    km = kernels.ipc_kernel_manager(True)(kernel_name="python3")
    km.shutting_down = False
    asyncio.run(km._async_interrupt_kernel())  # a user's interrupt still goes through
    km.shutting_down = True
    asyncio.run(km._async_interrupt_kernel())
    assert sent == [False]
