"""Analytics helpers for education plans (first the Fuxin 阜新市 plan, 14th Five-Year period 2021–2025; any plan folder
that validates).

Modules: ``plan`` (load and validate a plan folder), ``provenance`` (numbers checked against the
plan's text), ``observations`` (observed series), ``progress`` (``assess``: status, trend, pace),
``projection`` and ``trajectory`` (where observations point, which path targets need), ``evaluation`` (how well the
projection methods forecast real series, and the calibration of their intervals), ``reference`` (national series), ``tables`` and ``charts`` (what the notebooks show), ``labels`` (Chinese and English),
``fonts`` (a CJK font for matplotlib), ``notebook`` (set-up), ``inputs`` and ``errors`` (reading files, one-line errors),
``params`` and ``runner`` (papermill runs), ``destination`` (where a report may be written), ``kernels`` (the runner's
kernels), ``report`` (HTML), ``manifest``.
Heavy modules are imported on first use, so ``import fuxin_analysis`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "load_plan": "plan",
    "Plan": "plan",
    "InputError": "errors",
    "assess": "progress",
}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    if name in {"plan", "provenance", "tables", "charts", "labels", "fonts", "params", "runner", "report",
                "errors", "inputs", "notebook", "manifest", "destination", "kernels", "cache",
                "observations", "progress", "projection", "trajectory", "evaluation", "reference"}:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["load_plan", "Plan", "InputError", "assess", "__version__"]
