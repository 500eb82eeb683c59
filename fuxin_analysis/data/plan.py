"""A plan as data: a folder with ``plan.yaml``, ``indicators.csv``, ``statements.csv`` and ``source.txt``, and
optionally ``comparable.csv`` (which of the plan's indicators compare with which national series).

:func:`load_plan` reads and validates such a folder into typed pandas frames. Any plan of the same
form (the next five-year plan, a provincial or national one) loads without a code change.
Row-level rules live in the pydantic models below; rules across rows and files (unique ids,
known indicators, units, bounds, quotes found in the source, values stated by their quotes)
in :func:`load_plan`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path
from typing import Annotated, Literal

import pandas as pd
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from ..errors import FieldProblem, InputError, nearest
from . import glyphs, provenance
from .inputs import file_kind, read_csv, read_text, read_yaml_mapping, validate

Domain = Literal[
    "preschool", "compulsory", "senior_secondary", "special", "ethnic", "vocational",
    "higher", "teachers", "student_aid", "facilities", "lifelong", "governance",
]
Unit = Literal[
    "percent", "persons", "person_times", "schools", "schools_per_township", "places",
    "yuan", "m2", "count", "years", "ratio",
]
Kind = Literal["rate", "gross_ratio", "stock", "flow_total", "flow_per_year", "ratio", "years"]
Direction = Literal["increase", "decrease", "maintain"]
Role = Literal["baseline", "target"]
Comparator = Literal[">=", "=", "<=", "range"]

DOMAINS: tuple[str, ...] = Domain.__args__
#: Kinds measured as amounts over a period (a total, or a yearly average), and kinds measured as a level.
FLOW_KINDS: tuple[str, ...] = ("flow_total", "flow_per_year")
LEVEL_KINDS: tuple[str, ...] = ("rate", "gross_ratio", "stock", "ratio", "years")
#: Two kinds of percentage. A ``rate`` is a share of a whole (占比, 覆盖率, 达标率, 就业率): within [0, 100], its
#: bounds are structural. A ``gross_ratio`` divides two separately counted populations (毛入学率, 毛入园率; a 巩固率
#: computed from entrants and graduates): it exceeds 100 in real statistics (Guangdong's preschool gross ratio,
#: 107.76% in 2023), so its ``upper_bound`` is a plausibility cap that catches typing slips, not a ceiling.
GROSS_RATIO = "gross_ratio"
#: The plausibility cap of the shipped gross ratios (README, "Two kinds of percentage"): well above the highest gross
#: ratio in the project's real series (Guangdong's junior-secondary 109.52%, 2021), below a slipped decimal (1015).
GROSS_RATIO_CAP = 150.0
INDICATOR_COLUMNS = ("indicator_id", "name_zh", "name_en", "domain", "unit", "kind", "direction",
                     "lower_bound", "upper_bound")
STATEMENT_COLUMNS = ("statement_id", "indicator_id", "role", "period_start", "period_end", "comparator",
                     "value", "value_high", "unit", "source_section", "source_quote", "note")
COMPARABLE_COLUMNS = ("indicator_id", "national_indicator_id", "note")
#: The optional file of a plan folder that says which of its indicators compare with which national series.
COMPARABLE_FILE = "comparable.csv"


def _blank_to_none(v: object) -> object:
    return None if isinstance(v, str) and not v.strip() else v


SnakeId = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z][a-z0-9_]*$", max_length=80)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]
OptionalNumber = Annotated[FiniteFloat | None, BeforeValidator(_blank_to_none)]
def _year_digits(v: object) -> object:
    """Years are written as four digits: '2023', not '2023.0' or '二〇二三'."""
    if isinstance(v, str) and not re.fullmatch(r"\s*\d{4}\s*", v):
        raise ValueError("a year must be four digits, e.g. 2023")
    if isinstance(v, float | bool):
        raise ValueError("a year must be a whole number written as four digits, e.g. 2023")
    return v


Year = Annotated[int, BeforeValidator(_year_digits), Field(ge=1949, le=2100)]


class PlanMeta(BaseModel):
    """``plan.yaml``: what the plan is, who issued it, which years it covers."""

    model_config = ConfigDict(extra="allow", str_strip_whitespace=True)

    id: SnakeId
    name_zh: Text
    name_en: Text
    issuer: Text
    period_start: Year
    period_end: Year
    baseline_year: Year
    baseline_period: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{4}$")]
    source: Text
    source_file: Text = "source.txt"
    #: Where the plan applies (阜新市, 全国…): how comparisons with the national figures name the plan's figures.
    jurisdiction_zh: Text | None = None
    jurisdiction_en: Text | None = None

    @model_validator(mode="after")
    def _years_in_order(self) -> PlanMeta:
        first, last = (int(y) for y in self.baseline_period.split("-"))
        if not first <= last == self.baseline_year < self.period_start <= self.period_end:
            raise ValueError(
                "years out of order: need baseline_period start <= end = baseline_year < period_start <= period_end"
            )
        return self

    @property
    def baseline_period_start(self) -> int:
        return int(self.baseline_period.split("-")[0])

    @property
    def who(self) -> tuple[str, str]:
        """The plan's jurisdiction in Chinese and English, as tables and charts name its figures ("the plan"
        when ``plan.yaml`` names none)."""
        return (self.jurisdiction_zh or "规划", self.jurisdiction_en or "Plan")


class IndicatorRow(BaseModel):
    """One row of ``indicators.csv``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    indicator_id: SnakeId
    name_zh: Text
    name_en: Text
    domain: Domain
    unit: Unit
    kind: Kind
    direction: Direction
    lower_bound: OptionalNumber = None
    upper_bound: OptionalNumber = None

    @model_validator(mode="after")
    def _bounds(self) -> IndicatorRow:
        if self.lower_bound is not None and self.upper_bound is not None and self.lower_bound > self.upper_bound:
            raise FieldProblem("lower_bound", f"lower_bound {self.lower_bound:g} is above upper_bound {self.upper_bound:g}")
        if self.unit == "percent" and (self.lower_bound is None or self.upper_bound is None):
            raise FieldProblem("upper_bound", "a percentage needs lower_bound and upper_bound (usually 0 and 100; "
                                              "a gross ratio's upper bound is its plausibility cap, e.g. 150)")
        if self.kind == GROSS_RATIO and (self.unit != "percent" or self.upper_bound is None or self.upper_bound <= 100):
            raise FieldProblem("upper_bound", "a gross ratio is a percentage that may exceed 100: its upper_bound is "
                                              "a plausibility cap above 100 (e.g. 150)")
        if self.kind == "rate" and self.unit == "percent" and self.upper_bound is not None and self.upper_bound > 100:
            raise FieldProblem("upper_bound", "a share of a whole (kind rate) cannot exceed 100%; a ratio of two "
                                              "separately counted populations (毛入学率, 巩固率) is kind gross_ratio")
        return self


class StatementRow(BaseModel):
    """One row of ``statements.csv``: one quantified statement of the plan."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    statement_id: SnakeId
    indicator_id: SnakeId
    role: Role
    period_start: Year
    period_end: Year
    comparator: Comparator
    value: OptionalNumber = None
    value_high: OptionalNumber = None
    unit: Unit
    source_section: Text
    source_quote: Text
    note: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> StatementRow:
        if self.period_start > self.period_end:
            raise FieldProblem("period_end", f"period_end {self.period_end} is before period_start {self.period_start}")
        if self.comparator == "range":
            if self.value is None or self.value_high is None:
                raise FieldProblem("value_high", "a range needs both value and value_high")
            if self.value > self.value_high:
                raise FieldProblem("value", f"range low {self.value:g} is above its high {self.value_high:g}")
        elif self.value_high is not None:
            raise FieldProblem("value_high", "value_high is only for comparator 'range'")
        return self


class ComparableRow(BaseModel):
    """One row of ``comparable.csv``: a plan indicator, the national series it is set beside, and why the two
    definitions compare (the citation of the comparison)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    indicator_id: SnakeId
    national_indicator_id: SnakeId
    note: Text


@dataclass(frozen=True)
class Plan:
    """A loaded, validated plan: metadata, one frame per table, and the plan's text."""

    path: Path
    meta: PlanMeta
    indicators: pd.DataFrame
    statements: pd.DataFrame
    source_text: str
    #: ``comparable.csv``: ``indicator_id, national_indicator_id, note``, one row per plan indicator that has a
    #: comparable national series (no rows when the folder has no such file).
    comparable: pd.DataFrame = dataclass_field(default_factory=lambda: pd.DataFrame(columns=list(COMPARABLE_COLUMNS)))

    @property
    def id(self) -> str:
        return self.meta.id

    def statements_long(self) -> pd.DataFrame:
        """Statements joined with their indicator's names, domain, kind and direction (one row per statement)."""
        cols = ["indicator_id", "name_zh", "name_en", "domain", "kind", "direction", "lower_bound", "upper_bound"]
        return self.statements.merge(self.indicators[cols], on="indicator_id", how="left", validate="many_to_one")

    def baselines(self) -> pd.DataFrame:
        """Statements of the plan's baseline (results up to ``baseline_year``)."""
        long = self.statements_long()
        return long[long["role"] == "baseline"].reset_index(drop=True)

    def targets(self) -> pd.DataFrame:
        """Statements of the plan's targets."""
        long = self.statements_long()
        return long[long["role"] == "target"].reset_index(drop=True)


def _frame(rows: list[BaseModel], columns: tuple[str, ...], dtypes: dict[str, str]) -> pd.DataFrame:
    frame = pd.DataFrame([r.model_dump(include=set(columns)) for r in rows], columns=list(columns))
    return frame.astype(dtypes)


def load_plan(folder: str | Path) -> Plan:
    """Read and validate a plan folder; raise :class:`InputError` naming file, row, field and value."""
    folder = Path(folder)
    kind = file_kind(folder)
    if kind != "folder":
        raise InputError(folder, "plan folder not found" if kind is None else "not a folder")
    meta_path = folder / "plan.yaml"
    meta = validate(PlanMeta, read_yaml_mapping(meta_path), meta_path)
    source_path = folder / meta.source_file
    source_text = read_text(source_path)

    ind_path = folder / "indicators.csv"
    indicators: dict[str, tuple[int, IndicatorRow]] = {}
    for row, record in read_csv(ind_path, INDICATOR_COLUMNS, INDICATOR_COLUMNS[:7]):
        ind = validate(IndicatorRow, record, ind_path, row)
        for field in ("name_zh", "name_en"):  # drawn in charts: refuse what the chart font cannot show
            if problem := glyphs.glyph_problem(getattr(ind, field)):
                raise InputError(ind_path, problem, row=row, field=field, value=getattr(ind, field))
        if ind.indicator_id in indicators:
            raise InputError(ind_path, f"duplicate id (first in row {indicators[ind.indicator_id][0]})", row=row,
                             field="indicator_id", value=ind.indicator_id)
        indicators[ind.indicator_id] = (row, ind)
    if not indicators:
        raise InputError(ind_path, "no indicators")

    st_path = folder / "statements.csv"
    statements: dict[str, tuple[int, StatementRow]] = {}
    for row, record in read_csv(st_path, STATEMENT_COLUMNS, STATEMENT_COLUMNS[:11]):
        st = validate(StatementRow, record, st_path, row)
        _check_statement(st, row, st_path, indicators, statements, meta, source_text)
        statements[st.statement_id] = (row, st)
    if not statements:
        raise InputError(st_path, "no statements")

    ind_frame = _frame([r for _, r in indicators.values()], INDICATOR_COLUMNS,
                       {"lower_bound": "float64", "upper_bound": "float64"})
    st_frame = _frame([r for _, r in statements.values()], STATEMENT_COLUMNS,
                      {"period_start": "int64", "period_end": "int64", "value": "float64", "value_high": "float64"})
    comparable = _read_comparable(folder / COMPARABLE_FILE, indicators)
    return Plan(path=folder, meta=meta, indicators=ind_frame, statements=st_frame, source_text=source_text,
                comparable=comparable)


def _read_comparable(path: Path, indicators: dict[str, tuple[int, IndicatorRow]]) -> pd.DataFrame:
    """``comparable.csv`` if the folder has one (else no rows): each plan indicator known, each national series one
    of ``data/reference/`` with the indicator's unit, each indicator at most once."""
    from .reference import national_units

    if file_kind(path) is None:
        return pd.DataFrame(columns=list(COMPARABLE_COLUMNS))
    units = national_units()
    rows: dict[str, tuple[int, ComparableRow]] = {}
    for row, record in read_csv(path, COMPARABLE_COLUMNS, COMPARABLE_COLUMNS):
        m = validate(ComparableRow, record, path, row)
        if m.indicator_id not in indicators:
            guess = nearest(m.indicator_id, indicators)
            raise InputError(path, "unknown indicator", row=row, field="indicator_id", value=m.indicator_id,
                             hint=f"did you mean '{guess}'?" if guess else "the plan's indicators are in indicators.csv")
        if m.national_indicator_id not in units:
            guess = nearest(m.national_indicator_id, units)
            raise InputError(path, "unknown national series", row=row, field="national_indicator_id",
                             value=m.national_indicator_id,
                             hint=f"did you mean '{guess}'?" if guess else
                             "the national series are those of data/reference/national_moe_bulletins.csv and "
                             "national_14th_targets.csv")
        if m.indicator_id in rows:
            raise InputError(path, f"duplicate indicator (first in row {rows[m.indicator_id][0]}): an indicator is "
                             "compared with one national series", row=row, field="indicator_id", value=m.indicator_id)
        unit = indicators[m.indicator_id][1].unit
        if unit not in units[m.national_indicator_id]:
            raise InputError(path, f"the indicator's unit '{unit}' differs from the national series' unit "
                             f"'{'/'.join(sorted(units[m.national_indicator_id]))}'", row=row,
                             field="national_indicator_id", value=m.national_indicator_id)
        rows[m.indicator_id] = (row, m)
    return pd.DataFrame([m.model_dump() for _, m in rows.values()], columns=list(COMPARABLE_COLUMNS))


def _check_statement(
    st: StatementRow,
    row: int,
    path: Path,
    indicators: dict[str, tuple[int, IndicatorRow]],
    seen: dict[str, tuple[int, StatementRow]],
    meta: PlanMeta,
    source_text: str,
) -> None:
    """Rules that need the other rows, the indicator table, the plan's years or its text."""
    if st.statement_id in seen:
        raise InputError(path, f"duplicate id (first in row {seen[st.statement_id][0]})", row=row,
                         field="statement_id", value=st.statement_id)
    if st.indicator_id not in indicators:
        guess = nearest(st.indicator_id, indicators)
        raise InputError(path, "unknown indicator", row=row, field="indicator_id", value=st.indicator_id,
                         hint=f"did you mean '{guess}'?" if guess else "add it to indicators.csv first")
    ind = indicators[st.indicator_id][1]
    if st.unit != ind.unit:
        raise InputError(path, f"unit differs from the indicator's unit '{ind.unit}'", row=row, field="unit",
                         value=st.unit)
    if st.role == "target" and ind.kind in FLOW_KINDS and (
            st.comparator == "<=" or st.comparator == "=" and ind.direction == "decrease"):
        raise InputError(path, "a total or yearly amount 'at most' (a cap) is not assessed: the progress methods "
                               "measure reaching an amount (comparator '>=' or '=', on an indicator that increases)",
                         row=row, field="comparator", value=st.comparator)
    if st.role == "target" and ind.kind in FLOW_KINDS and st.value is not None and st.value <= 0:
        raise InputError(path, "a total or yearly amount target must be above 0: progress is the share of it "
                               "reached", row=row, field="value", value=st.value)
    for field in ("value", "value_high"):
        v = getattr(st, field)
        if v is None:
            continue
        if ind.lower_bound is not None and v < ind.lower_bound or ind.upper_bound is not None and v > ind.upper_bound:
            lo = "" if ind.lower_bound is None else f"{ind.lower_bound:g}"
            hi = "" if ind.upper_bound is None else f"{ind.upper_bound:g}"
            raise InputError(path, f"outside the indicator's bounds [{lo}, {hi}]", row=row, field=field, value=v)
    if st.role == "baseline" and st.period_end > meta.baseline_year:
        raise InputError(path, f"a baseline must end by the baseline year {meta.baseline_year}", row=row,
                         field="period_end", value=st.period_end)
    if st.role == "target" and st.period_end <= meta.baseline_year:
        raise InputError(path, f"a target year must come after the baseline year {meta.baseline_year}", row=row,
                         field="period_end", value=st.period_end)
    if not provenance.quote_in_source(st.source_quote, source_text):
        raise InputError(path, f"quote not found in the plan's text ({meta.source_file})", row=row,
                         field="source_quote", value=st.source_quote)
    for field in ("value", "value_high"):
        v = getattr(st, field)
        if v is not None and not provenance.value_is_stated(v, st.source_quote, st.unit):
            raise InputError(path, "value is not a number the quote states", row=row, field=field, value=v)

