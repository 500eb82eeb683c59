"""Required paths from base to target, by hand."""

import numpy as np
import pytest

from fuxin_analysis.trajectory import required_path, required_total_path


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
