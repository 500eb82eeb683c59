from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parent.parent
PLAN_DIR = ROOT / "data" / "plans" / "fuxin_14th"


@pytest.fixture(scope="session")
def plan():
    from fuxin_analysis import load_plan

    return load_plan(PLAN_DIR)
