"""Charts for the notebooks, labelled in Chinese, English or both, with a font that covers Chinese."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from .fonts import missing_glyphs_are_errors, register_cjk_font
from .labels import Language, domain_name, format_value, label
from .plan import DOMAINS, Plan

BASELINE_COLOR = "#8c8c8c"
TARGET_COLOR = "#c0392b"


def setup() -> None:
    """Style, the CJK font, and missing glyphs as errors: call once before drawing."""
    sns.set_theme(style="whitegrid", context="notebook")
    register_cjk_font()
    plt.rcParams["figure.dpi"] = 100
    plt.rcParams["savefig.bbox"] = "tight"
    missing_glyphs_are_errors()


def indicator_label(name_zh: str, name_en: str, language: Language, width: int = 48) -> str:
    """An indicator's name for an axis: both languages on two lines, English wrapped."""
    if language == "zh":
        return name_zh
    en = textwrap.shorten(name_en, width=width * 2, placeholder="…")
    en = "\n".join(textwrap.wrap(en, width=width))
    return en if language == "en" else f"{name_zh}\n{en}"


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
