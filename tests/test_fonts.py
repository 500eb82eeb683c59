"""Chinese renders in figures: a CJK font is registered, and a missing glyph fails loudly."""

import matplotlib.pyplot as plt
import pytest

from fuxin_analysis.data import glyphs
from fuxin_analysis.present import charts, fonts
from fuxin_analysis.present.labels import DOMAIN_NAMES, ROLE_NAMES, UNIT_SUFFIX
from fuxin_analysis.present.tables import baseline_target_table


def test_font_file_is_found():
    path = glyphs.cjk_font_path()
    assert path.is_file() and path.suffix in {".otf", ".ttc", ".ttf"}


def test_dejavu_file_is_the_one_matplotlib_uses():
    """The second chart font, located without importing matplotlib, is the file matplotlib draws with."""
    from pathlib import Path

    from matplotlib import font_manager

    found = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans"), fallback_to_default=False)
    assert Path(found).resolve() == glyphs.dejavu_font_path().resolve()


def test_missing_glyph_is_an_error_without_the_cjk_font():
    fonts.missing_glyphs_are_errors()
    with plt.rc_context({"font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans"]}):
        fig, ax = plt.subplots()
        ax.set_title("阜新")
        with pytest.raises(UserWarning, match="missing from font"):
            fig.canvas.draw()
        plt.close(fig)


def test_every_label_of_the_plan_renders(plan):
    charts.setup()
    texts = [*plan.indicators["name_zh"], *plan.indicators["name_en"], plan.meta.name_zh, plan.meta.issuer,
             *(n for pair in DOMAIN_NAMES.values() for n in pair), *(n for pair in ROLE_NAMES.values() for n in pair),
             *(n for pair in UNIT_SUFFIX.values() for n in pair), "≥≤–—×÷−“”（）％", *plan.statements["source_quote"]]
    fig, ax = plt.subplots(figsize=(4, 4))
    artists = [ax.text(0, i, text) for i, text in enumerate(texts)]
    fig.canvas.draw()  # raises on any missing glyph (charts.setup made it an error)
    renderer = fig.canvas.get_renderer()
    widths = [a.get_window_extent(renderer).width for a, t in zip(artists, texts, strict=True) if t]
    assert len(widths) == len([t for t in texts if t]) and min(widths) > 0  # every label was laid out with glyphs
    plt.close(fig)


@pytest.mark.slow
@pytest.mark.parametrize("language", ["zh", "en", "both"])
def test_every_chart_draws_in_every_language(plan, language):
    """Every chart function of the package, drawn with missing glyphs as errors."""
    from fuxin_analysis import assess
    from fuxin_analysis.data import observations, reference
    from fuxin_analysis.methods import evaluation
    from fuxin_analysis.methods.scenarios import run_scenarios

    from .conftest import OBSERVED

    charts.setup()
    table = baseline_target_table(plan)
    assessment = assess(plan, [OBSERVED])
    national, targets = reference.national_series(), reference.national_targets()
    comparison = reference.comparison_table(table, national, targets, plan.comparable)
    results = run_scenarios(plan, [str(OBSERVED)], assessment, [0.5, 1.0], 2023, indicators=["hs_ger"])
    result = evaluation.evaluate()
    figures = [
        charts.rates_chart(table, language), charts.pace_chart(table, language), charts.counts_chart(plan, language),
        charts.trajectory_panels(plan, observations.load([OBSERVED], plan), assessment, language, empty_totals=True),
        charts.evaluation_chart(result["scores"], language), charts.calibration_chart(result["coverage"], language),
        charts.status_chart(assessment, language), charts.status_chart(assessment, language, column="outcome"),
        charts.national_comparison_chart(comparison, national, targets, language, ("阜新", "Fuxin")),
        charts.share_split_chart(table, "voc_share_senior_secondary", language),
        charts.scenario_chart(results, language),
    ]
    import re

    cjk = re.compile(r"[\u4e00-\u9fff]")
    for fig in figures:
        fig.canvas.draw()
        drawn = [ax for ax in fig.axes if ax.lines or ax.patches or ax.collections or ax.texts]
        assert drawn, fig  # every chart draws something
        titles = [t for t in (*(ax.get_title() for ax in fig.axes), fig._suptitle.get_text() if fig._suptitle else "")
                  if t]
        for title in titles:  # titles follow the language (an English name may quote its Chinese term)
            if language == "en":
                assert re.search("[A-Za-z]{3}", title), title
            elif language == "zh":
                assert cjk.search(title) and not re.search("[A-Za-z]{4}", title.replace("SDSN", "")), title
        plt.close(fig)
