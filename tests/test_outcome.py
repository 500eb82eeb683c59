"""The final evaluation (``outcome``), worked by hand on the shipped plan: each value, its order of precedence, a
target met early, a total met before the period ends, and ``probability_met`` of exactly 1 and 0 once known."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from fuxin_analysis import assess
from fuxin_analysis.methods.progress import COLUMNS, OUTCOMES, judged_in, outcome

HS = "t_hs_ger_2025"  # hs_ger: 98 in 2020 (the plan), target "= 99" in 2025, higher is better
HEAD = "t_excellent_head_teachers_2021_2025"  # 300 head teachers over 2021–2025
TRAINING = "t_voc_skills_training_per_year"  # at least 10,000 person-times a year on average over 2021–2025
PROJECTION = ["projected_value", "projected_low_80", "projected_high_80"]


def _row(plan, rows, statement, as_of=None, today=date(2026, 11, 29)):
    obs = pd.DataFrame(rows, columns=["indicator_id", "year", "value", "source"])
    return assess(plan, obs, as_of=as_of, today=today).set_index("statement_id").loc[statement]


def _hs(*pairs):
    return [("hs_ger", y, v, "test bulletin") for y, v in pairs]


def test_outcome_is_the_last_column_after_the_27_others():
    assert COLUMNS[-1] == "outcome" and len(COLUMNS) == 28
    assert COLUMNS[:3] == ["statement_id", "indicator_id", "name_zh"] and COLUMNS[26] == "status_en"


def test_met_once_the_target_year_is_observed(plan):
    row = _row(plan, _hs((2023, 98.6), (2025, 99.0)), HS)
    assert row["outcome"] == "met" and row["probability_met"] == 1.0  # 99.0 meets "= 99" exactly
    assert row[PROJECTION].isna().all()
    assert row["status"] == "target_achieved"  # the status keeps its Open SDG code


def test_not_met_once_the_target_year_is_observed(plan):
    row = _row(plan, _hs((2023, 98.6), (2025, 98.9)), HS)
    assert row["outcome"] == "not_met" and row["probability_met"] == 0.0
    assert row[PROJECTION].isna().all()
    # status still from the Open SDG ratio: CAGR (98.9/98)^(1/5) − 1 = 0.00183002 over (99/98)^(1/5) − 1 = 0.00203253
    assert row["cagr_ratio"] == pytest.approx(0.900365, abs=1e-5) and row["status"] == "moderate_progress"


def test_a_level_met_early_stays_open_until_its_year(plan):
    # 99.2 in 2023 already meets 99: the status says achieved, but the 2025 value decides the outcome
    early = _row(plan, _hs((2022, 98.8), (2023, 99.2)), HS, as_of=2023)
    assert early["status"] == "target_achieved" and early["outcome"] == "open"
    assert 0 < early["probability_met"] < 1 and not np.isnan(early["projected_value"])
    # in 2026 with 2025 still unpublished: pending, and still a probability
    later = _row(plan, _hs((2022, 98.8), (2023, 99.2)), HS)
    assert later["outcome"] == "pending" and 0 < later["probability_met"] < 1


@pytest.mark.parametrize("as_of, expected", [(2024, "open"), (2025, "pending")])
def test_open_before_the_target_year_pending_from_it(plan, as_of, expected):
    assert _row(plan, _hs((2022, 98.8), (2023, 98.9)), HS, as_of=as_of)["outcome"] == expected


@pytest.mark.parametrize("year, expected", [(2025, "pending"), (2024, "open")])
def test_as_of_none_is_judged_in_today_s_year(plan, year, expected):
    row = _row(plan, _hs((2022, 98.8), (2023, 98.9)), HS, today=date(year, 6, 1))
    assert row["outcome"] == expected
    assert judged_in(None, date(year, 6, 1)) == year and judged_in(2023, date(year, 6, 1)) == 2023


def test_no_data_comes_before_pending(plan):
    # only the plan's 2020 figure: nothing observed after the baseline, although 2025 has passed
    row = _row(plan, [], HS)
    assert row["outcome"] == "no_data" and row["status"] == "not_available"


def test_a_later_observation_hidden_by_as_of_does_not_count(plan):
    row = _row(plan, _hs((2025, 99.5)), HS, as_of=2024)
    assert row["outcome"] == "no_data"  # 2025 is after as_of; nothing else after the base


def _head(*pairs):
    return [("excellent_head_teachers", y, v, "test bulletin") for y, v in pairs]


def test_a_total_met_before_the_period_ends(plan):
    # 120 + 100 + 90 = 310 ≥ 300 by 2023: met, two years early, however 2024 and 2025 turn out
    row = _row(plan, _head((2021, 120), (2022, 100), (2023, 90)), HEAD, as_of=2023)
    assert row["outcome"] == "met" and row["probability_met"] == 1.0 and np.isnan(row["projected_value"])


@pytest.mark.parametrize("amounts, expected", [((60, 60, 60, 60, 60), "met"), ((60, 60, 60, 60, 59), "not_met")])
def test_a_total_with_every_year_observed(plan, amounts, expected):
    # 300 exactly is met; 299 is not
    row = _row(plan, _head(*zip(range(2021, 2026), amounts, strict=True)), HEAD)
    assert row["outcome"] == expected and row["probability_met"] == float(expected == "met")


def test_a_total_short_with_a_year_missing_is_pending(plan):
    # 2021–2024 observed (240), 2025 not yet: 2026 has come, so pending; in 2024 it was open
    rows = _head((2021, 60), (2022, 60), (2023, 60), (2024, 60))
    assert _row(plan, rows, HEAD)["outcome"] == "pending"
    assert _row(plan, rows, HEAD, as_of=2024)["outcome"] == "open"


def test_a_total_without_amounts_is_no_data(plan):
    assert _row(plan, [], HEAD)["outcome"] == "no_data"


def test_a_yearly_average_met_once_its_total_is_reached(plan):
    # 10,000 a year over 5 years is 50,000: 26,000 + 25,000 = 51,000 by 2022 → met early
    rows = [("voc_skills_training", 2021, 26000, "test bulletin"), ("voc_skills_training", 2022, 25000, "test bulletin")]
    assert _row(plan, rows, TRAINING, as_of=2022)["outcome"] == "met"
    # 9,999 in each of the five years: the average is short, every year observed → not met
    rows = [("voc_skills_training", y, 9999, "test bulletin") for y in range(2021, 2026)]
    assert _row(plan, rows, TRAINING)["outcome"] == "not_met"


@pytest.mark.parametrize("kind, years, values, direction, expected", [
    ("rate", [2020, 2025], [90.0, 95.0], -1, "not_met"),  # lower is better: 95 > 92
    ("rate", [2020, 2025], [90.0, 91.0], -1, "met"),
    ("flow_total", [2021, 2022], [50.0, 50.0], -1, "not_met"),  # at most 92 over the period: 100 already passes it
    ("flow_total", [2021, 2022], [40.0, 50.0], -1, "open"),  # 90 so far: not final while years remain
])
def test_lower_is_better(kind, years, values, direction, expected):
    got = outcome(kind, np.array(years, float), np.array(values, float), 92.0, direction, 2021, 2025, 2020, 2023)
    assert got == expected


def test_every_outcome_is_named():
    assert set(OUTCOMES) == {"met", "not_met", "pending", "open", "no_data"}


def test_shortfall_of_a_target_not_met_by_hand(plan):
    from fuxin_analysis.present.tables import (
        outcome_headline,
        outcome_summary,
        shortfalls,
    )

    obs = pd.DataFrame(_hs((2025, 98.5)), columns=["indicator_id", "year", "value", "source"])
    a = assess(plan, obs, today=date(2026, 1, 1))
    # 98 → 98.5 over 2020–2025: 0.1 a year achieved against (99 − 98)/5 = 0.2 required, half; 0.5 points short
    row = shortfalls(a, "en").iloc[0]
    assert row.tolist() == ["99% (2025)", "98.5%", "0.5%", "0.1", "0.2", "50%"]
    assert len(shortfalls(a, "en")) == 1
    summary = outcome_summary(a, "en")
    assert summary.loc["Senior secondary", "Not met"] == 1 and summary.loc["All domains", "Total"] == len(a)
    assert "1 not met" in outcome_headline(a, 2026, "en")


@pytest.mark.parametrize("amounts, now, expected", [
    # 12 in 2021, 2022, 2024 and 2025, 2023 missing: 48 of the 10 × 5 = 50 the period needs, one year unknown
    ({2021: 12.0, 2022: 12.0, 2024: 12.0, 2025: 12.0}, 2026, "pending"),
    ({2021: 12.0, 2022: 12.0, 2024: 12.0}, 2024, "open"),
    # the missing year found, 2 in 2023: 50 reaches the 50 exactly → met
    ({2021: 12.0, 2022: 12.0, 2023: 2.0, 2024: 12.0, 2025: 12.0}, 2026, "met"),
    # every year observed, 49.5 in all → not met
    ({2021: 12.0, 2022: 12.0, 2023: 1.5, 2024: 12.0, 2025: 12.0}, 2026, "not_met"),
])
def test_a_yearly_average_with_a_year_missing_is_judged_on_the_period_s_total(amounts, now, expected):
    """A yearly average of at least 10 over 2021–2025 is met once the period's total reaches 10 × 5 = 50; an average of
    12 over the years observed does not settle it while a year of the period is unknown."""
    years = np.array(list(amounts), float)
    values = np.array(list(amounts.values()))
    assert outcome("flow_per_year", years, values, 10.0, 1, 2021, 2025, 2020, now) == expected
