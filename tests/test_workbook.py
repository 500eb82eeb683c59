"""The data-entry workbook: the template's layout and checks, never replacing a file, pre-filling, reading a filled
workbook through the CSV checks, the workbook's own traps, and the round trip from an empty workbook to a report
that says what changed."""

import datetime as dt
import os
import re
import stat
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.formula import ArrayFormula

from fuxin_analysis.data import workbook
from fuxin_analysis.data.observations import read_observations
from fuxin_analysis.data.plan import (
    INDICATOR_COLUMNS,
    STATEMENT_COLUMNS,
    Plan,
    PlanMeta,
)
from fuxin_analysis.data.workbook import (
    COLUMN_NOTES,
    COLUMNS,
    HELP_LINES,
    HELP_SHEET,
    HELPERS,
    MAX_BYTES,
    SHEET,
    read_rows,
    template_rows,
    write_template,
)
from fuxin_analysis.errors import InputError

from .conftest import OBSERVED, PLAN_DIR, ROOT, shared

SOURCE = "阜新市统计公报 (test), http://example.org/b"


def _rows(ws):
    return {(r[0].value, r[1].value): r for r in ws.iter_rows(min_row=2) if r[0].value}


# ---- a small hand-made plan: every kind of statement the helper columns show --------------------------------------

NAN = np.nan
INDICATORS = [  # indicator_id, name_zh, name_en, domain, unit, kind, direction, lower_bound, upper_bound
    ("a_rate", "甲比率", "a rate", "preschool", "percent", "rate", "increase", 0, 100),
    ("b_gross", "乙毛入学率", "b gross ratio", "preschool", "percent", "gross_ratio", "increase", 0, 150),
    ("c_flow", "丙人数", "c persons", "teachers", "persons", "flow_total", "increase", 0, NAN),
    ("d_yearly", "丁经费", "d yuan", "governance", "yuan", "flow_per_year", "increase", NAN, NAN),
    ("e_cap", "戊学校", "e schools", "facilities", "schools", "stock", "decrease", NAN, 10),
    ("f_share", "己占比", "f share", "preschool", "percent", "rate", "maintain", 0, 100),
]
STATEMENTS = [  # statement_id, indicator_id, role, start, end, comparator, value, value_high, unit, section, quote, note
    # two baselines and two targets of a_rate, the later ones first: the latest of each is shown
    ("b_a_2020", "a_rate", "baseline", 2020, 2020, "=", 90, NAN, "percent", "一", "甲2020年达到90%", ""),
    ("b_a_2019", "a_rate", "baseline", 2019, 2019, "=", 85, NAN, "percent", "一", "甲2019年为85%", ""),
    ("t_a_2023", "a_rate", "target", 2021, 2023, ">=", 95.5, NAN, "percent", "二", "甲达到95.5%以上", ""),
    ("t_a_2022", "a_rate", "target", 2021, 2022, ">=", 93, NAN, "percent", "二", "甲2022年达到93%", ""),
    ("b_b_2020", "b_gross", "baseline", 2020, 2020, "range", 97, 98.5, "percent", "一", "乙为97%至98.5%", ""),
    ("t_b_2023", "b_gross", "target", 2023, 2023, "range", 99, 101, "percent", "二", "乙保持在99%至101%", ""),
    ("b_c_2020", "c_flow", "baseline", 2016, 2020, "=", 165, NAN, "persons", "一", "五年培养165人", ""),
    ("t_c_2023", "c_flow", "target", 2021, 2023, ">=", 300, NAN, "persons", "二", "培养300人以上", ""),
    ("t_d_2023", "d_yearly", "target", 2023, 2023, "<=", 5000, NAN, "yuan", "二", "每年不超过5000元", ""),
    ("b_e_2020", "e_cap", "baseline", 2020, 2020, "=", 8, NAN, "schools", "一", "现有8所", ""),
]


@pytest.fixture(scope=shared)
def tiny():
    """A plan of 2021–2023 built in memory (no plan folder): six indicators, one of each situation."""
    meta = PlanMeta(id="tiny", name_zh="小规划（测试）", name_en="A tiny plan (test)", issuer="test",
                    period_start=2021, period_end=2023, baseline_year=2020, baseline_period="2016-2020", source="test")
    indicators = pd.DataFrame(INDICATORS, columns=list(INDICATOR_COLUMNS)).astype(
        {"lower_bound": "float64", "upper_bound": "float64"})
    statements = pd.DataFrame(STATEMENTS, columns=list(STATEMENT_COLUMNS)).astype(
        {"period_start": "int64", "period_end": "int64", "value": "float64", "value_high": "float64"})
    return Plan(path=Path("tiny"), meta=meta, indicators=indicators, statements=statements, source_text="")


FLOW_TOTAL_UNIT = "persons（每行为当年数量，非累计 / each row: that year's amount, not a running total）"
FLOW_YEARLY_UNIT = "yuan（每行为当年数量 / each row: that year's amount; the target is a yearly average）"
#: each indicator's helper columns, as the definition says: unit (with the flow note), latest baseline and latest
#: target ("≥ "/"≤ " for the comparator, "low–high" for a range, a baseline's too; the period "start–end" for a
#: flow over several years, else its last year), the target's sentence (else the baseline's), bounds, gross or not
HELPER_VALUES = {
    "a_rate": ("甲比率", "a rate", "percent", "90 (2020)", "≥ 95.5 (2023)", "甲达到95.5%以上", 0.0, 100.0, False),
    "b_gross": ("乙毛入学率", "b gross ratio", "percent", "97–98.5 (2020)", "99–101 (2023)", "乙保持在99%至101%", 0.0, 150.0,
                True),
    "c_flow": ("丙人数", "c persons", FLOW_TOTAL_UNIT, "165 (2016–2020)", "≥ 300 (2021–2023)", "培养300人以上", 0.0, NAN,
               False),
    "d_yearly": ("丁经费", "d yuan", FLOW_YEARLY_UNIT, "", "≤ 5000 (2023)", "每年不超过5000元", NAN, NAN, False),
    "e_cap": ("戊学校", "e schools", "schools", "8 (2020)", "", "现有8所", NAN, 10.0, False),
    "f_share": ("己占比", "f share", "percent", "", "", "", 0.0, 100.0, False),
}
FRAME_COLUMNS = ["indicator_id", "year", "value", "source", "note", "name_zh", "name_en", "unit", "baseline", "target",
                 "plan_sentence", "lower_bound", "upper_bound", "gross"]


def _expected_rows(entries):
    """The template rows for (indicator, year, value, source, note) entries, with the indicator's helpers."""
    return pd.DataFrame([dict(zip(FRAME_COLUMNS, (ind, year, value, source, note, *HELPER_VALUES[ind]), strict=True))
                         for ind, year, value, source, note in entries])


def test_template_rows_of_a_small_plan(tiny):
    """One row per indicator (in the plan's order) and year of the plan period, entry columns empty."""
    frame = template_rows(tiny)
    assert frame.columns.tolist() == FRAME_COLUMNS
    expected = _expected_rows([(ind, year, None, "", "") for ind in HELPER_VALUES for year in (2021, 2022, 2023)])
    pd.testing.assert_frame_equal(frame, expected)


def test_template_rows_prefilled_from_known_observations(tiny):
    """A known observation fills its row; those of years outside the period follow the indicator's rows, in year
    order; one of an indicator the plan does not have is left out."""
    known = pd.DataFrame([("a_rate", 2022, 91.5, "S1", "N1"), ("a_rate", 2026, 97.0, "S2", "late"),
                          ("a_rate", 2019, 88.0, "S0", ""), ("c_flow", 2021, 12.0, "S3", ""),
                          ("zzz_unknown", 2021, 1.0, "S", "")],
                         columns=["indicator_id", "year", "value", "source", "note"])
    frame = template_rows(tiny, known)
    entries = [("a_rate", 2021, None, "", ""), ("a_rate", 2022, 91.5, "S1", "N1"), ("a_rate", 2023, None, "", ""),
               ("a_rate", 2019, 88.0, "S0", ""), ("a_rate", 2026, 97.0, "S2", "late"),
               ("b_gross", 2021, None, "", ""), ("b_gross", 2022, None, "", ""), ("b_gross", 2023, None, "", ""),
               ("c_flow", 2021, 12.0, "S3", ""), ("c_flow", 2022, None, "", ""), ("c_flow", 2023, None, "", "")]
    entries += [(ind, year, None, "", "") for ind in ("d_yearly", "e_cap", "f_share") for year in (2021, 2022, 2023)]
    pd.testing.assert_frame_equal(frame, _expected_rows(entries))


def _cells(ws, row):
    return [c.value for c in ws[row]]


@pytest.fixture(scope=shared)
def tiny_book(tmp_path_factory, tiny):
    """The template of the small plan, written once and read back as Excel would show it."""
    return load_workbook(write_template(tiny, tmp_path_factory.mktemp("tiny") / "t.xlsx"))


def test_template_sheet_layout(tiny_book):
    """What the user sees: the sheets, the header (bold, wrapped, a comment on each entry column, helper headers
    grey), the column widths, the frozen header row and the rows' contents."""
    book = tiny_book
    assert book.sheetnames == ["observations", "填写说明 How to fill"]
    ws = book["observations"]
    assert _cells(ws, 1) == ["indicator_id", "year", "value", "source", "note", "指标名称 name_zh",
                             "indicator name_en", "单位 unit", "基线 baseline", "目标 target", "规划原文 plan's words"]
    for i, cell in enumerate(ws[1], start=1):
        assert (cell.font.b, cell.alignment.wrap_text, cell.alignment.vertical) == (True, True, "top")
        if i <= 5:
            assert (cell.comment.text, cell.comment.author) == (COLUMN_NOTES[cell.value], "fuxin-analysis")
            assert cell.fill.fill_type is None
        else:
            assert cell.comment is None
            assert (cell.fill.fill_type, cell.fill.fgColor.rgb) == ("solid", "00EEEEEE")
    assert COLUMN_NOTES["value"] == "数值，按单位列的单位填写；空白行不读取 / value in the unit of the unit column; rows left " \
                                    "empty are skipped"
    widths = {letter: ws.column_dimensions[letter].width for letter in "ABCDEFGHIJK"}
    assert widths == dict(zip("ABCDEFGHIJK", [30, 8, 12, 48, 24, 22, 36, 26, 16, 18, 60], strict=True))
    assert ws.freeze_panes == "A2"
    assert _cells(ws, 2) == ["a_rate", 2021, None, None, None, "甲比率", "a rate", "percent", "90 (2020)",
                             "≥ 95.5 (2023)", "甲达到95.5%以上"]
    # 6 indicators × 3 years after the header, then the 300 spare rows (formatted, empty)
    assert _cells(ws, 19)[:2] == ["f_share", 2023] and ws.max_row == 19 + 300
    assert all(v is None for r in range(20, 320) for v in _cells(ws, r))


def test_template_protection_and_grey_helpers(tiny_book):
    """Entry columns open on the 18 rows and 300 spare rows below them, everything else locked; helper cells grey
    only where they hold text; the sheet protected (no password) yet rows may be inserted, columns formatted,
    rows sorted and filtered."""
    ws = tiny_book["observations"]
    last = 1 + 18
    assert all(not ws.cell(row=r, column=c).protection.locked for r in range(2, last + 301) for c in range(1, 6))
    assert ws.cell(row=last + 301, column=1).protection.locked  # below the spare rows
    assert all(ws.cell(row=1, column=c).protection.locked for c in range(1, 12))  # the header
    assert all(ws.cell(row=r, column=c).protection.locked for r in (2, last) for c in range(6, 12))  # helpers
    grey = {(r, c) for r in range(1, last + 3) for c in range(1, 13) if ws.cell(row=r, column=c).fill.fill_type}
    assert grey == {(r, c) for r in range(1, last + 1) for c in range(6, 12)}
    assert {ws.cell(row=r, column=c).fill.fgColor.rgb for r, c in grey} == {"00EEEEEE"}
    p = ws.protection
    assert (p.sheet, p.insertRows, p.formatColumns, p.sort, p.autoFilter) == (True, False, False, False, False)


def test_template_data_validation(tiny_book):
    """Whole years 1949–2100 in the entry rows and spare rows; one value rule per pair of bounds (and gross ratio or
    not), over the rows of its indicators as ranges of consecutive rows."""
    ws = tiny_book["observations"]
    rules = [(dv.type, dv.operator, dv.formula1, dv.formula2, dv.allow_blank, dv.showErrorMessage, dv.errorTitle,
              dv.error, str(dv.sqref)) for dv in ws.data_validations.dataValidation]
    bounds = "a number within the indicator's bounds (percentages as 0–100: type 95, not 95%)"
    value = (True, True, "数值 value")
    # rows: a_rate 2–4, b_gross 5–7, c_flow 8–10, d_yearly 11–13, e_cap 14–16, f_share 17–19 (same bounds as a_rate)
    assert rules == [
        ("whole", "between", "1949", "2100", True, True, "年份 year",
         "年份须为四位整数 / the year must be a whole number such as 2023", "B2:B319"),
        ("decimal", "between", "0", "100", *value, f"须为数字，范围 0–100 / {bounds}", "C2:C4 C17:C19"),
        ("decimal", "between", "0", "150", *value, ("毛入学率等可超过100，但不超过150（如101.5，而非1015）/ a gross ratio may "
         "exceed 100, up to its plausibility cap 150 (type 101.5, not 1015)"), "C5:C7"),
        ("decimal", "greaterThanOrEqual", "0", None, *value, f"须为数字，范围 0– / {bounds}", "C8:C10"),
        ("decimal", "between", "-1E+300", "1E+300", *value, f"须为数字，范围 – / {bounds}", "C11:C13"),
        ("decimal", "lessThanOrEqual", "10", None, *value, f"须为数字，范围 –10 / {bounds}", "C14:C16"),
    ]


def test_template_help_sheet(tiny_book):
    """The plan's names, then each instruction in Chinese and English, a blank line after each; wide, wrapped
    column; the title bold and larger, the first heading bold."""
    ws = tiny_book["填写说明 How to fill"]
    lines = [ws.cell(row=r, column=1).value for r in range(1, ws.max_row + 1)]
    expected = ["小规划（测试）", "A tiny plan (test)", None]
    for zh, en in HELP_LINES:
        expected += [zh, en, None]
    assert lines == expected[:-1] and ws.max_column == 1  # an empty last row is no row
    assert HELP_LINES[0] == ("如何填写", "How to fill this workbook") and len(HELP_LINES) == 11
    assert ws.column_dimensions["A"].width == 120
    for r in range(1, ws.max_row + 1):
        cell = ws.cell(row=r, column=1)
        if cell.value is not None:
            assert (cell.alignment.wrap_text, cell.alignment.vertical) == (True, "top")
    assert (ws["A1"].font.b, ws["A1"].font.sz) == (True, 13)
    assert ws["A4"].font.b is True and ws["A4"].value == "如何填写" and not ws["A5"].font.b


def test_template_prefilled_rows_in_the_sheet(tmp_path, tiny):
    known = pd.DataFrame([("a_rate", 2022, 91.5, "S1", "N1"), ("a_rate", 2019, 88.0, "S0", "")],
                         columns=["indicator_id", "year", "value", "source", "note"])
    ws = load_workbook(write_template(tiny, tmp_path / "t.xlsx", known))["observations"]
    assert [_cells(ws, r)[:5] for r in range(2, 6)] == [
        ["a_rate", 2021, None, None, None], ["a_rate", 2022, 91.5, "S1", "N1"], ["a_rate", 2023, None, None, None],
        ["a_rate", 2019, 88, "S0", None]]
    # the rule of a_rate's bounds covers its extra row 5 too (a_rate 2–5, f_share 18–20)
    rule = next(dv for dv in ws.data_validations.dataValidation if dv.formula2 == "100")
    assert str(rule.sqref) == "C2:C5 C18:C20"


# ---- writing the template: never over a file ----------------------------------------------------------------------

def test_write_template_refuses_a_name_it_cannot_use(tmp_path, tiny):
    """Not .xlsx, an existing file (or a link, even a broken one), a missing folder or a file as the folder: each
    refused with its own message, and nothing written."""
    out = tmp_path / "t.csv"
    assert (str(_raises(write_template, tiny, out))
            == f"{out}: the template is an Excel workbook: give a file name ending in .xlsx")
    existing = tmp_path / "mine.xlsx"
    existing.write_bytes(b"mine")
    assert (str(_raises(write_template, tiny, existing))
            == f"{existing}: already exists: the template never replaces a file; choose another name")
    link = tmp_path / "link.xlsx"
    link.symlink_to(tmp_path / "nowhere.xlsx")
    assert "already exists" in str(_raises(write_template, tiny, link))
    missing = tmp_path / "no" / "t.xlsx"
    assert str(_raises(write_template, tiny, missing)) == f"{missing}: its folder does not exist"
    under_file = existing / "t.xlsx"
    assert str(_raises(write_template, tiny, under_file)) == f"{under_file}: its folder does not exist"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.xlsx", "mine.xlsx"]
    assert write_template(tiny, tmp_path / "UPPER.XLSX") == tmp_path / "UPPER.XLSX"  # the suffix in any case


def test_write_template_when_the_name_is_taken_meanwhile(tmp_path, tiny, monkeypatch):
    """Another program creates the file while the workbook is built: it is not replaced, no temporary file is
    left, the same one-line error."""
    out = tmp_path / "t.xlsx"
    real = workbook.template_rows

    def rows_then_someone_writes(plan, known=None):
        out.write_bytes(b"another program's file")
        return real(plan, known)

    monkeypatch.setattr(workbook, "template_rows", rows_then_someone_writes)
    assert str(_raises(write_template, tiny, out)) == f"{out}: already exists: the template never replaces a file; " \
                                                      "choose another name"
    assert out.read_bytes() == b"another program's file"
    assert [p.name for p in tmp_path.iterdir()] == ["t.xlsx"]


def test_write_template_leaves_only_the_workbook(tmp_path, tiny):
    out = write_template(tiny, tmp_path / "t.xlsx")
    assert out == tmp_path / "t.xlsx" and [p.name for p in tmp_path.iterdir()] == ["t.xlsx"]
    assert out.read_bytes()[:4] == b"PK\x03\x04"


def test_the_template_is_readable_like_any_new_file(tmp_path, tiny):
    """Not mkstemp's private 0o600: the mode of any new file, 0o644 less the umask."""
    umask = os.umask(0o022)
    os.umask(umask)
    out = write_template(tiny, tmp_path / "t.xlsx")
    assert stat.S_IMODE(out.stat().st_mode) == 0o644 & ~umask


@pytest.mark.skipif(not os.path.isdir("/dev/shm") or os.stat("/dev/shm").st_dev == os.stat(tempfile.gettempdir()).st_dev,
                    reason="needs a folder on another file system than the temporary folder")
def test_write_template_on_another_file_system(tiny):
    """The workbook is written next to its final name, so it can be moved into place on any file system."""
    folder = Path(tempfile.mkdtemp(dir="/dev/shm"))
    try:
        out = write_template(tiny, folder / "t.xlsx")
        assert [p.name for p in folder.iterdir()] == ["t.xlsx"] and load_workbook(out).sheetnames[0] == SHEET
    finally:
        for p in folder.iterdir():
            p.unlink()
        folder.rmdir()


# ---- reading a workbook ---------------------------------------------------------------------------------------------

def _raises(call, *args, **kwargs) -> InputError:
    with pytest.raises(InputError) as info:
        call(*args, **kwargs)
    assert "\n" not in str(info.value)
    return info.value


def _book(path, rows, header=COLUMNS, sheet=SHEET, formats=None, xml=None):
    """A workbook with ``header`` and ``rows`` on ``sheet``; ``formats`` {cell: number format}; ``xml`` edits the
    sheet's XML as another program (or Excel) would have written it."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    for cell, fmt in (formats or {}).items():
        ws[cell].number_format = fmt
    wb.save(path)
    if xml:
        with zipfile.ZipFile(path) as zin:
            items = [(item, zin.read(item.filename)) for item in zin.infolist()]
        with zipfile.ZipFile(path, "w") as zout:
            for item, data in items:
                if item.filename == "xl/worksheets/sheet1.xml":
                    data = xml(data.decode()).encode()
                zout.writestr(item, data)
    return path


def _no_dimension(text: str) -> str:
    """The sheet without its stated size (as some programs write it): rows end at their last cell."""
    return re.sub(r"<dimension [^>]*/>", "", text)


def test_read_rows_returns_the_filled_rows_as_text(tmp_path):
    """Each row with a value, as ``(label, excel row, {column: text})``: numbers as written (2021.0 as 2021),
    empty cells as "", rows without a value skipped wherever they are."""
    path = _book(tmp_path / "o.xlsx", [
        ("a", 2021, 98, "s1", "n1"),
        ("a", 2022, None, "s2", "no value: skipped"),
        ("a", 2023.0, 98.4, None, "n3"),  # an empty source, then a note
        ("b", 2021, 0, "s4", None),
    ])
    where = f"{path}, sheet 'observations'"
    assert read_rows(path) == [
        (where, 2, {"indicator_id": "a", "year": "2021", "value": "98", "source": "s1", "note": "n1"}),
        (where, 4, {"indicator_id": "a", "year": "2023", "value": "98.4", "source": "", "note": "n3"}),
        (where, 5, {"indicator_id": "b", "year": "2021", "value": "0", "source": "s4", "note": ""}),
    ]
    assert read_rows(_book(tmp_path / "h.xlsx", [])) == []  # the header alone


def test_read_rows_columns_in_any_order_helpers_ignored(tmp_path):
    """The header decides: columns in any order, helper columns dropped, note optional, names stripped, empty
    cells after the header (a stray entry further right) ignored."""
    header = [" value ", "indicator_id", "指标名称 name_zh", "year", "source"]
    path = _book(tmp_path / "o.xlsx", [(5.5, "a", "甲", 2021, "s"), (6, "a", "甲", 2022, "s", None, "stray")],
                 header=header)
    where = f"{path}, sheet 'observations'"
    assert read_rows(path) == [
        (where, 2, {"value": "5.5", "indicator_id": "a", "year": "2021", "source": "s"}),
        (where, 3, {"value": "6", "indicator_id": "a", "year": "2022", "source": "s"}),
    ]


def test_read_rows_checks_the_header(tmp_path):
    path = _book(tmp_path / "o.xlsx", [("a", 2021, 1)], header=["indicator_id", "year", "value"])
    assert (str(_raises(read_rows, path))
            == f"{path}, sheet 'observations', row 1, field 'source': missing column")
    path = _book(tmp_path / "p.xlsx", [], header=[*COLUMNS, "备注2"])
    assert str(_raises(read_rows, path)).startswith(f"{path}, sheet 'observations', row 1, field '备注2': unknown column")


def test_read_rows_an_empty_sheet_has_no_header(tmp_path):
    """A sheet with no row at all: its header is missing its first column."""
    path = _book(tmp_path / "o.xlsx", [], header=[], xml=_no_dimension)
    assert (str(_raises(read_rows, path))
            == f"{path}, sheet 'observations', row 1, field 'indicator_id': missing column")


def test_read_rows_short_rows_of_a_sheet_without_a_stated_size(tmp_path):
    """Without a stated size a row ends at its last cell: a row ending before its value is skipped, missing cells
    after the value read as empty."""
    path = _book(tmp_path / "o.xlsx", [("a", 2021), ("a", 2022, 5), ("a", 2023, 6, "s"), ("a", 2024, 7, "s", "n")],
                 xml=_no_dimension)
    where = f"{path}, sheet 'observations'"
    assert read_rows(path) == [
        (where, 3, {"indicator_id": "a", "year": "2022", "value": "5", "source": "", "note": ""}),
        (where, 4, {"indicator_id": "a", "year": "2023", "value": "6", "source": "s", "note": ""}),
        (where, 5, {"indicator_id": "a", "year": "2024", "value": "7", "source": "s", "note": "n"}),
    ]


def test_read_rows_an_empty_text_value_is_no_value(tmp_path):
    path = _book(tmp_path / "o.xlsx", [("a", 2021, "x", "s")],
                 xml=lambda t: t.replace('<c r="C2" t="inlineStr"><is><t>x</t></is></c>',
                                         '<c r="C2" t="inlineStr"><is><t></t></is></c>'))
    assert read_rows(path) == []


def test_read_rows_a_formula_is_read_by_its_saved_result(tmp_path):
    """As Excel saves it: the formula and its last result; the result is read (an array formula too)."""
    path = _book(tmp_path / "o.xlsx", [("a", 2021, "=98+1", "s"), ("a", 2022, ArrayFormula("C3", "=SUM(1,2)"), "s")],
                 xml=lambda t: t.replace("<f>98+1</f><v />", "<f>98+1</f><v>99</v>").replace(
                     '<f t="array" ref="C3">SUM(1,2)</f><v />', '<f t="array" ref="C3">SUM(1,2)</f><v>3</v>'))
    where = f"{path}, sheet 'observations'"
    assert read_rows(path) == [
        (where, 2, {"indicator_id": "a", "year": "2021", "value": "99", "source": "s", "note": ""}),
        (where, 3, {"indicator_id": "a", "year": "2022", "value": "3", "source": "s", "note": ""}),
    ]


def test_read_rows_a_formula_with_an_empty_saved_result_is_no_value(tmp_path):
    """Excel saves =IF(B2="","",…) with an empty text result (t="str", empty <v>): no figure, like an empty cell,
    so the row is skipped; the filled row after it is read. (A formula never calculated has no t="str": refused,
    below.)"""
    path = _book(tmp_path / "o.xlsx", [("a", 2021, '=IF(1,"",1)', "s"), ("a", 2022, 7, "s")],
                 xml=lambda t: t.replace('<c r="C2"><f>IF(1,"",1)</f><v /></c>',
                                         '<c r="C2" t="str"><f>IF(1,"",1)</f><v></v></c>'))
    where = f"{path}, sheet 'observations'"
    assert read_rows(path) == [(where, 3, {"indicator_id": "a", "year": "2022", "value": "7", "source": "s",
                                           "note": ""})]


@pytest.mark.parametrize(("saved", "note"), [("<v></v>", ""), ("<v>checked</v>", "checked")])
def test_read_rows_a_saved_text_result_outside_the_value_is_its_text(tmp_path, saved, note):
    """A formula's saved text result in the note column reads as that text, empty or not; the row's figure is
    kept."""
    path = _book(tmp_path / "o.xlsx", [("a", 2021, 5, "s", '=IF(1,"",1)')],
                 xml=lambda t: t.replace('<c r="E2"><f>IF(1,"",1)</f><v /></c>',
                                         f'<c r="E2" t="str"><f>IF(1,"",1)</f>{saved}</c>'))
    where = f"{path}, sheet 'observations'"
    assert read_rows(path) == [(where, 2, {"indicator_id": "a", "year": "2021", "value": "5", "source": "s",
                                           "note": note})]


@pytest.mark.parametrize(("row", "formats", "message"), [
    (("a", 2021, "=98+1", "s"), None, ("field 'value': a formula without a saved result (value: '=98+1'); open the "
                                      "workbook in Excel and save it, or type the number")),
    (("a", 2021, dt.datetime(2024, 3, 1), "s"), None, ("field 'value': a date, not a number (value: '2024-03-01 "
                                                      "00:00:00'); format the cell as General or Number and type the "
                                                      "number (e.g. 2023)")),
    (("a", dt.date(2023, 1, 1), 5, "s"), None, ("field 'year': a date, not a year (value: '2023-01-01 00:00:00'); "
                                               "format the cell as General or Number and type the number (e.g. 2023)")),
    (("a", 2021, True, "s"), None, "field 'value': TRUE/FALSE, not a value (value: True)"),
    # 0.95 shown as a percentage: 0.95 × 100 = 95
    (("a", 2021, 0.95, "s"), {"C2": "0%"}, ("field 'value': a percentage-formatted cell: it shows 95% but holds "
                                           "0.95 (value: 0.95); format the cell as General or Number and type 95")),
    (("a", 2021, 0.985, "s"), {"C2": "0.0%"}, ("field 'value': a percentage-formatted cell: it shows 98.5% but holds "
                                              "0.985 (value: 0.985); format the cell as General or Number and type "
                                              "98.5")),
])
def test_read_rows_refuses_a_workbook_s_own_traps(tmp_path, row, formats, message):
    path = _book(tmp_path / "o.xlsx", [row], formats=formats)
    assert str(_raises(read_rows, path)) == f"{path}, sheet 'observations', row 2, {message}"


def test_read_rows_a_number_format_without_percent_is_read(tmp_path):
    path = _book(tmp_path / "o.xlsx", [("a", 2021, 98.5, "s")], formats={"C2": "0.0"})
    assert read_rows(path)[0][2]["value"] == "98.5"


def test_read_rows_refuses_what_is_not_a_workbook(tmp_path):
    for name in ("old.xls", "OLD.XLS"):  # refused by name, before it is opened
        assert (str(_raises(read_rows, tmp_path / name))
                == f"{tmp_path / name}: an old-format Excel workbook (.xls); open it in Excel and save it as .xlsx")
    ole = tmp_path / "locked.xlsx"
    ole.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 60)
    assert (str(_raises(read_rows, ole)) == f"{ole}: a password-protected (encrypted) workbook, or an old .xls renamed "
            "to .xlsx; save it in Excel as .xlsx without a password")
    text = tmp_path / "text.xlsx"
    text.write_bytes(b"indicator_id,year\n")
    assert str(_raises(read_rows, text)) == f"{text}: not an Excel workbook (.xlsx)"
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 60)
    assert str(_raises(read_rows, broken)) == f"{broken}: not a readable .xlsx workbook (BadZipFile)"


def test_read_rows_size_boundary(tmp_path):
    """MAX_BYTES (20 MiB) is read (here refused only as not a workbook); one byte more is refused unopened."""
    big = tmp_path / "big.xlsx"
    with open(big, "wb") as f:
        f.truncate(MAX_BYTES)  # a sparse file: no disk space used
    assert str(_raises(read_rows, big)) == f"{big}: not an Excel workbook (.xlsx)"
    with open(big, "wb") as f:
        f.truncate(MAX_BYTES + 1)
    assert str(_raises(read_rows, big)) == f"{big}: workbook larger than 20 MB"


def test_read_rows_needs_the_observations_sheet(tmp_path):
    path = _book(tmp_path / "o.xlsx", [], sheet="数据")
    load = load_workbook(path)
    load.create_sheet("Sheet2")
    load.save(path)
    assert (str(_raises(read_rows, path)) == f"{path}: no sheet named 'observations' (value: '数据, Sheet2'); the "
            "observations go on a sheet of that name (python -m fuxin_analysis template)")


def test_read_rows_row_limit(tmp_path, monkeypatch):
    """More than MAX_ROWS rows after the header is refused: from the sheet's stated size before reading, or, when the
    sheet states none, at the first row past the limit."""
    monkeypatch.setattr(workbook, "MAX_ROWS", 3)
    rows = [("a", 2021 + i, i + 1, "s") for i in range(4)]
    assert len(read_rows(_book(tmp_path / "ok.xlsx", rows[:3]))) == 3
    path = _book(tmp_path / "big.xlsx", rows)
    assert (str(_raises(read_rows, path))
            == f"{path}, sheet 'observations': more than 3 rows (4); split the observations over several workbooks")
    assert len(read_rows(_book(tmp_path / "ok2.xlsx", rows[:3], xml=_no_dimension))) == 3
    path = _book(tmp_path / "big2.xlsx", rows, xml=_no_dimension)
    assert (str(_raises(read_rows, path))
            == f"{path}, sheet 'observations', row 5: more than 3 rows; split the observations over several workbooks")


def test_template_layout(tmp_path, plan):
    path = write_template(plan, tmp_path / "t.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == [SHEET, HELP_SHEET]
    ws = book[SHEET]
    assert [c.value for c in ws[1]] == [*COLUMNS, *HELPERS.values()]
    rows = _rows(ws)
    # every indicator of the plan for each year 2021–2025, value empty
    assert len(rows) == len(plan.indicators) * 5
    assert all(r[2].value is None for r in rows.values())
    hs = [c.value for c in rows[("hs_ger", 2021)]]
    assert hs[5:] == ["高中阶段毛入学率", "senior-secondary gross enrolment rate", "percent", "98 (2020)", "99 (2025)",
                      "高中阶段毛入学率达到 99%"]
    head = [c.value for c in rows[("excellent_head_teachers", 2023)]]
    assert head[7].startswith("persons（每行为当年数量") and "not a running total" in head[7]
    assert head[8] == "165 (2016–2020)" and head[9] == "300 (2021–2025)"
    assert ws.freeze_panes == "A2" and ws.protection.sheet
    cell = rows[("hs_ger", 2021)][2]
    assert not cell.protection.locked and rows[("hs_ger", 2021)][6].protection.locked  # entry open, helper locked
    rules = {(dv.type, dv.operator, dv.formula1, dv.formula2): dv.sqref for dv in ws.data_validations.dataValidation}
    # one rule per pair of bounds and kind of percentage: a gross ratio (hs_ger) may pass 100, up to its cap 150
    gross = [dv for dv in ws.data_validations.dataValidation if dv.formula2 == "150"]
    assert len(gross) == 1 and cell.coordinate in gross[0].sqref and "a gross ratio may exceed 100" in gross[0].error
    share = rows[("public_kg_enrolment_share", 2021)][2]
    assert share.coordinate in rules[("decimal", "between", "0", "100")]
    assert str(rules[("whole", "between", "1949", "2100")]).startswith("B2:B")
    college = rows[("fuxin_college_enrolment", 2021)][2].coordinate  # persons: at least 0, no upper bound
    assert college in rules[("decimal", "greaterThanOrEqual", "0", None)]
    assert college not in rules[("decimal", "between", "0", "100")]
    assert "万、亿写成完整的数字" in " ".join(str(c.value) for c in book[HELP_SHEET]["A"])


def test_the_template_never_replaces_a_file(tmp_path, plan):
    existing = tmp_path / "mine.xlsx"
    existing.write_bytes(b"the user's own workbook")
    with pytest.raises(InputError, match="already exists: the template never replaces a file"):
        write_template(plan, existing)
    assert existing.read_bytes() == b"the user's own workbook"
    assert write_template(plan, tmp_path / "new.xlsx").exists()  # the other side: a free name is written
    with pytest.raises(InputError, match=r"ending in \.xlsx"):
        write_template(plan, tmp_path / "t.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.xlsx", "new.xlsx"]  # no temporary file left


def test_template_is_prefilled_from_known_observations(tmp_path, plan):
    known = read_observations([OBSERVED], plan)
    ws = load_workbook(write_template(plan, tmp_path / "t.xlsx", known))[SHEET]
    row = _rows(ws)[("fuxin_college_enrolment", 2024)]
    assert row[2].value == 9800 and "aqsgcw.com" in row[3].value and "9800余人" in row[4].value
    # and it reads back as the same observation
    again = read_observations([tmp_path / "t.xlsx"], plan)
    assert again[["indicator_id", "year", "value"]].values.tolist() == [["fuxin_college_enrolment", 2024, 9800.0]]


def _filled(tmp_path, plan, entries, name="obs.xlsx"):
    path = write_template(plan, tmp_path / name)
    book = load_workbook(path)
    rows = _rows(book[SHEET])
    for (indicator, year), (value, fmt) in entries.items():
        cell = rows[(indicator, year)][2]
        cell.value = value
        if fmt:
            cell.number_format = fmt
        rows[(indicator, year)][3].value = SOURCE
    book.save(path)
    return path


def test_a_filled_workbook_reads_like_a_csv(tmp_path, plan):
    path = _filled(tmp_path, plan, {("hs_ger", 2021): (98, None), ("hs_ger", 2022): (98.4, None),
                                    ("hs_ger", 2023): ("98.9", None)})  # a number typed as text reads as in a CSV
    book = load_workbook(path)
    ws = book[SHEET]
    ws.cell(row=2, column=7).value = "edited helper text"  # helper columns are ignored
    book.save(path)
    frame = read_observations([path], plan)
    assert frame[["indicator_id", "year", "value"]].values.tolist() == [
        ["hs_ger", 2021, 98.0], ["hs_ger", 2022, 98.4], ["hs_ger", 2023, 98.9]]
    assert set(frame["file"]) == {f"{path}, sheet 'observations'"} and set(frame["source"]) == {SOURCE}


def test_checks_of_a_csv_apply_to_a_workbook(tmp_path, plan):
    path = _filled(tmp_path, plan, {("public_kg_enrolment_share", 2021): (130, None)})
    with pytest.raises(InputError, match=r"obs\.xlsx, sheet 'observations', row \d+, field 'value': outside the "
                                         r"bounds \[0, 100\] of public_kg_enrolment_share \(percent, a share of a "
                                         r"whole\) \(value: '?130'?\)"):
        read_observations([path], plan)
    path = _filled(tmp_path, plan, {("hs_ger", 2021): (101.5, None)}, "gross.xlsx")  # a gross ratio above 100: accepted
    assert read_observations([path], plan)["value"].tolist() == [101.5]
    path = _filled(tmp_path, plan, {("hs_ger", 2021): (1015, None)}, "slip.xlsx")
    with pytest.raises(InputError, match=r"field 'value': above the plausibility cap 150 of hs_ger, a gross ratio"):
        read_observations([path], plan)


@pytest.mark.parametrize("value, fmt, message", [
    (0.95, "0%", "a percentage-formatted cell: it shows 95% but holds 0.95"),
    (0.95, "0.0%", "shows 95% but holds 0.95"),
    (dt.datetime(2024, 3, 1), "yyyy-mm-dd", "a date, not a number"),
    (True, None, "TRUE/FALSE, not a value"),
    ("=98+1", None, "a formula without a saved result"),
])
def test_a_workbook_s_own_traps_are_refused(tmp_path, plan, value, fmt, message):
    path = _filled(tmp_path, plan, {("hs_ger", 2022): (value, fmt)})
    with pytest.raises(InputError, match=r"obs\.xlsx, sheet 'observations', row \d+, field 'value'") as err:
        read_observations([path], plan)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_a_number_formatted_cell_is_read_as_it_shows(tmp_path, plan):
    # 98.5 in a cell formatted with one decimal, and the year typed as 2022.0: both read as written
    path = _filled(tmp_path, plan, {("hs_ger", 2022): (98.5, "0.0")})
    book = load_workbook(path)
    row = _rows(book[SHEET])[("hs_ger", 2022)]
    row[1].value = 2022.0
    book.save(path)
    assert read_observations([path], plan)[["year", "value"]].values.tolist() == [[2022, 98.5]]


def test_an_empty_template_has_no_observations(tmp_path, plan):
    assert read_observations([write_template(plan, tmp_path / "t.xlsx")], plan).empty


@pytest.mark.slow
def test_template_command_line(tmp_path):
    out = tmp_path / "t.xlsx"
    cmd = [sys.executable, "-m", "fuxin_analysis", "template", str(PLAN_DIR), "--output", str(out), "--from",
           str(OBSERVED)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "1 values filled in" in done.stdout
    again = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert again.returncode == 2 and again.stderr.count("\n") == 1 and "never replaces a file" in again.stderr


@pytest.mark.slow
def test_from_an_empty_workbook_to_a_report_that_says_what_changed(tmp_path):
    """The issue's round trip, as a user does it: template, fill a few values in Excel (here openpyxl), run the
    report with the workbook as observations, find the values in the scorecard; one more value, run again, and the
    index and changes.csv show the change."""
    from fuxin_analysis.run.runner import run

    workbook = tmp_path / "obs.xlsx"
    subprocess.run([sys.executable, "-m", "fuxin_analysis", "template", str(PLAN_DIR), "--output", str(workbook)],
                   check=True, capture_output=True)
    book = load_workbook(workbook)
    rows = _rows(book[SHEET])
    for year, value in [(2021, 98.2), (2022, 98.4), (2023, 98.9)]:
        rows[("hs_ger", year)][2].value = value
        rows[("hs_ger", year)][3].value = SOURCE
    book.save(workbook)
    params = tmp_path / "p.yaml"
    params.write_text(f'plan_dir: "{PLAN_DIR}"\nobservations: ["obs.xlsx"]\nlanguage: "en"\n', encoding="utf-8")
    out = run(params, tmp_path / "out", jobs=2, progress=lambda _: None).output
    row = pd.read_csv(out / "scorecard.csv", encoding="utf-8-sig").set_index("statement_id").loc["t_hs_ger_2025"]
    assert (row["latest_year"], row["latest_value"], row["n_observations"]) == (2023, 98.9, 4)
    assert "No previous report in this folder" in (out / "index.html").read_text(encoding="utf-8")
    assert len(pd.read_csv(out / "changes.csv", encoding="utf-8-sig")) == 0
    # one more value: 2025 is observed, the outcome is known
    book = load_workbook(workbook)
    row25 = _rows(book[SHEET])[("hs_ger", 2025)]
    row25[2].value, row25[3].value = 99.1, SOURCE
    book.save(workbook)
    out = run(params, tmp_path / "out", jobs=2, progress=lambda _: None).output
    changes = pd.read_csv(out / "changes.csv", encoding="utf-8-sig")
    changed = changes[changes["changed"]]
    assert changed["statement_id"].tolist() == ["t_hs_ger_2025"]
    hs = changed.iloc[0]
    assert (hs["outcome_before"], hs["outcome_after"], hs["new_observations"]) == ("pending", "met", "2025: 99.1")
    assert (hs["status_before"], hs["status_after"]) == ("substantial_progress", "target_achieved")
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Changes since the last report" in index and "2025: 99.1" in index and "Pending" in index
    assert "observations.csv" in (out / "SHA256SUMS").read_text()


def test_readme_worked_example_names_the_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "python -m fuxin_analysis template data/plans/fuxin_14th --output" in readme
