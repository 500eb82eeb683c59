"""The rendered report: notebook pages as HTML without code, an index page with the scorecard, and the
scorecard as CSV and as a formatted Excel workbook. Everything a user wrote is HTML-escaped."""

from __future__ import annotations

import html
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from ..present.labels import Language, label

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"

#: Chinese headers for the columns of ``assess`` (scorecard.xlsx, data sheet).
COLUMN_NAMES_ZH = {
    "statement_id": "表述编号", "indicator_id": "指标编号", "name_zh": "指标名称", "name_en": "指标英文名称",
    "domain": "领域", "unit": "单位", "comparator": "比较", "target_value": "目标值", "target_value_high": "目标上限",
    "target_year": "目标年", "baseline_year": "基线年", "baseline_value": "基线值", "latest_year": "最新年份",
    "latest_value": "最新值", "n_observations": "观测数", "required_annual_change": "所需年均变化",
    "observed_annual_change": "实际年均变化", "cagr_ratio": "进展比R", "status": "状态代码", "trend_status": "趋势代码",
    "projected_value": "预测值", "projected_low_80": "预测下限80%", "projected_high_80": "预测上限80%",
    "probability_met": "达标概率", "pace_required_vs_history": "所需进度/基线期进度", "status_zh": "状态",
    "status_en": "状态（英文）", "outcome": "结果代码",
}


@dataclass(frozen=True)
class Page:
    """One rendered notebook: its HTML file name and its title."""

    file: str
    title: str


def notebook_title(nb: object, fallback: str) -> str:
    """The first Markdown heading of the notebook, without the leading #'s."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return fallback


_THREAD = threading.local()


def _exporter() -> object:
    """One HTML exporter per thread: building it (templates, Jinja environment) costs more than an export."""
    if not hasattr(_THREAD, "exporter"):
        from nbconvert import HTMLExporter

        _THREAD.exporter = HTMLExporter(template_name="offline", extra_template_basedirs=[str(TEMPLATE_DIR)],
                                        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    return _THREAD.exporter


def export_html(notebook: Path, target: Path) -> Page:
    """Write the executed notebook as HTML for readers: no code cells or prompts, nothing loaded from the web
    (the ``offline`` template: the lab template without require.js, MathJax, mermaid), images embedded."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    title = notebook_title(nb, notebook.stem)
    nb.metadata["title"] = title
    body, _ = _exporter().from_notebook_node(nb)
    target.write_text(body, encoding="utf-8")
    return Page(file=target.name, title=title)


def write_scorecard(assessment: pd.DataFrame, target: Path) -> Path:
    """``scorecard.csv``: every column of :func:`fuxin_analysis.assess`, UTF-8 with BOM (opens in Excel with Chinese
    intact), floats with 10 significant digits so that reruns give identical bytes."""
    assessment.to_csv(target, index=False, encoding="utf-8-sig", float_format="%.10g", lineterminator="\n")
    return target


def write_scorecard_xlsx(assessment: pd.DataFrame, target: Path, language: Language = "both",
                         plan: object = None, gaps: pd.DataFrame | None = None) -> Path:
    """``scorecard.xlsx`` for planners: a readable sheet with status colours, the full data with Chinese (or
    English, or both) headers, the data gaps (:func:`fuxin_analysis.methods.gaps.data_gaps`, the figures that matter most
    first) and the methods' thresholds."""
    from openpyxl.styles import Alignment, Font, PatternFill

    from ..methods.progress import OUTCOME_COLORS, STATUS_COLORS
    from ..present.tables import (
        SCORECARD_OUTCOME_COLUMN,
        SCORECARD_STATUS_COLUMN,
        display_data_gaps,
        display_scorecard,
        thresholds_table,
    )

    shown = display_scorecard(assessment, language, plan).reset_index()
    data = assessment.copy()
    if language != "en":
        data.columns = [label(COLUMN_NAMES_ZH[c], c, language, " ") for c in data.columns]
    sheets = {label("记分卡", "Scorecard", language, " "): shown, label("数据", "Data", language, " "): data}
    if gaps is not None:
        sheets[label("数据缺口", "Data gaps", language, " ")] = display_data_gaps(gaps, language).reset_index()
    sheets[label("方法", "Methods", language, " ")] = thresholds_table(language).reset_index()
    with pd.ExcelWriter(target, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name[:31], index=False)
            ws = writer.sheets[name[:31]]
            ws.freeze_panes = "A2"
            for cell in ws[1]:
                cell.font = Font(bold=True)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            for column in ws.columns:
                width = max(len(str(c.value)) if c.value is not None else 0 for c in column)
                ws.column_dimensions[column[0].column_letter].width = min(max(10, width * 1.2), 60)
        ws = writer.sheets[next(iter(sheets))[:31]]
        for column, codes, palette in ((SCORECARD_STATUS_COLUMN, assessment["status"], STATUS_COLORS),
                                       (SCORECARD_OUTCOME_COLUMN, assessment["outcome"], OUTCOME_COLORS)):
            for row, code in enumerate(codes, start=2):  # after the two index columns; openpyxl counts from 1
                color = palette[code].lstrip("#").upper()
                ws.cell(row=row, column=column + 3).fill = PatternFill("solid", start_color=color, end_color=color)
    return target


def heading(title: str) -> str:
    """An HTML heading for a user-given title, escaped."""
    return f"<h1>{html.escape(title)}</h1>"


def _changes_html(changes: object, language: Language) -> str:
    """The index's section on what changed since the previous report (all text escaped)."""
    from ..methods.progress import OUTCOME_LABELS, STATUS_LABELS

    heading = label("与上一份报告相比", "Changes since the last report", language)
    when = getattr(changes, "previous_run", None)
    lines = [f"<h2>{html.escape(heading)}</h2>"]
    if when:
        lines.append(f'<p class="meta">{html.escape(label("上一份报告生成于", "The previous report ran on", language))} '
                     f"{html.escape(when.replace('T', ' '))}</p>")
    lines += [f"<p>{html.escape(label(zh, en, language))}</p>" for zh, en in changes.notes]
    changed = changes.changed
    if len(changed):
        head = [label("指标", "Indicator", language), label("状态（之前 → 之后）", "Status (before → after)", language),
                label("结果（之前 → 之后）", "Outcome (before → after)", language),
                label("新增或更改的观测", "New or changed observations", language)]

        def pair(before: object, after: str, names: dict[str, tuple[str, str]]) -> str:
            old = label(*names[before], language) if isinstance(before, str) and before in names else "—"
            return f"{old} → {label(*names[after], language)}"

        rows = "\n".join(
            "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in (
                label(r.name_zh, r.name_en, language), pair(r.status_before, r.status_after, STATUS_LABELS),
                pair(r.outcome_before, r.outcome_after, OUTCOME_LABELS), r.new_observations or "—")) + "</tr>"
            for r in changed.itertuples())
        lines.append("<table><thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head) +
                     f"</tr></thead><tbody>\n{rows}\n</tbody></table>")
        lines.append(f'<p class="meta">{html.escape(label("全部目标的比较见", "Every target compared:", language))} '
                     '<a href="changes.csv">changes.csv</a></p>')
    return "\n".join(lines)


def page_head(title: str, css: str = "", width: int = 1200) -> str:
    """The start of a page this tool writes, up to ``</head>``: the escaped title and the one stylesheet of the
    report's pages (CJK fonts first, readable tables), with ``css`` added for a page's own elements."""
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>
body {{ font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif;
       max-width: {width}px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.5; }}
h1 {{ font-size: 1.6em; }}
li {{ margin: 0.3em 0; }}
.meta {{ color: #666; font-size: 0.9em; }}
table {{ border-collapse: collapse; font-size: 12px; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 4px 6px; text-align: left; vertical-align: top; }}
{css}</style>
</head>"""


def write_index(folder: Path, title: str, pages: Sequence[Page], run_time: datetime,
                assessment: pd.DataFrame | None = None, language: Language = "both", plan: object = None,
                changes: object = None) -> Path:
    """``index.html``: the title, the plan, when it ran, what changed since the previous report (``changes``:
    :class:`fuxin_analysis.run.changes.Changes`), the scorecard, and relative links to every page and file."""
    from ..present.tables import display_scorecard, style_scorecard

    items = "\n".join(
        f'<li><a href="{html.escape(p.file, quote=True)}">{html.escape(p.title)}</a></li>' for p in pages
    )
    scorecard = ""
    if assessment is not None:
        table = style_scorecard(display_scorecard(assessment, language, plan), assessment).to_html()
        scorecard = f"<h2>{html.escape(label('目标进展记分卡', 'Scorecard', language))}</h2>\n{table}"
    files = label("数据文件", "Files", language)
    changes_section = _changes_html(changes, language) if changes is not None else ""
    plan_line = ""
    meta = getattr(plan, "meta", None)
    if meta is not None:
        plan_line = (f'<p class="plan">{html.escape(label("规划", "Plan", language))}: '
                     f'{html.escape(label(meta.name_zh, meta.name_en, language))} ({html.escape(meta.issuer)}, '
                     f'{meta.period_start}–{meta.period_end})</p>\n')
    page = f"""{page_head(title)}
<body>
<h1>{html.escape(title)}</h1>
{plan_line}<p class="meta">生成时间 Generated: {html.escape(run_time.strftime("%Y-%m-%d %H:%M"))}</p>
<h2>{html.escape(label("分析报告", "Notebooks", language))}</h2>
<ol>
{items}
</ol>
<h2>{html.escape(files)}</h2>
<ul>
<li><a href="scorecard.xlsx">scorecard.xlsx</a> · <a href="scorecard.csv">scorecard.csv</a>
 · <a href="observations.csv">observations.csv</a> · <a href="changes.csv">changes.csv</a></li>
<li><a href="manifest.json">manifest.json</a> ({html.escape(label("输入文件校验和与软件版本", "input checksums and versions", language))})</li>
</ul>
{changes_section}
{scorecard}
</body>
</html>
"""
    target = folder / "index.html"
    target.write_text(page, encoding="utf-8")
    return target
