"""Charts for the notebooks, labelled in Chinese, English or both, with a font that covers Chinese."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..data.plan import DOMAINS, FLOW_KINDS, Plan
from ..methods.progress import STATUS_COLORS
from .fonts import missing_glyphs_are_errors, register_cjk_font
from .labels import Language, domain_name, format_value, label, scenario_label

BASELINE_COLOR = "#8c8c8c"
TARGET_COLOR = "#c0392b"


def setup() -> None:
    """Style, the CJK font, and missing glyphs as errors: call once before drawing.

    The style is seaborn's "whitegrid" as matplotlib ships it (``seaborn-v0_8-whitegrid``), so that drawing a
    chart does not import seaborn and scipy in every kernel; seaborn stays available for exploring.
    """
    plt.style.use("seaborn-v0_8-whitegrid")
    register_cjk_font()
    plt.rcParams["figure.dpi"] = 100
    plt.rcParams["savefig.bbox"] = "tight"
    plt.rcParams["axes.titley"] = 1.0
    missing_glyphs_are_errors()


def literal(text: str) -> str:
    """User-supplied text as matplotlib draws it literally: every ``$`` escaped, so that none starts mathtext.

    Text from a plan (indicator names) enters a chart only through this function, via :func:`indicator_label`.
    """
    return text.replace("$", r"\$")


def indicator_label(name_zh: str, name_en: str, language: Language, width: int = 48) -> str:
    """An indicator's name for an axis: both languages on two lines, English wrapped; drawn literally (no mathtext)."""
    if language == "zh":
        return literal(name_zh)
    en = textwrap.shorten(name_en, width=width * 2, placeholder="…")
    en = "\n".join(textwrap.wrap(en, width=width))
    return literal(en if language == "en" else f"{name_zh}\n{en}")


def _mark_domains(ax: plt.Axes, domains: list[str], y: np.ndarray, language: Language) -> None:
    """Separate rows of different domains with a line and name each domain at the right edge."""
    for i, dom in enumerate(domains):
        if i == 0 or dom != domains[i - 1]:
            if i:
                ax.axhline(y[i] + 0.5, color="#444444", lw=0.8)
            ax.text(1.01, y[i], domain_name(dom, language, sep="\n"), transform=ax.get_yaxis_transform(),
                    fontsize=8, va="top", color="#444444")


#: Inches kept below the axes of a chart for a one-row legend under its axis label.
LEGEND_ROOM = 0.35


def _years(plan: Plan | None) -> tuple[str, str, str]:
    """The plan's base year, target year and baseline period as labels name them ("", "", "" without a plan)."""
    if plan is None:
        return "", "", ""
    return str(plan.meta.baseline_year), str(plan.meta.period_end), plan.meta.baseline_period.replace("-", "–")


def rates_chart(table: pd.DataFrame, language: Language = "both", plan: Plan | None = None) -> Figure:
    """Percentages: the base-year level (grey dot) and the target (red mark), one row per indicator, by domain;
    ``plan`` names the years (its baseline year and period end). A gross ratio may pass 100: the axis shows it.

    ``table`` is :func:`fuxin_analysis.present.tables.baseline_target_table`; rows without a percentage unit are ignored.
    """
    base, end, _ = _years(plan)
    rates = table[table["unit"] == "percent"].reset_index(drop=True)
    n = len(rates)
    height = 0.62 * n + 2.0
    fig, ax = plt.subplots(figsize=(10, height))
    y = np.arange(n)[::-1]
    for yi, (_, r) in zip(y, rates.iterrows(), strict=True):
        b, t = r["baseline_value"], r["target_value"]
        if pd.notna(b) and pd.notna(t):
            ax.plot([b, t], [yi, yi], color="#bbbbbb", lw=2, zorder=1)
        if pd.notna(b):
            ax.scatter(b, yi, s=70, color=BASELINE_COLOR, zorder=2)
            if pd.notna(r["baseline_value_high"]):
                ax.plot([b, r["baseline_value_high"]], [yi, yi], color=BASELINE_COLOR, lw=4, zorder=2)
        if pd.notna(t):
            marker = ">" if r["target_comparator"] == ">=" else "D"
            ax.scatter(t, yi, s=70, color=TARGET_COLOR, marker=marker, zorder=3)
            ax.annotate(format_value(t, "percent", language), (t, yi), xytext=(6, 4), textcoords="offset points",
                        fontsize=8, color=TARGET_COLOR)
    ax.set_yticks(y)
    ax.set_yticklabels([indicator_label(z, e, language) for z, e in zip(rates["name_zh"], rates["name_en"],
                                                                         strict=True)], fontsize=8)
    _mark_domains(ax, rates["domain"].to_list(), y, language)
    shown = rates[["baseline_value", "baseline_value_high", "target_value"]].to_numpy(float)
    ax.set_xlim(min(30, float(np.nanmin(shown)) - 5), max(103, float(np.nanmax(shown)) + 3))
    ax.set_xlabel(label("百分比（%）", "percent", language))
    handles = [
        plt.Line2D([], [], marker="o", ls="", color=BASELINE_COLOR,
                   label=label(f"{base}年水平" if base else "基线水平", f"{base} level" if base else "base level", language)),
        plt.Line2D([], [], marker="D", ls="", color=TARGET_COLOR,
                   label=label(f"{end}年目标" if end else "目标", f"{end} target" if end else "target", language)),
        plt.Line2D([], [], marker=">", ls="", color=TARGET_COLOR,
                   label=label(f"{end}年目标（以上）" if end else "目标（以上）",
                               f"{end} target (or more)" if end else "target (or more)", language)),
    ]
    fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.0), ncol=3, fontsize=8)
    ax.set_title(label(f"比率类指标：{base}年水平与{end}年目标" if base else "比率类指标：基线水平与目标",
                       f"Rates: {base} level and {end} target" if base else "Rates: base level and target", language))
    fig.tight_layout(rect=(0, LEGEND_ROOM / height, 1, 1))  # the legend's row at the bottom, below the axis label
    return fig


def pace_chart(table: pd.DataFrame, language: Language = "both", plan: Plan | None = None) -> Figure:
    """Totals over a period: the yearly pace the target needs against the pace achieved in the baseline period
    (``plan``'s, e.g. 2016–2020).

    One bar per indicator with both figures: the ratio of the two paces (1 = the same pace as before),
    annotated with both yearly amounts.
    """
    rows = table[table["pace_ratio"].notna()].sort_values("pace_ratio").reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(10, 0.75 * len(rows) + 1.6))
    colors = [TARGET_COLOR if r > 1 else BASELINE_COLOR for r in rows["pace_ratio"]]
    ax.barh(np.arange(len(rows)), rows["pace_ratio"], color=colors)
    ax.axvline(1, color="black", lw=1, ls="--")
    per_year = label("年", "yr", language, sep="/") if language != "both" else "/年"
    for i, r in rows.iterrows():
        text = (f"{format_value(r['target_per_year'], r['unit'], language)}{per_year}"
                f" vs {format_value(r['baseline_per_year'], r['unit'], language)}{per_year}")
        ax.annotate(f"{r['pace_ratio']:.2f}×  ({text})", (r["pace_ratio"], i), xytext=(5, 0),
                    textcoords="offset points", va="center", fontsize=8)
    ax.set_yticks(np.arange(len(rows)))
    ax.set_yticklabels([indicator_label(z, e, language, 40) for z, e in zip(rows["name_zh"], rows["name_en"],
                                                                             strict=True)], fontsize=8)
    ax.set_xlim(0, rows["pace_ratio"].max() * 1.6 if len(rows) else 2)
    period = _years(plan)[2]
    zh, en = (f"{period}年", period) if period else ("基线期", "baseline-period")
    ax.set_xlabel(label(f"所需年均进度 ÷ {zh}年均进度", f"pace needed ÷ {en} pace", language))
    ax.set_title(label(f"累计类目标：所需年均进度与{zh}对比", f"Totals: yearly pace needed vs {en}", language))
    fig.tight_layout()
    return fig


def counts_chart(plan: Plan, language: Language = "both") -> Figure:
    """The plan's statements per domain and role, as stacked horizontal bars."""
    st = plan.statements_long()
    counts = pd.crosstab(st["domain"], st["role"])
    data = counts.loc[[d for d in DOMAINS if d in counts.index]]
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(data) + 1.5))
    left = np.zeros(len(data))
    names = {"baseline": label("基线", "baseline", language), "target": label("目标", "target", language)}
    for role, color in (("baseline", BASELINE_COLOR), ("target", TARGET_COLOR)):
        values = data.get(role, pd.Series(0, index=data.index)).to_numpy()
        ax.barh(np.arange(len(data)), values, left=left, color=color, label=names[role])
        left += values
    ax.set_yticks(np.arange(len(data)))
    ax.set_yticklabels([domain_name(d, language) for d in data.index], fontsize=9)
    ax.invert_yaxis()
    ax.set_xlabel(label("量化表述条数", "quantified statements", language))
    ax.legend(loc="lower right")
    ax.set_title(label("规划中的量化表述（按领域）", "The plan's quantified statements by domain", language))
    fig.tight_layout()
    return fig


#: Room around each panel of a grid, in inches: tick labels left and below, a title of up to four lines above.
GRID_MARGINS = {"left": 0.6, "right": 0.15, "top": 0.72, "bottom": 0.35}


def _grid(n: int, ncols: int, panel: tuple[float, float]) -> tuple[Figure, np.ndarray, int]:
    """A figure of small multiples for ``n`` panels of ``panel`` inches each: (figure, axes, columns used).

    The spacing is fixed in inches (``GRID_MARGINS``) rather than measured by ``tight_layout``: measuring every
    tick label of every panel took most of the time of drawing a grid, and the panels' content is known.
    """
    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)
    (w, h), m = panel, GRID_MARGINS
    width, height = w * ncols, h * nrows
    axes_w, axes_h = w - m["left"] - m["right"], h - m["top"] - m["bottom"]
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, height), squeeze=False, gridspec_kw={
        "left": m["left"] / width, "right": 1 - m["right"] / width,
        "top": 1 - m["top"] / height, "bottom": m["bottom"] / height,
        "wspace": (m["left"] + m["right"]) / axes_w, "hspace": (m["top"] + m["bottom"]) / axes_h})
    return fig, axes, ncols


def _finish_grid(fig: Figure, axes: np.ndarray, used: int, legend_columns: int) -> Figure:
    """Hide the unused panels and gather every panel's legend entries into one legend below the grid."""
    for ax in list(axes.flat)[used:]:
        ax.set_visible(False)
    handles: dict[str, object] = {}
    for ax in axes.flat:
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            handles.setdefault(lab, h)
    # hangs below the figure's edge; the saved image is cropped to its content (savefig.bbox = "tight")
    fig.legend(list(handles.values()), list(handles.keys()), loc="upper center", ncol=legend_columns, fontsize=8,
               bbox_to_anchor=(0.5, 0.0))
    return fig


PATH_STYLES = {"linear": ("--", "线性", "linear"), "compound": (":", "复合增长", "compound"),
               "logistic": ("-.", "逻辑斯蒂", "logistic")}
OBSERVED_COLOR = "#1f77b4"


def _projection(series: pd.DataFrame, until: int, lower: float | None, upper: float | None,
                method: str | None = None) -> pd.DataFrame:
    """The scorecard's projection path from the latest observation to ``until`` (calibrated band for bounded rates
    with enough observations, as in :func:`fuxin_analysis.assess`)."""
    from ..methods.projection import MIN_POINTS, projection_path

    series = series.drop_duplicates("year")  # the plan's figure where both exist, as assess counts it
    years, values = series["year"].to_numpy(float), series["value"].to_numpy(float)
    calibration = None
    if upper is not None and len(series) >= MIN_POINTS:
        from ..methods.evaluation import calibration as calibrate

        calibration = calibrate(method) if method else calibrate()
    return projection_path(years, values, until, lower, upper, method=method, calibration=calibration)


def _level_panel(ax: plt.Axes, st: pd.Series, series: pd.DataFrame, row: pd.Series, language: Language,
                 method: str | None = None) -> None:
    from ..methods.trajectory import required_path

    target, target_year = row["target_value"], int(row["target_year"])
    from ..methods.projection import projection_bounds

    # a share's paths and projection are logistic within its bounds; a gross ratio has no ceiling for the required
    # path, and is projected below a ceiling set by its own values (projection.GROSS_MARGIN)
    share = st["kind"] in ("rate", "ratio") and pd.notna(st["upper_bound"])
    if pd.notna(row["baseline_value"]) and row["baseline_year"] < target_year:
        path = required_path(int(row["baseline_year"]), row["baseline_value"], target_year, target,
                             st["upper_bound"] if share else None)
        for name, (ls, zh, en) in PATH_STYLES.items():
            if path[name].notna().all():
                ax.plot(path["year"], path[name], ls=ls, color=TARGET_COLOR, lw=1, alpha=0.8,
                        label=label(f"所需路径（{zh}）", f"required path ({en})", language))
    if len(series) >= 2 and row["outcome"] not in ("met", "not_met"):
        lower, upper = projection_bounds(str(st["kind"]), st["lower_bound"], st["upper_bound"],
                                         series["value"].to_numpy(float))
        path = _projection(series, target_year, lower, upper, method)
        if len(path) > 1:
            ax.plot(path["year"], path["value"], color=OBSERVED_COLOR, lw=1.2, ls=(0, (4, 2)),
                    label=label("预测", "projection", language))
        if path["low_80"].notna().any():
            ax.fill_between(path["year"], path["low_80"], path["high_80"], color=OBSERVED_COLOR, alpha=0.15,
                            label=label("80%预测区间（经校准）", "80% interval (calibrated)", language))
    plan_pts = series[series["origin"] == "plan"]
    obs_pts = series[series["origin"] == "observed"]
    if len(plan_pts):
        ax.scatter(plan_pts["year"], plan_pts["value"], color=BASELINE_COLOR, zorder=3,
                   label=label("规划基线", "plan baseline", language))
    if len(obs_pts):
        ax.scatter(obs_pts["year"], obs_pts["value"], color=OBSERVED_COLOR, zorder=3,
                   label=label("观测值", "observed", language))
    ax.scatter([target_year], [target], marker="D", color=TARGET_COLOR, zorder=4, label=label("目标", "target", language))


def _flow_panel(ax: plt.Axes, st: pd.Series, series: pd.DataFrame, row: pd.Series, language: Language) -> None:
    from ..methods.trajectory import required_total_path

    start, end = int(st["period_start"]), int(row["target_year"])
    # a yearly average (年均) is drawn as the total it implies over the period
    years = end - start + 1 if st["kind"] == "flow_per_year" else 1
    total = row["target_value"] * years
    path = required_total_path(start, end, total)
    ax.plot(path["year"], path["cumulative"], ls="--", color=TARGET_COLOR, lw=1,
            label=label("所需累计（均匀进度）", "required running total (even pace)", language))
    inside = series[(series["year"] >= start) & (series["year"] <= end)].sort_values("year")
    if len(inside):
        ax.plot(inside["year"], inside["value"].cumsum(), marker="o", color=OBSERVED_COLOR,
                label=label("观测累计", "observed running total", language))
    if pd.notna(row["projected_value"]):
        projected, low, high = (row[c] * years for c in ("projected_value", "projected_low_80", "projected_high_80"))
        yerr = None if pd.isna(low) else [[projected - low], [high - projected]]
        ax.errorbar([end], [projected], yerr=yerr, fmt="s", color=OBSERVED_COLOR, capsize=3,
                    label=label("预测总量", "projected total", language))
    ax.scatter([end], [total], marker="D", color=TARGET_COLOR, zorder=4, label=label("目标", "target", language))


def trajectory_panels(plan: Plan, data: pd.DataFrame, assessment: pd.DataFrame, language: Language = "both",
                      ncols: int = 3, empty_totals: bool = False) -> Figure | None:
    """One panel per target of ``assessment`` that has something to draw: required paths from the base to the
    target (linear, compound, logistic for bounded rates), observations, the trend with its 80% band; for
    totals, the running total against an even pace (only once a yearly amount is observed, unless
    ``empty_totals``). ``data`` is :func:`fuxin_analysis.data.observations.load`. None when nothing is drawable."""
    statements = plan.targets().set_index("statement_id")
    drawable = []
    for _, row in assessment.iterrows():
        st = statements.loc[row["statement_id"]]
        series = data[data["indicator_id"] == row["indicator_id"]].sort_values("year")
        if st["kind"] in FLOW_KINDS:
            in_period = series[(series["year"] >= st["period_start"]) & (series["year"] <= st["period_end"])]
            if empty_totals or len(in_period):
                drawable.append((st, series, row))
        elif pd.notna(row["baseline_value"]) or len(series):
            drawable.append((st, series, row))
    if not drawable:
        return None
    fig, axes, ncols = _grid(len(drawable), ncols, (4.2, 3.6))
    for ax, (st, series, row) in zip(axes.flat, drawable, strict=False):
        if st["kind"] in FLOW_KINDS:
            _flow_panel(ax, st, series, row, language)
        else:
            _level_panel(ax, st, series, row, language)
        ax.set_title(indicator_label(row["name_zh"], row["name_en"], language, 38), fontsize=9)
        ax.tick_params(labelsize=8)
        ax.xaxis.get_major_locator().set_params(integer=True)
    return _finish_grid(fig, axes, len(drawable), max(ncols, 2))


def status_chart(assessment: pd.DataFrame, language: Language = "both", column: str = "status") -> Figure:
    """How many targets have each status (or, with ``column="outcome"``, each outcome), by domain: stacked bars in
    the status colours."""
    from ..methods.progress import OUTCOME_COLORS, OUTCOME_LABELS, STATUS_LABELS

    labels, colors = (STATUS_LABELS, STATUS_COLORS) if column == "status" else (OUTCOME_LABELS, OUTCOME_COLORS)
    counts = pd.crosstab(assessment["domain"], assessment[column]).reindex(columns=list(labels), fill_value=0)
    counts = counts.loc[[d for d in DOMAINS if d in counts.index]]
    height = 0.45 * len(counts) + 2.1
    fig, ax = plt.subplots(figsize=(9, height))
    left = np.zeros(len(counts))
    for code in labels:
        values = counts[code].to_numpy()
        ax.barh(np.arange(len(counts)), values, left=left, color=colors[code], edgecolor="white",
                label=label(*labels[code], language))
        left += values
    ax.set_yticks(np.arange(len(counts)))
    ax.set_yticklabels([domain_name(d, language) for d in counts.index], fontsize=9)
    ax.invert_yaxis()
    ax.set_xlabel(label("目标数", "targets", language))
    ax.xaxis.get_major_locator().set_params(integer=True)
    handles, names = ax.get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", bbox_to_anchor=(0.5, 0.0), ncol=3, fontsize=8)
    title = (("各领域目标的进展状态", "Status of the targets by domain") if column == "status" else
             ("各领域目标的结果", "Outcome of the targets by domain"))
    ax.set_title(label(*title, language))
    rows = -(-len(labels) // 3)  # the legend's rows of three
    fig.tight_layout(rect=(0, (0.1 + 0.2 * rows) / height, 1, 1))
    return fig


def calibration_chart(coverage: pd.DataFrame, language: Language = "both") -> Figure:
    """Nominal against observed coverage of the central intervals (leave one series out), one line per method:
    a calibrated method lies on the diagonal."""
    from ..methods.evaluation import OLS_T
    from ..methods.projection import METHODS, method_label

    fig, ax = plt.subplots(figsize=(5.2, 4.6))
    ax.plot([0.4, 1], [0.4, 1], color="#999999", lw=1, ls="--", label=label("完全校准", "perfect calibration", language))
    for method, part in coverage.groupby("method", sort=False):
        name = (label("OLS趋势 t 区间（旧方法）", "OLS trend, t interval (earlier default)", language)
                if method == OLS_T else method_label(method, language) if method in METHODS else method)
        ax.plot(part["nominal"], part["observed"], marker="o", label=literal(name))
    ax.axhspan(0.75, 0.85, xmin=0, xmax=1, color="#1a9850", alpha=0.08)
    ax.set_xlabel(label("名义覆盖率", "nominal coverage", language))
    ax.set_ylabel(label("实际覆盖率（留一序列）", "observed coverage (series left out)", language))
    ax.set_xlim(0.4, 1)
    ax.set_ylim(0, 1)
    ax.legend(fontsize=8, loc="upper left")
    ax.set_title(label("预测区间的校准", "Calibration of the prediction intervals", language), fontsize=10)
    fig.tight_layout()
    return fig


def evaluation_chart(scores: pd.DataFrame, language: Language = "both") -> Figure:
    """Mean absolute error by horizon, one line per method (rolling-origin evaluation)."""
    from ..methods.projection import METHODS, method_label

    part = scores[(scores["horizon"] != "all") & scores["method"].isin(list(METHODS))]
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    for method, g in part.groupby("method", sort=False):
        ax.plot(g["horizon"].astype(int), g["mae"], marker="o", label=literal(method_label(method, language)))
    ax.set_xlabel(label("预测步长（年）", "horizon (years ahead)", language))
    ax.set_ylabel(label("平均绝对误差（百分点）", "mean absolute error (points)", language))
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(fontsize=8)
    ax.set_title(label("各方法的样本外误差", "Out-of-sample error of each method", language), fontsize=10)
    fig.tight_layout()
    return fig


def national_comparison_chart(comparison: pd.DataFrame, national: pd.DataFrame, targets: pd.DataFrame,
                              language: Language = "both", who: tuple[str, str] = ("规划", "plan"),
                              base_year: int = 2020, target_year: int = 2025) -> Figure:
    """Per comparable indicator: the national series (line), the national target, and the plan's (``who``: its
    jurisdiction in Chinese and English) base-year level and target. ``comparison`` is
    :func:`fuxin_analysis.data.reference.comparison_table`. A national plan's figures are named "规划 / plan"."""
    from ..data.reference import plan_side

    who = plan_side(who)
    n = len(comparison)
    fig, axes, _ = _grid(n, 3, (4.2, 3.5))
    for ax, (_, r) in zip(axes.flat, comparison.iterrows(), strict=False):
        s = national[national["indicator_id"] == r["national_indicator_id"]].sort_values("year")
        ax.plot(s["year"], s["value"], marker="o", ms=3, color=OBSERVED_COLOR,
                label=label("全国（教育统计公报）", "China (MoE bulletins)", language))
        if pd.notna(r["national_target"]):
            ax.scatter([target_year], [r["national_target"]], marker="D", facecolors="none", edgecolors=OBSERVED_COLOR,
                       s=60, zorder=4, label=label(f"全国{target_year}年目标", f"national {target_year} target", language))
        if pd.notna(r["plan_base"]):
            ax.scatter([base_year], [r["plan_base"]], color=BASELINE_COLOR, s=60, zorder=4,
                       label=literal(label(f"{who[0]}{base_year}年", f"{who[1]} {base_year}", language)))
        if pd.notna(r["plan_target"]):
            ax.scatter([target_year], [r["plan_target"]], marker="D", color=TARGET_COLOR, s=60, zorder=5,
                       label=literal(label(f"{who[0]}{target_year}年目标", f"{who[1]} {target_year} target", language)))
        ax.set_title(indicator_label(r["name_zh"], r["name_en"], language, 38), fontsize=9)
        ax.tick_params(labelsize=8)
        ax.xaxis.get_major_locator().set_params(integer=True)
    return _finish_grid(fig, axes, n, 4)


def share_split_chart(table: pd.DataFrame, indicator_id: str, language: Language = "both") -> Figure:
    """A share and its complement (the rest of the whole), at the baseline and at the target (e.g. 职普比 3:7 → 4:6)."""
    r = table.set_index("indicator_id").loc[indicator_id]
    years = [int(r["baseline_period_end"]), int(r["target_period_end"])]
    shares = [r["baseline_value"], r["target_value"]]
    fig, ax = plt.subplots(figsize=(8, 2.6))
    names = (label("本项", "this share", language), label("其余", "the rest", language))
    for i, (year, share) in enumerate(zip(years, shares, strict=True)):
        ax.barh(i, share, color=TARGET_COLOR)
        ax.barh(i, 100 - share, left=share, color=BASELINE_COLOR)
        ax.text(share / 2, i, f"{names[0]} {share:g}%", ha="center", va="center", color="white", fontsize=9)
        ax.text(share + (100 - share) / 2, i, f"{names[1]} {100 - share:g}%", ha="center", va="center",
                color="white", fontsize=9)
    ax.set_yticks([0, 1])
    ax.set_yticklabels([label(f"{years[0]}年", str(years[0]), language),
                        label(f"{years[1]}年目标", f"{years[1]} target", language)])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_title(indicator_label(r["name_zh"], r["name_en"], language, 80), fontsize=10)
    fig.tight_layout()
    return fig


def scenario_chart(results: pd.DataFrame, language: Language = "both") -> Figure:
    """HYPOTHETICAL scenarios: one row per target, one column per pace assumption, coloured by the status the
    scenario would give, annotated with the probability that the target is met."""
    from ..methods.progress import STATUS_LABELS

    scenarios = list(dict.fromkeys(results["scenario"]))
    targets = list(dict.fromkeys(results["statement_id"]))
    names = results.drop_duplicates("statement_id").set_index("statement_id")
    fig, ax = plt.subplots(figsize=(3 + 2.2 * len(scenarios), 0.55 * len(targets) + 2.2))
    for j, sc in enumerate(scenarios):
        part = results[results["scenario"] == sc].set_index("statement_id")
        for i, sid in enumerate(targets):
            if sid not in part.index:
                continue
            row = part.loc[sid]
            ax.add_patch(plt.Rectangle((j, i), 1, 1, color=STATUS_COLORS[row["status"]], ec="white"))
            p = row["probability_met"]
            ax.text(j + 0.5, i + 0.5, "—" if pd.isna(p) else f"{p:.0%}", ha="center", va="center", fontsize=8)
    ax.set_xlim(0, len(scenarios))
    ax.set_ylim(len(targets), 0)
    ax.set_xticks(np.arange(len(scenarios)) + 0.5)
    ax.set_xticklabels([scenario_label(s, language, "\n") for s in scenarios], fontsize=8)
    ax.set_yticks(np.arange(len(targets)) + 0.5)
    ax.set_yticklabels([indicator_label(names.loc[s, "name_zh"], names.loc[s, "name_en"], language, 44)
                        for s in targets], fontsize=7)
    ax.grid(False)
    handles = [plt.Rectangle((0, 0), 1, 1, color=STATUS_COLORS[k]) for k in STATUS_LABELS]
    ax.legend(handles, [label(*v, language) for v in STATUS_LABELS.values()], loc="upper center",
              bbox_to_anchor=(0.5, -0.06 - 0.6 / len(targets)), ncol=3, fontsize=7)
    ax.set_title(label("假设情景（非观测数据）：状态与达标概率", "HYPOTHETICAL scenarios (not observed data): status and "
                       "probability of meeting the target", language, "\n"), fontsize=10)
    fig.tight_layout()
    return fig
