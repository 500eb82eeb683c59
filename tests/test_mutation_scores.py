"""``tools/mutation_scores.py``, which ``make mutation`` ends with: the score per module from mutmut's results, with
timeouts and listed equivalent mutants counted as detected, and stale listings refused. Worked on a hand-made results
text."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("mutation_scores", ROOT / "tools" / "mutation_scores.py")
ms = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ms)

RESULTS = """\
    fuxin_analysis.methods.progress.x_assess__mutmut_1: killed
    fuxin_analysis.methods.progress.x_assess__mutmut_2: survived
    fuxin_analysis.methods.progress.x_assess__mutmut_3: timeout
    fuxin_analysis.methods.progress.x_assess__mutmut_4: survived
    fuxin_analysis.data.plan.x_load_plan__mutmut_1: no tests
    fuxin_analysis.data.plan.x_load_plan__mutmut_2: killed
    fuxin_analysis.data.plan.x_load_plan__mutmut_3: not checked
    fuxin_analysis.data.plan.x_load_plan__mutmut_4: killed
"""


def test_scores_per_module():
    c = ms.tally(RESULTS, {})
    # progress: 1 killed + 1 timeout of 4 that count
    assert ms.score(c["progress"]) == (2, 4)
    # plan: 2 killed of 3 that count (the unchecked one does not count)
    assert ms.score(c["plan"]) == (2, 3)
    assert c["plan"]["not checked"] == 1


def test_a_listed_survivor_counts_as_equivalent_and_a_killed_one_is_stale():
    listed = {"fuxin_analysis.methods.progress.x_assess__mutmut_2": "a reason",
              "fuxin_analysis.data.plan.x_load_plan__mutmut_2": "a wrong reason",
              "fuxin_analysis.data.plan.x_gone__mutmut_9": "code since changed"}
    c = ms.tally(RESULTS, listed)
    assert c["progress"]["equivalent"] == 1 and ms.score(c["progress"]) == (3, 4)
    assert c["plan"]["equivalent"] == 0 and ms.score(c["plan"]) == (2, 3)
    assert ms.stale(RESULTS, listed) == ["fuxin_analysis.data.plan.x_load_plan__mutmut_2: killed by a test",
                                         "fuxin_analysis.data.plan.x_gone__mutmut_9: no such mutant"]


def test_every_listed_equivalent_has_a_reason(tmp_path, monkeypatch):
    assert all(reason.strip() for reason in ms.equivalent().values())
    bad = tmp_path / "eq.txt"
    bad.write_text("fuxin_analysis.methods.progress.x_assess__mutmut_2:\n", encoding="utf-8")
    monkeypatch.setattr(ms, "EQUIVALENT", bad)
    try:
        ms.equivalent()
    except SystemExit as exc:
        assert str(exc) == f"{bad}: fuxin_analysis.methods.progress.x_assess__mutmut_2 has no reason"
    else:
        raise AssertionError("a listing without a reason was accepted")
