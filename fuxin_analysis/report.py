"""The rendered report: notebook pages as HTML without code, and an index page linking them."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import nbformat
import pandas as pd


@dataclass(frozen=True)
class Page:
    """One rendered notebook: its HTML file name and its title."""

    file: str
    title: str


def notebook_title(nb: nbformat.NotebookNode, fallback: str) -> str:
    """The first Markdown heading of the notebook, without the leading #'s."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return fallback


def export_html(notebook: Path, target: Path) -> Page:
    """Write the executed notebook as HTML without code cells or prompts (for readers, not programmers)."""
    from nbconvert import HTMLExporter

    nb = nbformat.read(notebook, as_version=4)
    title = notebook_title(nb, notebook.stem)
    nb.metadata["title"] = title
    exporter = HTMLExporter(template_name="lab", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb)
    target.write_text(body, encoding="utf-8")
    return Page(file=target.name, title=title)


def write_scorecard(assessment: pd.DataFrame, target: Path) -> Path:
    """``scorecard.csv``: every column of :func:`fuxin_analysis.assess`, UTF-8 with BOM (opens in Excel with Chinese
    intact), floats with 10 significant digits so that reruns give identical bytes."""
    assessment.to_csv(target, index=False, encoding="utf-8-sig", float_format="%.10g", lineterminator="\n")
    return target


def heading(title: str) -> str:
    """An HTML heading for a user-given title, escaped."""
    return f"<h1>{html.escape(title)}</h1>"


def write_index(folder: Path, title: str, pages: Sequence[Page], run_time: datetime) -> Path:
    """``index.html``: the title, when it ran, and a link to every notebook page (relative links)."""
    items = "\n".join(
        f'<li><a href="{html.escape(p.file, quote=True)}">{html.escape(p.title)}</a></li>' for p in pages
    )
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>
body {{ font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif; max-width: 960px;
       margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.6; }}
h1 {{ font-size: 1.6em; }}
li {{ margin: 0.4em 0; }}
.meta {{ color: #666; font-size: 0.9em; }}
</style>
</head>
<body>
<h1>{html.escape(title)}</h1>
<p class="meta">生成时间 Generated: {html.escape(run_time.strftime("%Y-%m-%d %H:%M"))}</p>
<h2>分析报告 Notebooks</h2>
<ol>
{items}
</ol>
</body>
</html>
"""
    target = folder / "index.html"
    target.write_text(page, encoding="utf-8")
    return target
