"""The runner end to end: the report it writes, a failing notebook, and bad parameters at the door."""

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from fuxin_analysis.methods.progress import COLUMNS
from fuxin_analysis.run.runner import RunError, run

from .conftest import PLAN_DIR, ROOT, published_report, unchanged_report
from .conftest import write_params as _params

pytestmark = pytest.mark.slow  # runs notebooks, a browser or the command line: not in the fast suite

NOTEBOOKS = ("01_baselines", "02_trajectories", "03_scorecard", "04_national_comparison",
             "05_teachers_and_vocational", "06_scenarios")


def test_report_files(report):
    names = {p.name for p in report.iterdir()}
    assert names == {"index.html", "scorecard.csv", "scorecard.xlsx", "manifest.json", "SHA256SUMS", "timings.json",
                     "observations.csv", "changes.csv", *(f"{n}.{ext}" for n in NOTEBOOKS for ext in ("html", "ipynb"))}
    assert not list(report.parent.glob(".out.staging-*"))  # staging folder moved into place
    manifest = json.loads((report / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tool"] == {"name": "fuxin-analysis", "report_format": 1}
    assert set(manifest["files"]) == names  # the marker that lets the next run replace exactly these files


def test_checksums_cover_every_file(report):
    """SHA256SUMS, in sha256sum's format, lists every other file of the report with its SHA-256."""
    import hashlib

    lines = (report / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    sums = dict(reversed(line.split("  ", 1)) for line in lines)
    assert set(sums) == {p.name for p in report.iterdir()} - {"SHA256SUMS"}
    for name, digest in sums.items():
        assert hashlib.sha256((report / name).read_bytes()).hexdigest() == digest, name


def test_index_escapes_the_title_and_links_relatively(report):
    index = (report / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in index
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 阜新" in index
    for name in NOTEBOOKS:
        assert f'href="{name}.html"' in index
    assert "Target achieved" in index  # the scorecard is on the index page


def test_pages_load_nothing_from_the_web(report):
    for page in report.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<script src=" not in text and "cdnjs" not in text and "mathjax" not in text.lower(), page.name
        assert 'href="http' not in text.split("</head>")[0], page.name


def test_page_has_no_code_and_shows_the_escaped_title(report):
    page = (report / "01_baselines.html").read_text(encoding="utf-8")
    assert "load_plan(" not in page  # code cells are hidden
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("data:image/png;base64") >= 3  # charts embedded in the page
    assert "excellent head teachers" in page  # language "en" reached the notebook


def test_scorecard_csv(report):
    table = pd.read_csv(report / "scorecard.csv", encoding="utf-8-sig").set_index("statement_id")
    assert list(table.reset_index().columns) == COLUMNS
    # 95% in 2020 meets "95%以上": achieved; the college's 9,800 (2024) is the only observation after 2020
    assert table.loc["t_preschool_ger_2025", "status"] == "target_achieved"
    college = table.loc["t_fuxin_college_enrolment_2025"]
    assert (college["latest_value"], college["latest_year"], college["status"]) == (9800, 2024, "not_available")
    # written with 10 significant digits: 60/33 = 1.818181818 exactly as read back, no tolerance
    assert table.loc["t_excellent_head_teachers_2021_2025", "pace_required_vs_history"] == float(f"{60 / 33:.10g}")
    # judged in this year: the college's 2025 figure is not in yet (pending) once 2025 has come; nothing else
    # observed after 2020 → no data
    assert college["outcome"] == ("pending" if date.today().year >= 2025 else "open")
    assert table.loc["t_preschool_ger_2025", "outcome"] == "no_data"


def test_scorecard_xlsx(report):
    from openpyxl import load_workbook

    book = load_workbook(report / "scorecard.xlsx")
    assert book.sheetnames == ["Scorecard", "Data", "Data gaps", "Methods"]
    gaps = [[c.value for c in row] for row in book["Data gaps"].iter_rows(min_row=2, max_row=2)][0]
    # first the figure that decides an outcome: the college's 2025 enrolment (2024 observed, 2025 has come)
    assert gaps[1].startswith("students enrolled at Fuxin Higher Vocational College") and gaps[2] == 2025
    assert (gaps[4], gaps[6], gaps[7]) == ("2024", "2025", "decides the outcome (met or not)")
    sheet = book["Scorecard"]
    header = [c.value for c in sheet[1]]
    status = header.index("Status") + 1
    assert sheet.cell(row=2, column=status).value == "Target achieved"
    assert sheet.cell(row=2, column=status).fill.start_color.rgb.endswith("1A9850")  # Open SDG green
    outcome = header.index("Outcome") + 1
    assert outcome == status + 1 and sheet.cell(row=2, column=outcome).value == "No data"
    assert sheet.cell(row=2, column=outcome).fill.start_color.rgb.endswith("D9D9D9")


def test_manifest(report):
    import hashlib

    manifest = json.loads((report / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest) == {"files", "inputs", "lock", "packages", "parameters", "plan", "project", "ran_on",
                             "run_time", "tool"}
    assert manifest["ran_on"] == {"where": "local"}
    assert "set" not in manifest["parameters"]
    lock = (ROOT / "uv.lock").read_bytes()
    assert manifest["lock"] == {"file": "uv.lock", "sha256": hashlib.sha256(lock).hexdigest()}
    statements = (PLAN_DIR / "statements.csv").read_bytes()
    assert manifest["inputs"]["data/plans/fuxin_14th/statements.csv"] == hashlib.sha256(statements).hexdigest()
    assert "notebooks/06_scenarios.ipynb" in manifest["inputs"]
    assert manifest["parameters"]["language"] == "en"
    assert manifest["packages"]["pandas"] and manifest["packages"]["python"]


def test_parameters_reached_the_notebook(report):
    nb = nbformat.read(report / "01_baselines.ipynb", as_version=4)
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert 'language = "en"' in injected.source
    assert "observations" not in injected.source  # only parameters the notebook declares
    nb2 = nbformat.read(report / "02_trajectories.ipynb", as_version=4)
    injected2 = next(c for c in nb2.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert "fuxin_observed.csv" in injected2.source


def test_failing_notebook_keeps_the_previous_report(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("language = 'both'", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("1 / 0")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, notebooks / "01_broken.ipynb")
    dest = published_report(tmp_path / "out", "previous report")
    good = nbformat.v4.new_notebook()
    good.cells = [nbformat.v4.new_code_cell("x = 2")]
    good.metadata["kernelspec"] = nb.metadata["kernelspec"]
    nbformat.write(good, notebooks / "02_fine.ipynb")
    with pytest.raises(RunError, match=r"01_broken\.ipynb: cell \[4\] \('1 / 0'\) failed: ZeroDivisionError"):
        run(_params(tmp_path), dest, notebook_dir=notebooks, jobs=2, progress=lambda _: None)
    assert unchanged_report(dest, "previous report")
    failed = list(tmp_path.glob("out.failed-*"))
    assert len(failed) == 1 and (failed[0] / "01_broken.ipynb").exists()


def _cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "fuxin_analysis", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('plan_dir: "x"\nlanguag: "en"\n', "field 'languag': unknown key; did you mean 'language'?"),
        ('plan_dir: "x"\nas_of: "twenty"\n', "field 'as_of'"),
        ('- plan_dir\n', "expected a mapping"),
        ('plan_dir: [\n', "YAML syntax error at line"),
        (f'plan_dir: "{PLAN_DIR}"\nlanguage: "fr"\n', "field 'language'"),
        ('plan_dir: "no/such/plan"\n', "field 'plan_dir': plan folder not found"),
        (f'plan_dir: "{PLAN_DIR}"\nobservations: ["missing.csv"]\n', "field 'observations[0]': observation file not found"),
        (f'plan_dir: "{PLAN_DIR}"\nas_of: 2019\n', "field 'as_of': before the plan's baseline year 2020"),
        (f'plan_dir: "{PLAN_DIR}"\nas_of: 2999\n', "field 'as_of'"),
        (f'plan_dir: "{PLAN_DIR}"\nscenario_indicators: ["hs_gre"]\n',
         "field 'scenario_indicators': unknown indicator (not in plan fuxin_14th) (value: 'hs_gre'); did you mean 'hs_ger'?"),
        (f'plan_dir: "{PLAN_DIR}"\nscenario_paces: {{"hs_ger": "fast"}}\n', "field 'scenario_paces.hs_ger'"),
        (f'plan_dir: "{PLAN_DIR}"\nscenario_multipliers: [-1]\n', "field 'scenario_multipliers[0]': Input should be greater than 0 (value: -1)"),
        (f'plan_dir: "{PLAN_DIR}"\nscenario_through_year: 2026\n', "field 'scenario_through_year': must be within"),
    ],
)
def test_bad_parameters_one_line_and_nothing_written(tmp_path, content, expected):
    params = tmp_path / "bad.yaml"
    params.write_text(content, encoding="utf-8")
    out = tmp_path / "out"
    proc = _cli("run", str(params), "--output", str(out), cwd=tmp_path)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "bad.yaml" in lines[0], proc.stderr
    assert expected in lines[0]
    assert "Traceback" not in proc.stderr
    assert not out.exists() and not list(tmp_path.glob(".out*"))


def test_check_command():
    proc = _cli("check", str(PLAN_DIR), cwd=ROOT)
    assert proc.returncode == 0
    assert "79 statements (47 baseline, 32 target); all quotes verified" in proc.stdout


def test_check_command_bad_plan(tmp_path):
    proc = _cli("check", str(tmp_path), cwd=ROOT)
    assert proc.returncode == 2 and "plan.yaml: file not found" in proc.stderr


def test_unwritable_home_gives_a_clean_run_and_clean_pages(tmp_path):
    """A HOME that cannot be written (a service account): the run succeeds, the terminal says once that the results
    cache is not used, and no developer warning, traceback or local path reaches stderr or a reader's page; the
    temporary folder is left empty."""
    import os

    home = tmp_path / "home"
    home.write_text("a file, so nothing can be created below it")
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in ("FUXIN_ANALYSIS_CACHE_DIR", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "MPLCONFIGDIR", "IPYTHONDIR",
                        "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR")}
    env.update(HOME=str(home), TMPDIR=str(temp))
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "fuxin_analysis", "run", str(_params(tmp_path)), "--output",
                           str(out)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert f"note: results cache not used: {home}/.cache/fuxin-analysis cannot be written" in proc.stdout
    for page in out.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "Warning" not in text and str(home) not in text and str(temp) not in text, page.name
    assert list(temp.iterdir()) == []


def test_manifest_ignores_hidden_files_of_the_plan_folder(tmp_path, plan):
    """An editor's swap file or a lock in the plan folder is not an input: two runs must give the same manifest."""
    import shutil
    from datetime import datetime

    from fuxin_analysis import load_plan
    from fuxin_analysis.run.manifest import write_manifest
    from fuxin_analysis.run.params import load_param_set

    copy = tmp_path / "plan"
    shutil.copytree(PLAN_DIR, copy)
    (copy / ".statements.csv.swp").write_text("swap")
    params_file = tmp_path / "p.yaml"
    params_file.write_text(f'plan_dir: "{copy}"\n', encoding="utf-8")
    target = write_manifest(tmp_path / "manifest.json", load_param_set(params_file), load_plan(copy), [],
                            datetime(2026, 11, 29), ["index.html"])
    inputs = json.loads(target.read_text(encoding="utf-8"))["inputs"]
    assert {Path(k).name for k in inputs} == {"p.yaml", "plan.yaml", "indicators.csv", "statements.csv", "source.txt",
                                              "comparable.csv", "national_14th_targets.csv",
                                              "national_moe_bulletins.csv"}


def test_the_scorecard_notebook_03_shows_is_the_assessment(report):
    """The table notebook 03 displays says, row by row, the status and outcome that scorecard.csv (assess, the same
    parameters) gives: read from the executed notebook's HTML output, not from the code that made it."""
    from bs4 import BeautifulSoup

    from fuxin_analysis.methods.progress import OUTCOME_LABELS, STATUS_LABELS

    nb = nbformat.read(report / "03_scorecard.ipynb", as_version=4)
    (cell,) = [c for c in nb.cells if c.cell_type == "code" and "style_scorecard(" in c.source]
    (html,) = [o["data"]["text/html"] for o in cell.outputs if "text/html" in o.get("data", {})]
    soup = BeautifulSoup(html, "html.parser")
    heads = [th.get_text(strip=True) for th in soup.find("thead").find_all("th") if "col_heading" in th.get("class", [])]
    status_col, outcome_col = heads.index("Status"), heads.index("Outcome")
    rows = [[td.get_text(strip=True) for td in tr.find_all("td")] for tr in soup.find("tbody").find_all("tr")]
    table = pd.read_csv(report / "scorecard.csv", encoding="utf-8-sig")
    assert len(rows) == len(table) > 0
    assert [r[status_col] for r in rows] == [STATUS_LABELS[s][1] for s in table["status"]]
    assert [r[outcome_col] for r in rows] == [OUTCOME_LABELS[o][1] for o in table["outcome"]]
