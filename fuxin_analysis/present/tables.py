"""Tables built from a plan: each indicator's baseline beside its target, and formatted views for readers."""

from __future__ import annotations

import pandas as pd

from ..data.plan import DOMAINS, FLOW_KINDS, Plan
from .labels import (
    ROLE_NAMES,
    Language,
    domain_name,
    format_period,
    format_target,
    format_value,
    label,
    scenario_label,
)


def _years(start: pd.Series, end: pd.Series) -> pd.Series:
    return end - start + 1


def _per_year(value: pd.Series, kind: pd.Series, start: pd.Series, end: pd.Series) -> pd.Series:
    """Yearly amount of a flow: a total divided by its years; a per-year figure as it is; NaN otherwise."""
    per_year = value.where(kind == "flow_per_year", value / _years(start, end))
    return per_year.where(kind.isin(FLOW_KINDS))


def baseline_target_table(plan: Plan) -> pd.DataFrame:
    """One row per indicator and target: the plan's baseline beside its target.

    An indicator with a baseline but no target, or a target but no baseline, has one row with the other
    side empty. Where an indicator has several baseline statements the latest is used. For flows
    (totals over a period), ``baseline_per_year`` and ``target_per_year`` give the yearly pace and
    ``pace_ratio`` how many times the 2016–2020 pace the target needs (e.g. 300 head teachers in five
    years = 60 a year against 165 in 2016–2020 = 33 a year: 1.82). For levels, ``change_required`` is
    target minus baseline (percentage points for rates).
    """
    st = plan.statements
    keep = ["indicator_id", "statement_id", "comparator", "value", "value_high", "period_start", "period_end"]
    base = (st[st["role"] == "baseline"].sort_values(["indicator_id", "period_end", "period_start"])
            .drop_duplicates("indicator_id", keep="last")[keep])
    targ = st[st["role"] == "target"][keep]
    ind = plan.indicators[["indicator_id", "name_zh", "name_en", "domain", "unit", "kind", "direction"]].copy()
    ind["_order"] = range(len(ind))
    table = (ind.merge(base.add_prefix("baseline_").rename(columns={"baseline_indicator_id": "indicator_id"}),
                       on="indicator_id", how="left")
             .merge(targ.add_prefix("target_").rename(columns={"target_indicator_id": "indicator_id"}),
                    on="indicator_id", how="left"))
    table = table[table["baseline_statement_id"].notna() | table["target_statement_id"].notna()]
    table["baseline_per_year"] = _per_year(table["baseline_value"], table["kind"],
                                           table["baseline_period_start"], table["baseline_period_end"])
    table["target_per_year"] = _per_year(table["target_value"], table["kind"],
                                         table["target_period_start"], table["target_period_end"])
    table["pace_ratio"] = table["target_per_year"] / table["baseline_per_year"]
    level = ~table["kind"].isin(FLOW_KINDS)
    table["change_required"] = (table["target_value"] - table["baseline_value"]).where(level)
    table["_domain_order"] = table["domain"].map({d: i for i, d in enumerate(DOMAINS)})
    table = table.sort_values(["_domain_order", "_order"]).drop(columns=["_order", "_domain_order"])
    for col in ("baseline_period_start", "baseline_period_end", "target_period_start", "target_period_end"):
        table[col] = table[col].astype("Int64")
    return table.reset_index(drop=True)


def statement_counts(plan: Plan, language: Language = "both") -> pd.DataFrame:
    """How many statements the plan makes per domain (rows) and role (columns), with totals."""
    st = plan.statements_long()
    counts = pd.crosstab(st["domain"], st["role"]).reindex([d for d in DOMAINS if d in set(st["domain"])])
    counts = counts.reindex(columns=["baseline", "target"], fill_value=0)
    counts.loc["total"] = counts.sum()
    counts["total"] = counts.sum(axis=1)
    counts.index = [label("合计", "Total", language) if d == "total" else domain_name(d, language) for d in counts.index]
    counts.columns = [label("合计", "Total", language) if c == "total" else label(*ROLE_NAMES[c], language)
                      for c in counts.columns]
    counts.index.name = label("领域", "Domain", language)
    return counts


def _headers(language: Language, extra: dict[str, tuple[str, str]] | None = None) -> dict[str, str]:
    """Column headers in the chosen language: the common ones, plus (or overridden by) ``extra``."""
    names = {
        "domain": ("领域", "Domain"),
        "indicator": ("指标", "Indicator"),
        "baseline": ("基线", "Baseline"),
        "baseline_period": ("基线时期", "Baseline period"),
        "target": ("目标", "Target"),
        "target_period": ("目标时期", "Target period"),
        "change": ("所需变化", "Change needed"),
        "pace": ("所需年均进度 / 基线期年均", "Pace needed / baseline-period pace"),
        "section": ("规划章节", "Plan section"),
        "quote": ("规划原文", "Plan's words"),
        "period": ("时期", "Period"),
        "value": ("数值", "Value"),
        "note": ("说明", "Note"),
        **(extra or {}),
    }
    return {k: label(zh, en, language, sep=" ") for k, (zh, en) in names.items()}


def display_baseline_target(table: pd.DataFrame, language: Language = "both") -> pd.DataFrame:
    """:func:`baseline_target_table` formatted for reading, indexed by domain and indicator."""
    h = _headers(language)
    sep = " / "

    def change(r: pd.Series) -> str:
        if pd.isna(r["change_required"]):
            return "—"
        unit = "percentage points" if r["unit"] == "percent" else r["unit"]
        zh_unit = "个百分点" if r["unit"] == "percent" else ""
        v = r["change_required"]
        if v == 0:
            return "0"
        if language == "en":
            return f"{v:+g} {unit}"
        return f"{v:+g}{zh_unit}"

    def pace(r: pd.Series) -> str:
        if pd.isna(r["pace_ratio"]):
            return "—"
        return f"{r['pace_ratio']:.2f}×"

    out = pd.DataFrame({
        h["domain"]: [domain_name(d, language, sep) for d in table["domain"]],
        h["indicator"]: [label(z, e, language, sep) for z, e in zip(table["name_zh"], table["name_en"], strict=True)],
        h["baseline"]: [format_target(c, v, u, language, hi) if isinstance(c, str) else "—"
                        for c, v, u, hi in zip(table["baseline_comparator"], table["baseline_value"], table["unit"],
                                               table["baseline_value_high"], strict=True)],
        h["baseline_period"]: [format_period(s, e) if pd.notna(s) else "—"
                               for s, e in zip(table["baseline_period_start"], table["baseline_period_end"], strict=True)],
        h["target"]: [format_target(c, v, u, language, hi) if isinstance(c, str) else "—"
                      for c, v, u, hi in zip(table["target_comparator"], table["target_value"], table["unit"],
                                             table["target_value_high"], strict=True)],
        h["target_period"]: [format_period(s, e) if pd.notna(s) else "—"
                             for s, e in zip(table["target_period_start"], table["target_period_end"], strict=True)],
        h["change"]: [change(r) for _, r in table.iterrows()],
        h["pace"]: [pace(r) for _, r in table.iterrows()],
    })
    return out.set_index([h["domain"], h["indicator"]])


def display_statements(plan: Plan, role: str, language: Language = "both") -> pd.DataFrame:
    """Every statement of one role, with its value, period, section and the plan's words (indexed by domain, indicator)."""
    h = _headers(language)
    st = plan.statements_long()
    st = st[st["role"] == role].copy()
    st["_d"] = st["domain"].map({d: i for i, d in enumerate(DOMAINS)})
    st = st.sort_values("_d", kind="stable")
    return pd.DataFrame({
        h["domain"]: [domain_name(d, language) for d in st["domain"]],
        h["indicator"]: [label(z, e, language) for z, e in zip(st["name_zh"], st["name_en"], strict=True)],
        h["value"]: [format_target(c, v, u, language, hi) for c, v, u, hi in
                     zip(st["comparator"], st["value"], st["unit"], st["value_high"], strict=True)],
        h["period"]: [format_period(s, e) for s, e in zip(st["period_start"], st["period_end"], strict=True)],
        h["section"]: st["source_section"].to_list(),
        h["quote"]: st["source_quote"].to_list(),
        h["note"]: st["note"].to_list(),
    }).set_index([h["domain"], h["indicator"]])




def plan_facts(plan: Plan, language: Language = "both") -> pd.DataFrame:
    """The plan's identity as a table indexed by item: name, issuer, period, baseline, counts."""
    m = plan.meta
    roles = plan.statements["role"].value_counts()
    rows = [
        (("规划", "Plan"), label(m.name_zh, m.name_en, language)),
        (("发布机关", "Issuer"), m.issuer),
        (("规划期", "Plan period"), f"{m.period_start}–{m.period_end}"),
        (("基线", "Baseline"), label(f"{m.baseline_year}年水平及{m.baseline_period}累计",
                                    f"{m.baseline_year} levels and {m.baseline_period} totals", language)),
        (("指标数", "Indicators"), str(len(plan.indicators))),
        (("量化表述", "Quantified statements"),
         label(f"{len(plan.statements)}条（基线{roles.get('baseline', 0)}条，目标{roles.get('target', 0)}条）",
               f"{len(plan.statements)} ({roles.get('baseline', 0)} baseline, {roles.get('target', 0)} target)",
               language)),
        (("来源", "Source"), m.source),
    ]
    return pd.DataFrame({label("内容", "Value", language, " "): [v for _, v in rows]},
                        index=pd.Index([label(*k, language) for k, _ in rows], name=label("项目", "Item", language, " ")))


def _target_columns(a: pd.DataFrame, h: dict[str, str], language: Language) -> dict[str, list[str]]:
    """The domain, indicator and target (with its year) of each row of an assessment, as display columns."""
    return {
        h["domain"]: [domain_name(d, language) for d in a["domain"]],
        h["indicator"]: [label(z, e, language) for z, e in zip(a["name_zh"], a["name_en"], strict=True)],
        h["target"]: [f"{format_target(c, v, u, language, hi)} ({y})" for c, v, u, hi, y in
                      zip(a["comparator"], a["target_value"], a["unit"], a["target_value_high"], a["target_year"],
                          strict=True)],
    }


#: Position of the status column in :func:`display_scorecard` (after target, baseline, latest); the outcome follows it.
SCORECARD_STATUS_COLUMN = 3
SCORECARD_OUTCOME_COLUMN = 4


def display_scorecard(assessment: pd.DataFrame, language: Language = "both", plan: Plan | None = None) -> pd.DataFrame:
    """:func:`fuxin_analysis.assess` formatted for reading, indexed by domain and indicator.

    With ``plan``, a total's baseline shows its whole period (``165人 (2016–2020)``), not only its last year.
    """
    from ..methods.progress import OUTCOME_LABELS, STATUS_LABELS, TREND_LABELS

    h = _headers(language, {
        "latest": ("最新观测", "Latest"), "status": ("进展状态", "Status"), "outcome": ("结果", "Outcome"),
        "trend": ("趋势", "Trend"),
        "projection": ("预测（80%区间）", "Projection (80% interval)"), "probability": ("达标概率", "P(target met)"),
        "pace": ("所需进度/基线期进度", "Pace needed / baseline period"),
    })

    def value_year(v: float, y: float, unit: str) -> str:
        return "—" if pd.isna(v) else f"{format_value(v, unit, language)} ({int(y)})"

    periods: dict[str, str] = {}
    if plan is not None:
        base = plan.baselines()
        for r in base[base["kind"].isin(FLOW_KINDS)].itertuples():
            periods[r.indicator_id] = format_period(r.period_start, r.period_end)

    def baseline(r: pd.Series) -> str:
        if r["indicator_id"] in periods and pd.notna(r["baseline_value"]):
            return f"{format_value(r['baseline_value'], r['unit'], language)} ({periods[r['indicator_id']]})"
        return value_year(r["baseline_value"], r["baseline_year"], r["unit"])

    def projection(r: pd.Series) -> str:
        if pd.isna(r["projected_value"]):
            return "—"
        text = format_value(round(r["projected_value"], 1), r["unit"], language)
        if pd.notna(r["projected_low_80"]):
            text += (f" [{format_value(round(r['projected_low_80'], 1), r['unit'], language)}–"
                     f"{format_value(round(r['projected_high_80'], 1), r['unit'], language)}]")
        return text

    a = assessment
    return pd.DataFrame({
        **_target_columns(a, h, language),
        h["baseline"]: [baseline(r) for _, r in a.iterrows()],
        h["latest"]: [value_year(v, y, u) for v, y, u in zip(a["latest_value"], a["latest_year"], a["unit"],
                                                             strict=True)],
        h["status"]: [label(*STATUS_LABELS[s], language) for s in a["status"]],
        h["outcome"]: [label(*OUTCOME_LABELS[s], language) for s in a["outcome"]],
        h["trend"]: [label(*TREND_LABELS[s], language) for s in a["trend_status"]],
        h["projection"]: [projection(r) for _, r in a.iterrows()],
        h["probability"]: ["—" if pd.isna(p) else f"{p:.0%}" for p in a["probability_met"]],
        h["pace"]: ["—" if pd.isna(p) else f"{p:.2f}×" for p in a["pace_required_vs_history"]],
    }).set_index([h["domain"], h["indicator"]])


def style_scorecard(shown: pd.DataFrame, assessment: pd.DataFrame) -> pd.io.formats.style.Styler:
    """The scorecard with each status cell in the Open SDG status colour and each outcome cell in its colour; all
    text HTML-escaped."""
    from ..methods.progress import OUTCOME_COLORS, STATUS_COLORS

    colors = {shown.columns[SCORECARD_STATUS_COLUMN]: [f"background-color: {STATUS_COLORS[s]}" for s in
                                                       assessment["status"]],
              shown.columns[SCORECARD_OUTCOME_COLUMN]: [f"background-color: {OUTCOME_COLORS[s]}" for s in
                                                        assessment["outcome"]]}

    def paint(column: pd.Series) -> list[str]:
        return colors.get(column.name, [""] * len(column))

    return (shown.style.format(escape="html").format_index(escape="html", axis=0)
            .format_index(escape="html", axis=1).apply(paint, axis=0))


def thresholds_table(language: Language = "both") -> pd.DataFrame:
    """The status and trend rules with their thresholds, for the notebooks' method sections."""
    from ..methods.progress import STATUS_LABELS, TREND_LABELS

    status_rules = {
        "target_achieved": ("当前值已达到目标（不论趋势）", "current value meets the target (whatever the trend)"),
        "substantial_progress": ("R ≥ 0.95", "R ≥ 0.95"),
        "moderate_progress": ("0.6 ≤ R < 0.95", "0.6 ≤ R < 0.95"),
        "limited_progress": ("0 ≤ R < 0.6", "0 ≤ R < 0.6"),
        "deterioration": ("R < 0", "R < 0"),
        "not_available": ("基线之后无观测值，或基线与当前值符号相反",
                          "no observation after the base, or base and current of opposite signs"),
    }
    trend_rules = {
        "on_track": ("实际年均变化 ≥ 所需年均变化（或已达标）", "observed ≥ required (or target achieved)"),
        "moderately_improving": ("达到所需的50%及以上", "≥ 50% of required"),
        "stagnating": ("达到所需的0–50%", "0 to 50% of required"),
        "decreasing": ("< 0", "< 0"),
        "not_available": ("基线之后无观测值", "no observation after the base"),
    }
    def rule_text(rule: tuple[str, str]) -> str:
        return rule[0] if rule[0] == rule[1] else label(*rule, language)

    rows = [(label("进展状态 (Open SDG)", "Status (Open SDG)", language), label(*STATUS_LABELS[k], language),
             rule_text(rule)) for k, rule in status_rules.items()]
    rows += [(label("趋势 (SDSN)", "Trend (SDSN)", language), label(*TREND_LABELS[k], language), rule_text(rule))
             for k, rule in trend_rules.items()]
    from ..methods.projection import AT_BOUND

    edge = f"{100 - AT_BOUND:g}"
    rows.append((label("达到上下限的目标", "A target at the bound", language),
                 label("占比目标100%（或下降至0%）", "a share's 100% target (or 0% to come down to)", language),
                 label(f"数值 ≥ {edge}（按一位小数即100.0，公报的精度）即达成；状态、结果、区间与达标概率均按此判定",
                       f"met from {edge} (100.0 at one decimal, the bulletins' precision); the status, outcome, "
                       "interval and probability all judge it so", language)))
    return pd.DataFrame(rows, columns=[label("方法", "Method", language, " "), label("类别", "Category", language, " "),
                                       label("规则", "Rule", language, " ")]).set_index(
        [label("方法", "Method", language, " "), label("类别", "Category", language, " ")])


def display_comparison(comparison: pd.DataFrame, language: Language = "both", who: tuple[str, str] = ("规划", "Plan"),
                       base_year: int = 2020, target_year: int = 2025) -> pd.DataFrame:
    """:func:`fuxin_analysis.data.reference.comparison_table` formatted, indexed by indicator; ``who`` names the plan's
    jurisdiction (Chinese, English) in the headers ("规划 / Plan" for a national plan)."""
    from ..data.reference import plan_side

    who = plan_side(who)
    h = _headers(language, {
        "fb": (f"{who[0]}{base_year}年", f"{who[1]} {base_year}"), "nb": (f"全国{base_year}年", f"China {base_year}"),
        "ft": (f"{who[0]}{target_year}年目标", f"{who[1]} {target_year} target"), "nl": ("全国最新", "China latest"),
        "nt": (f"全国{target_year}年目标", f"China {target_year} target"), "note": ("口径说明", "Comparability"),
    })
    c = comparison
    return pd.DataFrame({
        h["indicator"]: [label(z, e, language) for z, e in zip(c["name_zh"], c["name_en"], strict=True)],
        h["fb"]: [format_value(v, "percent", language) for v in c["plan_base"]],
        h["nb"]: [format_value(v, "percent", language) for v in c["national_base"]],
        h["ft"]: [format_target(cmp, v, "percent", language) if isinstance(cmp, str) else "—"
                  for cmp, v in zip(c["plan_target_comparator"], c["plan_target"], strict=True)],
        h["nl"]: ["—" if pd.isna(v) else f"{format_value(v, 'percent', language)} ({y})"
                  for v, y in zip(c["national_latest"], c["national_latest_year"], strict=True)],
        h["nt"]: [format_target(cmp, v, "percent", language) if isinstance(cmp, str) else "—"
                  for cmp, v in zip(c["national_target_comparator"], c["national_target"], strict=True)],
        h["note"]: c["note"].to_list(),
    }).set_index(h["indicator"])


def display_required_pace(plan: Plan, needed: pd.DataFrame, language: Language = "both") -> pd.DataFrame:
    """:func:`fuxin_analysis.methods.scenarios.required_from_latest` formatted: from where, to what, how fast."""
    units = plan.indicators.set_index("indicator_id")
    h = _headers(language, {
        "from": ("起点（最新）", "From (latest)"), "left": ("剩余年数", "Years left"),
        "pace": ("所需年均进度", "Pace needed a year"),
    })
    rows = []
    for _, r in needed.iterrows():
        ind = units.loc[r["indicator_id"]]
        flow = r["kind"] in FLOW_KINDS
        start = label("期内累计", "total so far", language, " ") if flow else ""
        rows.append({
            h["indicator"]: label(ind["name_zh"], ind["name_en"], language),
            h["from"]: f"{start} {format_value(r['from_value'], ind['unit'], language)} ({int(r['from_year'])})".strip(),
            h["target"]: f"{format_value(r['target_value'], ind['unit'], language)} ({int(r['target_year'])})",
            h["left"]: int(r["years_left"]),
            h["pace"]: (label(f"{r['pace_needed']:+.2f}个百分点", f"{r['pace_needed']:+.2f} percentage points", language, " ")
                        if ind["unit"] == "percent" else format_value(round(r["pace_needed"], 2), ind["unit"], language)),
        })
    return pd.DataFrame(rows).set_index(h["indicator"]) if rows else pd.DataFrame()


def display_scenarios(results: pd.DataFrame, language: Language = "both") -> pd.DataFrame:
    """Scenario results as a table: one row per target, per scenario its status and probability; every column
    is headed HYPOTHETICAL (假设)."""
    from ..methods.progress import STATUS_LABELS

    if results.empty:
        return pd.DataFrame()
    names = results.drop_duplicates("statement_id").set_index("statement_id")
    out = pd.DataFrame(index=pd.Index([label(names.loc[s, "name_zh"], names.loc[s, "name_en"], language)
                                       for s in names.index], name=label("指标", "Indicator", language, " ")))
    for sc in dict.fromkeys(results["scenario"]):
        part = results[results["scenario"] == sc].set_index("statement_id").reindex(names.index)
        head = scenario_label(sc, language, " ")
        out[f"{head} — {label('状态', 'status', language)}"] = [
            "—" if pd.isna(s) else label(*STATUS_LABELS[s], language) for s in part["status"]]
        out[f"{head} — {label('达标概率', 'P(met)', language)}"] = [
            "—" if pd.isna(p) else f"{p:.0%}" for p in part["probability_met"]]
    return out


def outcome_summary(assessment: pd.DataFrame, language: Language = "both") -> pd.DataFrame:
    """How many targets are met, not met, pending, open and without data, by domain, with a total row: the
    headline of the final evaluation."""
    from ..methods.progress import OUTCOME_LABELS

    counts = pd.crosstab(assessment["domain"], assessment["outcome"]).reindex(columns=list(OUTCOME_LABELS),
                                                                              fill_value=0)
    counts = counts.loc[[d for d in DOMAINS if d in counts.index]]
    counts.loc["__total__"] = counts.sum()
    counts[label("合计", "Total", language)] = counts.sum(axis=1)
    counts.index = [label("全部领域", "All domains", language) if d == "__total__" else domain_name(d, language)
                    for d in counts.index]
    counts.index.name = label("领域", "Domain", language)
    counts.columns = [label(*OUTCOME_LABELS[c], language) if c in OUTCOME_LABELS else c for c in counts.columns]
    return counts


def shortfalls(assessment: pd.DataFrame, language: Language = "both") -> pd.DataFrame:
    """Each target not met: the target, the value reached, the gap (how far short, in the indicator's unit) and the
    yearly pace achieved against the pace required (for totals: the yearly amount against the target's even pace)."""
    h = _headers(language, {
        "reached": ("实际达到", "Reached"), "gap": ("差距", "Gap"),
        "pace_done": ("实际年均进度", "Pace achieved (a year)"), "pace_needed": ("所需年均进度", "Pace required (a year)"),
        "share": ("实际/所需", "Achieved / required"),
    })
    a = assessment[assessment["outcome"] == "not_met"]
    gap = (a["target_value"] - a["latest_value"]).abs()
    share = a["observed_annual_change"] / a["required_annual_change"]
    return pd.DataFrame({
        **_target_columns(a, h, language),
        h["reached"]: [format_value(v, u, language) for v, u in zip(a["latest_value"], a["unit"], strict=True)],
        h["gap"]: [format_value(round(g, 2), u, language) for g, u in zip(gap, a["unit"], strict=True)],
        h["pace_done"]: [f"{v:.3g}" if pd.notna(v) else "—" for v in a["observed_annual_change"]],
        h["pace_needed"]: [f"{v:.3g}" if pd.notna(v) else "—" for v in a["required_annual_change"]],
        h["share"]: [f"{v:.0%}" if pd.notna(v) and abs(v) != float("inf") else "—" for v in share],
    }).set_index([h["domain"], h["indicator"]])


def outcome_headline(assessment: pd.DataFrame, year: int, language: Language = "both") -> str:
    """One sentence a planner reads first: how many targets are met, not met, pending, open and without data."""
    from ..methods.progress import OUTCOME_LABELS

    n = assessment["outcome"].value_counts()
    zh = (f"截至{year}年，{len(assessment)}个目标中：" + "，".join(
        f"{OUTCOME_LABELS[o][0]}{int(n.get(o, 0))}个" for o in OUTCOME_LABELS) + "。")
    en = (f"As of {year}, of {len(assessment)} targets: " + ", ".join(
        f"{int(n.get(o, 0))} {OUTCOME_LABELS[o][1].lower()}" for o in OUTCOME_LABELS) + ".")
    return label(zh, en, language, "\n\n")


def no_shortfall_sentence(language: Language = "both") -> str:
    """What the page says when no target is known to be missed."""
    return label("没有已确认未达成的目标（未达成须目标年数值已观测）。",
                 "No target is known to be missed (that needs the target year's value observed).", language, "\n\n")


def display_data_gaps(gaps: pd.DataFrame, language: Language = "both", only_needed: bool = False) -> pd.DataFrame:
    """:func:`fuxin_analysis.methods.gaps.data_gaps` formatted for reading (the figures that matter most first); with
    ``only_needed``, only the targets a figure would change."""
    from ..methods.gaps import PRIORITIES
    from ..methods.progress import OUTCOME_LABELS

    g = gaps[gaps["priority"] > 0] if only_needed else gaps
    h = _headers(language, {
        "year": ("目标年", "Target year"), "outcome": ("结果", "Outcome"),
        "observed": ("已有数据的年份", "Years observed"), "missing": ("缺少数据的年份", "Years missing"),
        "figure": ("最需要的数据（年份）", "Figure most needed (year)"), "why": ("作用", "What it would do"),
    })
    return pd.DataFrame({
        h["domain"]: [domain_name(d, language) for d in g["domain"]],
        h["indicator"]: [label(z, e, language) for z, e in zip(g["name_zh"], g["name_en"], strict=True)],
        h["year"]: g["target_year"].astype(int).to_list(),
        h["outcome"]: [label(*OUTCOME_LABELS[o], language) for o in g["outcome"]],
        h["observed"]: [v or "—" for v in g["years_observed"]],
        h["missing"]: [v or "—" for v in g["years_missing"]],
        h["figure"]: [v or "—" for v in g["next_figure"]],
        h["why"]: [label(*PRIORITIES[p], language) if p else "—" for p in g["priority"]],
    }).set_index([h["domain"], h["indicator"]])
