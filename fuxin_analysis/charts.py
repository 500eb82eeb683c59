"""Charts for the notebooks, labelled in Chinese, English or both, with a font that covers Chinese."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .fonts import missing_glyphs_are_errors, register_cjk_font
from .labels import Language, domain_name, format_value, label, scenario_label
from .plan import DOMAINS, FLOW_KINDS, Plan
from .progress import STATUS_COLORS

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


def rates_chart(table: pd.DataFrame, language: Language = "both") -> Figure:
    """Percentages: the 2020 level (grey dot) and the 2025 target (red mark), one row per indicator, by domain.

    ``table`` is :func:`fuxin_analysis.tables.baseline_target_table`; rows without a percentage unit are ignored.
    """
    rates = table[table["unit"] == "percent"].reset_index(drop=True)
    n = len(rates)
    fig, ax = plt.subplots(figsize=(10, 0.62 * n + 1.6))
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
    ax.set_xlim(min(30, float(np.nanmin(rates[["baseline_value", "target_value"]].to_numpy())) - 5), 103)
    ax.set_xlabel(label("百分比（%）", "percent", language))
    handles = [
        plt.Line2D([], [], marker="o", ls="", color=BASELINE_COLOR, label=label("2020年水平", "2020 level", language)),
        plt.Line2D([], [], marker="D", ls="", color=TARGET_COLOR, label=label("2025年目标", "2025 target", language)),
        plt.Line2D([], [], marker=">", ls="", color=TARGET_COLOR,
                   label=label("2025年目标（以上）", "2025 target (or more)", language)),
    ]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.6 / len(rates) - 0.04), ncol=3, fontsize=8)
    ax.set_title(label("比率类指标：2020年水平与2025年目标", "Rates: 2020 level and 2025 target", language))
    fig.tight_layout()
    return fig


def pace_chart(table: pd.DataFrame, language: Language = "both") -> Figure:
    """Totals over a period: the yearly pace the 2021–2025 target needs against the 2016–2020 pace achieved.

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
    ax.set_xlabel(label("所需年均进度 ÷ “十三五”年均进度", "pace needed ÷ 2016–2020 pace", language))
    ax.set_title(label("累计类目标：所需年均进度与“十三五”对比", "Totals: yearly pace needed vs 2016–2020", language))
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


def _level_panel(ax: plt.Axes, st: pd.Series, series: pd.DataFrame, row: pd.Series, language: Language) -> None:
    from .projection import trend_path
    from .trajectory import required_path

    target, target_year = row["target_value"], int(row["target_year"])
    bounded = st["kind"] in ("rate", "ratio") and pd.notna(st["upper_bound"])
    upper = st["upper_bound"] if bounded else None
    if pd.notna(row["baseline_value"]) and row["baseline_year"] < target_year:
        path = required_path(int(row["baseline_year"]), row["baseline_value"], target_year, target, upper)
        for name, (ls, zh, en) in PATH_STYLES.items():
            if path[name].notna().all():
                ax.plot(path["year"], path[name], ls=ls, color=TARGET_COLOR, lw=1, alpha=0.8,
                        label=label(f"所需路径（{zh}）", f"required path ({en})", language))
    if len(series) >= 2:
        trend = trend_path(series["year"].to_numpy(float), series["value"].to_numpy(float), target_year,
                           st["lower_bound"] if bounded else None, upper)
        ax.plot(trend["year"], trend["fit"], color=OBSERVED_COLOR, lw=1.2, label=label("趋势", "trend", language))
        if trend["low_80"].notna().any():
            ax.fill_between(trend["year"], trend["low_80"], trend["high_80"], color=OBSERVED_COLOR, alpha=0.15,
                            label=label("80%预测区间", "80% prediction interval", language))
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
    from .trajectory import required_total_path

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
    ``empty_totals``). ``data`` is :func:`fuxin_analysis.observations.load`. None when nothing is drawable."""
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


def backtest_chart(national: pd.DataFrame, table: pd.DataFrame, fit_until: int, year: int,
                   language: Language = "both") -> Figure:
    """National series with the fit up to ``fit_until``, the projection for ``year`` (80% band) and the naive
    two-point line, against the value the bulletin reported for ``year``."""
    from .backtest import naive_two_point
    from .projection import trend_path

    ids = list(table["indicator_id"])
    fig, axes, _ = _grid(len(ids), 3, (4.2, 3.4))
    for ax, ind in zip(axes.flat, ids, strict=False):
        s = national[national["indicator_id"] == ind].sort_values("year")
        fit = s[s["year"] <= fit_until]
        trend = trend_path(fit["year"].to_numpy(float), fit["value"].to_numpy(float), year, 0, 100)
        ax.plot(trend["year"], trend["fit"], color=OBSERVED_COLOR, lw=1.2, label=label("OLS趋势（logit）", "OLS trend (logit)", language))
        if trend["low_80"].notna().any():
            ax.fill_between(trend["year"], trend["low_80"], trend["high_80"], color=OBSERVED_COLOR, alpha=0.15,
                            label=label("80%预测区间", "80% prediction interval", language))
        last2 = fit.tail(2)
        naive_end = naive_two_point(last2["year"].to_numpy(float), last2["value"].to_numpy(float), year)
        ax.plot([last2["year"].iloc[0], year], [last2["value"].iloc[0], naive_end], ls=":", color="#555555",
                label=label("两点直线外推", "naive two-point line", language))
        ax.scatter(fit["year"], fit["value"], color=BASELINE_COLOR, s=18, zorder=3,
                   label=label(f"拟合用数据（至{fit_until}年）", f"data used (to {fit_until})", language))
        later = s[s["year"] > fit_until]
        ax.scatter(later["year"], later["value"], color=TARGET_COLOR, s=22, zorder=3,
                   label=label("之后公布的数据", "published later", language))
        name = s.iloc[0]
        ax.set_title(indicator_label(name["name_zh"], name["name_en"], language, 38), fontsize=9)
        ax.tick_params(labelsize=8)
        ax.xaxis.get_major_locator().set_params(integer=True)
    return _finish_grid(fig, axes, len(ids), 3)


def status_chart(assessment: pd.DataFrame, language: Language = "both") -> Figure:
    """How many targets have each status, by domain (stacked bars in the Open SDG status colours)."""
    from .progress import STATUS_LABELS

    counts = pd.crosstab(assessment["domain"], assessment["status"]).reindex(
        columns=list(STATUS_LABELS), fill_value=0)
    counts = counts.loc[[d for d in DOMAINS if d in counts.index]]
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(counts) + 1.8))
    left = np.zeros(len(counts))
    for status in STATUS_LABELS:
        values = counts[status].to_numpy()
        ax.barh(np.arange(len(counts)), values, left=left, color=STATUS_COLORS[status], edgecolor="white",
                label=label(*STATUS_LABELS[status], language))
        left += values
    ax.set_yticks(np.arange(len(counts)))
    ax.set_yticklabels([domain_name(d, language) for d in counts.index], fontsize=9)
    ax.invert_yaxis()
    ax.set_xlabel(label("目标数", "targets", language))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12 - 0.3 / len(counts)), ncol=3, fontsize=8)
    ax.set_title(label("各领域目标的进展状态", "Status of the targets by domain", language))
    fig.tight_layout()
    return fig


def national_comparison_chart(comparison: pd.DataFrame, national: pd.DataFrame, targets: pd.DataFrame,
                              language: Language = "both") -> Figure:
    """Per comparable indicator: the national series (line), the national 2025 target, and Fuxin's 2020 level
    and 2025 target. ``comparison`` is :func:`fuxin_analysis.reference.comparison_table`."""
    n = len(comparison)
    fig, axes, _ = _grid(n, 3, (4.2, 3.5))
    for ax, (_, r) in zip(axes.flat, comparison.iterrows(), strict=False):
        s = national[national["indicator_id"] == r["national_indicator_id"]].sort_values("year")
        ax.plot(s["year"], s["value"], marker="o", ms=3, color=OBSERVED_COLOR,
                label=label("全国（教育统计公报）", "China (MoE bulletins)", language))
        if pd.notna(r["national_target"]):
            ax.scatter([2025], [r["national_target"]], marker="D", facecolors="none", edgecolors=OBSERVED_COLOR,
                       s=60, zorder=4, label=label("全国2025年目标", "national 2025 target", language))
        if pd.notna(r["fuxin_base"]):
            ax.scatter([2020], [r["fuxin_base"]], color=BASELINE_COLOR, s=60, zorder=4,
                       label=label("阜新2020年", "Fuxin 2020", language))
        if pd.notna(r["fuxin_target"]):
            ax.scatter([2025], [r["fuxin_target"]], marker="D", color=TARGET_COLOR, s=60, zorder=5,
                       label=label("阜新2025年目标", "Fuxin 2025 target", language))
        ax.set_title(indicator_label(r["name_zh"], r["name_en"], language, 38), fontsize=9)
        ax.tick_params(labelsize=8)
        ax.xaxis.get_major_locator().set_params(integer=True)
    return _finish_grid(fig, axes, n, 4)


def share_split_chart(table: pd.DataFrame, indicator_id: str, language: Language = "both") -> Figure:
    """A share and its complement, at the baseline and at the target (e.g. 职普比 3:7 → 4:6)."""
    r = table.set_index("indicator_id").loc[indicator_id]
    years = [int(r["baseline_period_end"]), int(r["target_period_end"])]
    shares = [r["baseline_value"], r["target_value"]]
    fig, ax = plt.subplots(figsize=(8, 2.6))
    names = (label("职业教育", "vocational", language), label("普通高中", "general", language))
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
    from .progress import STATUS_LABELS

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
