"""Required paths from base to target, by hand."""

import numpy as np
import pytest

from fuxin_analysis.methods.trajectory import required_path, required_total_path


def test_linear_and_compound_paths():
    path = required_path(2020, 50, 2025, 60).set_index("year")
    assert path.loc[2020, "linear"] == 50 and path.loc[2025, "linear"] == 60
    assert path.loc[2022, "linear"] == pytest.approx(54)  # 50 + 2 × 2
    assert path.loc[2022, "compound"] == pytest.approx(50 * 1.2 ** 0.4)  # 53.7151
    assert np.isnan(path["logistic"]).all()  # no bound given


def test_logistic_path_stays_under_the_bound():
    path = required_path(2020, 98, 2025, 99.9, upper=100).set_index("year")
    assert path.loc[2020, "logistic"] == 98 and path.loc[2025, "logistic"] == 99.9
    # logit(0.98) = 3.8918, logit(0.999) = 6.9068; in 2021: expit(3.8918 + 3.0150/5) = expit(4.4948) = 0.98896
    assert path.loc[2021, "logistic"] == pytest.approx(98.896, abs=1e-3)
    assert (path["logistic"] < 100).all()


def test_total_path():
    path = required_total_path(2021, 2025, 300)
    assert path["cumulative"].tolist() == [60, 120, 180, 240, 300]


def test_target_year_must_follow_base():
    with pytest.raises(ValueError):
        required_path(2025, 1, 2020, 2)


def test_target_year_equal_to_the_base_year_is_refused_one_after_is_not():
    with pytest.raises(ValueError, match="^target year 2020 must come after base year 2020$"):
        required_path(2020, 50, 2020, 60)
    path = required_path(2020, 50, 2021, 60)  # the boundary's other side: one step
    assert path["year"].tolist() == [2020, 2021] and path["linear"].tolist() == [50, 60]
    assert path["compound"].tolist() == pytest.approx([50, 60])


@pytest.mark.parametrize(("base", "target"), [(0.0, 5.0), (5.0, 0.0), (-2.0, 3.0)])
def test_compound_is_empty_when_a_value_is_zero_or_the_signs_differ(base, target):
    path = required_path(2020, base, 2022, target)
    assert len(path) == 3 and path["compound"].isna().all() and path["compound"].dtype == np.float64
    assert path["linear"].tolist() == pytest.approx([base, (base + target) / 2, target])


def test_compound_of_two_negative_values():
    """Both below zero (a deficit to shrink): −4 → −1 over 2 years, ratio 1/4, so −4 × 0.25^0.5 = −2 halfway."""
    path = required_path(2020, -4.0, 2022, -1.0)
    assert path["compound"].tolist() == pytest.approx([-4.0, -2.0, -1.0])


def test_logistic_path_with_a_lower_bound_above_zero():
    """A bounded range [50, 100]: 60 → 90 over 2 years. Shares (60−50)/50 = 0.2 and 0.8: logit −1.3863 and 1.3863;
    halfway logit 0 → share 0.5 → 75."""
    path = required_path(2020, 60, 2022, 90, upper=100, lower=50)
    assert path["logistic"].tolist() == pytest.approx([60, 75, 90])
    default = required_path(2020, 60, 2022, 90, upper=100)  # lower 0: shares 0.6, 0.9 → logit 0.4055, 2.1972
    assert default["logistic"][1] == pytest.approx(100 / (1 + np.exp(-(0.405465 + 2.197225) / 2)), abs=1e-4)


def test_logistic_clipping_by_eps():
    """Base 100 is clipped to 1 − eps = 0.999 of the range (logit 6.9068), target 50 is 0.5 (logit 0): halfway
    expit(3.4534) = 0.96934 → 96.934; the ends stay the values given."""
    path = required_path(2020, 100, 2022, 50, upper=100)
    assert path["logistic"].tolist() == pytest.approx([100, 96.934, 50], abs=1e-3)
    wider = required_path(2020, 100, 2022, 50, upper=100, eps=1e-2)  # 0.99: logit 4.5951, halfway 0.90868
    assert wider["logistic"][1] == pytest.approx(90.868, abs=1e-3)


def test_total_path_of_one_year_and_of_a_yearly_pace():
    assert required_total_path(2025, 2025, 7)["cumulative"].tolist() == [7]
    path = required_total_path(2021, 2024, 100)
    assert path["year"].tolist() == [2021, 2022, 2023, 2024]
    assert path["cumulative"].tolist() == pytest.approx([25, 50, 75, 100])


@pytest.mark.parametrize(("base", "target", "halfway"), [
    (0.5, 2.0, 1.0),  # product exactly 1: 0.5 × 4^0.5 = 1
    (0.5, 1.0, 0.5 * 2 ** 0.5),  # product 0.5, between 0 and 1: 0.5 × 2^0.5 = 0.70711
])
def test_compound_of_a_positive_product_below_or_at_one(base, target, halfway):
    """Any positive product of base and target gives a compound path, however small."""
    path = required_path(2020, base, 2022, target)
    assert path["compound"].tolist() == pytest.approx([base, halfway, target], rel=1e-12)


def test_no_logistic_path_is_an_empty_float_column():
    """Without an upper bound the logistic column is NaN, as floats."""
    path = required_path(2020, 50, 2022, 60)
    assert path["logistic"].isna().all() and path["logistic"].dtype == np.float64


# With eps = 0.001 a share at or beyond the range's ends counts as 0.001 (logit −6.9068 = ln(1/999)) or 0.999.
# Halfway from there to the middle (share 0.5, logit 0): logit −3.4534, odds (1/999)^0.5 = 1/31.607,
# share 1/32.607 = 0.030668 → 3.0668 of 100; symmetrically 96.9332.
LOW_HALF, HIGH_HALF = 100 / (1 + 999 ** 0.5), 100 - 100 / (1 + 999 ** 0.5)


@pytest.mark.parametrize(("base", "target", "halfway"), [
    (0.0, 50.0, LOW_HALF),  # base at the lower bound, clipped up to eps
    (0.05, 50.0, LOW_HALF),  # base below eps of the range (0.0005), clipped up to eps
    (0.1, 50.0, LOW_HALF),  # base exactly at eps of the range (0.001): unchanged
    # base just inside (share 0.01, logit ln(1/99)): halfway odds (1/99)^0.5 → 100/(1 + 99^0.5) = 9.1325
    (1.0, 50.0, 100 / (1 + 99 ** 0.5)),
    (50.0, 0.0, LOW_HALF),  # target at the lower bound
    (50.0, 100.0, HIGH_HALF),  # target at the upper bound, clipped down to 1 − eps
    (50.0, 99.95, HIGH_HALF),  # target beyond 1 − eps of the range (0.9995)
    (50.0, 99.0, 100 - 100 / (1 + 99 ** 0.5)),  # target just inside (share 0.99): 90.8675
])
def test_logistic_clipping_at_both_ends(base, target, halfway):
    """The logit of a share at (or beyond) 0 or 1 is taken at eps or 1 − eps, so the path stays finite; the ends
    are the values given."""
    path = required_path(2020, base, 2022, target, upper=100)
    assert path["logistic"].tolist() == pytest.approx([base, halfway, target], rel=1e-9)
