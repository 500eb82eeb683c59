"""The evaluation of the projection methods as readers see it: the plain-text report of ``python -m fuxin_analysis
evaluate``, notebook 02's paragraph and its table of the series scored. The figures come from
:func:`fuxin_analysis.methods.evaluation.evaluate`; nothing is computed here but their wording."""

from __future__ import annotations

import pandas as pd

from ..methods.evaluation import OLS_T, summary_table
from ..methods.projection import DEFAULT_METHOD, MAX_HORIZON, method_label
from .labels import label


def format_report(result: dict[str, pd.DataFrame], by_horizon: bool = False) -> str:
    """The evaluation as plain text: what was scored, the table, the selection and the calibration."""
    used, left = result["series"], result["left_out"]
    table = summary_table(result) if not by_horizon else result["scores"]
    points = len(result["forecasts"]) // max(result["forecasts"]["method"].nunique(), 1)
    lines = [
        (f"Rolling-origin evaluation: {used['series_id'].nunique()} real series, {points} forecast points per method, "
         f"horizons 1–{MAX_HORIZON} years; intervals and Brier scores leave each series out."),
        table.to_string(index=False, float_format=lambda v: f"{v:.3f}"),
        "",
        "Chosen leaving each series out: " + ", ".join(
            f"{m} {n}×" for m, n in result["selection"]["chosen"].value_counts().items()),
        f"Default method: {DEFAULT_METHOD}.",
        "Coverage of the central intervals (nominal → observed):",
        result["coverage"].to_string(index=False, float_format=lambda v: f"{v:.3f}"),
    ]
    if len(left):
        lines += ["", "Series left out: " + "; ".join(f"{r.series_id} ({r.reason})" for r in left.itertuples())]
    return "\n".join(lines)


def describe(result: dict[str, pd.DataFrame], language: str = "both") -> str:
    """A paragraph for notebook 02: what was scored, the method chosen and why, and how well its interval held."""
    table = summary_table(result).set_index("method")
    used = result["series"]
    points = int(table.loc[DEFAULT_METHOD, "points"])
    mae, two = table.loc[DEFAULT_METHOD, "mae"], table.loc["two_point", "mae"]
    cov, ols_cov = table.loc[DEFAULT_METHOD, "coverage_80"], table.loc[OLS_T, "coverage_80"]
    best = table.drop(index=[OLS_T, "chosen leaving each series out"])["mae"].idxmin()
    chosen = result["selection"]["chosen"].value_counts()
    picks_zh = "、".join(f"{method_label(m, 'zh')} {n} 次" for m, n in chosen.items())
    picks_en = ", ".join(f"{method_label(m, 'en')} {n}×" for m, n in chosen.items())
    zh = (f"共 {used['series_id'].nunique()} 条真实序列、每种方法 {points} 个预测点（1–{MAX_HORIZON} 年）。"
          f"默认方法为**{method_label(DEFAULT_METHOD, 'zh')}**：平均绝对误差 {mae:.2f} 个百分点（两点直线外推 {two:.2f}；"
          f"误差最小的方法为{method_label(best, 'zh')}，{table.loc[best, 'mae']:.2f}）。留一序列选择时，各方法被选中：{picks_zh}。"
          f"组合预测在短序列上比单一模型更稳健（FPP3 §13.4），因此在误差相近时选择组合。"
          f"其80%共形区间在留一序列检验中覆盖了 {cov:.0%} 的结果（旧方法OLS t区间为 {ols_cov:.0%}）。")
    en = (f"{used['series_id'].nunique()} real series, {points} forecast points per method (1–{MAX_HORIZON} years ahead). "
          f"The default method is **{method_label(DEFAULT_METHOD, 'en')}**: mean absolute error {mae:.2f} points (the line "
          f"through the last two points: {two:.2f}; the lowest, {method_label(best, 'en')}: {table.loc[best, 'mae']:.2f}). "
          f"Chosen leaving each series out: {picks_en}. A combination is steadier than any single model on short series "
          f"(FPP3 §13.4), so it is preferred when the errors are close. Its 80% conformal interval held {cov:.0%} of the "
          f"outcomes, each series left out of its own calibration (the earlier OLS t interval: {ols_cov:.0%}).")
    return {"zh": zh, "en": en}.get(language, zh + "\n\n" + en)


def series_table(result: dict[str, pd.DataFrame], language: str = "both") -> pd.DataFrame:
    """The series scored, one row each: region, indicator, years, number of values and their sources' titles."""
    rows = []
    for sid, g in result["series"].groupby("series_id", sort=True):
        first = g.iloc[0]
        rows.append({
            label("序列", "Series", language): sid,
            label("地区", "Region", language): label(first["region_zh"], first["region_en"], language),
            label("指标", "Indicator", language): label(first["name_zh"], first["name_en"], language),
            label("年份", "Years", language): f"{g['year'].min()}–{g['year'].max()}",
            label("数值个数", "Values", language): len(g),
            label("来源", "Sources", language): "; ".join(dict.fromkeys(g["source"])),
        })
    return pd.DataFrame(rows).set_index(label("序列", "Series", language))
