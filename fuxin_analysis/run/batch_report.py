"""A batch's own files, beside its sets' reports: ``index.html`` (every set, and for each plan a grid of its targets
down and its sets across, each cell coloured by status and outcome), ``batch_scorecard.csv`` (UTF-8 with BOM) and
``.xlsx`` (every set's scorecard stacked: ``set``, the parameters that vary, then the scorecard's columns), and
``manifest.json`` (the batch file, the sets, where they ran, and every file of the batch's folder)."""

from __future__ import annotations

import html
import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..methods.progress import (
    OUTCOME_COLORS,
    OUTCOME_LABELS,
    STATUS_COLORS,
    STATUS_LABELS,
)
from ..present.labels import Language, label
from .destination import CHECKSUMS, MANIFEST, REPORT_FORMAT, TOOL, _tree, sha256
from .manifest import _name, lock_record, package_versions, project_commit
from .report import page_head

if TYPE_CHECKING:
    from .batch import Batch, SetResult

SCORECARD_CSV = "batch_scorecard.csv"
SCORECARD_XLSX = "batch_scorecard.xlsx"


def _param_value(result: SetResult, key: str) -> object:
    params = result.prepared.params
    if key == "plan_dir":
        return _name(Path(params.notebook["plan_dir"]))
    if key == "observations":
        return "; ".join(_name(Path(p)) for p in params.notebook["observations"])
    value = getattr(params.params, key)
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value


def batch_scorecard(batch: Batch, results: list[SetResult]) -> pd.DataFrame:
    """Every published set's scorecard stacked: ``set``, the parameters that vary between sets, then the columns of
    :func:`fuxin_analysis.assess`. Sets that failed have no report, so no rows."""
    frames = []
    for r in results:
        if not r.ok:
            continue
        frame = r.prepared.assessed.assessment.copy()
        head = {"set": r.name, **{k: _param_value(r, k) for k in batch.varying}}
        for i, (k, v) in enumerate(head.items()):
            frame.insert(i, k, v)
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=["set", *batch.varying])
    return pd.concat(frames, ignore_index=True)


def write_batch_scorecard(table: pd.DataFrame, folder: Path, language: Language) -> None:
    """``batch_scorecard.csv`` (UTF-8 with BOM, 10 significant digits, as ``scorecard.csv``) and ``.xlsx`` (bold
    frozen header, status and outcome cells in their colours)."""
    from openpyxl.styles import Font, PatternFill

    table.to_csv(folder / SCORECARD_CSV, index=False, encoding="utf-8-sig", float_format="%.10g", lineterminator="\n")
    with pd.ExcelWriter(folder / SCORECARD_XLSX, engine="openpyxl") as writer:
        name = label("批量记分卡", "Batch scorecard", language, " ")[:31]
        table.to_excel(writer, sheet_name=name, index=False)
        ws = writer.sheets[name]
        ws.freeze_panes = "B2"
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for column, palette in (("status", STATUS_COLORS), ("outcome", OUTCOME_COLORS)):
            if column not in table.columns:
                continue
            col = table.columns.get_loc(column) + 1
            for row, code in enumerate(table[column], start=2):
                color = palette.get(code, "#ffffff").lstrip("#").upper()
                ws.cell(row=row, column=col).fill = PatternFill("solid", start_color=color, end_color=color)


def _grid(results: list[SetResult], language: Language) -> str:
    """For each plan: its targets down, its sets across; each cell in the status colour, with the outcome's colour
    as a bar below and both named in the cell (so that the grid reads without colour too)."""
    out = []
    plans: dict[str, list[SetResult]] = {}
    for r in results:
        plans.setdefault(r.prepared.plan.meta.id, []).append(r)
    for runs in plans.values():
        meta = runs[0].prepared.plan.meta
        out.append(f"<h3>{html.escape(label(meta.name_zh, meta.name_en, language))}</h3>")
        targets = runs[0].prepared.assessed.assessment[["statement_id", "name_zh", "name_en", "target_year"]]
        head = "".join(f'<th class="set"><a href="{html.escape(r.name, quote=True)}/index.html">{html.escape(r.name)}</a></th>'
                       if r.ok else f'<th class="set failed">{html.escape(r.name)}</th>' for r in runs)
        rows = []
        for t in targets.itertuples():
            cells = []
            for r in runs:
                if not r.ok:
                    cells.append('<td class="cell none">—</td>')
                    continue
                a = r.prepared.assessed.assessment
                hit = a[a["statement_id"] == t.statement_id]
                if hit.empty:
                    cells.append('<td class="cell none">—</td>')
                    continue
                status, outcome = hit["status"].iloc[0], hit["outcome"].iloc[0]
                cells.append(
                    f'<td class="cell" style="background:{STATUS_COLORS[status]};'
                    f'border-bottom:6px solid {OUTCOME_COLORS[outcome]}" title="{html.escape(t.statement_id)}">'
                    f"{html.escape(label(*STATUS_LABELS[status], language, ' '))}<br>"
                    f"<b>{html.escape(label(*OUTCOME_LABELS[outcome], language, ' '))}</b></td>")
            rows.append(f"<tr><th>{html.escape(label(t.name_zh, t.name_en, language, ' '))} "
                        f'<span class="meta">({int(t.target_year)})</span></th>{"".join(cells)}</tr>')
        corner = html.escape(label("目标 \\ 参数组", "Target \\ set", language))
        out.append(f'<table class="grid"><thead><tr><th>{corner}</th>{head}</tr></thead><tbody>'
                   + "\n".join(rows) + "</tbody></table>")
    legend = " ".join(f'<span class="key" style="background:{c}">{html.escape(label(*STATUS_LABELS[s], language))}'
                      "</span>" for s, c in STATUS_COLORS.items())
    legend_o = " ".join(f'<span class="key" style="border-bottom:6px solid {c}">'
                        f"{html.escape(label(*OUTCOME_LABELS[s], language))}</span>" for s, c in OUTCOME_COLORS.items())
    out.insert(0, f'<p class="meta">{html.escape(label("单元格底色：进展状态", "Cell colour: status", language))} '
                  f"{legend}<br>{html.escape(label('下边框：最终结果', 'Bar below: outcome', language))} {legend_o}</p>")
    return "\n".join(out)


def write_batch_index(folder: Path, batch: Batch, results: list[SetResult], run_time: datetime, where: str) -> Path:
    """``index.html``: the batch, every set (its varying parameters, a link to its report, or its one-line error and
    the folder its files are kept in), and the grid of :func:`_grid`. Everything a user wrote is escaped."""
    language = batch.sets[0].params.language
    failed = [r for r in results if not r.ok]
    title = label(f"批量分析：{batch.path.stem}", f"Batch: {batch.path.stem}", language)
    head = [label("参数组", "Set", language), *batch.varying, label("报告", "Report", language)]
    rows = []
    for r in results:
        values = "".join(f"<td>{html.escape(str(_param_value(r, k)))}</td>" for k in batch.varying)
        if r.ok:
            link = f'<a href="{html.escape(r.name, quote=True)}/index.html">{html.escape(label("打开", "open", language))}</a>'
        else:
            kept = (f' <span class="meta">({html.escape(label("文件保存在", "files kept in", language))} '
                    f"{html.escape(r.kept or '')})</span>") if r.kept else ""
            link = f'<span class="error">{html.escape(label("失败", "failed", language))}: {html.escape(r.error or "")}</span>{kept}'
        rows.append(f"<tr><td>{html.escape(r.name)}</td>{values}<td>{link}</td></tr>")
    summary = label(f"共 {len(results)} 组，{len(results) - len(failed)} 组成功，{len(failed)} 组失败。",
                    f"{len(results)} sets: {len(results) - len(failed)} written, {len(failed)} failed.", language)
    css = """.error { color: #b2182b; }
table { margin-bottom: 1.5em; }
.grid td.cell { text-align: center; width: 8em; min-width: 8em; max-width: 8em; border: 1px solid #fff; }
.grid th.set { width: 8em; writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; }
.grid th.failed { color: #b2182b; }
.key { display: inline-block; padding: 0 4px; margin: 2px; }
"""
    page = f"""{page_head(title, css, width=1400)}
<body>
<h1>{html.escape(title)}</h1>
<p class="meta">{html.escape(label("批量文件", "Batch file", language))}: {html.escape(_name(batch.path))} ·
{html.escape(label("运行于", "ran on", language))}: {html.escape(where)} ·
{html.escape(label("生成时间", "Generated", language))}: {html.escape(run_time.strftime("%Y-%m-%d %H:%M"))}</p>
<p>{html.escape(summary)}</p>
<h2>{html.escape(label("各目标在各参数组中的评估", "Each target in each set", language))}</h2>
{_grid([r for r in results], language)}
<h2>{html.escape(label("参数组", "Sets", language))}</h2>
<table><thead><tr>{"".join(f"<th>{html.escape(h)}</th>" for h in head)}</tr></thead><tbody>
{chr(10).join(rows)}
</tbody></table>
<h2>{html.escape(label("数据文件", "Files", language))}</h2>
<ul>
<li><a href="{SCORECARD_XLSX}">{SCORECARD_XLSX}</a> · <a href="{SCORECARD_CSV}">{SCORECARD_CSV}</a></li>
<li><a href="{MANIFEST}">{MANIFEST}</a></li>
</ul>
</body>
</html>
"""
    target = folder / "index.html"
    target.write_text(page, encoding="utf-8")
    return target


def write_batch_manifest(folder: Path, batch: Batch, results: list[SetResult], run_time: datetime,
                         where: str) -> Path:
    """``manifest.json`` of the batch: this tool's marker, every file of the folder (the sets' reports and kept
    folders included: what lets the next batch replace it), the batch and base files' SHA-256, each set's outcome."""
    files = sorted({*_tree(folder)[0], MANIFEST, CHECKSUMS})
    manifest = {
        "tool": {"name": TOOL, "report_format": REPORT_FORMAT},
        "kind": "batch",
        "files": files,
        "run_time": run_time.isoformat(timespec="seconds"),
        "batch": {"file": _name(batch.path), "base": _name(batch.base), "varying": batch.varying},
        "inputs": {_name(p): sha256(p) for p in (batch.path, batch.base)},
        "sets": {r.name: {"ok": r.ok, "error": r.error, "kept": r.kept} for r in results},
        "ran_on": {"where": where},
        "packages": package_versions(),
        "lock": lock_record(),
        "project": project_commit(),
    }
    target = folder / MANIFEST
    target.write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return target


def write_batch_files(folder: Path, batch: Batch, results: list[SetResult], run_time: datetime, where: str) -> None:
    """Everything of the batch's own (the manifest last: it lists the others; ``SHA256SUMS`` is the caller's)."""
    language = batch.sets[0].params.language
    write_batch_scorecard(batch_scorecard(batch, results), folder, language)
    write_batch_index(folder, batch, results, run_time, where)
    write_batch_manifest(folder, batch, results, run_time, where)
