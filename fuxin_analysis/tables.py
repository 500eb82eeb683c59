"""Tables built from a plan: each indicator's baseline beside its target, and formatted views for readers."""

from __future__ import annotations

import pandas as pd

from .labels import ROLE_NAMES, Language, domain_name, format_period, format_target, format_value, label
from .plan import DOMAINS, Plan

FLOW_KINDS = ("flow_total", "flow_per_year")


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


def _headers(language: Language) -> dict[str, str]:
    names = {
        "domain": ("领域", "Domain"),
        "indicator": ("指标", "Indicator"),
        "baseline": ("基线", "Baseline"),
        "baseline_period": ("基线时期", "Baseline period"),
        "target": ("目标", "Target"),
        "target_period": ("目标时期", "Target period"),
        "change": ("所需变化", "Change needed"),
        "pace": ("所需年均进度 / “十三五”年均", "Pace needed / 2016–2020 pace"),
        "section": ("规划章节", "Plan section"),
        "quote": ("规划原文", "Plan's words"),
        "period": ("时期", "Period"),
        "value": ("数值", "Value"),
        "note": ("说明", "Note"),
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
