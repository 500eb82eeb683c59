"""The explorer: one indicator of one plan at a time, redrawn on every change of a control (ipywidgets).

Controls: plan (the plans it is given: :func:`fuxin_analysis.run.params.discover_plans` finds every plan folder the
parameter files and ``data/plans/`` name), domain, target (its indicator's
Chinese and English name), ``as_of`` year, projection method (those the evaluation compares), a HYPOTHETICAL yearly
pace for the years after the latest observation (labelled as such on the chart and the row), and language.
Output: the trajectory chart (required paths, observations, the projection with its calibrated 80% band, the target,
the national series where the plan's ``comparable.csv`` names one, the hypothetical path), the target's scorecard
row, the plan's sentence and the observations with their sources.

A change redraws only what depends on it: assessments are kept per (plan, ``as_of``, method), and the chart is one
figure drawn again in place. What the chart shows is also kept as data (:attr:`Explorer.chart_data`), so that tests
can check the chart's content, not merely that something was drawn.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..data.plan import DOMAINS, FLOW_KINDS, Plan, load_plan
from .labels import Language, domain_name, format_value, label

HYPOTHETICAL = ("假设情景（非观测）", "HYPOTHETICAL (not observed)")


@dataclass(frozen=True)
class PlanChoice:
    """A plan the explorer offers: its folder and the observation files that go with it."""

    plan_dir: Path
    observations: tuple[Path, ...]


class Explorer:
    """The explorer's widgets and state. ``controls`` maps each control's name to its widget: set a value to explore
    (``explorer.controls["as_of"].value = 2023``); :attr:`chart_data` and :attr:`row` then hold what is shown."""

    def __init__(self, plans: dict[str, PlanChoice], language: Language = "both",
                 today: date | None = None) -> None:
        import ipywidgets as w
        import matplotlib

        from ..methods.projection import DEFAULT_METHOD, METHODS
        from .charts import setup

        matplotlib.use("Agg", force=False)
        setup()
        self.today = today or date.today()
        self.plans = plans
        self._plans: dict[str, tuple[Plan, pd.DataFrame]] = {}
        self._assessments: dict[tuple[str, int, str], pd.DataFrame] = {}
        self.chart_data: dict[str, tuple[list[float], list[float]]] = {}
        self.row: dict[str, Any] = {}
        self._figure = None
        layout = w.Layout(width="440px")
        style = {"description_width": "110px"}
        self.controls: dict[str, Any] = {
            "plan": w.Dropdown(description="规划 Plan", layout=layout, style=style),
            "domain": w.Dropdown(description="领域 Domain", layout=layout, style=style),
            "indicator": w.Dropdown(description="指标 Indicator", layout=layout, style=style),
            "as_of": w.Dropdown(description="截至 As of", layout=layout, style=style),
            "method": w.Dropdown(options=[(label(*METHODS[m], "both"), m) for m in METHODS], value=DEFAULT_METHOD,
                                 description="预测 Method", layout=layout, style=style),
            "pace_on": w.Checkbox(value=False, description="假设年均变化 HYPOTHETICAL pace", indent=False),
            "pace": w.FloatText(value=0.0, description="每年 a year", layout=w.Layout(width="220px"), style=style),
            "language": w.ToggleButtons(options=[("中文", "zh"), ("English", "en"), ("双语 both", "both")],
                                        value=language, description="语言 Language", style=style),
        }
        self.image = w.Image(format="png", layout=w.Layout(width="760px"))
        self.row_html = w.HTML()
        self.sentence_html = w.HTML()
        self.sources_html = w.HTML()
        self._busy = False
        self.controls["plan"].options = [(pid, pid) for pid in self.plans]
        self.controls["plan"].observe(self._on_plan, names="value")
        self.controls["domain"].observe(self._on_domain, names="value")
        for name in ("indicator", "as_of", "method", "pace_on", "pace", "language"):
            self.controls[name].observe(self._on_change, names="value")
        self._set_plan(next(iter(self.plans)))

    # ---- state ---------------------------------------------------------------------------------------------------
    def _plan(self, plan_id: str) -> tuple[Plan, pd.DataFrame]:
        """The plan and every observation of it (the plan's baselines included), read once."""
        if plan_id not in self._plans:
            from ..data.observations import load

            choice = self.plans[plan_id]
            plan = load_plan(choice.plan_dir)
            self._plans[plan_id] = (plan, load([str(p) for p in choice.observations], plan))
        return self._plans[plan_id]

    def _assessment(self, plan_id: str, as_of: int, method: str) -> pd.DataFrame:
        key = (plan_id, as_of, method)
        if key not in self._assessments:
            from ..methods.progress import assess

            plan, data = self._plan(plan_id)
            observed = data[data["origin"] == "observed"][["indicator_id", "year", "value", "source", "note"]]
            self._assessments[key] = assess(plan, observed, as_of=as_of, method=method, today=self.today)
        return self._assessments[key]

    def _set_plan(self, plan_id: str) -> None:
        self._busy = True
        try:
            plan, _ = self._plan(plan_id)
            language = self.controls["language"].value
            self.controls["plan"].options = [(label(self._plan(p)[0].meta.name_zh, self._plan(p)[0].meta.name_en,
                                                    language)[:90], p) for p in self.plans]
            self.controls["plan"].value = plan_id
            domains = [d for d in DOMAINS if d in set(plan.targets()["domain"])]
            self.controls["domain"].options = [(domain_name(d, language), d) for d in domains]
            self.controls["domain"].value = domains[0]
            years = list(range(plan.meta.baseline_year, self.today.year + 1))
            self.controls["as_of"].options = years
            self.controls["as_of"].value = years[-1]
            self._set_targets()
        finally:
            self._busy = False
        self.update()

    def _set_targets(self) -> None:
        plan, _ = self._plan(self.controls["plan"].value)
        language = self.controls["language"].value
        targets = plan.targets()
        targets = targets[targets["domain"] == self.controls["domain"].value]
        self.controls["indicator"].options = [
            (f"{label(t.name_zh, t.name_en, language)} ({t.period_end})", t.statement_id)
            for t in targets.itertuples()]
        self.controls["indicator"].value = targets["statement_id"].iloc[0]

    def _on_plan(self, change: dict) -> None:
        if not self._busy:
            self._set_plan(change["new"])

    def _on_domain(self, change: dict) -> None:
        if self._busy:
            return
        self._busy = True
        try:
            self._set_targets()
        finally:
            self._busy = False
        self.update()

    def _on_change(self, change: dict) -> None:
        if not self._busy:
            self.update()

    # ---- drawing -------------------------------------------------------------------------------------------------
    def update(self) -> None:
        """Assess (or reuse the assessment), then draw the chart and fill the row, sentence and sources."""
        c = {k: v.value for k, v in self.controls.items()}
        plan, data = self._plan(c["plan"])
        assessment = self._assessment(c["plan"], int(c["as_of"]), c["method"])
        row = assessment.set_index("statement_id").loc[c["indicator"]]
        st = plan.targets().set_index("statement_id").loc[c["indicator"]]
        series = data[(data["indicator_id"] == row["indicator_id"]) & (data["year"] <= c["as_of"])].sort_values("year")
        pace = float(c["pace"]) if c["pace_on"] and np.isfinite(c["pace"]) else None
        self._draw(plan, st, series, row, c["language"], c["method"], pace)
        self.row = {"statement_id": c["indicator"], **row.to_dict()}
        self._fill_text(plan, st, series, assessment[assessment["statement_id"] == c["indicator"]], c["language"],
                        pace)

    def _hypothetical(self, st: pd.Series, series: pd.DataFrame, pace: float) -> tuple[list[int], list[float]]:
        """The HYPOTHETICAL path: the latest value moved by ``pace`` a year to the target year (kept within the
        indicator's bounds); for a total, the yearly amount ``pace`` for each year left."""
        if series.empty:
            return [], []
        last_year, last = int(series["year"].iloc[-1]), float(series["value"].iloc[-1])
        years = list(range(last_year, int(st["period_end"]) + 1))
        if st["kind"] in FLOW_KINDS:
            inside = series[series["year"] >= st["period_start"]]
            total = float(inside["value"].sum())
            return years, [total + pace * (y - last_year) for y in years]
        low = st["lower_bound"] if pd.notna(st["lower_bound"]) else -np.inf
        high = st["upper_bound"] if pd.notna(st["upper_bound"]) else np.inf
        return years, [float(np.clip(last + pace * (y - last_year), low, high)) for y in years]

    def _draw(self, plan: Plan, st: pd.Series, series: pd.DataFrame, row: pd.Series, language: Language,
              method: str, pace: float | None) -> None:
        import matplotlib.pyplot as plt

        from .charts import _flow_panel, _level_panel, indicator_label

        if self._figure is None:
            self._figure, _ = plt.subplots(figsize=(8.4, 4.6), dpi=80)
            plt.close(self._figure)  # kept by the explorer, never shown by pyplot
        fig = self._figure
        ax = fig.axes[0]
        ax.clear()
        if st["kind"] in FLOW_KINDS:
            _flow_panel(ax, st, series, row, language)
        else:
            _level_panel(ax, st, series, row, language, method)
            national = self._national(plan, row["indicator_id"])
            if national is not None and len(national):
                ax.plot(national["year"], national["value"], color="#999999", lw=1, marker=".",
                        label=label("全国（教育统计公报）", "China (MoE bulletins)", language))
        if pace is not None:
            years, values = self._hypothetical(st, series, pace)
            if years:
                ax.plot(years, values, ls=":", lw=2, color="#8e44ad",
                        label=label(*HYPOTHETICAL, language) + f": {pace:+g}/a")
        ax.set_title(indicator_label(row["name_zh"], row["name_en"], language, 60), fontsize=10)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.legend(fontsize=7, loc="best")
        self.chart_data = {str(line.get_label()): (list(map(float, line.get_xdata())),
                                                   list(map(float, line.get_ydata()))) for line in ax.lines}
        for coll in ax.collections:
            name = str(coll.get_label())
            if name.startswith("_"):
                continue
            offsets = coll.get_offsets() if hasattr(coll, "get_offsets") else []
            if len(offsets) and "80%" not in name:
                self.chart_data[name] = ([float(x) for x, _ in offsets], [float(y) for _, y in offsets])
            elif "80%" in name:
                path = coll.get_paths()[0].vertices
                self.chart_data[name] = ([float(x) for x in path[:, 0]], [float(y) for y in path[:, 1]])
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", bbox_inches="tight")
        self.image.value = buffer.getvalue()

    def _national(self, plan: Plan, indicator_id: str) -> pd.DataFrame | None:
        """The national series the plan's ``comparable.csv`` sets beside the indicator (None if it names none)."""
        from ..data.reference import national_series

        if not hasattr(self, "_national_series"):
            self._national_series = national_series()
        mapping = plan.comparable.set_index("indicator_id")["national_indicator_id"]
        if indicator_id not in mapping.index:
            return None
        return self._national_series[self._national_series["indicator_id"] == mapping[indicator_id]]

    def _fill_text(self, plan: Plan, st: pd.Series, series: pd.DataFrame, part: pd.DataFrame, language: Language,
                   pace: float | None) -> None:
        from .tables import display_scorecard

        table = display_scorecard(part, language, plan).to_html(escape=True)
        note = ""
        if pace is not None:
            years, values = self._hypothetical(st, series, pace)
            if years:
                note = (f"<p><b>{html.escape(label(*HYPOTHETICAL, language))}</b>: "
                        f"{html.escape(label('按每年', 'at', language))} {pace:+g} "
                        f"{html.escape(label('变化，目标年达到', 'a year, the target year reaches', language))} "
                        f"{html.escape(format_value(round(values[-1], 2), st['unit'], language))}</p>")
        self.row_html.value = table + note
        self.sentence_html.value = (f"<p>{html.escape(label('规划原文', 'The plan says', language))}: "
                                    f"“{html.escape(str(st['source_quote']))}”（{html.escape(str(st['source_section']))}）</p>")
        rows = "".join(f"<tr><td>{int(r.year)}</td><td>{html.escape(f'{r.value:g}')}</td>"
                       f"<td>{html.escape(str(r.source))}</td></tr>" for r in series.itertuples())
        head = "".join(f"<th>{html.escape(h)}</th>" for h in (label("年份", "Year", language),
                                                              label("数值", "Value", language),
                                                              label("出处", "Source", language)))
        self.sources_html.value = (f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
                                   if rows else html.escape(label("尚无观测。", "No observation yet.", language)))

    def widget(self) -> Any:
        """The whole explorer as one widget (what the notebook displays)."""
        import ipywidgets as w

        c = self.controls
        controls = w.VBox([c["plan"], c["domain"], c["indicator"], c["as_of"], c["method"],
                           w.HBox([c["pace_on"], c["pace"]]), c["language"]])
        return w.VBox([controls, self.image, self.row_html, self.sentence_html, self.sources_html])
