"""What every notebook does first: chart style and CJK font, and table display for readers."""

from __future__ import annotations

import pandas as pd

from . import charts


def setup() -> None:
    """Charts (style, CJK font, missing glyphs as errors) and pandas display: full cell text, all rows."""
    charts.setup()
    pd.set_option("display.max_colwidth", None)
    pd.set_option("display.max_rows", 500)
    pd.set_option("display.max_columns", 50)
