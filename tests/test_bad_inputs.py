"""Every case of the bad-input corpus, through the real command line.

Each folder of ``tests/bad_inputs/`` is one mistake a user can make: its files (a parameter file, an observation
file, ``plan__<name>`` files that replace those of a copy of ``tests/plans/mini_plan``), ``args.txt`` (the
command line after ``run``, one argument a line; default ``params.yaml --output out``), ``expected.txt`` (texts the
one line on stderr must contain) and ``exit.txt`` (the exit code; default 2). ``{ROOT}`` in ``params.yaml`` or
``args.txt`` is the project's folder; ``plan_dir.txt`` says where the plan copy goes (default ``plan``); ``symlinks.txt``
(``name -> target`` a line) lists the symbolic links the case needs, made in its folder when it runs.

Every case runs in its own folder, beside a report published there before (``out``) and with its own temporary
folder. Afterwards every file of the case folder must be exactly as it was (the canaries: a user's folder, an
edited report, the plan, the published report), apart from the run's lock file; nothing may be left in the
temporary folder. ``00_valid_control`` must succeed, so the corpus cannot pass because every run fails for one
shared reason.
"""

import hashlib
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .conftest import ROOT, published_report

pytestmark = pytest.mark.slow  # runs notebooks, a browser or the command line: not in the fast suite

HERE = Path(__file__).parent
CORPUS = HERE / "bad_inputs"
MINI_PLAN = HERE / "plans" / "mini_plan"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())
PUBLISHED = "<html>the report published last month</html>"
CONTROL = "00_valid_control"


def _prepare(case: str, root: Path) -> Path:
    work = root / case
    shutil.copytree(CORPUS / case, work, symlinks=True)
    # symbolic links (loops included) are made here, from symlinks.txt ("name -> target"): stored in the corpus
    # they would break every tool that copies the tests (mutmut copies them into mutants/)
    if (work / "symlinks.txt").is_file():
        for line in (work / "symlinks.txt").read_text(encoding="utf-8").splitlines():
            name, target = (part.strip() for part in line.split("->"))
            (work / name).symlink_to(target)
        (work / "symlinks.txt").unlink()
    plan_at = work / ((CORPUS / case / "plan_dir.txt").read_text().strip() if (CORPUS / case / "plan_dir.txt").exists()
                      else "plan")
    shutil.copytree(MINI_PLAN, plan_at)
    for overlay in work.glob("plan__*"):
        overlay.replace(plan_at / overlay.name.removeprefix("plan__"))
    for name in ("params.yaml", "args.txt"):
        if (work / name).is_file():
            text = (work / name).read_text(encoding="utf-8")
            (work / name).write_text(text.replace("{ROOT}", str(ROOT)), encoding="utf-8")
    if not (work / "out").exists():
        published_report(work / "out", PUBLISHED)
    return work


def _args(work: Path) -> list[str]:
    if (work / "args.txt").exists():
        return (work / "args.txt").read_text(encoding="utf-8").splitlines()
    return ["params.yaml", "--output", "out"]


def _snapshot(folder: Path) -> dict[str, str]:
    """Every entry below ``folder`` (not following links): a file's SHA-256, a link's target, a folder's mark."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = str(path.relative_to(folder))
            if path.is_symlink():
                out[rel] = "-> " + os.readlink(path)
            elif path.is_dir():
                out[rel] = "folder"
            else:
                out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _run(work: Path) -> tuple[subprocess.CompletedProcess, dict[str, str], dict[str, str], list[str]]:
    temp = work.parent / f"{work.name}.tmp"
    temp.mkdir()
    before = _snapshot(work)
    proc = subprocess.run([sys.executable, "-m", "fuxin_analysis", "run", *_args(work)], cwd=work,
                          capture_output=True, text=True, timeout=180, env={**os.environ, "TMPDIR": str(temp)})
    return proc, before, _snapshot(work), sorted(p.name for p in temp.iterdir())


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """All cases run at once (each is a separate process), so the corpus costs about one start-up per core."""
    root = tmp_path_factory.mktemp("bad_inputs")
    works = {case: _prepare(case, root) for case in CASES}
    with ThreadPoolExecutor(max_workers=4) as pool:
        runs = dict(zip(works, pool.map(_run, works.values()), strict=True))
    return works, runs


def test_corpus_is_large_enough():
    assert len(CASES) >= 61 and CONTROL in CASES


@pytest.mark.parametrize("case", CASES)
def test_bad_input(results, case):
    works, runs = results
    proc, before, after, left_in_temp = runs[case]
    expected = [line for line in (CORPUS / case / "expected.txt").read_text(encoding="utf-8").splitlines() if line]
    code = int((CORPUS / case / "exit.txt").read_text()) if (CORPUS / case / "exit.txt").exists() else 2
    assert proc.returncode == code, proc.stderr
    assert left_in_temp == []
    if case == CONTROL:
        assert proc.stderr == ""
        for text in expected:
            assert text in proc.stdout
        changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
        assert changed and all(k.startswith("out") or k == ".out.lock" for k in changed), changed
        assert "the report published last month" not in (works[case] / "out" / "index.html").read_text()
        return
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: ") and "Traceback" not in proc.stderr
    for text in expected:
        assert text in lines[0], lines[0]
    assert len(lines[0]) < 400  # never a dump of the file
    new = {k: v for k, v in after.items() if k not in before}
    assert all(k.endswith(".lock") and v == hashlib.sha256(b"").hexdigest() for k, v in new.items()), new
    assert {k: after.get(k) for k in before} == before  # every file of the case as it was: nothing lost or changed
    assert not (works[case] / "pwned").exists()  # the YAML code tag ran nothing
