"""The package's layers (README, "The package's layers"): each imports only the layers below it.

import-linter checks the contract in ``pyproject.toml`` ([tool.importlinter]) on the import graph of every module,
imports inside functions included. The second test shows that the check can fail: a copy of the package with one
import that goes up a layer is refused, naming it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
        "sys.exit(lint_imports_command())"]


def test_each_layer_imports_only_the_layers_below_it():
    proc = subprocess.run(LINT, cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Contracts: 2 kept, 0 broken." in proc.stdout


def test_an_import_going_up_a_layer_is_refused(tmp_path):
    copy = tmp_path / "fuxin_analysis"
    shutil.copytree(ROOT / "fuxin_analysis", copy, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    plan = copy / "data" / "plan.py"
    plan.write_text(plan.read_text(encoding="utf-8") + "\n\ndef _up():\n    from ..present import charts  # noqa\n",
                    encoding="utf-8")
    proc = subprocess.run(LINT, cwd=tmp_path, capture_output=True, text=True,
                          env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "fuxin_analysis.data.plan -> fuxin_analysis.present.charts" in proc.stdout
