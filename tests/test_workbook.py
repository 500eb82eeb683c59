"""The data-entry workbook: the template's layout and checks, never replacing a file, pre-filling, reading a filled
workbook through the CSV checks, the workbook's own traps, and the round trip from an empty workbook to a report
that says what changed."""

import datetime as dt
import subprocess
import sys

import pandas as pd
import pytest
from openpyxl import load_workbook

from fuxin_analysis.data.observations import read_observations
from fuxin_analysis.data.workbook import (
    COLUMNS,
    HELP_SHEET,
    HELPERS,
    SHEET,
    write_template,
)
from fuxin_analysis.errors import InputError

from .conftest import OBSERVED, PLAN_DIR, ROOT

SOURCE = "阜新市统计公报 (test), http://example.org/b"


def _rows(ws):
    return {(r[0].value, r[1].value): r for r in ws.iter_rows(min_row=2) if r[0].value}


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
