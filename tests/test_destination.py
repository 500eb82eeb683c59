"""Where a report may be published: each refused destination (with a canary file that must survive), each accepted
one, and the boundaries between them; the check made again at publication; a publication that fails."""

import json
import os
from pathlib import Path

import pytest

from fuxin_analysis.errors import InputError
from fuxin_analysis.run import destination
from fuxin_analysis.run.runner import RunError, run

from .conftest import notebook_folder, published_report, unchanged_report, write_params

CANARY = "a user's file that must survive"
PREVIOUS = "<html>previous report</html>"


def _canary(folder: Path, name: str = "canary.txt") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(CANARY, encoding="utf-8")
    return path


def _refused(dest: Path, reason: str, protected=(), cwd: Path | None = None) -> str:
    with pytest.raises(InputError) as info:
        destination.check(dest, protected, cwd=cwd or dest.parent.parent)
    message = str(info.value)
    assert message.startswith(f"{dest}: refused as the report folder: "), message
    assert reason in message, message
    assert "\n" not in message
    return message


# --- what may be replaced ---------------------------------------------------------------------------------------

def test_absent_empty_and_published_destinations_are_accepted(tmp_path):
    cwd = tmp_path / "work"
    cwd.mkdir()
    assert destination.check(tmp_path / "new" / "deeper", cwd=cwd) == tmp_path / "new" / "deeper"
    (tmp_path / "empty").mkdir()
    assert destination.check(tmp_path / "empty", cwd=cwd) == tmp_path / "empty"
    report = published_report(tmp_path / "report", PREVIOUS)
    assert destination.check(report, cwd=cwd) == report
    (report / "index.html").unlink()  # a user deleted one of the report's files: nothing of theirs to lose
    assert destination.check(report, cwd=cwd) == report


def test_a_folder_of_user_files_is_refused(tmp_path):
    canary = _canary(tmp_path / "my documents")
    _refused(tmp_path / "my documents", "it holds files that are not a report of this tool (canary.txt)")
    assert canary.read_text(encoding="utf-8") == CANARY


def test_a_hidden_file_counts_too(tmp_path):
    _canary(tmp_path / "out", ".notes")
    _refused(tmp_path / "out", "(.notes)")


@pytest.mark.parametrize("extra", ["notes.txt", "~$scorecard.xlsx", "sub"])
def test_a_report_with_anything_added_is_refused(tmp_path, extra):
    """A note beside the pages, Excel's lock file of an open workbook, a folder: none was written by the tool."""
    report = published_report(tmp_path / "out", PREVIOUS)
    if extra == "sub":
        _canary(report / "sub")
    else:
        _canary(report, extra)
    _refused(report, f"{extra} is not a file of the report this tool wrote there; move it elsewhere to keep it")


def test_a_report_with_a_changed_file_is_refused(tmp_path):
    report = published_report(tmp_path / "out", PREVIOUS)
    (report / "index.html").write_text(PREVIOUS + " with my comments", encoding="utf-8")
    _refused(report, "index.html was changed after this tool wrote it")


def test_a_report_whose_file_became_a_link_is_refused(tmp_path):
    report = published_report(tmp_path / "out", PREVIOUS)
    elsewhere = _canary(tmp_path / "elsewhere")
    (report / "index.html").unlink()
    (report / "index.html").symlink_to(elsewhere)
    _refused(report, "index.html is not a regular file")
    assert elsewhere.read_text(encoding="utf-8") == CANARY


@pytest.mark.parametrize("manifest", [
    None,                                                       # no manifest
    "not json",                                                 # damaged
    json.dumps({"run_time": "2026-01-05T10:00:00"}),            # an older version's
    json.dumps({"tool": {"name": "other-tool", "report_format": 1}, "files": ["index.html"]}),  # another tool's
])
def test_a_folder_without_this_tools_marker_is_refused(tmp_path, manifest):
    folder = tmp_path / "out"
    canary = _canary(folder, "index.html")
    if manifest is not None:
        (folder / "manifest.json").write_text(manifest, encoding="utf-8")
    _refused(folder, "not a report of this tool" if manifest is None else
             "its manifest.json was not written by this version of the tool")
    assert canary.read_text(encoding="utf-8") == CANARY


def test_a_report_of_another_format_or_without_checksums_is_refused(tmp_path):
    report = published_report(tmp_path / "a", PREVIOUS)
    manifest = json.loads((report / "manifest.json").read_text())
    manifest["tool"]["report_format"] = destination.REPORT_FORMAT + 1
    (report / "manifest.json").write_text(json.dumps(manifest))
    destination.write_checksums(report)
    _refused(report, f"format {destination.REPORT_FORMAT + 1}")
    other = published_report(tmp_path / "b", PREVIOUS)
    (other / "SHA256SUMS").unlink()
    _refused(other, "its SHA256SUMS is missing or damaged")


# --- what it may not be --------------------------------------------------------------------------------------------

def test_a_file_or_a_link_is_refused(tmp_path):
    file = _canary(tmp_path, "notes.txt")
    _refused(file, "it is a file, not a folder")
    assert file.read_text(encoding="utf-8") == CANARY
    folder = tmp_path / "real"
    canary = _canary(folder)
    (tmp_path / "link").symlink_to(folder)
    _refused(tmp_path / "link", "it is a symbolic link")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    _refused(tmp_path / "dangling", "it is a symbolic link")
    assert canary.read_text(encoding="utf-8") == CANARY and not (tmp_path / "nowhere").exists()


def test_the_working_folder_and_what_contains_it_are_refused(tmp_path):
    cwd = tmp_path / "project" / "work"
    canary = _canary(cwd)
    for dest, reason in ((cwd, "it is the working folder"), (tmp_path / "project", "it contains the working folder"),
                         (tmp_path, "it contains the working folder")):
        with pytest.raises(InputError, match=reason):
            destination.check(dest, cwd=cwd)
    assert destination.check(cwd / "reports" / "default", cwd=cwd)  # inside it: the usual place
    assert canary.read_text(encoding="utf-8") == CANARY


def test_the_root_is_refused(tmp_path):
    with pytest.raises(InputError, match="it is the root of the file system"):
        destination.check(Path("/"), cwd=tmp_path)


@pytest.fixture
def inputs(tmp_path):
    """A plan folder, a notebooks folder, a parameter file and an observation file, each with a canary."""
    plan, books, settings = tmp_path / "data" / "plan", tmp_path / "nb", tmp_path / "settings"
    canaries = [_canary(plan), _canary(books), _canary(settings)]
    params = settings / "params.yaml"
    params.write_text("plan_dir: ../data/plan\n", encoding="utf-8")
    obs = tmp_path / "obs" / "observed.csv"
    obs.parent.mkdir()
    obs.write_text("indicator_id,year,value,source,note\n", encoding="utf-8")
    protected = [destination.Protected(plan, "the plan folder", folder=True),
                 destination.Protected(books, "the notebooks folder", folder=True),
                 destination.Protected(settings, "the parameter file's folder", folder=True, inside_ok=True),
                 destination.Protected(params, "the parameter file", folder=False),
                 destination.Protected(obs, "an observation file", folder=False)]
    yield tmp_path, protected
    for canary in canaries:
        assert canary.read_text(encoding="utf-8") == CANARY
    assert params.exists() and obs.exists()


@pytest.mark.parametrize(("where", "reason"), [
    ("data/plan", "it is the plan folder"),
    ("data/plan/report", "it lies inside the plan folder"),
    ("data", "it contains the plan folder (plan)"),
    ("nb", "it is the notebooks folder"),
    ("nb/out", "it lies inside the notebooks folder"),
    ("settings", "it is the parameter file's folder"),
    ("obs/observed.csv", "it is an observation file"),
    ("obs", "it contains an observation file (observed.csv)"),
])
def test_inputs_are_refused(inputs, where, reason):
    root, protected = inputs
    _refused(root / where, reason, protected, cwd=root / "elsewhere")


@pytest.mark.parametrize("where", ["settings/reports/default", "data/plan2", "nb-reports", "obs/report"])
def test_beside_or_below_an_input_is_accepted(inputs, where):
    """The boundaries of the rules above, on their other side: inside the parameter file's folder is the usual
    place; a sibling whose name starts like an input's is not inside it."""
    root, protected = inputs
    assert destination.check(root / where, protected, cwd=root / "elsewhere") == root / where


def test_inside_a_published_report_is_refused(tmp_path):
    report = published_report(tmp_path / "out", PREVIOUS)
    _refused(report / "sub", f"it lies inside {report}, a report of this tool")
    assert unchanged_report(report, PREVIOUS)


def test_a_parent_that_is_a_file_is_refused(tmp_path):
    file = _canary(tmp_path, "notes.txt")
    _refused(file / "report", f"{file} is a file, not a folder")
    _refused(file / "a" / "b", f"{file} is a file, not a folder")
    assert file.read_text(encoding="utf-8") == CANARY


def test_name_length_boundary(tmp_path):
    limit = os.pathconf(tmp_path, "PC_NAME_MAX") - destination.NAME_MARGIN
    assert destination.check(tmp_path / ("n" * limit), cwd=tmp_path / "w") == tmp_path / ("n" * limit)
    for name, size in (("n" * (limit + 1), limit + 1), ("汉" * (limit // 3 + 1), 3 * (limit // 3 + 1))):  # bytes
        with pytest.raises(InputError) as info:
            destination.check(tmp_path / name, cwd=tmp_path / "w")
        message = str(info.value)
        assert f": refused as the report folder: its name is too long ({size} bytes; at most {limit} here)" in message
        assert len(message) < 300  # the long name is shortened in the message


# --- through the runner --------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_a_file_added_while_the_notebooks_ran_is_not_lost(tmp_path):
    """The check is made again just before the previous report is moved aside."""
    dest = published_report(tmp_path / "out", PREVIOUS)
    books = notebook_folder(tmp_path / "nb", f"open({str(dest / 'notes.txt')!r}, 'w').write({CANARY!r})")
    with pytest.raises(RunError) as info:
        run(write_params(tmp_path), dest, notebook_dir=books, progress=lambda _: None)
    message = str(info.value)
    assert "not replaced: notes.txt is not a file of the report" in message
    assert f"this run's files are kept in {tmp_path / 'out.failed-'}" in message and "\n" not in message
    assert (dest / "notes.txt").read_text(encoding="utf-8") == CANARY
    assert (dest / "index.html").read_text(encoding="utf-8") == PREVIOUS
    kept = list(tmp_path.glob("out.failed-*"))
    assert len(kept) == 1 and (kept[0] / "index.html").exists() and (kept[0] / "SHA256SUMS").exists()
    assert not list(tmp_path.glob(".out.*-*"))  # no hidden staging or old folder left


@pytest.mark.slow
def test_a_publication_that_fails_keeps_both_reports(tmp_path, monkeypatch):
    """The previous report cannot be moved aside (permissions, a file held open elsewhere): the finished run is kept
    as out.failed-*, with one line, and the previous report is as it was."""
    from fuxin_analysis.run import runner

    dest = published_report(tmp_path / "out", PREVIOUS)
    books = notebook_folder(tmp_path / "nb", "x = 1")
    real_rename = os.rename

    def rename(src, dst):
        if Path(src) == dest:
            raise PermissionError(13, "Permission denied")
        return real_rename(src, dst)

    monkeypatch.setattr(runner.os, "rename", rename)
    with pytest.raises(RunError) as info:
        run(write_params(tmp_path), dest, notebook_dir=books, progress=lambda _: None)
    message = str(info.value)
    assert message.startswith("PermissionError: [Errno 13] Permission denied; this run's files are kept in ")
    assert unchanged_report(dest, PREVIOUS)
    kept = list(tmp_path.glob("out.failed-*"))
    assert len(kept) == 1 and (kept[0] / "01_test.html").exists()
    assert not list(tmp_path.glob(".out.*-*"))


@pytest.mark.slow
def test_a_new_report_that_cannot_be_moved_into_place_puts_the_old_one_back(tmp_path, monkeypatch):
    from fuxin_analysis.run import runner

    dest = published_report(tmp_path / "out", PREVIOUS)
    books = notebook_folder(tmp_path / "nb", "x = 1")
    real_rename = os.rename

    def rename(src, dst):
        if Path(src).name.startswith(".out.staging-") and Path(dst) == dest:
            raise OSError(18, "Invalid cross-device link")
        return real_rename(src, dst)

    monkeypatch.setattr(runner.os, "rename", rename)
    with pytest.raises(RunError, match="Invalid cross-device link; this run's files are kept in "):
        run(write_params(tmp_path), dest, notebook_dir=books, progress=lambda _: None)
    assert unchanged_report(dest, PREVIOUS)
    assert len(list(tmp_path.glob("out.failed-*"))) == 1 and not list(tmp_path.glob(".out.*-*"))


def test_kept_runs_never_replace_a_folder(tmp_path):
    """A failed run is kept under a new name: an existing folder of that name (a user's, or another run's) stays."""
    from datetime import datetime

    from fuxin_analysis.run.runner import _keep

    started = datetime(2026, 11, 29, 10, 0, 0)
    taken = tmp_path / "out.failed-20261129-100000"
    canary = _canary(taken)
    (tmp_path / "out.failed-20261129-100000-2").mkdir()  # empty: rename() would silently replace it
    staging = tmp_path / ".out.staging-x"
    staging.mkdir()
    kept = _keep(staging, tmp_path / "out", "failed", started)
    assert kept == tmp_path / "out.failed-20261129-100000-3"
    assert canary.read_text(encoding="utf-8") == CANARY and not staging.exists()


def test_the_lock_file_is_never_followed_nor_overwritten(tmp_path):
    """``.<name>.lock`` beside the destination: a link there is not followed, a file of the user's not written."""
    from fuxin_analysis.run.runner import lock as _lock

    target = _canary(tmp_path, "target.txt")
    (tmp_path / ".out.lock").symlink_to(target)
    with pytest.raises(InputError, match="its lock file .* cannot be created"), _lock(tmp_path / "out"):
        pass
    assert target.read_text(encoding="utf-8") == CANARY
    (tmp_path / ".out.lock").unlink()
    _canary(tmp_path, ".out.lock")
    with pytest.raises(InputError, match="is not this tool's lock file"), _lock(tmp_path / "out"):
        pass
    assert (tmp_path / ".out.lock").read_text(encoding="utf-8") == CANARY
    (tmp_path / ".out.lock").write_text("")  # an empty one (a released lock) is this tool's to use
    with _lock(tmp_path / "out"):
        assert (tmp_path / ".out.lock").read_text().startswith("fuxin-analysis run lock: pid ")
    assert (tmp_path / ".out.lock").read_text() == ""
