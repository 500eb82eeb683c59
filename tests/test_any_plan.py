"""Every notebook works for any plan folder that validates: the full collection rendered for plans with different
indicator sets (Fuxin; the national plan; a plan of one indicator, with and without observations). Each page is
written; where a plan has nothing for a section, the page says so in one sentence (``labels.NOTHING``)."""

import html
import json
from pathlib import Path

import pytest

from fuxin_analysis.present.labels import NOTHING

from .conftest import ROOT

pytestmark = pytest.mark.slow  # runs notebooks, a browser or the command line: not in the fast suite

ONE = ROOT / "tests" / "plans" / "one_indicator"
ONE_OBSERVED = ROOT / "tests" / "observations" / "one_indicator.csv"
PAGES = [p.stem for p in sorted((ROOT / "notebooks").glob("0*.ipynb"))]


def _run(folder: Path, lines: list[str]) -> Path:
    from fuxin_analysis.run.runner import run

    params = folder / "params.yaml"
    params.write_text("\n".join([f'plan_dir: "{ONE}"', *lines]) + "\n", encoding="utf-8")
    return run(params, folder / "out", jobs=2, progress=lambda _: None).output


@pytest.fixture(scope="session")
def one_report(tmp_path_factory):
    """The one-indicator plan (one target, no baseline) with no observation: nearly every section has nothing."""
    return _run(tmp_path_factory.mktemp("one"), ['language: "both"', "observations: []"])


@pytest.fixture(scope="session")
def one_observed_report(tmp_path_factory):
    """The same plan with three made-up yearly values (a test fixture), as of 2022: paths, a projection and the
    HYPOTHETICAL scenarios have something to show."""
    return _run(tmp_path_factory.mktemp("one_observed"),
                ['language: "en"', f'observations: ["{ONE_OBSERVED}"]', "as_of: 2022"])


def _pages(report: Path) -> dict[str, str]:
    """Each page's text as a reader sees it (entities decoded), after checking that it was written and that no cell
    of its notebook wrote to stderr or failed."""
    pages = {}
    for name in PAGES:
        assert (report / f"{name}.html").is_file(), name
        nb = json.loads((report / f"{name}.ipynb").read_text(encoding="utf-8"))
        outputs = [o for c in nb["cells"] for o in c.get("outputs", [])]
        bad = [o for o in outputs if o.get("name") == "stderr" or o.get("output_type") == "error"]
        assert not bad, (name, bad)
        pages[name] = html.unescape((report / f"{name}.html").read_text(encoding="utf-8"))
    return pages


def _said(pages: dict[str, str], languages: tuple[int, ...]) -> set[str]:
    """The sections whose 'nothing here' sentence their page shows (in each of ``languages``: 0 zh, 1 en); a key of
    ``NOTHING`` starts with its page's number."""
    page = {key: next(p for p in PAGES if p[:2] == key[:2]) for key in NOTHING}
    return {key for key, words in NOTHING.items() if all(words[i] in pages[page[key]] for i in languages)}


def test_every_sentence_belongs_to_a_page():
    assert {key[:2] for key in NOTHING} <= {p[:2] for p in PAGES}
    assert all(zh and en and "'" not in en for zh, en in NOTHING.values())  # shown verbatim in the HTML


def test_one_indicator_without_observations(one_report):
    pages = _pages(one_report)
    said = _said(pages, (0, 1))  # language "both"
    assert said == {"01_pace", "01_baselines", "02_observations", "02_paths", "04_comparison", "04_chart",
                    "05_flows", "05_splits", "05_national", "05_scorecard", "06_pace", "06_scenarios"}
    assert "高中阶段毛入学率" in pages["03_scorecard"] and "No data" in pages["03_scorecard"]
    index = (one_report / "index.html").read_text(encoding="utf-8")
    assert all(f"{name}.html" in index for name in PAGES)


def test_one_indicator_with_observations(one_observed_report):
    pages = _pages(one_observed_report)
    said = _said(pages, (1,))  # language "en"
    assert said == {"01_pace", "01_baselines", "02_no_data", "04_comparison", "04_chart", "05_flows", "05_splits",
                    "05_national", "05_scorecard"}
    assert "HYPOTHETICAL: 1× pace needed" in pages["06_scenarios"]  # the scenarios ran
    assert "98.5" in pages["02_trajectories"]  # the observations are listed


def test_the_national_plan_renders_every_page(national_report):
    pages = _pages(national_report)
    said = _said(pages, (0, 1))  # language "both"
    # no total of the previous period to compare a pace with, no share of a whole; every other section has something
    assert said == {"01_pace", "05_splits"}, said
    comparison = pages["04_national_comparison"]
    # the national plan's comparable.csv: its own rates beside the bulletins, named "Plan", not "China" twice
    assert "Plan 2020" in comparison and "China 2020" in comparison and "高等教育毛入学率" in comparison


def test_fuxin_renders_every_page(report):
    pages = _pages(report)
    assert _said(pages, (1,)) == set()  # language "en": every section has something to show
    assert "Fuxin, Liaoning Province 2020" in pages["04_national_comparison"]  # jurisdiction_en of its plan.yaml
    assert "Close, not identical." in pages["04_national_comparison"]  # a note of its comparable.csv


def test_chart_labels_name_the_plans_own_years():
    """A plan with another base year (the gross-ratio fixture: base 2018, period 2019–2025) is labelled with its own
    years, not 2020."""
    import matplotlib.pyplot as plt

    from fuxin_analysis import load_plan
    from fuxin_analysis.present import charts, tables

    plan = load_plan(Path(__file__).parent / "plans" / "gross_ratio_above_100")
    fig = charts.rates_chart(tables.baseline_target_table(plan), "en", plan)
    texts = [t.get_text() for t in fig.legends[0].get_texts()] + [fig.axes[0].get_title()]
    assert "2018 level" in texts and "2025 target (or more)" in texts
    assert fig.axes[0].get_title() == "Rates: 2018 level and 2025 target"
    assert fig.axes[0].get_xlim()[1] >= 113  # the gross ratio's target of 110 is on the axis, not cut at 103
    plt.close(fig)
