"""Every case of the bad-input corpus, through the real command line (see tests/bad_inputs/README.md)."""

import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

HERE = Path(__file__).parent
CORPUS = HERE / "bad_inputs"
MINI_PLAN = HERE / "plans" / "mini_plan"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())
PUBLISHED = "<html>the report published last month</html>"


def _prepare(case: str, root: Path) -> Path:
    work = root / case
    shutil.copytree(CORPUS / case, work)
    shutil.copytree(MINI_PLAN, work / "plan")
    for overlay in work.glob("plan__*"):
        overlay.replace(work / "plan" / overlay.name.removeprefix("plan__"))
    (work / "out").mkdir()
    (work / "out" / "index.html").write_text(PUBLISHED, encoding="utf-8")
    return work


def _run(work: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fuxin_analysis", "run", "params.yaml", "--output", "out"],
                          cwd=work, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """All cases run at once (each is a separate process), so the corpus costs about one start-up per core."""
    root = tmp_path_factory.mktemp("bad_inputs")
    works = {case: _prepare(case, root) for case in CASES}
    with ThreadPoolExecutor(max_workers=4) as pool:
        procs = dict(zip(works, pool.map(_run, works.values()), strict=True))
    return works, procs


def test_corpus_is_large_enough():
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", CASES)
def test_bad_input(results, case):
    works, procs = results
    work, proc = works[case], procs[case]
    expected = [line for line in (CORPUS / case / "expected.txt").read_text(encoding="utf-8").splitlines() if line]
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode != 0
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: ") and "Traceback" not in proc.stderr
    for text in expected:
        assert text in lines[0], lines[0]
    assert len(lines[0]) < 400  # never a dump of the file
    assert [p.name for p in (work / "out").iterdir()] == ["index.html"]
    assert (work / "out" / "index.html").read_text(encoding="utf-8") == PUBLISHED
    assert not [p for p in work.iterdir() if ".staging-" in p.name or ".failed-" in p.name]
    assert not (work / "pwned").exists()  # the YAML code tag ran nothing
