"""Excel workbooks for entering observations: a template generated from a plan, and reading a filled one.

The template's sheet ``observations`` has the observation columns (``indicator_id, year, value, source, note``) then
read-only helper columns (names, unit, baseline, target, the plan's sentence), one row per indicator and year of the
plan period, with Excel's data validation (numbers within the indicator's bounds, whole years). A filled workbook is
read with openpyxl into the same rows a CSV file gives, and checked by the same code; what only a workbook can get
wrong is refused with its own message: a formula without a saved result, a date where a number belongs, a cell
formatted as a percentage (it shows 95% and holds 0.95), an old ``.xls`` or a password-protected file.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputError
from .inputs import check_header, file_kind
from .plan import FLOW_KINDS, Plan

SHEET = "observations"
HELP_SHEET = "填写说明 How to fill"
COLUMNS = ("indicator_id", "year", "value", "source", "note")
#: The helper columns' headers (read-only in the template; ignored when a workbook is read).
HELPERS = {
    "name_zh": "指标名称 name_zh", "name_en": "indicator name_en", "unit": "单位 unit",
    "baseline": "基线 baseline", "target": "目标 target", "plan_sentence": "规划原文 plan's words",
}
#: Chinese meaning of the observation columns, shown as a comment on their headers.
COLUMN_NOTES = {
    "indicator_id": "指标编号（勿改）/ indicator id (do not change)",
    "year": "年份，四位整数 / year, four digits",
    "value": "数值，按单位列的单位填写；空白行不读取 / value in the unit of the unit column; rows left empty are skipped",
    "source": "出处：文件名称与网址或文号 / source: publication and address",
    "note": "备注（可空）/ note (optional)",
}
#: A workbook larger than this, or with more rows, is refused before it is read.
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20_000
#: Rows below the pre-filled ones left open for more entries (other years, more sources).
SPARE_ROWS = 300
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # an old .xls, or an encrypted (password-protected) .xlsx
_ZIP_MAGIC = b"PK\x03\x04"


def _unit_text(kind: str, unit: str) -> str:
    if kind == "flow_total":
        return f"{unit}（每行为当年数量，非累计 / each row: that year's amount, not a running total）"
    if kind == "flow_per_year":
        return f"{unit}（每行为当年数量 / each row: that year's amount; the target is a yearly average）"
    return unit


def _statement_text(value: float, high: float, comparator: str, start: int, end: int, kind: str) -> str:
    number = f"{value:g}" + (f"–{high:g}" if pd.notna(high) else "")
    sign = {">=": "≥ ", "<=": "≤ ", "=": ""}.get(comparator, "")
    period = f"{start}–{end}" if kind in FLOW_KINDS and start != end else f"{end}"
    return f"{sign}{number} ({period})"


def template_rows(plan: Plan, known: pd.DataFrame | None = None) -> pd.DataFrame:
    """The template's rows: every indicator of ``plan`` (in its order) for each year of the plan period, with the
    helper columns; ``known`` observations (:func:`fuxin_analysis.data.observations.read_observations`) fill their rows,
    and those of other years are added after the indicator's rows."""
    m = plan.meta
    base = plan.baselines().sort_values(["indicator_id", "period_end"]).drop_duplicates("indicator_id", keep="last")
    base = base.set_index("indicator_id")
    targets = plan.targets().sort_values(["indicator_id", "period_end"]).drop_duplicates("indicator_id", keep="last")
    targets = targets.set_index("indicator_id")
    known = known if known is not None else pd.DataFrame(columns=["indicator_id", "year", "value", "source", "note"])
    known = known.set_index(["indicator_id", "year"])
    rows = []
    for ind in plan.indicators.itertuples():
        helper = {
            "name_zh": ind.name_zh, "name_en": ind.name_en, "unit": _unit_text(ind.kind, ind.unit),
            "baseline": _statement_text(base.at[ind.indicator_id, "value"], base.at[ind.indicator_id, "value_high"],
                                        "=", base.at[ind.indicator_id, "period_start"],
                                        base.at[ind.indicator_id, "period_end"], ind.kind)
            if ind.indicator_id in base.index else "",
            "target": _statement_text(targets.at[ind.indicator_id, "value"],
                                      targets.at[ind.indicator_id, "value_high"],
                                      targets.at[ind.indicator_id, "comparator"],
                                      targets.at[ind.indicator_id, "period_start"],
                                      targets.at[ind.indicator_id, "period_end"], ind.kind)
            if ind.indicator_id in targets.index else "",
            "plan_sentence": targets.at[ind.indicator_id, "source_quote"] if ind.indicator_id in targets.index
            else base.at[ind.indicator_id, "source_quote"] if ind.indicator_id in base.index else "",
        }
        years = list(range(m.period_start, m.period_end + 1))
        if ind.indicator_id in known.index.get_level_values(0):
            years += sorted(set(known.loc[ind.indicator_id].index) - set(years))
        for year in years:
            filled = known.loc[(ind.indicator_id, year)] if (ind.indicator_id, year) in known.index else None
            rows.append({"indicator_id": ind.indicator_id, "year": year,
                         "value": None if filled is None else float(filled["value"]),
                         "source": "" if filled is None else filled["source"],
                         "note": "" if filled is None else filled["note"], **helper,
                         "lower_bound": ind.lower_bound, "upper_bound": ind.upper_bound,
                         "gross": ind.kind == "gross_ratio"})
    return pd.DataFrame(rows)


def write_template(plan: Plan, output: str | Path, known: pd.DataFrame | None = None) -> Path:
    """Write the data-entry workbook for ``plan`` to ``output`` (a new ``.xlsx`` file: an existing file is never
    replaced). Returns the path written."""
    output = Path(output)
    if output.suffix.lower() != ".xlsx":
        raise InputError(output, "the template is an Excel workbook: give a file name ending in .xlsx")
    if os.path.lexists(output):
        raise InputError(output, "already exists: the template never replaces a file", hint="choose another name")
    if file_kind(output.parent) != "folder":
        raise InputError(output, "its folder does not exist")
    book = _build(plan, template_rows(plan, known))
    fd, tmp = tempfile.mkstemp(prefix=f".{output.stem}.", suffix=".xlsx.part", dir=output.parent)
    os.close(fd)
    try:
        book.save(tmp)
        try:  # the name is taken only if it is still free, and only then replaced by the finished file
            os.close(os.open(output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
        except FileExistsError:
            raise InputError(output, "already exists: the template never replaces a file",
                             hint="choose another name") from None
        os.chmod(tmp, stat.S_IMODE(os.stat(output).st_mode))  # a new file's mode, not mkstemp's private 0o600
        os.replace(tmp, output)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return output


def _build(plan: Plan, rows: pd.DataFrame) -> Any:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    ws = book.active
    ws.title = SHEET
    header = [*COLUMNS, *HELPERS.values()]
    ws.append(header)
    for r in rows.itertuples():
        ws.append([r.indicator_id, int(r.year), None if pd.isna(r.value) else r.value, r.source, r.note,
                   *(getattr(r, key) for key in HELPERS)])
    last = len(rows) + 1
    grey = PatternFill("solid", start_color="EEEEEE", end_color="EEEEEE")
    for i, cell in enumerate(ws[1], start=1):
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if i <= len(COLUMNS):
            cell.comment = Comment(COLUMN_NOTES[COLUMNS[i - 1]], "fuxin-analysis")
        else:
            cell.fill = grey
    widths = [30, 8, 12, 48, 24, 22, 36, 26, 16, 18, 60]
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    # entry cells open, helper cells locked (the sheet is protected without a password: Review → Unprotect)
    unlocked = Protection(locked=False)
    for row in ws.iter_rows(min_row=2, max_row=last + SPARE_ROWS, max_col=len(COLUMNS)):
        for cell in row:
            cell.protection = unlocked
    for row in ws.iter_rows(min_row=2, max_row=last, min_col=len(COLUMNS) + 1, max_col=len(header)):
        for cell in row:
            cell.fill = grey
    ws.protection.sheet = True
    ws.protection.insertRows = False
    ws.protection.formatColumns = False
    ws.protection.sort = False
    ws.protection.autoFilter = False
    years = DataValidation(type="whole", operator="between", formula1="1949", formula2="2100", allow_blank=True,
                           showErrorMessage=True, errorTitle="年份 year",
                           error="年份须为四位整数 / the year must be a whole number such as 2023")
    years.add(f"B2:B{last + SPARE_ROWS}")
    ws.add_data_validation(years)
    by_bounds: dict[tuple[float | None, float | None, bool], list[int]] = {}
    for i, r in enumerate(rows.itertuples(), start=2):  # one rule per pair of bounds (NaN is not a dict key)
        key = (None if pd.isna(r.lower_bound) else float(r.lower_bound),
               None if pd.isna(r.upper_bound) else float(r.upper_bound), bool(r.gross))
        by_bounds.setdefault(key, []).append(i)
    for (low, high, gross), numbers in by_bounds.items():
        if low is None and high is None:
            dv = DataValidation(type="decimal", operator="between", formula1="-1E+300", formula2="1E+300")
        elif high is None:
            dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1=f"{low:g}")
        elif low is None:
            dv = DataValidation(type="decimal", operator="lessThanOrEqual", formula1=f"{high:g}")
        else:
            dv = DataValidation(type="decimal", operator="between", formula1=f"{low:g}", formula2=f"{high:g}")
        dv.allow_blank = True
        dv.showErrorMessage = True
        dv.errorTitle = "数值 value"
        dv.error = (f"须为数字，范围 {'' if low is None else f'{low:g}'}–{'' if high is None else f'{high:g}'} / "
                    "a number within the indicator's bounds (percentages as 0–100: type 95, not 95%)")
        if gross:  # a gross ratio may pass 100: its upper bound only catches a slipped decimal
            dv.error = (f"毛入学率等可超过100，但不超过{high:g}（如101.5，而非1015）/ a gross ratio may exceed 100, up to "
                        f"its plausibility cap {high:g} (type 101.5, not 1015)")
        start = numbers[0]
        for prev, number in zip(numbers, [*numbers[1:], None], strict=True):  # consecutive rows as one range
            if number != prev + 1:
                dv.add(f"C{start}:C{prev}" if prev > start else f"C{start}")
                start = number
        ws.add_data_validation(dv)
    _help_sheet(book.create_sheet(HELP_SHEET), plan)
    return book


HELP_LINES = [
    ("如何填写", "How to fill this workbook"),
    ("只填写 value、source、note 三列；indicator_id 与 year 已预先填好，请勿修改。灰色各列仅供参考，读取时忽略。",
     ("Fill only value, source and note; indicator_id and year are filled in, do not change them. The grey columns are "
     "for reference and are ignored when the workbook is read.")),
    ("没有数据的行留空即可：value 为空的行不会被读取。", ("Leave a row empty when there is no figure: rows with an empty value are "
     "skipped.")),
    ("按“单位”列的单位填写：百分比填 0–100 的数字（95%填 95，单元格格式用“常规”或“数值”，不要用百分比格式）。",
     ("Use the unit of the unit column: percentages as numbers from 0 to 100 (95% is typed 95, in a cell formatted as "
     "General or Number, not as a percentage).")),
    ("万、亿写成完整的数字：1.5万填 15000，2.3亿元填 230000000。", ("Write 万 and 亿 out in full: 1.5万 is 15000, "
     "2.3亿元 is 230000000.")),
    ("累计类指标（单位列注明“每行为当年数量”）：每行填写当年的数量，不要填累计数。", ("For totals over the period (the unit column "
     "says so), each row is that year's amount, not a running total.")),
    ("每个数值填写一个出处：文件名称、发布机关与网址或文号，如“2023年阜新市国民经济和社会发展统计公报，阜新市统计局，http://…”。",
     "One source per value: the publication, its issuer and its address or document number."),
    ("年份为数值所属的年份（学年数据按开学年份，并在 note 中注明）。", ("The year is the year the figure describes (for a school "
     "year, the year it starts; say so in note).")),
    ("需要补充其他年份时，在下方空行填写 indicator_id、year、value、source。", ("For other years, use the empty rows below: "
     "indicator_id, year, value, source.")),
    ("不要使用公式；如使用，请保存后再提交（工具读取公式保存的结果，未计算的公式会被拒绝）。", ("Prefer typed numbers; a formula is read "
     "by its saved result, and one never calculated is refused.")),
    ("保存为 .xlsx（不要另存为 .xls，不要设置密码）。", "Save as .xlsx (not .xls), without a password."),
]


def _help_sheet(ws: Any, plan: Plan) -> None:
    from openpyxl.styles import Alignment, Font

    ws.append([plan.meta.name_zh])
    ws.append([plan.meta.name_en])
    ws.append([])
    for zh, en in HELP_LINES:
        ws.append([zh])
        ws.append([en])
        ws.append([])
    ws.column_dimensions["A"].width = 120
    for row in ws.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws["A1"].font = Font(bold=True, size=13)
    ws["A4"].font = Font(bold=True)


# ---- reading a filled workbook ----------------------------------------------------------------------------------

def label(path: str | Path) -> str:
    """How errors name a workbook's observation sheet."""
    return f"{path}, sheet '{SHEET}'"


def _cell_text(cell: Any, cached: Any, where: str, row: int, column: str) -> str:
    """The cell as the text a CSV file would hold; a workbook's own traps refused with a clear message."""
    value = cell.value
    if cell.data_type == "f" or (isinstance(value, str) and value.startswith("=")):
        saved = cached()
        value = saved.value
        if value is None and saved.data_type == "str":  # Excel saves a formula's text result as t="str"
            return ""  # a saved empty text result (=IF(…,"",…)): no figure, like an empty cell
        if value is None:
            raise InputError(where, "a formula without a saved result", row=row, field=column, value=cell.value,
                             hint="open the workbook in Excel and save it, or type the number")
    if isinstance(value, dt.datetime | dt.date | dt.time | dt.timedelta):
        what = "a year" if column == "year" else "a number"
        raise InputError(where, f"a date, not {what}", row=row, field=column, value=str(value),
                         hint="format the cell as General or Number and type the number (e.g. 2023)")
    if isinstance(value, bool):
        raise InputError(where, "TRUE/FALSE, not a value", row=row, field=column, value=value)
    if isinstance(value, int | float):
        if "%" in (cell.number_format or ""):
            raise InputError(where, f"a percentage-formatted cell: it shows {value * 100:g}% but holds {value:g}",
                             row=row, field=column, value=value,
                             hint=f"format the cell as General or Number and type {value * 100:g}")
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    return "" if value is None else str(value)


def read_rows(path: str | Path) -> Iterable[tuple[str, int, dict[str, str]]]:
    """The filled rows (``value`` not empty) of the workbook's ``observations`` sheet as ``(label, excel_row,
    {column: text})``, helper columns dropped; ready for the same checks as a CSV file's rows."""
    path = Path(path)
    where = label(path)
    if path.suffix.lower() == ".xls":
        raise InputError(path, "an old-format Excel workbook (.xls)", hint="open it in Excel and save it as .xlsx")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise InputError(path, f"workbook larger than {MAX_BYTES // 1024 // 1024} MB")
    with open(path, "rb") as handle:
        magic = handle.read(4)
    if magic == _OLE_MAGIC:
        raise InputError(path, "a password-protected (encrypted) workbook, or an old .xls renamed to .xlsx",
                         hint="save it in Excel as .xlsx without a password")
    if magic != _ZIP_MAGIC:
        raise InputError(path, "not an Excel workbook (.xlsx)")
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 — a damaged or foreign zip: openpyxl raises many kinds
        raise InputError(path, f"not a readable .xlsx workbook ({type(exc).__name__})") from None
    try:
        if SHEET not in book.sheetnames:
            raise InputError(path, f"no sheet named '{SHEET}'", value=", ".join(book.sheetnames),
                             hint="the observations go on a sheet of that name (python -m fuxin_analysis template)")
        ws = book[SHEET]
        if (ws.max_row or 0) > MAX_ROWS + 1:
            raise InputError(where, f"more than {MAX_ROWS:,} rows ({ws.max_row - 1:,})",
                             hint="split the observations over several workbooks")
        rows = ws.iter_rows()
        header_cells = next(rows, ())
        header = [("" if c.value is None else str(c.value)).strip() for c in header_cells]
        while header and not header[-1]:
            header.pop()
        known = [*COLUMNS, *HELPERS.values()]
        check_header(where, header, known, COLUMNS[:4])
        columns = {name: i for i, name in enumerate(header) if name in COLUMNS}
        values_book: list[Any] = []

        def cached_sheet() -> Any:
            if not values_book:
                values_book.append(load_workbook(path, read_only=True, data_only=True)[SHEET])
            return values_book[0]

        out = []
        for number, cells in enumerate(rows, start=2):
            if number > MAX_ROWS + 1:
                raise InputError(where, f"more than {MAX_ROWS:,} rows", row=number,
                                 hint="split the observations over several workbooks")
            cells = list(cells)
            value_i = columns["value"]
            if value_i >= len(cells) or cells[value_i].value in (None, ""):
                continue  # no figure entered: the template's empty rows
            record = {}
            for name, i in columns.items():
                cell = cells[i] if i < len(cells) else None
                if cell is None or cell.value is None:
                    record[name] = ""
                    continue
                record[name] = _cell_text(cell, lambda n=number, j=i: cached_sheet().cell(row=n, column=j + 1),
                                          where, number, name)
            if record["value"]:  # a formula may have saved an empty result: no figure, like an empty cell
                out.append((where, number, record))
        return out
    finally:
        book.close()
