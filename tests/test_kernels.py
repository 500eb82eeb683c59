"""Kernels forked from the preloaded fork server behave as kernels started afresh: same working folder, import
path, environment, matplotlib backend and charts; each run has its own server; kernels end with the runner and
keep their temporary files in the run's own folder."""

import json
import os
import sys
from pathlib import Path

import nbformat
import pytest

from fuxin_analysis.run import kernels
from fuxin_analysis.run.runner import run

from .conftest import notebook_folder, write_params

pytestmark = pytest.mark.slow  # runs notebooks, a browser or the command line: not in the fast suite

PROBE = """import json, os, sys
import matplotlib, matplotlib.pyplot as plt

plt.plot([1, 2], [3, 4])
print(json.dumps({"cwd": os.getcwd(), "path": sys.path, "argv0": os.path.basename(sys.argv[0]),
                  "argv1": sys.argv[1], "backend": matplotlib.get_backend(), "probe": os.environ.get("FUXIN_PROBE"),
                  "name": __name__, "ppid": os.getppid(), "pgid_is_own": os.getpgid(0) == os.getpid()}))"""


def _probe_books(folder: Path) -> Path:
    return notebook_folder(folder, PROBE, name="01_probe.ipynb")


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


def test_each_run_forks_from_its_own_server_which_ends_with_it(tmp_path):
    """The fork server belongs to one run (its imports can never be stale, its environment is the run's) and is
    gone when the run returns."""
    first, _ = _probe(tmp_path, "a", preload=True)
    second, _ = _probe(tmp_path, "b", preload=True)
    assert os.getpid() not in (first["ppid"], second["ppid"])  # both forked
    assert first["ppid"] != second["ppid"]
    for pid in (first["ppid"], second["ppid"]):
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_only_this_interpreters_ipykernel_is_forked(tmp_path):
    assert kernels._is_this_ipykernel([sys.executable, "-m", "ipykernel_launcher", "-f", "c.json"])
    assert not kernels._is_this_ipykernel(["/usr/bin/python3.9", "-m", "ipykernel_launcher", "-f", "c.json"])
    assert not kernels._is_this_ipykernel([sys.executable, "-m", "other_kernel", "-f", "c.json"])
    assert not kernels._is_this_ipykernel(["julia", "-i"])


def test_a_dead_fork_server_means_fresh_kernels(tmp_path):
    books = _probe_books(tmp_path / "nb")
    with kernels.KernelSession(preload=True) as session:
        assert session.server is not None
        session.server._process.kill()  # the fork server died before the kernels started
        session.server._process.wait()
        out = run(write_params(tmp_path), tmp_path / "out", notebook_dir=books, session=session,
                  progress=lambda _: None).output
    cell = nbformat.read(out / "01_probe.ipynb", as_version=4).cells[-1]
    probe = json.loads("".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream"))
    assert probe["ppid"] == os.getpid()  # started afresh by the runner, and the run succeeded


def test_kernels_get_the_runs_own_temporary_folder(tmp_path):
    """Every temporary file of the kernels goes to the session's folder, which closing removes."""
    with kernels.KernelSession(preload=False) as session:
        env = session.kernel_env({"MPLBACKEND": "Agg", "TMPDIR": "/somewhere", "KEEP": "1"})
        assert env == {"TMPDIR": str(session.folder), "KEEP": "1", **session.overrides}
        folder = session.folder
        assert folder.is_dir() and oct(folder.stat().st_mode & 0o777) == "0o700"
    assert not folder.exists()


def test_unwritable_home_gives_the_kernels_private_folders(tmp_path, monkeypatch):
    """With a HOME that cannot be written (as for some service accounts), matplotlib and IPython would each warn
    and make temporary folders of their own; the session points them into its folder instead."""
    home = tmp_path / "home-is-a-file"
    home.write_text("")
    for name in ("MPLCONFIGDIR", "IPYTHONDIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))
    with kernels.KernelSession(preload=False) as session:
        assert session.overrides["MPLCONFIGDIR"] == str(session.folder / "matplotlib")
        assert session.overrides["IPYTHONDIR"] == str(session.folder / "ipython")
    monkeypatch.setenv("HOME", str(tmp_path))  # a writable one: the user's own folders are used
    with kernels.KernelSession(preload=False) as session:
        assert "MPLCONFIGDIR" not in session.overrides and "IPYTHONDIR" not in session.overrides


@pytest.mark.parametrize("fresh", [False, True], ids=["forked", "fresh"])
def test_kernel_and_temporary_files_end_with_the_runner(tmp_path, fresh):
    """A runner killed outright (no clean-up at all) leaves no kernel behind, and nothing in the temporary folder."""
    import subprocess
    import time

    books = notebook_folder(tmp_path / "nb", f"import os, time\nopen({str(tmp_path / 'pid')!r}, 'w').write("
                                             "str(os.getpid()))\ntime.sleep(120)", name="01_sleep.ipynb")
    temp = tmp_path / "tmp"
    temp.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "fuxin_analysis", "run", str(write_params(tmp_path)),
                             "--output", str(tmp_path / "out"), "--notebooks", str(books),
                             *(["--fresh-kernels"] if fresh else [])],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "TMPDIR": str(temp)})
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
    deadline = time.time() + 10
    while list(temp.iterdir()) and time.time() < deadline:  # the session's janitor removes its folder
        time.sleep(0.2)
    assert list(temp.iterdir()) == []


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
    with kernels.KernelSession(preload=False) as session:
        km = session.manager_class(kernel_name="python3")
        km.shutting_down = False
        asyncio.run(km._async_interrupt_kernel())  # a user's interrupt still goes through
        km.shutting_down = True
        asyncio.run(km._async_interrupt_kernel())
    assert sent == [False]


def test_the_kernel_is_this_interpreters_ipykernel():
    """Not whatever 'python3' kernel the user installed (another Python, or a search that reads IPython's folder)."""
    with kernels.KernelSession(preload=False) as session:
        spec = session.manager_class(kernel_name="python3").kernel_spec
    assert spec.argv[:3] == [sys.executable, "-m", "ipykernel_launcher"] and spec.language == "python"


def test_a_long_temporary_folder_still_gives_kernel_sockets():
    """Under a TMPDIR so long that a socket's path would pass 107 bytes, the sockets take abstract names (nothing on
    disk); under a short one, files in the session's private folder. (The runs under pytest's own long temporary
    folders, test_publishing and test_kernel_and_temporary_files_end_with_the_runner, start kernels this way.)"""
    long = Path("/" + "d" * 120)
    prefix = kernels.socket_prefix(long)
    assert prefix.startswith("@fuxin-kernel-") and len(prefix) < 60
    short = kernels.socket_prefix(Path("/tmp/fuxin-run-x"))
    assert short.startswith("/tmp/fuxin-run-x/kernel-") and len(short.encode()) + 6 <= kernels.MAX_SOCKET_PATH
    edge = Path("/" + "e" * (kernels.MAX_SOCKET_PATH - 6 - len("/kernel-") - 12 - 1))  # exactly at the limit
    assert not kernels.socket_prefix(edge).startswith("@")
    assert kernels.socket_prefix(Path(str(edge) + "e")).startswith("@")
