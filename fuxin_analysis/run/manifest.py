"""``manifest.json``: what a report was made from, so that a reader can check or reproduce it.

The parameters, the SHA-256 of every input file (parameter file, plan folder, observation files, notebooks,
reference data), the versions of Python and the packages, the SHA-256 of the lock file the environment was installed
from (``uv.lock``), and the project's git commit. Paths inside the
project are written relative to it, keys sorted, so two runs of the same inputs differ only in ``run_time``.
``tool`` (this tool's name and the report format) and ``files`` (every file of the report) mark the folder as a
report this tool may replace (:mod:`fuxin_analysis.run.destination`).
"""

from __future__ import annotations

import json
import platform
import subprocess
from collections.abc import Iterable
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from .destination import REPORT_FORMAT, TOOL, sha256

if TYPE_CHECKING:
    from ..data.plan import Plan
    from .params import ParamSet

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("fuxin-analysis", "pandas", "numpy", "matplotlib", "seaborn", "statsmodels", "scipy", "pydantic",
            "pyyaml", "papermill", "nbconvert", "nbformat", "nbclient", "ipykernel", "jupyter_client", "openpyxl",
            "mplfonts")


def _name(path: Path) -> str:
    path = Path(path).resolve()
    try:
        return path.relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return str(path)


def package_versions(names: Iterable[str] = PACKAGES) -> dict[str, str | None]:
    out: dict[str, str | None] = {"python": platform.python_version()}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def project_commit() -> dict[str, object]:
    """The git commit of the project and whether its tracked files had uncommitted changes (None outside git)."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True,
                                timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=PROJECT_ROOT,
                               capture_output=True, text=True, timeout=10, check=True).stdout.strip() != ""
        return {"commit": commit, "uncommitted_changes": dirty}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "uncommitted_changes": None}


def lock_record(root: Path = PROJECT_ROOT) -> dict[str, str] | None:
    """The lock file the environment was installed from (``uv.lock``) and its SHA-256: two reports with the same
    hash came from the same environment. None outside a project checkout."""
    lock = root / "uv.lock"
    return {"file": "uv.lock", "sha256": sha256(lock)} if lock.is_file() else None


def parameter_record(params: ParamSet) -> dict[str, object]:
    """The run's parameters as the manifest records them (paths inside the project relative to it): what the next
    report compares to say whether it compares like with like. A batch's set adds its name (``set``)."""
    record = {**params.params.model_dump(mode="json"), "params_file": _name(params.files[0]),
              "plan_dir": _name(Path(params.notebook["plan_dir"])),
              "observations": [_name(Path(p)) for p in params.notebook["observations"]]}
    if params.name is not None:
        record["set"] = params.name
    return record


def write_manifest(target: Path, params: ParamSet, plan: Plan, notebooks: Iterable[Path], run_time: datetime,
                   files: Iterable[str] = (), ran_on: dict[str, object] | None = None) -> Path:
    """Write ``manifest.json``. ``tool`` marks the folder as a report of this tool and ``files`` lists every file
    the report holds: what lets the next run replace it, and nothing else (:mod:`fuxin_analysis.run.destination`).
    Hidden files of the plan folder (a lock, an editor's backup) are not inputs. ``ran_on`` says where the notebooks
    ran (``local``, or a Dask scheduler's address and the worker of each notebook)."""
    plan_files = sorted(p for p in plan.path.iterdir() if p.is_file() and not p.name.startswith("."))
    inputs = [*params.files, *plan_files, *(Path(p) for p in params.notebook["observations"]), *notebooks,
              *sorted((PROJECT_ROOT / "data" / "reference").glob("*.csv"))]
    manifest = {
        "tool": {"name": TOOL, "report_format": REPORT_FORMAT},
        "files": sorted(files),
        "run_time": run_time.isoformat(timespec="seconds"),
        "parameters": parameter_record(params),
        "plan": {"id": plan.meta.id, "statements": len(plan.statements), "indicators": len(plan.indicators)},
        "inputs": {_name(p): sha256(p) for p in inputs},
        "packages": package_versions(),
        "lock": lock_record(),
        "project": project_commit(),
        "ran_on": ran_on or {"where": "local"},
    }
    target.write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return target
