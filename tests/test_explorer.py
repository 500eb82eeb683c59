"""The explorer driven as a user drives it: each control set programmatically, then the chart's data and the
scorecard row checked against values worked out by hand or by ``assess`` (not merely that something was drawn)."""

from datetime import date

import pytest

from fuxin_analysis import assess
from fuxin_analysis.present.explore import Explorer, PlanChoice
from fuxin_analysis.run.params import discover_plans

from .conftest import ROOT

CHINA = ROOT / "data" / "plans" / "china_14th_education"
CHINA_OBS = ROOT / "data" / "observations" / "china_14th_observed.csv"


@pytest.fixture(scope="module")
def explorer():
    return Explorer(discover_plans(), today=date(2026, 11, 29))


def _select(e, plan="china_14th_education", domain="higher", indicator="t_he_ger_2025", as_of=2022,
            method="combination", language="en"):
    c = e.controls
    c["pace_on"].value = False
    c["language"].value = language
    c["plan"].value = plan
    c["domain"].value = domain
    c["indicator"].value = indicator
    c["method"].value = method
    c["as_of"].value = as_of


def _line(e, fragment):
    (key,) = [k for k in e.chart_data if fragment in k]
    return e.chart_data[key]


def test_every_plan_is_offered_the_shipped_analysis_first():
    plans = discover_plans()
    assert next(iter(plans)) == "fuxin_14th" and "china_14th_education" in plans
    assert [p.name for p in plans["china_14th_education"].observations] == ["china_14th_observed.csv"]


def test_as_of_moves_the_observations_the_projection_and_the_row(explorer):
    _select(explorer, as_of=2022)
    years, values = _line(explorer, "observed")
    assert max(years) == 2022 and values[-1] == 59.6  # nothing after as_of
    p_years, p_values = _line(explorer, "projection")
    assert (p_years[0], p_years[-1], p_values[0]) == (2022, 2025, 59.6)  # from the latest observation to 2025
    expected = assess(CHINA, [CHINA_OBS], as_of=2022, today=date(2026, 11, 29)).set_index("statement_id")
    row = expected.loc["t_he_ger_2025"]
    assert explorer.row["outcome"] == "open" and explorer.row["projected_value"] == pytest.approx(
        row["projected_value"])
    assert p_values[-1] == pytest.approx(row["projected_value"])
    assert any("80%" in k for k in explorer.chart_data)  # the calibrated band
    _select(explorer, as_of=2025)
    assert explorer.row["outcome"] == "met" and explorer.row["probability_met"] == 1.0
    assert not [k for k in explorer.chart_data if "projection" in k]  # a known outcome is not projected
    assert max(_line(explorer, "observed")[0]) == 2025


def test_method_changes_the_projection(explorer):
    _select(explorer, method="drift", as_of=2022)
    drift = explorer.row["projected_value"]
    expected = assess(CHINA, [CHINA_OBS], as_of=2022, method="drift").set_index("statement_id")
    assert drift == pytest.approx(expected.loc["t_he_ger_2025", "projected_value"])
    _select(explorer, method="last_value", as_of=2022)
    assert explorer.row["projected_value"] == pytest.approx(59.6)  # the last value carried forward
    assert _line(explorer, "projection")[1][-1] == pytest.approx(59.6)


def test_hypothetical_pace_is_drawn_and_labelled(explorer):
    _select(explorer, as_of=2022)
    explorer.controls["pace"].value = 0.5
    explorer.controls["pace_on"].value = True
    years, values = _line(explorer, "HYPOTHETICAL")
    # 59.6 in 2022, +0.5 a year: 60.1, 60.6, 61.1 (by hand)
    assert years == [2022, 2023, 2024, 2025] and values == pytest.approx([59.6, 60.1, 60.6, 61.1])
    assert "HYPOTHETICAL" in explorer.row_html.value and "61.1" in explorer.row_html.value
    assert explorer.row["projected_value"] != pytest.approx(61.1)  # the scorecard row is not the hypothesis
    explorer.controls["pace_on"].value = False
    assert not [k for k in explorer.chart_data if "HYPOTHETICAL" in k]


def test_language_relabels_the_chart(explorer):
    _select(explorer, language="zh")
    assert "观测值" in explorer.chart_data and not [k for k in explorer.chart_data if "observed" in k]
    _select(explorer, language="both")
    assert "观测值 / observed" in explorer.chart_data


def test_a_comparable_indicator_shows_the_national_series(explorer):
    _select(explorer, plan="fuxin_14th", domain="senior_secondary", indicator="t_hs_ger_2025", as_of=2026)
    years, values = _line(explorer, "China")
    assert (years[0], values[0]) == (2015, 87.0) and 2025 in years  # the bulletins' series
    assert "高中阶段毛入学率达到99%" in explorer.sentence_html.value.replace(" ", "")
    assert explorer.row["outcome"] == "no_data"


def test_the_plan_folder_says_which_national_series_is_comparable(explorer):
    _select(explorer, plan="china_14th_education", domain="higher", indicator="t_he_ger_2025", as_of=2025)
    years, values = _line(explorer, "China")  # the national plan's comparable.csv maps he_ger to the bulletins
    assert (years[0], values[0]) == (2015, 40.0)
    _select(explorer, plan="china_14th_education", domain="lifelong", indicator="t_working_age_schooling_years_2025",
            as_of=2025)
    assert not [k for k in explorer.chart_data if "China" in k]  # not in its comparable.csv


def test_a_plan_of_one_indicator_without_comparable_csv():
    one = Explorer({"one_indicator": PlanChoice(ROOT / "tests" / "plans" / "one_indicator", ())},
                   today=date(2026, 11, 29))
    assert [value for _, value in one.controls["indicator"].options] == ["senior_secondary_ger_2025"]
    assert one.row["outcome"] == "no_data" and _line(one, "target")[1] == [99.0]
    assert not [k for k in one.chart_data if "China" in k]


def test_a_total_shows_its_running_total(explorer):
    _select(explorer, plan="fuxin_14th", domain="teachers", indicator="t_excellent_head_teachers_2021_2025",
            as_of=2026)
    years, values = _line(explorer, "required running total")
    assert (years[0], values[0], years[-1], values[-1]) == (2021, 60.0, 2025, 300.0)  # 300 over five years


def test_sources_are_listed_and_escaped(explorer):
    _select(explorer, plan="china_14th_education", domain="higher", indicator="t_he_ger_2025", as_of=2025)
    assert "moe.gov.cn" in explorer.sources_html.value and "<script" not in explorer.sources_html.value


def test_a_gross_ratios_hypothetical_pace_may_pass_100(explorer):
    """hs_ger is a gross ratio (cap 150): 91.6 in 2022, +5 a year gives 96.6, 101.6, 106.6, not held at 100."""
    _select(explorer, domain="senior_secondary", indicator="t_hs_ger_2025", as_of=2022)
    explorer.controls["pace"].value = 5.0
    explorer.controls["pace_on"].value = True
    years, values = _line(explorer, "HYPOTHETICAL")
    assert years == [2022, 2023, 2024, 2025] and values == pytest.approx([91.6, 96.6, 101.6, 106.6])
    explorer.controls["pace"].value = 30.0  # 91.6 + 90 = 181.6 would pass the plausibility cap: held at 150
    years, values = _line(explorer, "HYPOTHETICAL")
    assert values == pytest.approx([91.6, 121.6, 150.0, 150.0])
    explorer.controls["pace_on"].value = False
