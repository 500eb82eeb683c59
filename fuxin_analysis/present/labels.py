"""Bilingual labels (Chinese and English) and number formatting for tables and charts."""

from __future__ import annotations

import math
from typing import Literal

Language = Literal["zh", "en", "both"]
LANGUAGES: tuple[str, ...] = Language.__args__

DOMAIN_NAMES: dict[str, tuple[str, str]] = {
    "preschool": ("学前教育", "Preschool"),
    "compulsory": ("义务教育", "Compulsory education"),
    "senior_secondary": ("高中阶段教育", "Senior secondary"),
    "special": ("特殊教育", "Special education"),
    "ethnic": ("民族教育", "Ethnic education"),
    "vocational": ("职业教育", "Vocational education"),
    "higher": ("高等教育", "Higher education"),
    "teachers": ("教师队伍", "Teachers and principals"),
    "student_aid": ("学生资助", "Student aid"),
    "facilities": ("办学条件", "Facilities"),
    "lifelong": ("终身教育", "Lifelong learning"),
    "governance": ("教育治理", "Governance"),
}

ROLE_NAMES: dict[str, tuple[str, str]] = {
    "baseline": ("上一规划期成就（基线）", "Previous period's results (baseline)"),
    "target": ("本规划期目标", "This plan's targets"),
}

# unit -> (Chinese suffix, English suffix)
UNIT_SUFFIX: dict[str, tuple[str, str]] = {
    "percent": ("%", "%"),
    "persons": ("人", "persons"),
    "person_times": ("人次", "person-times"),
    "schools": ("所", "schools"),
    "schools_per_township": ("所/乡镇", "per township"),
    "places": ("个学位", "places"),
    "yuan": ("元", "yuan"),
    "m2": ("平方米", "m²"),
    "count": ("个", ""),
    "years": ("年", "years"),
    "ratio": ("", ""),
}

COMPARATOR_SIGNS: dict[str, tuple[str, str]] = {
    ">=": ("≥", "≥"),
    "=": ("", ""),
    "<=": ("≤", "≤"),
    "range": ("", ""),
}


#: What a page says, in one sentence, where the plan has nothing for a section: every notebook runs for any plan
#: folder that validates, and says so instead of drawing an empty chart or table. Keyed by notebook and section.
NOTHING: dict[str, tuple[str, str]] = {
    "01_rates": ("本规划没有以百分比计的指标。", "The plan has no indicator measured in percent."),
    "01_pace": ("本规划没有同时给出上一规划期累计的累计类目标，无从对比进度。",
                "No total over the plan period has a total of the previous period to compare its pace with."),
    "01_baselines": ("本规划没有给出基线（上一规划期的成就）。", "The plan states no baseline (no result of the previous period)."),
    "01_targets": ("本规划没有给出目标。", "The plan states no target."),
    "02_observations": ("尚无观测数据，规划也没有给出基线。", "There is no observation yet, and the plan states no baseline."),
    "02_paths": ("没有可绘制路径的目标：需要基线或观测值（累计类目标需要年度观测值）。",
                 "No target has a path to draw: that needs a baseline or an observation (a yearly one for a total)."),
    "02_no_data": ("每个目标都有基线或观测值。", "Every target has a baseline or an observation."),
    "03_targets": ("本规划没有目标，无从评估。", "The plan has no target to assess."),
    "04_comparison": ("本规划没有可与全国数据对照的指标（规划文件夹中的 comparable.csv 未列出任何指标）。",
                      ("No indicator of this plan has a comparable national series (comparable.csv in the plan folder "
                       "lists none).")),
    "04_chart": ("没有可绘制的对照图。", "No comparison chart to draw."),
    "05_flows": ("本规划在这些领域没有累计类目标。", "The plan has no cumulative target in these domains."),
    "05_splits": ("本规划在这些领域没有同时给出基线和目标的占比指标。",
                  "The plan has no share of a whole with both a baseline and a target in these domains."),
    "05_national": ("这些领域没有可与全国对照的指标。", "No indicator of these domains has a comparable national series."),
    "05_scorecard": ("本规划在这些领域没有目标。", "The plan has no target in these domains."),
    "06_pace": ("没有需要计算所需进度的目标：各目标或已实现，或没有可起算的数值。",
                "No target needs a pace: each is achieved or has no value to start from."),
    "06_scenarios": ("截至所示年份，没有目标可生成假设值：各目标或已实现，或没有可起算的数值，或已观测到该年。",
                     ("No target gets a HYPOTHETICAL value by the year shown: each is achieved, has no value to start "
                      "from, or is observed up to that year.")),
}


def nothing(section: str, language: Language = "both") -> str:
    """The one sentence a page shows where the plan has nothing for ``section`` (a key of :data:`NOTHING`)."""
    return pick(NOTHING[section], language)


def label(zh: str, en: str, language: Language = "both", sep: str = " / ") -> str:
    """The label in the chosen language; both joined by ``sep``."""
    if language == "zh":
        return zh
    if language == "en":
        return en
    return f"{zh}{sep}{en}"


def pick(names: tuple[str, str], language: Language = "both", sep: str = " / ") -> str:
    """:func:`label` for a ``(zh, en)`` pair."""
    return label(names[0], names[1], language, sep)


def domain_name(domain: str, language: Language = "both", sep: str = " / ") -> str:
    """The domain's display name."""
    return pick(DOMAIN_NAMES.get(domain, (domain, domain)), language, sep)


def _number(v: float) -> str:
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}".rstrip("0").rstrip(".")


def _zh_number(v: float) -> tuple[str, str]:
    """Chinese convention: 亿 and 万 for large numbers (2.2亿, 1.5万)."""
    for size, word in ((100_000_000, "亿"), (10_000, "万")):
        scaled = v / size
        if abs(v) >= size and abs(scaled * 100 - round(scaled * 100)) < 1e-6:
            return f"{round(scaled, 2):g}", word
    return _number(v).replace(",", ""), ""


def format_value(value: float | None, unit: str, language: Language = "both", high: float | None = None) -> str:
    """A value with its unit, as a planner would write it: ``95%``, ``2.2亿元``, ``1–2 所``.

    Chinese forms are used for ``zh`` and ``both``; English forms for ``en``.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    zh_suffix, en_suffix = UNIT_SUFFIX.get(unit, ("", unit))
    has_high = high is not None and not (isinstance(high, float) and math.isnan(high))
    if language == "en":
        text = _number(value) + (f"–{_number(high)}" if has_high else "")
        if unit == "percent":
            return text + "%"
        return f"{text} {en_suffix}".strip()
    num, word = _zh_number(value)
    if has_high:
        high_num, high_word = _zh_number(high)
        num = f"{num}{word}–{high_num}"
        word = high_word
    return f"{num}{word}{zh_suffix}"


def format_target(comparator: str, value: float | None, unit: str, language: Language = "both",
                  high: float | None = None) -> str:
    """A target as stated: ``≥95%``, ``80%``, ``1–2所``."""
    sign = COMPARATOR_SIGNS.get(comparator, ("", ""))[1 if language == "en" else 0]
    return sign + format_value(value, unit, language, high)


def format_period(start: int | float | None, end: int | float | None) -> str:
    """``2020`` for a single year, ``2016–2020`` for a span."""
    if start is None or end is None or (isinstance(start, float) and math.isnan(start)):
        return "—"
    start, end = int(start), int(end)
    return str(end) if start == end else f"{start}–{end}"


def scenario_label(name: str, language: Language = "both", sep: str = " / ") -> str:
    """A HYPOTHETICAL scenario's name (``0.5× pace needed``, ``custom paces``), marked as hypothetical."""
    zh = name.replace("× pace needed", "倍所需进度").replace("custom paces", "自定义进度")
    return label(f"假设：{zh}", f"HYPOTHETICAL: {name}", language, sep)
