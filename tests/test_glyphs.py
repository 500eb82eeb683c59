"""Indicator names a chart cannot draw are refused when the plan is loaded; `$` in a name is drawn literally.

The fonts' character maps are read here with fontTools directly, so that the expectations do not come from the
code under test; the chart tests show the load-time check agrees with what matplotlib really does.
"""

import csv
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import matplotlib.pyplot as plt
import pytest
from fontTools.ttLib import TTFont

from fuxin_analysis import InputError, load_plan
from fuxin_analysis.data import glyphs
from fuxin_analysis.present import charts
from fuxin_analysis.present.tables import baseline_target_table

from .conftest import PLAN_DIR, ROOT

MINI = Path(__file__).parent / "plans" / "mini_plan"


@pytest.fixture(scope="module")
def font_codepoints() -> set[int]:
    """The union of both chart fonts' character maps, read independently of ``glyphs.chart_codepoints``."""
    cjk = TTFont(str(glyphs.cjk_font_path()), fontNumber=0, lazy=True).getBestCmap()
    dejavu = TTFont(str(glyphs.dejavu_font_path()), lazy=True).getBestCmap()
    return set(cjk) | set(dejavu)


def _in_fast_ranges(ch: str) -> bool:
    return any(a <= ord(ch) <= b for a, b in glyphs.FAST_RANGES)


def _fonts_must_not_load(monkeypatch):
    def refuse():
        raise AssertionError("the fonts' character maps were read")

    monkeypatch.setattr(glyphs, "chart_codepoints", refuse)


def _mini_with_name(tmp_path: Path, row: int, field: str, name: str) -> Path:
    """A copy of the mini plan whose ``field`` in ``row`` of indicators.csv (the header is row 1) is ``name``."""
    folder = tmp_path / "plan"
    shutil.copytree(MINI, folder)
    path = folder / "indicators.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    records[row - 2][field] = name
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)
    return folder


# --- the load-time check ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("field", ["name_zh", "name_en"])
@pytest.mark.parametrize(("char", "code"), [("\U0001F393", "U+1F393"), ("\u200b", "U+200B"), ("\ue000", "U+E000")])
def test_a_name_the_chart_cannot_show_is_refused(tmp_path, field, char, code):
    name = {"name_zh": f"阜新高专{char}在校生", "name_en": f"students {char} at the college"}[field]
    with pytest.raises(InputError) as info:
        load_plan(_mini_with_name(tmp_path, 3, field, name))
    err = info.value
    assert (err.row, err.field, err.value) == (3, field, name)
    message = str(err)
    assert "indicators.csv" in message and "row 3" in message and f"'{field}'" in message and code in message
    assert "\n" not in message


def test_the_message_shows_a_missing_character_itself(tmp_path):
    with pytest.raises(InputError, match="the chart font cannot draw the character '\U0001F393' \\(U\\+1F393\\)"):
        load_plan(_mini_with_name(tmp_path, 2, "name_en", "graduation \U0001F393 rate"))


@pytest.mark.parametrize("field", ["name_zh", "name_en"])
def test_a_name_of_fast_path_characters_loads_without_reading_the_fonts(tmp_path, monkeypatch, field):
    name = "生均经费（元）“普惠” ≥ 90% × ½ — café…→∑"
    assert all(_in_fast_ranges(ch) for ch in name)
    _fonts_must_not_load(monkeypatch)
    plan = load_plan(_mini_with_name(tmp_path, 3, field, name))
    assert plan.indicators.loc[1, field] == name


@pytest.mark.parametrize("char", ["Ω", "\u2460", "\u9fa6"])
def test_a_character_outside_the_fast_path_that_the_fonts_have_loads(tmp_path, font_codepoints, char):
    assert not _in_fast_ranges(char) and ord(char) in font_codepoints
    glyphs.chart_codepoints.cache_clear()
    plan = load_plan(_mini_with_name(tmp_path, 3, "name_zh", f"在校生{char}"))
    assert plan.indicators.loc[1, "name_zh"] == f"在校生{char}"
    assert glyphs.chart_codepoints.cache_info().misses == 1  # the fonts were read, once


def test_the_shipped_plan_loads_without_reading_the_fonts(monkeypatch):
    _fonts_must_not_load(monkeypatch)
    plan = load_plan(PLAN_DIR)
    assert len(plan.indicators) > 50


def test_loading_a_plan_imports_neither_matplotlib_nor_fonttools():
    code = ("import sys; from fuxin_analysis import load_plan; load_plan(sys.argv[1]); "
            "print(sorted(m for m in ('matplotlib', 'fontTools') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code, str(PLAN_DIR)], capture_output=True, text=True, cwd=ROOT,
                         check=True)
    assert out.stdout.strip() == "[]"


# --- the fast path cannot drift from the fonts --------------------------------------------------------------------

def test_every_codepoint_of_the_fast_path_is_in_the_fonts(font_codepoints):
    for a, b in glyphs.FAST_RANGES:
        missing = [f"U+{c:04X}" for c in range(a, b + 1) if c not in font_codepoints]
        assert not missing, f"fast range U+{a:04X}–U+{b:04X} has characters the fonts lack: {missing[:10]}"


def test_the_fast_path_holds_no_invisible_character():
    for a, b in glyphs.FAST_RANGES:
        bad = [f"U+{c:04X}" for c in range(a, b + 1) if unicodedata.category(chr(c)) in {"Cc", "Cf", "Zl", "Zp"}]
        assert not bad


def test_fast_range_boundaries(monkeypatch):
    """Each range's ends are accepted without the fonts; just outside, the fonts (or the category) decide."""
    _fonts_must_not_load(monkeypatch)
    starts = {a for a, _ in glyphs.FAST_RANGES}
    ends = {b for _, b in glyphs.FAST_RANGES}
    for a, b in glyphs.FAST_RANGES:
        assert glyphs.undrawable(chr(a)) is None and glyphs.undrawable(chr(b)) is None
        for outside in (a - 1, b + 1):
            if outside in ends or outside in starts:  # adjacent ranges (none today)
                continue
            if unicodedata.category(chr(outside)) in {"Cc", "Cf", "Zl", "Zp"}:
                assert glyphs.undrawable(chr(outside)) == chr(outside)
            else:
                with pytest.raises(AssertionError, match="character maps were read"):
                    glyphs.undrawable(chr(outside))


@pytest.mark.parametrize("char", ["\u9fa6", "\u9fd0", "\u9fd1", "\u9fff", "\u3040", "\u3041", "\u2065", "\u2070"])
def test_outside_the_fast_path_the_fonts_decide(font_codepoints, char):
    expected = None if ord(char) in font_codepoints else char
    assert glyphs.undrawable(f"a{char}") == expected


def test_newlines_and_spaces_are_fine_but_other_controls_are_not():
    assert glyphs.undrawable("学前 教育\nPreschool") is None
    for ch in ("\t", "\r", "\x01", "\x7f", "\x85", "\u00ad", "\u200d", "\u2028", "\ufeff"):
        assert glyphs.undrawable(f"a{ch}b") == ch
        assert f"U+{ord(ch):04X}" in glyphs.glyph_problem(f"a{ch}b")


# --- what a chart really does --------------------------------------------------------------------------------------

@pytest.mark.parametrize("char", ["\U0001F393", "\ue000", "\u9fa6", "\u9fff", "Ω", "\u2460", "\u3040", "é"])
def test_the_check_agrees_with_matplotlib(char):
    """A character the check refuses raises in a chart (missing glyphs are errors); one it accepts draws."""
    charts.setup()
    fig, ax = plt.subplots()
    ax.set_title(charts.indicator_label(f"名称{char}", f"name {char}", "both"))
    try:
        if glyphs.undrawable(char) is None:
            fig.canvas.draw()
        else:
            with pytest.raises(UserWarning, match="missing from font"):
                fig.canvas.draw()
    finally:
        plt.close(fig)


@pytest.fixture
def rates_table(plan):
    table = baseline_target_table(plan)
    return table, table.index[table["unit"] == "percent"]


def test_an_emoji_name_would_fail_the_chart(rates_table):
    """Without the load-time check, the name would reach the notebook and fail there."""
    table, rates = rates_table
    table.loc[rates[0], "name_en"] = "graduation \U0001F393 rate"
    assert glyphs.undrawable("graduation \U0001F393 rate") == "\U0001F393"
    charts.setup()
    with pytest.raises(UserWarning, match="missing from font"):  # tight_layout already measures the labels
        fig = charts.rates_chart(table, "both")
        fig.canvas.draw()
    plt.close("all")


# name as written in the plan -> the label as matplotlib must receive it (every $ escaped)
DOLLAR_NAMES = {
    "$x$ share": r"\$x\$ share",
    "spending per pupil ($)": r"spending per pupil (\$)",
    r"pupils per $\frac$ teacher": r"pupils per \$\frac\$ teacher",
}


@pytest.mark.parametrize("language", ["en", "both"])
def test_dollar_signs_in_names_are_drawn_literally(rates_table, language):
    table, rates = rates_table
    for index, name in zip(rates, DOLLAR_NAMES, strict=False):
        table.loc[index, ["name_zh", "name_en"]] = ["生均经费（$）", name]
    charts.setup()
    fig = charts.rates_chart(table, language)
    try:
        fig.canvas.draw()  # no mathtext: neither a ValueError nor a missing glyph
        ax = fig.axes[0]
        labels = {t.get_text(): t for t in ax.get_yticklabels()}
        for name, escaped in DOLLAR_NAMES.items():
            expected = escaped if language == "en" else "生均经费（\\$）\n" + escaped
            assert expected in labels
            drawn = labels[expected].get_window_extent().width
            plain = ax.text(0, 0, name if language == "en" else f"生均经费（$）\n{name}", parse_math=False,
                            fontsize=labels[expected].get_fontsize())
            assert drawn == plain.get_window_extent().width  # as wide as the text drawn verbatim
    finally:
        plt.close(fig)


def test_unescaped_dollars_would_be_mathtext():
    """The control: without escaping, matplotlib reads these names as mathtext (so the test above can fail)."""
    charts.setup()
    fig, ax = plt.subplots()
    try:
        verbatim = ax.text(0, 0, "$x$ share", parse_math=False)
        math = ax.text(0, 1, "$x$ share")
        fig.canvas.draw()
        assert math.get_window_extent().width != verbatim.get_window_extent().width
        math.set_text(r"pupils per $\frac$ teacher")
        with pytest.raises(ValueError):
            fig.canvas.draw()
    finally:
        plt.close(fig)
