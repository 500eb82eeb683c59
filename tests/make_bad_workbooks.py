"""Writes the workbook cases of the bad-input corpus (tests/bad_inputs/77_… to 84_…), each from the template the
tool writes for the mini plan, changed the way a user's mistake would change it. Run once; the files are committed.

    .venv/bin/python tests/make_bad_workbooks.py
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

from openpyxl import Workbook, load_workbook

from fuxin_analysis import load_plan
from fuxin_analysis.data.workbook import write_template

HERE = Path(__file__).parent
CORPUS = HERE / "bad_inputs"
PLAN = load_plan(HERE / "plans" / "mini_plan")
PARAMS = 'plan_dir: "plan"\nobservations: ["{name}"]\n'


def template() -> tuple[Workbook, Path]:
    folder = Path(tempfile.mkdtemp())
    path = write_template(PLAN, folder / "t.xlsx")
    return load_workbook(path), folder


def fill(ws, row: int, value, source: str = "2022年统计公报, https://example.org/b") -> None:
    ws.cell(row=row, column=3).value = value
    ws.cell(row=row, column=4).value = source


def case(name: str, expected: list[str], book: Workbook | None = None, raw: bytes | None = None,
         file: str = "obs.xlsx") -> None:
    folder = CORPUS / name
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir()
    if book is not None:
        book.save(folder / file)
    else:
        (folder / file).write_bytes(raw)
    (folder / "params.yaml").write_text(PARAMS.format(name=file), encoding="utf-8")
    (folder / "expected.txt").write_text("\n".join(expected) + "\n", encoding="utf-8")


def main() -> None:
    # row 3 of the template is kg_ger 2022 (row 2: kg_ger 2021)
    book, _ = template()
    fill(book["observations"], 3, "about 90")
    case("77_workbook_text_in_value", ["obs.xlsx, sheet 'observations', row 3, field 'value'", "about 90"], book)

    book, _ = template()
    fill(book["observations"], 3, 0.95)
    book["observations"].cell(row=3, column=3).number_format = "0%"
    case("78_workbook_percent_formatted", ["obs.xlsx, sheet 'observations', row 3, field 'value'",
                                           "shows 95% but holds 0.95", "type 95"], book)

    book, _ = template()
    ws = book["observations"]
    fill(ws, 3, 91.0)
    ws.cell(row=3, column=2).value = dt.datetime(2022, 1, 1)
    ws.cell(row=3, column=2).number_format = "yyyy-mm-dd"
    case("79_workbook_date_in_year", ["obs.xlsx, sheet 'observations', row 3, field 'year'", "a date, not a year",
                                      "2022-01-01"], book)

    book, _ = template()
    book["observations"].title = "Sheet1"
    case("80_workbook_missing_sheet", ["obs.xlsx", "no sheet named 'observations'", "Sheet1"], book)

    book, _ = template()
    ws = book["observations"]
    fill(ws, 3, 91.0)
    ws.cell(row=1, column=3).value = "数值"
    case("81_workbook_renamed_header", ["obs.xlsx, sheet 'observations', row 1, field '数值'", "unknown column"], book)

    # an old Excel 97–2003 file starts with the OLE2 compound-file signature; so does an encrypted .xlsx
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    case("82_workbook_old_xls", ["field 'observations[0]'", "old-format Excel workbook (.xls)", "obs.xls",
                                 "save it as .xlsx"], raw=ole, file="obs.xls")
    case("83_workbook_password_protected", ["obs.xlsx", "password-protected (encrypted) workbook"], raw=ole)

    book = Workbook(write_only=True)
    ws = book.create_sheet("observations")
    ws.append(["indicator_id", "year", "value", "source", "note"])
    for i in range(100_000):
        ws.append(["kg_ger", 2021, 90.0, "统计公报"])
    case("84_workbook_100000_rows", ["obs.xlsx, sheet 'observations'", "row 20002", "more than 20,000 rows"], book)

    book, _ = template()
    ws = book["observations"]
    fill(ws, 3, "=90+1")
    case("85_workbook_formula_without_result", ["obs.xlsx, sheet 'observations', row 3, field 'value'",
                                                "a formula without a saved result", "=90+1"], book)


if __name__ == "__main__":
    main()
