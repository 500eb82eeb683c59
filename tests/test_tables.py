"""Baseline-vs-target table: paces and changes worked out by hand from the plan's figures."""

import math

import pytest

from fuxin_analysis.present.tables import (
    baseline_target_table,
    display_baseline_target,
    statement_counts,
)

from .conftest import shared


@pytest.fixture(scope=shared)
def table(plan):
    return baseline_target_table(plan).set_index("indicator_id")


@pytest.mark.parametrize(
    ("indicator", "base_per_year", "target_per_year", "ratio"),
    [
        ("excellent_head_teachers", 165 / 5, 300 / 5, 60 / 33),  # 33/yr achieved, 60/yr needed → 1.82
        ("weak_schools_renovated", 75 / 5, 100 / 5, 20 / 15),  # 15/yr → 20/yr → 1.33
        ("backbone_principals", 35 / 5, 100 / 5, 20 / 7),  # 7/yr → 20/yr → 2.86
        ("school_building_repair_area", 1_130_000 / 5, 500_000 / 5, 100_000 / 226_000),  # slower: 0.44
        ("teacher_ethics_models", 35 / 5, 30 / 5, 6 / 7),
    ],
)
def test_pace_of_period_totals(table, indicator, base_per_year, target_per_year, ratio):
    row = table.loc[indicator]
    assert row["baseline_per_year"] == pytest.approx(base_per_year)
    assert row["target_per_year"] == pytest.approx(target_per_year)
    assert row["pace_ratio"] == pytest.approx(ratio)


def test_three_year_target_pace(table):
    # 321 Project: about 1000 third-tier teachers in three years (2021–2023) → 333.3 a year
    assert table.loc["backbone_teachers_tier3", "target_per_year"] == pytest.approx(1000 / 3)


def test_per_year_target_is_its_own_pace(table):
    assert table.loc["voc_skills_training", "target_per_year"] == 10_000  # 年均 1万人次


@pytest.mark.parametrize(
    ("indicator", "change"),
    [("hs_ger", 99 - 98), ("inclusive_kg_place_coverage", 80 - 75), ("voc_share_senior_secondary", 40 - 30),
     ("compulsory_consolidation", 0)],
)
def test_change_required_for_levels(table, indicator, change):
    assert table.loc[indicator, "change_required"] == change


def test_one_sided_rows(table):
    assert math.isnan(table.loc["public_kg_enrolment_share", "baseline_value"])  # no 2020 figure in the plan
    assert math.isnan(table.loc["student_aid_funds", "target_value"])  # no target
    assert math.isnan(table.loc["student_aid_funds", "change_required"])


def test_counts_add_up(plan):
    counts = statement_counts(plan, "en")
    assert counts.loc["Total", "Total"] == len(plan.statements)
    assert counts.loc["Teachers and principals"].iloc[:2].sum() == (plan.statements_long()["domain"] == "teachers").sum()


@pytest.mark.parametrize("language", ["zh", "en", "both"])
def test_display_table_languages(plan, language):
    shown = display_baseline_target(baseline_target_table(plan), language).reset_index()
    row = shown[shown.iloc[:, 1].str.contains("班主任" if language != "en" else "head teachers")].iloc[0]
    assert row.iloc[2] == ("165人" if language != "en" else "165 persons")
    assert row.iloc[4] == ("300人" if language != "en" else "300 persons")
    assert row.iloc[7] == "1.82×"


def test_scorecard_colours_the_status_column(plan):
    from fuxin_analysis import assess
    from fuxin_analysis.methods.progress import STATUS_COLORS
    from fuxin_analysis.present.tables import display_scorecard, style_scorecard

    assessment = assess(plan)
    shown = display_scorecard(assessment, "en")
    html = style_scorecard(shown, assessment).to_html()
    assert shown.columns[3] == "Status"
    first = assessment.iloc[0]
    assert first["status"] == "target_achieved" and shown.iloc[0, 3] == "Target achieved"
    css = html.split("</style>")[0]
    green_rule = next(block for block in css.split("}") if STATUS_COLORS["target_achieved"] in block)
    assert "_row0_col3" in green_rule and "col5" not in css  # the status column and the outcome beside it
    # the outcome column: no data for the first target (only the plan's 2020 figure) → grey
    assert shown.columns[4] == "Outcome" and shown.iloc[0, 4] == "No data" and first["outcome"] == "no_data"
    from fuxin_analysis.methods.progress import OUTCOME_COLORS

    grey_rule = next(block for block in css.split("}") if OUTCOME_COLORS["no_data"] in block)
    assert "_row0_col4" in grey_rule and "_row0_col3," not in grey_rule  # row 0's status is green
    # rows grouped by domain: each domain's rows are contiguous
    domains = list(assessment["domain"])
    assert all(d not in domains[domains.index(d) + domains.count(d):] for d in set(domains))


def test_scorecard_names_the_period_of_a_total(plan):
    from fuxin_analysis import assess
    from fuxin_analysis.present.tables import display_scorecard

    shown = display_scorecard(assess(plan), "en", plan).reset_index().set_index("Indicator")
    assert shown.loc["excellent head teachers (班主任) selected", "Baseline"] == "165 persons (2016–2020)"
    assert shown.loc["senior-secondary gross enrolment rate", "Baseline"] == "98% (2020)"
