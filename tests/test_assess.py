"""``assess`` end to end on the shipped plan: columns, baselines as base, ``as_of``, flows and history pace."""

import dataclasses
import linecache
import math
import warnings
from datetime import date

import numpy as np
import pandas as pd
import pytest

from fuxin_analysis import assess
from fuxin_analysis.methods.progress import COLUMNS, ProgressWarning

from .conftest import PLAN_DIR, ROOT


def _obs(rows):
    return pd.DataFrame(rows, columns=["indicator_id", "year", "value", "source"])


def test_columns_in_order_one_row_per_target(plan):
    out = assess(plan, [ROOT / "data" / "observations" / "fuxin_observed.csv"])
    assert list(out.columns) == COLUMNS
    assert len(out) == (plan.statements["role"] == "target").sum()
    assert out["statement_id"].is_unique


def test_plan_folder_path_is_accepted():
    out = assess(PLAN_DIR)
    row = out.set_index("statement_id").loc["t_preschool_ger_2025"]
    # 95% in 2020 already meets "95%以上": achieved on the plan's own figure, latest year 2020
    assert (row["status"], row["latest_year"], row["status_zh"]) == ("target_achieved", 2020, "已实现目标")


def test_hs_ger_with_observations_and_as_of(plan):
    obs = _obs([("hs_ger", 2021, 98.2, "test bulletin"), ("hs_ger", 2022, 98.4, "test bulletin"), ("hs_ger", 2023, 98.9, "test bulletin")])
    row = assess(plan, obs).set_index("statement_id").loc["t_hs_ger_2025"]
    # base 98 (2020, the plan), current 98.9 (2023), target 99 (2025)
    # CAGR_obs = (98.9/98)^(1/3) − 1 = 0.0030519; CAGR_req = (99/98)^(1/5) − 1 = 0.0020326; R = 1.50148
    assert row["cagr_ratio"] == pytest.approx(1.50148, abs=1e-4)
    assert row["status"] == "substantial_progress"
    # SDSN: required (99 − 98)/5 = 0.2 a year, observed (98.9 − 98)/3 = 0.3 a year → on track
    assert row["required_annual_change"] == pytest.approx(0.2)
    assert row["observed_annual_change"] == pytest.approx(0.3)
    assert row["trend_status"] == "on_track"
    assert row["n_observations"] == 4 and row["latest_year"] == 2023
    # a gross ratio (hs_ger) is projected below max(100, highest observed) + GROSS_MARGIN (3) = 103, not below 100
    assert row["projected_value"] < 103 and row["projected_high_80"] < 103
    # four observations and a calibrated scale: an 80% interval around the projection
    assert row["projected_low_80"] < row["projected_value"] < row["projected_high_80"]
    # what did we know in 2021? only the plan's 98 and 98.2
    early = assess(plan, obs, as_of=2021).set_index("statement_id").loc["t_hs_ger_2025"]
    assert (early["latest_year"], early["latest_value"], early["n_observations"]) == (2021, 98.2, 2)
    # CAGR_obs = 98.2/98 − 1 = 0.0020408; R = 0.0020408/0.0020326 = 1.00404
    assert early["cagr_ratio"] == pytest.approx(1.00404, abs=1e-4)
    assert np.isnan(early["projected_low_80"])  # two observations: a line, no interval


def test_plan_figure_stays_the_base(plan):
    obs = _obs([("hs_ger", 2020, 97.0, "test bulletin"), ("hs_ger", 2022, 98.4, "test bulletin")])
    with pytest.warns(UserWarning, match="differs from the plan's baseline"):
        row = assess(plan, obs).set_index("statement_id").loc["t_hs_ger_2025"]
    assert row["baseline_value"] == 98.0
    assert row["observed_annual_change"] == pytest.approx(0.2)  # (98.4 − 98)/2, not from 97
    assert row["n_observations"] == 2  # 2020 counts once (the plan's figure), then 2022


def test_totals_and_history_pace(plan):
    obs = _obs([("excellent_head_teachers", 2021, 50, "test bulletin"), ("excellent_head_teachers", 2022, 70, "test bulletin")])
    row = assess(plan, obs).set_index("statement_id").loc["t_excellent_head_teachers_2021_2025"]
    assert (row["baseline_year"], row["baseline_value"]) == (2020, 165)  # the 2016–2020 total
    assert row["latest_value"] == 120 and row["latest_year"] == 2022
    assert row["cagr_ratio"] == pytest.approx(1.0)  # (120/300)/(2/5)
    assert row["pace_required_vs_history"] == pytest.approx(60 / 33)  # 1.82
    assert row["status"] == "substantial_progress"
    # two yearly amounts: the line through them (50, 70, 90, 110, 130) → 50 + 70 + 90 + 110 + 130 = 450
    assert row["projected_value"] == pytest.approx(450)


def test_as_of_before_baseline_is_refused(plan):
    with pytest.raises(ValueError, match="before the plan's baseline year"):
        assess(plan, None, as_of=2019)


def test_as_of_the_baseline_year_is_accepted_the_year_before_refused_in_full(plan):
    """``as_of`` may be the baseline year itself (2020: the plan's own figures only); 2019 is refused, naming both."""
    out = assess(plan, None, as_of=2020)
    assert set(out["outcome"]) == {"no_data"} and set(out["latest_year"].dropna()) == {2020}
    with pytest.raises(ValueError) as err:
        assess(plan, None, as_of=2019)
    assert str(err.value) == "as_of 2019 is before the plan's baseline year 2020"


def test_an_unknown_projection_method_is_refused_naming_the_known_ones(plan):
    with pytest.raises(ValueError) as err:
        assess(plan, None, method="spline")
    assert str(err.value) == ("unknown projection method 'spline'; known: last_value, two_point, ols_logit, drift, "
                              "damped, combination")


def test_rows_by_domain_then_as_listed_in_the_plan(plan):
    """Domains in their fixed order (preschool, compulsory, senior secondary, special, ethnic, vocational, higher,
    teachers, …, facilities, lifelong, governance); within one, the plan's order (statements.csv)."""
    assert assess(plan, None)["statement_id"].tolist() == [
        "t_preschool_ger_2025", "t_inclusive_kg_place_coverage_2025", "t_public_kg_enrolment_share_2025",
        "t_township_central_kg_3star_2025", "t_compulsory_consolidation_2025", "t_hs_ger_2025",
        "t_disabled_compulsory_enrolment_rate_2025", "t_disabled_universal_education_years_2025",
        "t_ethnic_preschool_ger_2025", "t_ethnic_compulsory_consolidation_2025", "t_ethnic_hs_ger_2025",
        "t_high_level_voc_schools_2021_2025", "t_voc_featured_program_clusters_2021_2025",
        "t_voc_dual_qualified_teacher_share_2025", "t_voc_share_senior_secondary_2025", "t_voc_skills_training_per_year",
        "t_fuxin_college_enrolment_2025", "t_fuxin_college_graduate_employment_rate_2025",
        "t_higher_voc_share_of_voc_enrolment_2025", "t_fuxin_college_program_clusters_2025",
        "t_teacher_ethics_models_2021_2025", "t_backbone_principals_2021_2025", "t_expert_principals_2021_2025",
        "t_backbone_teachers_tier1_321", "t_backbone_teachers_tier2_321", "t_backbone_teachers_tier3_321",
        "t_excellent_head_teachers_2021_2025", "t_teacher_pay_vs_civil_servants_2025",
        "t_school_building_repair_area_2021_2025", "t_weak_schools_renovated_2021_2025",
        "t_education_experimental_zones_2025", "t_service_visits_max_2025",
    ]


# ---- one target at a time: every column of its row, by hand ---------------------------------------------------------

NAN = float("nan")


def _variant(plan, *targets, statements=None, indicators=None):
    """``plan`` with its baselines and only the targets ``targets`` (a scorecard of that many rows, in which an empty
    value cannot borrow its dtype from other rows); ``statements`` / ``indicators`` edit those tables (a function of
    the frame, returning the frame), for hypothetical targets the shipped plan does not have."""
    st = plan.statements
    st = st[(st["role"] == "baseline") | st["statement_id"].isin(targets)].reset_index(drop=True)
    ind = plan.indicators
    return dataclasses.replace(plan, statements=statements(st.copy()) if statements else st,
                               indicators=indicators(ind.copy()) if indicators else ind)


def _only_row(plan, rows, **kwargs):
    out = assess(plan, _obs(rows), **kwargs)
    assert len(out) == 1 and list(out.columns) == COLUMNS
    return out.iloc[0].to_dict()


def _check_row(got, expected):
    """Every column: NaN where expected (a float NaN, not None), floats to 1e-9, the rest exactly."""
    assert set(expected) == set(COLUMNS)
    for column in COLUMNS:
        want, have = expected[column], got[column]
        if isinstance(want, float) and math.isnan(want):
            assert isinstance(have, float) and math.isnan(have), (column, have)
        elif isinstance(want, float):
            assert have == pytest.approx(want, rel=1e-9), (column, have)
        else:
            assert have == want, (column, have)


ENROLMENT = {"statement_id": "t_fuxin_college_enrolment_2025", "indicator_id": "fuxin_college_enrolment",
             "name_zh": "阜新高专在校生数", "name_en": "students enrolled at Fuxin Higher Vocational College (阜新高专)",
             "domain": "higher", "unit": "persons", "comparator": ">=", "target_value": 10000.0,
             "target_value_high": NAN, "target_year": 2025, "pace_required_vs_history": NAN}


def test_the_plan_s_own_baseline_alone(plan):
    """No observation: the compulsory consolidation rate's 99% in 2020 (the plan) already meets its '= 99' (maintain):
    achieved and on track, the required pace 0; nothing observed since 2020, so no observed pace, no projection and
    no data for the outcome. (Its indicator sorts first among the plan's figures.)"""
    row = assess(plan, None, today=date(2026, 11, 29)).set_index("statement_id", drop=False)
    _check_row(row.loc["t_compulsory_consolidation_2025"].to_dict(), {
        "statement_id": "t_compulsory_consolidation_2025", "indicator_id": "compulsory_consolidation",
        "name_zh": "义务教育巩固率", "name_en": "compulsory education consolidation rate", "domain": "compulsory",
        "unit": "percent", "comparator": "=", "target_value": 99.0, "target_value_high": NAN, "target_year": 2025,
        "baseline_year": 2020.0, "baseline_value": 99.0, "latest_year": 2020.0, "latest_value": 99.0,
        "n_observations": 1, "required_annual_change": 0.0, "observed_annual_change": NAN, "cagr_ratio": NAN,
        "status": "target_achieved", "trend_status": "on_track", "projected_value": NAN, "projected_low_80": NAN,
        "projected_high_80": NAN, "probability_met": NAN, "pace_required_vs_history": NAN, "status_zh": "已实现目标",
        "status_en": "Target achieved", "outcome": "no_data"})


def test_a_range_target_shows_both_ends_and_is_met_at_its_low_end(plan):
    """1–2 high-level vocational schools over 2021–2025: the row keeps both ends; one school built (0 in 2021, 1 in
    2022) meets it."""
    row = _only_row(_variant(plan, "t_high_level_voc_schools_2021_2025"),
                    [("high_level_voc_schools", 2021, 0, "test bulletin"),
                     ("high_level_voc_schools", 2022, 1, "test bulletin")], as_of=2022)
    assert (row["comparator"], row["target_value"], row["target_value_high"]) == ("range", 1.0, 2.0)
    assert (row["status"], row["outcome"], row["probability_met"]) == ("target_achieved", "met", 1.0)


def test_an_equal_target_on_an_indicator_to_decrease_is_met_at_or_below_it(plan):
    """In-person visits (an indicator that should decrease) given '= 1' instead of '<= 1' (hypothetical): the
    indicator's direction makes it lower-is-better, so 0 visits in 2025 meets it."""
    def equal(st):
        st.loc[st["statement_id"] == "t_service_visits_max_2025", "comparator"] = "="
        return st
    row = _only_row(_variant(plan, "t_service_visits_max_2025", statements=equal),
                    [("service_visits_max", 2021, 3, "test bulletin"), ("service_visits_max", 2025, 0, "test bulletin")],
                    today=date(2026, 1, 1))
    assert (row["comparator"], row["status"], row["outcome"]) == ("=", "target_achieved", "met")


def test_a_level_row_in_full(plan):
    """Students enrolled (a count, at least 10,000 in 2025, no baseline in the plan): 8,000 (2021), 8,400 (2022),
    9,000 (2023), judged in 2023 with the 'two_point' projection.
    Base: the first value from 2020 on, 8,000 in 2021. CAGR_req = (10000/8000)^(1/4) − 1 = 0.0573713,
    CAGR_obs = (9000/8000)^(1/2) − 1 = 0.0606602, R = 1.0573268 → substantial progress.
    SDSN: required (10000 − 8000)/4 = 500 a year, observed (9000 − 8000)/2 = 500 → on track.
    Projection: the line through the last two points, 9000 + (9000 − 8400) × 2 = 10,200; a count: no interval, no
    probability. 2025 is ahead: open."""
    row = _only_row(_variant(plan, "t_fuxin_college_enrolment_2025"),
                    [("fuxin_college_enrolment", y, v, "test bulletin") for y, v in ((2021, 8000), (2022, 8400),
                                                                                     (2023, 9000))],
                    as_of=2023, method="two_point")
    _check_row(row, {**ENROLMENT, "baseline_year": 2021.0, "baseline_value": 8000.0, "latest_year": 2023,
                     "latest_value": 9000.0, "n_observations": 3, "required_annual_change": 500.0,
                     "observed_annual_change": 500.0, "cagr_ratio": 1.0573267545809648,
                     "status": "substantial_progress", "trend_status": "on_track", "projected_value": 10200.0,
                     "projected_low_80": NAN, "projected_high_80": NAN, "probability_met": NAN,
                     "status_zh": "显著进展", "status_en": "Substantial progress", "outcome": "open"})


def test_a_level_observed_only_before_the_baseline_year(plan):
    """7,000 (2018) and 7,500 (2019): nothing from 2020 on, so no base and no status, and nothing new since the
    baseline: no data; the line through the two points still projects 7500 + 500 × 6 = 10,500 for 2025."""
    row = _only_row(_variant(plan, "t_fuxin_college_enrolment_2025"),
                    [("fuxin_college_enrolment", 2018, 7000, "test bulletin"),
                     ("fuxin_college_enrolment", 2019, 7500, "test bulletin")], today=date(2026, 11, 29))
    _check_row(row, {**ENROLMENT, "baseline_year": NAN, "baseline_value": NAN, "latest_year": 2019,
                     "latest_value": 7500.0, "n_observations": 2, "required_annual_change": NAN,
                     "observed_annual_change": NAN, "cagr_ratio": NAN, "status": "not_available",
                     "trend_status": "not_available", "projected_value": 10500.0, "projected_low_80": NAN,
                     "projected_high_80": NAN, "probability_met": NAN, "status_zh": "数据不足",
                     "status_en": "Not available", "outcome": "no_data"})


def test_a_level_never_observed(plan):
    """Three-star township kindergartens (no baseline, no observation): every number empty, no data."""
    row = _only_row(_variant(plan, "t_township_central_kg_3star_2025"), [], today=date(2026, 11, 29))
    _check_row(row, {
        "statement_id": "t_township_central_kg_3star_2025", "indicator_id": "township_central_kg_3star",
        "name_zh": "每个乡镇三星级以上公办中心幼儿园数",
        "name_en": "public central kindergartens rated three stars or above per township", "domain": "preschool",
        "unit": "schools_per_township", "comparator": ">=", "target_value": 1.0, "target_value_high": NAN,
        "target_year": 2025, "baseline_year": NAN, "baseline_value": NAN, "latest_year": NAN, "latest_value": NAN,
        "n_observations": 0, "required_annual_change": NAN, "observed_annual_change": NAN, "cagr_ratio": NAN,
        "status": "not_available", "trend_status": "not_available", "projected_value": NAN, "projected_low_80": NAN,
        "projected_high_80": NAN, "probability_met": NAN, "pace_required_vs_history": NAN, "status_zh": "数据不足",
        "status_en": "Not available", "outcome": "no_data"})


HEAD_ROW = {"statement_id": "t_excellent_head_teachers_2021_2025", "indicator_id": "excellent_head_teachers",
            "name_zh": "优秀班主任", "name_en": "excellent head teachers (班主任) selected", "domain": "teachers",
            "unit": "persons", "comparator": "=", "target_value": 300.0, "target_value_high": NAN,
            "target_year": 2025, "baseline_year": 2020.0, "baseline_value": 165.0}


def test_a_total_row_in_full_counts_only_the_years_of_its_period(plan):
    """300 head teachers over 2021–2025; amounts of 40 (2020), 60 (2021), 70 (2025) and 80 (2026): only 2021 and
    2025 fall in the period. Total 130 by 2025 (5 years elapsed, 3 of them unobserved, with a warning):
    P = (130/300) ÷ (5/5) = 0.4333 → limited progress, stagnating (0 ≤ P < 0.5); observed pace 130/5 = 26 a year
    against 300/5 = 60; the plan's 2016–2020 total, 165 in 5 years, is 33 a year: 60/33 = 1.818. Every year of the
    period is past: the projected total is the observed 130, without interval. Not every year observed and short of
    300, in 2026: pending."""
    with pytest.warns(ProgressWarning) as record:
        row = _only_row(_variant(plan, "t_excellent_head_teachers_2021_2025"),
                        [("excellent_head_teachers", y, v, "test bulletin") for y, v in ((2020, 40), (2021, 60),
                                                                                         (2025, 70), (2026, 80))],
                        today=date(2026, 11, 29))
    _check_row(row, {**HEAD_ROW, "latest_year": 2025, "latest_value": 130.0, "n_observations": 2,
                     "required_annual_change": 60.0, "observed_annual_change": 26.0, "cagr_ratio": 130 / 300,
                     "status": "limited_progress", "trend_status": "stagnating", "projected_value": 130.0,
                     "projected_low_80": NAN, "projected_high_80": NAN, "probability_met": NAN,
                     "pace_required_vs_history": 60 / 33, "status_zh": "进展有限", "status_en": "Limited progress",
                     "outcome": "pending"})
    assert [str(w.message) for w in record] == [
        ("t_excellent_head_teachers_2021_2025: 3 year(s) without an observation in 2021–2025; the total so far "
         "counts only the years observed")]
    _assert_attributed_to_the_scorecard(record[0])


def test_a_yearly_average_row_in_full(plan):
    """At least 10,000 person-times of training a year (2021–2025): 9,000 and 12,000 → average 10,500, achieved
    (P = 1.05); no 2016–2020 figure, so no history pace. The line through the two amounts gives 15,000, 18,000 and
    21,000 for 2023–2025: (9000 + 12000 + 15000 + 18000 + 21000)/5 = 15,000 a year projected. The 50,000 of the
    period is not reached yet (21,000) and 2025 is ahead: open."""
    row = _only_row(_variant(plan, "t_voc_skills_training_per_year"),
                    [("voc_skills_training", 2021, 9000, "test bulletin"),
                     ("voc_skills_training", 2022, 12000, "test bulletin")], as_of=2022)
    _check_row(row, {
        "statement_id": "t_voc_skills_training_per_year", "indicator_id": "voc_skills_training",
        "name_zh": "职业技能培训", "name_en": "vocational skills training", "domain": "vocational",
        "unit": "person_times", "comparator": ">=", "target_value": 10000.0, "target_value_high": NAN,
        "target_year": 2025, "baseline_year": NAN, "baseline_value": NAN, "latest_year": 2022,
        "latest_value": 10500.0, "n_observations": 2, "required_annual_change": 10000.0,
        "observed_annual_change": 10500.0, "cagr_ratio": 1.05, "status": "target_achieved", "trend_status": "on_track",
        "projected_value": 15000.0, "projected_low_80": NAN, "projected_high_80": NAN, "probability_met": NAN,
        "pace_required_vs_history": NAN, "status_zh": "已实现目标", "status_en": "Target achieved",
        "outcome": "open"})


def _assert_attributed_to_the_scorecard(w):
    """A warning raised while the scorecard is made is shown at a caller's line (in plain Python, the scorecard's
    row list in ``assess``), not at the ``warnings.warn`` line inside the method that raises it."""
    line = linecache.getline(w.filename, w.lineno)
    assert line.strip() and "warnings.warn" not in line


def test_a_zero_base_in_the_scorecard_is_replaced_with_a_warning_naming_the_target(plan):
    """Three-star township kindergartens: 0 in 2021 (the base), 1 in 2023, which meets the target of 1."""
    with pytest.warns(ProgressWarning) as record:
        row = _only_row(_variant(plan, "t_township_central_kg_3star_2025"),
                        [("township_central_kg_3star", 2021, 0, "test bulletin"),
                         ("township_central_kg_3star", 2023, 1, "test bulletin")], as_of=2023)
    assert [str(w.message) for w in record] == [
        "t_township_central_kg_3star_2025: base value is zero; 0.001 used instead (Open SDG rule)"]
    _assert_attributed_to_the_scorecard(record[0])
    assert (row["status"], row["baseline_value"], row["outcome"]) == ("target_achieved", 0.0, "open")


def test_a_zero_target_in_the_scorecard_is_replaced_with_a_warning_naming_the_target(plan):
    """In-person visits made 'at most 0' (hypothetical; a count, lower is better): 4 (2021), 2 (2023). Open SDG
    replaces the 0 by 0.001: CAGR_req = (0.001/4)^(1/4) − 1 = −0.8742567, CAGR_obs = (2/4)^(1/2) − 1 = −0.2928932,
    R = (−1) × −0.2928932/0.8742567 = 0.3350197 → limited progress."""
    def none_at_all(st):
        st.loc[st["statement_id"] == "t_service_visits_max_2025", "value"] = 0.0
        return st
    with pytest.warns(ProgressWarning) as record:
        row = _only_row(_variant(plan, "t_service_visits_max_2025", statements=none_at_all),
                        [("service_visits_max", 2021, 4, "test bulletin"), ("service_visits_max", 2023, 2, "test bulletin")],
                        as_of=2023)
    assert [str(w.message) for w in record] == [
        "t_service_visits_max_2025: target is zero; 0.001 used instead (Open SDG rule)"]
    _assert_attributed_to_the_scorecard(record[0])
    assert row["cagr_ratio"] == pytest.approx(0.3350197, abs=1e-7) and row["status"] == "limited_progress"


def _coverage_at(value):
    """Inclusive kindergarten places (a rate, 75% in 2020), its target set to 100% (hypothetical)."""
    def edit(st):
        st.loc[st["statement_id"] == "t_inclusive_kg_place_coverage_2025", "value"] = 100.0
        return st
    return edit


@pytest.mark.parametrize(("value", "outcome", "status"), [
    (99.96, "met", "target_achieved"),  # rounds to 100.0: at or above 100 − 0.05
    (99.94, "not_met", "substantial_progress"),  # CAGR (99.94/75)^(1/5) − 1 over (99.95/75)^(1/5) − 1: R = 0.99964
])
def test_a_share_of_100_is_judged_at_99_95(plan, value, outcome, status):
    """A rate's target at its upper bound is met within AT_BOUND = 0.05 of it; the pace required runs to 99.95:
    (99.95 − 75)/5 = 4.99 a year. The stated 100 stays the target shown."""
    variant = _variant(plan, "t_inclusive_kg_place_coverage_2025", statements=_coverage_at(100))
    row = _only_row(variant, [("inclusive_kg_place_coverage", 2025, value, "test bulletin")], today=date(2026, 1, 1))
    assert (row["outcome"], row["status"], row["probability_met"]) == (outcome, status, float(outcome == "met"))
    assert row["target_value"] == 100.0 and row["required_annual_change"] == pytest.approx(4.99, rel=1e-12)


def test_a_share_to_come_down_to_0_is_judged_at_0_05(plan):
    """The share of children in public kindergartens made a '<= 0' target (hypothetical): 0.04 in 2025 rounds to
    0.0, so it is met, and the target judged is 0.05, not a zero that Open SDG would replace (no warning)."""
    def edit(st):
        at = st["statement_id"] == "t_public_kg_enrolment_share_2025"
        st.loc[at, "comparator"], st.loc[at, "value"] = "<=", 0.0
        return st
    variant = _variant(plan, "t_public_kg_enrolment_share_2025", statements=edit)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        row = _only_row(variant, [("public_kg_enrolment_share", 2021, 3.0, "test bulletin"),
                                  ("public_kg_enrolment_share", 2025, 0.04, "test bulletin")], today=date(2026, 1, 1))
    assert (row["outcome"], row["status"], row["target_value"]) == ("met", "target_achieved", 0.0)
    assert row["required_annual_change"] == pytest.approx((0.05 - 3.0) / 4, rel=1e-12)  # from 3.0 in 2021


def test_a_share_s_lower_bound_is_the_bottom_of_its_logit_scale(plan):
    """The public-kindergarten share given bounds [50, 100] (hypothetical): 75 (2021) and 87.5 (2023) are the shares
    0.5 and 0.75 of that range, logits 0 and ln 3; the line through them reaches ln 9 in 2025, the share 0.9:
    50 + 0.9 × 50 = 95."""
    def bounds(ind):
        ind.loc[ind["indicator_id"] == "public_kg_enrolment_share", "lower_bound"] = 50.0
        return ind
    variant = _variant(plan, "t_public_kg_enrolment_share_2025", indicators=bounds)
    row = _only_row(variant, [("public_kg_enrolment_share", 2021, 75.0, "test bulletin"),
                              ("public_kg_enrolment_share", 2023, 87.5, "test bulletin")], as_of=2023)
    assert row["projected_value"] == pytest.approx(95.0, rel=1e-12)


def test_a_gross_ratio_above_100_is_projected_below_its_highest_value_plus_3(plan):
    """Preschool gross ratio: 95 (2020, the plan) and 102 (2022); the scale's top is max(100, 102) + 3 = 105.
    Logits ln(95/10) = 2.2512918 and ln(102/3) = 3.5263605, slope 0.6375344 a year; 2025: 3.5263605 + 3 × 0.6375344
    = 5.4389636 → 105 / (1 + e^−5.4389636) = 104.5458546."""
    row = _only_row(_variant(plan, "t_preschool_ger_2025"), [("preschool_ger", 2022, 102.0, "test bulletin")],
                    as_of=2022)
    assert row["projected_value"] == pytest.approx(104.5458546, abs=1e-6)


def test_a_plan_without_baselines_and_without_observations(plan):
    """Nothing at all to go on: every target has no data and no status, and no history pace."""
    variant = dataclasses.replace(plan, statements=plan.statements[plan.statements["role"] == "target"])
    out = assess(variant, None, today=date(2026, 11, 29))
    assert len(out) == 32 and set(out["outcome"]) == {"no_data"} and set(out["status"]) == {"not_available"}
    assert (out["n_observations"] == 0).all() and out["pace_required_vs_history"].isna().all()


def test_the_history_pace_comes_from_the_latest_baseline_period(plan):
    """A 2011–2015 total of 100 head teachers added (hypothetical) before the plan's 2016–2020 total of 165: the
    pace against history still uses 2016–2020, 60/33 = 1.818 (not 60/20)."""
    def earlier(st):
        extra = st[st["statement_id"] == "b_excellent_head_teachers_13th"].assign(
            statement_id="b_excellent_head_teachers_12th", period_start=2011, period_end=2015, value=100.0)
        return pd.concat([extra, st], ignore_index=True)
    variant = _variant(plan, "t_excellent_head_teachers_2021_2025", statements=earlier)
    row = _only_row(variant, [("excellent_head_teachers", 2021, 50, "test bulletin")], as_of=2021)
    assert (row["baseline_year"], row["baseline_value"]) == (2020.0, 165.0)
    assert row["pace_required_vs_history"] == pytest.approx(60 / 33, rel=1e-12)


def test_a_cap_on_a_total_is_refused(plan):
    """Weak schools renovated made 'at most 100 over 2021–2025' (hypothetical '<=' total): the progress methods
    measure reaching an amount, so a cap is refused rather than scored as if reaching it were the aim (which showed
    60 + 50 = 110 by 2022, over the cap, as 'target_achieved')."""
    def capped(st):
        st.loc[st["statement_id"] == "t_weak_schools_renovated_2021_2025", "comparator"] = "<="
        return st
    variant = _variant(plan, "t_weak_schools_renovated_2021_2025", statements=capped)
    with pytest.raises(ValueError, match=r"^t_weak_schools_renovated_2021_2025: a total or yearly amount 'at most' "
                                         r"\(a cap\) is not assessed$"):
        assess(variant, _obs([("weak_schools_renovated", 2021, 60, "test bulletin")]), as_of=2021)


@pytest.mark.parametrize(("target", "refused"), [(0.0, True), (-5.0, True), (0.5, False)])
def test_a_total_target_must_be_above_zero(plan, target, refused):
    """Weak schools renovated 'at least 0' over 2021–2025 (hypothetical): the share of a total of 0 reached is
    undefined (it divided by zero), so a plan built in code with one is refused, as load_plan refuses it. 0.5
    (above 0) is assessed: 60 of 0.5 by 2021 is achieved."""
    def edited(st):
        st.loc[st["statement_id"] == "t_weak_schools_renovated_2021_2025", "value"] = target
        return st
    variant = _variant(plan, "t_weak_schools_renovated_2021_2025", statements=edited)
    obs = _obs([("weak_schools_renovated", 2021, 60, "test bulletin")])
    if refused:
        with pytest.raises(ValueError, match=rf"^t_weak_schools_renovated_2021_2025: a total or yearly amount target "
                                             rf"must be above 0 \(value: {target:g}\)$"):
            assess(variant, obs, as_of=2021)
    else:
        assert assess(variant, obs, as_of=2021).iloc[0]["status"] == "target_achieved"
