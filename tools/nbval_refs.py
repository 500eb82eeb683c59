"""Reference outputs of the numbered notebooks for nbval (``make nbval-refs``; README, "Tests").

The notebooks in ``notebooks/`` are kept without outputs, so nbval can only run them there. Their expected outputs are
kept here instead, in ``tests/notebook_outputs/``: each notebook executed by papermill with the parameters below
(the shipped plan and observations, ``as_of`` fixed so that the outputs do not move with the calendar). nbval runs
these copies again in every full test run and compares each code cell's output (text, HTML tables and Markdown;
a cell that draws a chart is run but not compared: nbval does not compare pixels, and what the charts draw is tested
on their data in ``tests/test_fonts.py`` and ``tests/test_explorer.py``), after the sanitizers of ``tests/nbval_sanitize.cfg`` (random ids of styled tables).
A cell tagged ``nbval-ignore-output`` in ``notebooks/`` is run but not compared.

``tests/test_notebook_outputs.py`` checks that every copy holds exactly the code of its notebook: change a notebook,
and the suite says to run ``make nbval-refs`` again; then review the diff of the outputs before committing it.
"""

from __future__ import annotations

import configparser
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
OUT = ROOT / "tests" / "notebook_outputs"
#: Paths are relative to OUT (papermill and nbval run each notebook in its own folder).
PARAMETERS = {
    "plan_dir": "../../data/plans/fuxin_14th",
    "observations": ["../../data/observations/fuxin_observed.csv"],
    "as_of": 2025,
    "language": "both",
}
SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"
CHECK, IGNORE = "nbval-check-output", "nbval-ignore-output"
IMAGES = ("image/png", "image/jpeg")


def declared(nb: nbformat.NotebookNode) -> set[str]:
    """The names a notebook's ``parameters`` cell assigns."""
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    return {line.split("=")[0].strip() for line in cell.source.splitlines()
            if "=" in line and not line.lstrip().startswith("#")}


def sanitizers() -> list[tuple[re.Pattern[str], str]]:
    """nbval's sanitizers (:data:`SANITIZE`), applied to the copies too, so that writing them again changes only
    what a notebook shows (not a styled table's random id)."""
    config = configparser.ConfigParser()
    config.read(SANITIZE, encoding="utf-8")
    return [(re.compile(config[s]["regex"]), config[s]["replace"]) for s in config.sections()]


def _sanitized(value: object, rules: list[tuple[re.Pattern[str], str]]) -> object:
    if isinstance(value, str):
        for pattern, replace in rules:
            value = pattern.sub(replace, value)
    return value


def numbered() -> list[Path]:
    """The notebooks of the report (``NN_*.ipynb``), in order."""
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def reference(source: Path) -> nbformat.NotebookNode:
    """``source`` executed with :data:`PARAMETERS`, each compared cell tagged for nbval, run metadata removed."""
    import papermill

    nb = nbformat.read(source, as_version=4)
    params = {k: v for k, v in PARAMETERS.items() if k in declared(nb)}
    out = papermill.execute_notebook(str(source), None, parameters=params, cwd=str(OUT), progress_bar=False,
                                     kernel_name="python3")
    for cell in out.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if cell.cell_type != "code":
            continue
        tags = cell.metadata.setdefault("tags", [])
        charts = any(mime in output.get("data", {}) for output in cell.outputs for mime in IMAGES)
        if not ({"parameters", "injected-parameters", IGNORE} & set(tags)) and not charts:
            tags.append(CHECK)
        else:  # run, not compared (nbval does not compare pixels)
            cell.outputs = []
    out.metadata.pop("papermill", None)
    rules = sanitizers()
    for i, cell in enumerate(out.cells):
        cell["id"] = f"cell-{i}"  # papermill gives its injected cell a random id
        for output in cell.get("outputs", []):
            for mime, value in output.get("data", {}).items():
                output["data"][mime] = _sanitized(value, rules)
            if "text" in output:
                output["text"] = _sanitized(output["text"], rules)
    return out


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for source in numbered():
        nbformat.write(reference(source), OUT / source.name)
        print(f"{OUT.relative_to(ROOT) / source.name}: written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
