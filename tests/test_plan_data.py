"""The shipped plan folder: every statement traced to the plan's words, and key values checked by hand."""

import csv
import hashlib
import re
from collections import Counter

import pytest

from fuxin_analysis.data.plan import DOMAINS
from fuxin_analysis.data.provenance import value_is_stated

from .conftest import PLAN_DIR, ROOT

SEED = ROOT.parent / "shared" / "seed" / "000_f4f6b133bdf2119e.txt"


def _rows(name):
    with open(PLAN_DIR / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


STATEMENTS = _rows("statements.csv")
INDICATORS = {r["indicator_id"]: r for r in _rows("indicators.csv")}
SOURCE = re.sub(r"\s", "", (PLAN_DIR / "source.txt").read_text(encoding="utf-8"))


@pytest.mark.skipif(not SEED.exists(), reason="shared/seed not present beside the project")
def test_source_is_the_seed_unchanged():
    assert hashlib.sha256((PLAN_DIR / "source.txt").read_bytes()).digest() == hashlib.sha256(SEED.read_bytes()).digest()


@pytest.mark.parametrize("row", STATEMENTS, ids=lambda r: r["statement_id"])
def test_quote_occurs_in_source(row):
    assert re.sub(r"\s", "", row["source_quote"]) in SOURCE


@pytest.mark.parametrize("row", STATEMENTS, ids=lambda r: r["statement_id"])
def test_value_is_what_the_quote_states(row):
    assert row["value"], "every listed statement has a number"
    assert value_is_stated(float(row["value"]), row["source_quote"], row["unit"])
    if row["value_high"]:
        assert value_is_stated(float(row["value_high"]), row["source_quote"], row["unit"])


@pytest.mark.parametrize("row", STATEMENTS, ids=lambda r: r["statement_id"])
def test_indicator_exists_with_the_same_unit(row):
    assert row["indicator_id"] in INDICATORS
    assert INDICATORS[row["indicator_id"]]["unit"] == row["unit"]


def test_ids_are_unique_and_snake_case():
    ids = [r["statement_id"] for r in STATEMENTS]
    assert len(ids) == len(set(ids))
    assert len(INDICATORS) == len(_rows("indicators.csv"))
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", i) for i in [*ids, *INDICATORS])


def test_domains_and_percent_bounds():
    for ind in INDICATORS.values():
        assert ind["domain"] in DOMAINS
        if ind["unit"] == "percent":
            # a share of a whole within [0, 100]; a gross ratio up to its plausibility cap
            assert (ind["lower_bound"], ind["upper_bound"]) == ("0", "150" if ind["kind"] == "gross_ratio" else "100")


# Worked by hand from the plan's sentences (section 一（一） unless noted): value in base units.
HAND_CHECKED = {
    "b_preschool_ger_2020": ("2020", "=", 95),  # 学前教育三年毛入园率达到95%
    "b_compulsory_consolidation_2020": ("2020", "=", 99),  # 义务教育巩固率达到99%
    "b_hs_ger_2020": ("2020", "=", 98),  # 高中阶段毛入学率达到98%
    "b_student_aid_funds_13th": ("2016-2020", "=", 220_000_000),  # 2.2亿元 = 2.2 × 100,000,000
    "b_student_aid_recipients_13th": ("2016-2020", "=", 230_000),  # 23万人次 = 23 × 10,000
    "b_tuition_waiver_amount_13th": ("2016-2020", "=", 78_470_000),  # 7847万元
    "b_student_loan_recipients_13th": ("2016-2020", "=", 32_000),  # 3.2万人
    "b_student_loan_amount_13th": ("2016-2020", "=", 203_000_000),  # 2.03亿元
    "b_school_toilet_investment_2020": ("2020", "=", 16_559_000),  # 1655.9万元, in 2020 alone
    "b_weak_school_new_building_area_13th": ("2016-2020", "=", 143_300),  # 14.33万平方米
    "b_school_building_repair_area_13th": ("2016-2020", "=", 1_130_000),  # 113万平方米
    "b_voc_enrolment_2020": ("2020", "=", 15_000),  # 1.5万人
    "b_excellent_head_teachers_13th": ("2016-2020", "=", 165),
    "b_voc_share_senior_secondary_2020": ("2020", "=", 30),  # 职普比 3:7 → 3/10
    "t_voc_share_senior_secondary_2025": ("2025", "=", 40),  # 4:6 → 4/10
    "t_preschool_ger_2025": ("2025", ">=", 95),  # 95%以上
    "t_hs_ger_2025": ("2025", "=", 99),
    "t_excellent_head_teachers_2021_2025": ("2021-2025", "=", 300),  # 二（四）9(3)
    "t_school_building_repair_area_2021_2025": ("2021-2025", "=", 500_000),  # 50万平方米, 二（四）11
    "t_weak_schools_renovated_2021_2025": ("2021-2025", "=", 100),
    "t_voc_skills_training_per_year": ("2021-2025", ">=", 10_000),  # 年均 1万人次以上
    "t_fuxin_college_enrolment_2025": ("2025", ">=", 10_000),  # 1万人以上, 二（四）6
    "t_township_central_kg_3star_2025": ("2025", ">=", 1),  # 至少…一所
    "t_teacher_pay_vs_civil_servants_2025": ("2025", ">=", 1),  # 不低于 → ratio ≥ 1
    "t_service_visits_max_2025": ("2025", "<=", 1),  # 最多跑一次
}


@pytest.mark.parametrize("sid", HAND_CHECKED)
def test_hand_checked_values(sid):
    row = next(r for r in STATEMENTS if r["statement_id"] == sid)
    period, comparator, value = HAND_CHECKED[sid]
    start, _, end = period.partition("-")
    assert (row["period_start"], row["period_end"]) == (start, end or start)
    assert row["comparator"] == comparator
    assert float(row["value"]) == value


def test_range_target_one_to_two_schools():
    row = next(r for r in STATEMENTS if r["statement_id"] == "t_high_level_voc_schools_2021_2025")
    assert (row["comparator"], float(row["value"]), float(row["value_high"])) == ("range", 1, 2)


def test_coverage_per_role_and_domain():
    roles = Counter(r["role"] for r in STATEMENTS)
    assert roles["baseline"] >= 45 and roles["target"] >= 30
    covered = {INDICATORS[r["indicator_id"]]["domain"] for r in STATEMENTS}
    assert covered == set(DOMAINS)


def test_loader_accepts_the_shipped_plan(plan):
    assert len(plan.statements) == len(STATEMENTS)
    assert len(plan.indicators) == len(INDICATORS)
    assert plan.meta.period_start == 2021 and plan.meta.period_end == 2025 and plan.meta.baseline_year == 2020
