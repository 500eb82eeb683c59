"""Numbers written the way a planner writes them."""

import pytest

from fuxin_analysis.present.labels import (
    format_period,
    format_target,
    format_value,
    label,
)


@pytest.mark.parametrize(
    ("value", "unit", "language", "high", "expected"),
    [
        (220_000_000, "yuan", "zh", None, "2.2亿元"),
        (220_000_000, "yuan", "en", None, "220,000,000 yuan"),
        (16_559_000, "yuan", "zh", None, "1655.9万元"),
        (1_130_000, "m2", "zh", None, "113万平方米"),
        (500_000, "m2", "en", None, "500,000 m²"),
        (40_771, "person_times", "zh", None, "40771人次"),
        (95, "percent", "both", None, "95%"),
        (1, "schools", "zh", 2, "1–2所"),
        (1, "schools", "en", 2, "1–2 schools"),
        (float("nan"), "percent", "zh", None, "—"),
    ],
)
def test_format_value(value, unit, language, high, expected):
    assert format_value(value, unit, language, high) == expected


def test_format_target_and_period():
    assert format_target(">=", 95, "percent", "zh") == "≥95%"
    assert format_target("<=", 1, "count", "en") == "≤1"
    assert format_period(2020, 2020) == "2020"
    assert format_period(2016, 2020) == "2016–2020"
    assert label("学前教育", "Preschool", "both") == "学前教育 / Preschool"
    assert label("学前教育", "Preschool", "en") == "Preschool"
