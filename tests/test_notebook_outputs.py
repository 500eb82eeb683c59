"""The notebooks' expected outputs (``tests/notebook_outputs/``, written by ``make nbval-refs``), which nbval compares
cell by cell in the full suite. These fast tests check that the copies are current (the same code as ``notebooks/``)
and that what they show is what the package computes for the same parameters, read from the HTML a reader sees."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "notebook_outputs"
_spec = importlib.util.spec_from_file_location("nbval_refs", ROOT / "tools" / "nbval_refs.py")
nbval_refs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(nbval_refs)

NUMBERED = nbval_refs.numbered()


def _code(nb: nbformat.NotebookNode) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "code" and "injected-parameters" not in c.metadata.get("tags", [])]


def test_every_numbered_notebook_has_its_expected_outputs():
    assert [p.name for p in NUMBERED] == sorted(p.name for p in OUT.glob("*.ipynb"))
    assert len(NUMBERED) == 6


@pytest.mark.parametrize("source", NUMBERED, ids=lambda p: p.name)
def test_the_copy_holds_the_notebook_s_code(source):
    """A changed notebook makes its copy stale: run ``make nbval-refs`` and review the outputs' diff."""
    copy = nbformat.read(OUT / source.name, as_version=4)
    assert _code(copy) == _code(nbformat.read(source, as_version=4)), f"run `make nbval-refs`: {source.name} changed"


@pytest.mark.parametrize("source", NUMBERED, ids=lambda p: p.name)
def test_the_copy_was_run_with_the_fixed_parameters_and_compares_its_tables(source):
    copy = nbformat.read(OUT / source.name, as_version=4)
    (injected,) = [c for c in copy.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert 'plan_dir = "../../data/plans/fuxin_14th"' in injected.source
    if "as_of" in nbval_refs.declared(copy):
        assert "as_of = 2025" in injected.source
    checked = [c for c in copy.cells if nbval_refs.CHECK in c.metadata.get("tags", [])]
    assert checked and all(c.outputs for c in checked)
    assert not any(m in o.get("data", {}) for c in copy.cells if c.cell_type == "code" for o in c.outputs
                   for m in nbval_refs.IMAGES)


def test_notebook_03_shows_the_assessment_for_its_parameters():
    """The scorecard notebook 03 shows (as_of 2025, the shipped plan and observations) says, row by row, what
    ``assess`` says for the same parameters: statement, status and outcome, read from the displayed HTML."""
    from bs4 import BeautifulSoup

    from fuxin_analysis import assess, load_plan
    from fuxin_analysis.methods.progress import OUTCOME_LABELS, STATUS_LABELS

    nb = nbformat.read(OUT / "03_scorecard.ipynb", as_version=4)
    (cell,) = [c for c in nb.cells if c.cell_type == "code" and "style_scorecard(" in c.source]
    (html,) = [o["data"]["text/html"] for o in cell.outputs if "text/html" in o.get("data", {})]
    soup = BeautifulSoup(html, "html.parser")
    heads = [th.get_text(strip=True) for th in soup.find("thead").find_all("th") if "col_heading" in th.get("class", [])]
    rows = [[td.get_text(strip=True) for td in tr.find_all("td")] for tr in soup.find("tbody").find_all("tr")]
    status, outcome = heads.index("进展状态 Status"), heads.index("结果 Outcome")
    plan = load_plan(ROOT / "data" / "plans" / "fuxin_14th")
    expected = assess(plan, [ROOT / "data" / "observations" / "fuxin_observed.csv"], as_of=2025)
    assert len(rows) == len(expected) > 0
    assert [r[status] for r in rows] == [" / ".join(STATUS_LABELS[s]) for s in expected["status"]]
    assert [r[outcome] for r in rows] == [" / ".join(OUTCOME_LABELS[o]) for o in expected["outcome"]]
