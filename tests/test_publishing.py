"""Publishing is atomic, runs are exclusive per destination, and the same inputs give the same files."""

import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fuxin_analysis.run.runner import LOCK_HEADER, RunError, run

from .conftest import (
    HOSTILE_NOTE,
    HOSTILE_SOURCE,
    notebook_folder,
    published_report,
    unchanged_report,
    write_params,
)

pytestmark = pytest.mark.slow  # runs notebooks, a browser or the command line: not in the fast suite

PREVIOUS = "<html>previous report</html>"


def _previous(dest: Path) -> Path:
    return published_report(dest, PREVIOUS)


def _unchanged(dest: Path) -> bool:
    return unchanged_report(dest, PREVIOUS)


def test_killed_kernel_keeps_the_previous_report(tmp_path):
    books = notebook_folder(tmp_path / "nb", "import os\nos._exit(1)")
    dest = _previous(tmp_path / "out")
    with pytest.raises(RunError, match=r"01_test\.ipynb: DeadKernelError"):
        run(write_params(tmp_path), dest, notebook_dir=books, progress=lambda _: None)
    assert _unchanged(dest)
    assert len(list(tmp_path.glob("out.failed-*"))) == 1
    assert not list(tmp_path.glob(".out.staging-*"))


def _default_signals() -> None:
    """In the child: the signals a terminal sends, at their defaults. A suite started in the background (``cmd &``
    ignores SIGINT) or under nohup (SIGHUP) would otherwise hand the run ignored signals, which it rightly keeps
    ignored, and the tests of its handlers would test nothing."""
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, signal.SIG_DFL)


def _cli(tmp_path: Path, books: Path, dest: Path, temp: Path | None = None) -> subprocess.Popen:
    env = {**os.environ, "TMPDIR": str(temp)} if temp is not None else None
    return subprocess.Popen([sys.executable, "-m", "fuxin_analysis", "run", str(write_params(tmp_path)),
                             "--output", str(dest), "--notebooks", str(books)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            preexec_fn=_default_signals)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_signal_keeps_the_previous_report_and_leaves_nothing(tmp_path, signum, code):
    """Ctrl-C, SIGTERM (kill, systemd, CI) and SIGHUP (a closed terminal) stop a run the same way: one line, the
    previous report untouched, the run kept as out.interrupted-*, no kernel alive, nothing in the temporary folder."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    pid_file = tmp_path / "kernel.pid"
    books = notebook_folder(tmp_path / "nb", f"import os, time\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
                                        "time.sleep(60)")
    dest = _previous(tmp_path / "out")
    proc = _cli(tmp_path, books, dest, temp)
    deadline = time.time() + 60
    while not pid_file.exists() and time.time() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)  # the kernel is running the long cell
    kernel = int(pid_file.read_text())
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith(f"interrupted ({signal.Signals(signum).name}); the previous report is unchanged; "
                               f"this run's files are kept in {tmp_path / 'out.interrupted-'}"), lines[0]
    assert _unchanged(dest)
    kept = list(tmp_path.glob("out.interrupted-*"))
    assert len(kept) == 1 and (kept[0] / "01_test.ipynb").exists()
    assert not list(tmp_path.glob(".out.staging-*"))
    assert not _alive(kernel)  # killed before the runner exited, not left to notice its parent is gone
    assert list(temp.iterdir()) == []  # no socket, connection file or temporary folder left behind


def test_nothing_left_in_the_temporary_folder_after_a_run(tmp_path):
    temp = tmp_path / "tmp"
    temp.mkdir()
    books = notebook_folder(tmp_path / "nb", "import tempfile\nhandle = tempfile.NamedTemporaryFile(delete=False)")
    proc = _cli(tmp_path, books, tmp_path / "out", temp)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert (tmp_path / "out" / "index.html").exists()
    assert list(temp.iterdir()) == []  # even the file the notebook left in its temporary folder


def test_second_run_into_the_same_folder_refuses(tmp_path):
    books = notebook_folder(tmp_path / "nb", "x = 1")
    dest = _previous(tmp_path / "out")
    with open(tmp_path / ".out.lock", "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        held.write(f"{LOCK_HEADER}: pid 12345, started 2026-11-28 10:00:00")  # as another run writes it
        held.flush()
        proc = _cli(tmp_path, books, dest)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert "another run (pid 12345, started 2026-11-28 10:00:00) is writing this report" in err
    assert _unchanged(dest)
    # once the lock is free, the run goes through
    result = run(write_params(tmp_path), dest, notebook_dir=books, progress=lambda _: None)
    assert (result.output / "scorecard.csv").exists()


def test_same_inputs_same_bytes(tmp_path):
    books = notebook_folder(tmp_path / "nb", "x = 1")
    params = write_params(tmp_path)
    first = run(params, tmp_path / "a", notebook_dir=books, progress=lambda _: None).output
    time.sleep(1.1)  # a different run time stamp
    second = run(params, tmp_path / "b", notebook_dir=books, progress=lambda _: None).output
    assert (first / "scorecard.csv").read_bytes() == (second / "scorecard.csv").read_bytes()
    m1, m2 = (json.loads((d / "manifest.json").read_text(encoding="utf-8")) for d in (first, second))
    assert m1.pop("run_time") != m2.pop("run_time")
    assert m1 == m2
    text1 = (first / "manifest.json").read_text(encoding="utf-8").splitlines()
    text2 = (second / "manifest.json").read_text(encoding="utf-8").splitlines()
    assert [a for a, b in zip(text1, text2, strict=True) if a != b] == [line for line in text1 if '"run_time"' in line]


def test_user_strings_are_escaped_on_every_page(report):
    for page in report.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<script>alert" not in text, page.name
        assert HOSTILE_NOTE not in text, page.name
    data_page = (report / "02_trajectories.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#x27;source&#x27;)&lt;/script&gt; report" in data_page or \
        "&lt;script&gt;alert('source')&lt;/script&gt; report" in data_page
    assert HOSTILE_SOURCE not in data_page


def test_longest_notebooks_start_first(tmp_path):
    from fuxin_analysis.run.runner import _longest_first

    books = [tmp_path / f"0{i}_nb.ipynb" for i in range(1, 5)]
    timings = tmp_path / ".out.timings.json"
    assert _longest_first(books, timings) == books  # nothing timed yet: numbered order
    timings.write_text(json.dumps({"01_nb.ipynb": 2.0, "02_nb.ipynb": 9.0, "03_nb.ipynb": 4.0}), encoding="utf-8")
    # 04 has no time yet (runs first), then 9 s, 4 s, 2 s
    assert [b.name for b in _longest_first(books, timings)] == ["04_nb.ipynb", "02_nb.ipynb", "03_nb.ipynb",
                                                                "01_nb.ipynb"]
    timings.write_text("not json", encoding="utf-8")
    assert _longest_first(books, timings) == books
