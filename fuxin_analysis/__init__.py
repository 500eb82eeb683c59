"""Analytics helpers for education plans (first the Fuxin 阜新市 plan, 14th Five-Year period 2021–2025; any plan folder
that validates).

The package is in four layers; each imports only the layers below it (the contract is in ``pyproject.toml``, checked by
import-linter in ``tests/test_layers.py``). Two modules sit beside them, shared by all and importing nothing of the
package: ``errors`` (one-line errors for bad input) and ``cache`` (an on-disk store of computed tables, used by the
evaluation):

- ``run`` — executing and publishing: ``params`` (parameter files), ``runner`` (papermill runs), ``kernels`` and
  ``kernel_server``, ``report`` (HTML), ``manifest``, ``destination`` (where a report may be written), ``changes``
  (since the last report), ``batch``, ``batch_report``, ``cluster`` (Dask), ``cli``;
- ``present`` — what readers see: ``tables``, ``charts``, ``labels`` (Chinese and English), ``fonts`` (a CJK font for
  matplotlib), ``explore`` (the explorer's widgets), ``notebook`` (a notebook's set-up), ``evaluation_report`` (the
  evaluation in words);
- ``methods`` — the statistics: ``progress`` (``assess``: status, trend, outcome), ``projection`` and ``trajectory``
  (where observations point, which path targets need), ``evaluation`` (how well the projection methods forecast real
  series, the calibration of their intervals), ``scenarios`` (hypothetical paces), ``gaps`` (missing figures);
- ``data`` — reading and validating: ``plan``, ``observations``, ``inputs`` (files, one-line errors), ``workbook``
  (the Excel template), ``reference`` (national series), ``provenance`` (numbers checked against the plan's text),
  ``glyphs`` (which characters the chart fonts can draw).

The public names stay at the top: ``from fuxin_analysis import assess, load_plan``. Modules are also reachable by
their short names (``fuxin_analysis.charts``), as before the layers. Heavy modules are imported on first use, so
``import fuxin_analysis`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "load_plan": "data.plan",
    "Plan": "data.plan",
    "InputError": "errors",
    "assess": "methods.progress",
}

#: Every module by its short name, with its layer (the package's map; ``fuxin_analysis.charts`` still works).
MODULES = {
    "errors": "errors",
    "cache": "cache",
    **{m: f"data.{m}" for m in ("inputs", "plan", "observations", "workbook", "reference", "provenance", "glyphs")},
    **{m: f"methods.{m}" for m in ("progress", "projection", "trajectory", "evaluation", "scenarios", "gaps")},
    **{m: f"present.{m}" for m in ("tables", "charts", "labels", "fonts", "explore", "notebook",
                                   "evaluation_report")},
    **{m: f"run.{m}" for m in ("params", "runner", "kernels", "kernel_server", "report", "manifest", "cli",
                               "batch", "batch_report", "cluster", "destination", "changes")},
}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    if name in MODULES:
        return importlib.import_module(f".{MODULES[name]}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["load_plan", "Plan", "InputError", "assess", "__version__"]
