"""Set-up time from a fresh clone (``make bench`` figure 9): clone the project, run ``make report`` with empty package
caches (uv's, pip's) and an empty cache folder, and compare its wall time with the run's own time in the same run.

    .venv/bin/python benchmarks/setup_time.py
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_time() -> tuple[float, float]:
    """(wall seconds of ``make report`` in a fresh clone with no cache, the run's own seconds as it prints them)."""
    with tempfile.TemporaryDirectory(prefix="fuxin-bench-clone-") as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        env = {**os.environ, "UV_CACHE_DIR": str(Path(tmp) / "uv-cache"), "PIP_NO_CACHE_DIR": "1",
               "XDG_CACHE_HOME": str(Path(tmp) / "cache"), "MPLCONFIGDIR": str(Path(tmp) / "mpl")}
        t0 = time.perf_counter()
        done = subprocess.run(["make", "report"], cwd=clone, env=env, capture_output=True, text=True, check=True)
        wall = time.perf_counter() - t0
    found = re.search(r"\((\d+) notebooks, \d+ at a time, ([\d.]+) s\)", done.stdout)
    if found is None:
        raise RuntimeError(f"no run time in make report's output: {done.stdout[-500:]}")
    return wall, float(found.group(2))


if __name__ == "__main__":
    wall, run = setup_time()
    print(f"fresh clone, no cache: make report {wall:.1f} s, of which the run {run:.1f} s; set-up {wall - run:.1f} s "
          f"(goal < 15 s)")
