"""Where a report may be written, so that publishing it can never cost a user a file.

Publishing replaces the destination folder (the previous report is moved aside, then removed). So a destination
must be one of:

- absent (it is created, with any missing parent folders);
- an empty folder;
- a report this tool published before, unchanged since: its ``manifest.json`` names this tool and a report
  format it knows, every entry of the folder is a file the manifest lists, and each file still has the SHA-256
  that ``SHA256SUMS`` recorded when it was published (a scorecard edited in Excel, a note added beside the pages,
  Excel's ``~$`` lock file of an open workbook: all refused).

Anything else is refused before any notebook runs, with one line naming the destination and why: a file, a
symbolic link, the working folder or a folder that contains it, a folder that is, contains or lies inside an input
folder (the plan folder, the notebooks folder, the reference data, the package), the parameter file's folder, a
folder containing an input file, a parent that is a file, a name too long for the file system. The check runs
again just before the previous report is moved aside, so a file added while the notebooks ran is not lost either.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..data.inputs import os_problem, resolve
from ..errors import InputError

#: The marker ``manifest.json`` carries: which tool wrote the report, in which layout.
TOOL = "fuxin-analysis"
REPORT_FORMAT = 1
MANIFEST = "manifest.json"
CHECKSUMS = "SHA256SUMS"
#: Room the run needs beyond the destination's name for the folders it keeps beside it
#: (``.<name>.staging-XXXXXXXX``, ``<name>.interrupted-YYYYMMDD-HHMMSS-NN``, ``.<name>.lock``).
NAME_MARGIN = 40
#: Larger manifests or checksum files are not ones this tool wrote.
MAX_SIDE_FILE_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Protected:
    """An input the report must keep away from. A folder may be neither the destination, nor inside it, nor
    contain it (with ``inside_ok``, the destination may lie inside it); a file may be neither the destination nor
    inside it."""

    path: Path
    what: str
    folder: bool
    inside_ok: bool = False


def check(dest: str | Path, protected: Iterable[Protected] = (), cwd: str | Path | None = None) -> Path:
    """The destination, made absolute, if a report may be published there; else an InputError naming it and why."""
    given = Path(dest)

    def refuse(reason: str) -> InputError:
        return InputError(given, f"refused as the report folder: {reason}")

    if os.path.islink(given):
        raise refuse("it is a symbolic link; give the folder itself")
    path = resolve(given, given)
    if path.parent == path:
        raise refuse("it is the root of the file system")
    name_max = _name_max(path)
    if len(os.fsencode(path.name)) > name_max - NAME_MARGIN:
        raise refuse(f"its name is too long ({len(os.fsencode(path.name))} bytes; at most "
                     f"{name_max - NAME_MARGIN} here)")
    here = resolve(cwd if cwd is not None else Path.cwd())
    if path == here:
        raise refuse("it is the working folder")
    if here.is_relative_to(path):
        raise refuse("it contains the working folder")
    for item in protected:
        target = resolve(item.path, item.path)
        if path == target:
            raise refuse(f"it is {item.what}")
        if target.is_relative_to(path):
            raise refuse(f"it contains {item.what} ({target.name})")
        if item.folder and not item.inside_ok and path.is_relative_to(target):
            raise refuse(f"it lies inside {item.what}")
    _check_parent(path, refuse)
    for folder in path.parents:
        if _marked_manifest(folder) is not None:
            raise refuse(f"it lies inside {folder}, a report of this tool (the next run there would remove it)")
    problem = report_problem(path)
    if problem:
        raise refuse(problem)
    return path


def _name_max(path: Path) -> int:
    for folder in (path.parent, *path.parent.parents):
        try:
            return int(os.pathconf(folder, "PC_NAME_MAX"))
        except (OSError, ValueError):
            continue
    return 255


def _check_parent(path: Path, refuse) -> None:  # noqa: ANN001 - the local error factory of check()
    """The nearest existing folder above ``path`` must be a folder that can be written."""
    for folder in path.parents:
        try:
            mode = os.stat(folder).st_mode
        except (FileNotFoundError, NotADirectoryError):  # not there yet, or below a file: look further up
            continue
        except OSError as exc:
            raise refuse(f"its parent {folder} cannot be used ({os_problem(exc)})") from None
        if not stat.S_ISDIR(mode):
            raise refuse(f"{folder} is a file, not a folder")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise refuse(f"{folder} cannot be written (permission denied)")
        return


def _marked_manifest(folder: Path) -> dict | None:
    """The ``manifest.json`` of ``folder`` if it carries this tool's marker (a report, or a kept failed run)."""
    manifest = _read_json(folder / MANIFEST)
    tool = manifest.get("tool") if isinstance(manifest, dict) else None
    return manifest if isinstance(tool, dict) and tool.get("name") == TOOL else None


def report_problem(path: Path) -> str | None:
    """Why the existing ``path`` may not be replaced by a new report; None if it is absent, an empty folder or an
    unchanged report of this tool."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"it cannot be read ({os_problem(exc)})"
    if not stat.S_ISDIR(mode):
        return "it is a file, not a folder" if stat.S_ISREG(mode) else "it is not a folder"
    try:
        entries, folders = _tree(path)
    except OSError as exc:
        return f"it cannot be read ({os_problem(exc)})"
    if not entries and not folders:
        return None
    manifest = _marked_manifest(path)
    if manifest is None:
        if MANIFEST in entries:
            return (f"its {MANIFEST} was not written by this version of the tool (an older report?); delete the "
                    "folder yourself if it is not needed, or choose a new or empty folder")
        return (f"it holds files that are not a report of this tool ({_names(entries)}); choose a new or empty "
                "folder")
    if manifest["tool"].get("report_format") != REPORT_FORMAT:
        return (f"it holds a report in format {manifest['tool'].get('report_format')!r}, which this version does "
                "not replace; choose a new or empty folder")
    listed = manifest.get("files")
    listed = set(listed) if isinstance(listed, list) and all(isinstance(n, str) for n in listed) else set()
    # a batch's report holds the reports of its sets, in folders: every folder must hold a listed file
    holding = {parent.as_posix() for name in listed for parent in PurePosixPath(name).parents}
    strange = [f for f in folders if f not in holding]  # named once, not with everything inside them
    strange = [f for f in strange if not any(f.startswith(g + "/") for g in strange)]
    foreign = sorted(strange + [e for e in entries if e not in listed
                                and not any(e.startswith(g + "/") for g in strange)])
    if foreign:
        one = len(foreign) == 1
        return (f"{_names(foreign)} {'is not a file' if one else 'are not files'} of the report this tool wrote "
                f"there; move {'it' if one else 'them'} elsewhere to keep {'it' if one else 'them'}")
    sums = _read_checksums(path / CHECKSUMS)
    if sums is None:
        return f"its {CHECKSUMS} is missing or damaged, so its files cannot be told unchanged"
    for name in entries:
        if name == CHECKSUMS:
            continue
        entry = path / name
        try:
            if not stat.S_ISREG(os.lstat(entry).st_mode):
                return f"{name} is not a regular file as this tool wrote it"
            changed = sums.get(name) != sha256(entry)
        except OSError as exc:
            return f"{name} cannot be read ({os_problem(exc)})"
        if changed:
            return f"{name} was changed after this tool wrote it; move it elsewhere to keep it"
    return None


def _tree(path: Path) -> tuple[list[str], list[str]]:
    """Every entry under ``path`` that is not a folder (symbolic links included, never followed), and every folder,
    as sorted paths relative to ``path`` with ``/``."""
    entries, folders = [], []

    def fail(exc: OSError) -> None:
        raise exc

    for root, dirnames, filenames in os.walk(path, onerror=fail):
        here = PurePosixPath(Path(root).relative_to(path).as_posix())
        for name in list(dirnames):
            if os.path.islink(os.path.join(root, name)):
                dirnames.remove(name)
                entries.append((here / name).as_posix())
            else:
                folders.append((here / name).as_posix())
        entries.extend((here / name).as_posix() for name in filenames)
    return sorted(entries), sorted(folders)


def _names(names: Sequence[str], at_most: int = 3) -> str:
    shown = ", ".join(repr(n)[1:-1] if n.isprintable() else repr(n) for n in names[:at_most])
    return shown + (f" and {len(names) - at_most} more" if len(names) > at_most else "")


def _read_small(path: Path) -> bytes | None:
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        with open(path, "rb") as handle:
            data = handle.read(MAX_SIDE_FILE_BYTES + 1)
    except OSError:
        return None
    return data if len(data) <= MAX_SIDE_FILE_BYTES else None


def _read_json(path: Path) -> object:
    data = _read_small(path)
    try:
        return json.loads(data) if data is not None else None
    except ValueError:
        return None


def _read_checksums(path: Path) -> dict[str, str] | None:
    """``SHA256SUMS`` as written by :func:`write_checksums` (the format of ``sha256sum``), or None."""
    data = _read_small(path)
    if data is None:
        return None
    sums = {}
    try:
        for line in data.decode("utf-8").splitlines():
            digest, name = line.split("  ", 1)
            sums[name] = digest
    except ValueError:
        return None
    return sums


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def write_checksums(folder: Path) -> Path:
    """``SHA256SUMS`` of every file in ``folder`` and its sub-folders (``sha256sum -c SHA256SUMS`` checks them):
    what lets the next run tell that the report is unchanged, and a reader that the copy they were sent is
    complete."""
    names = [n for n in _tree(folder)[0] if n != CHECKSUMS]
    target = folder / CHECKSUMS
    target.write_text("".join(f"{sha256(folder / n)}  {n}\n" for n in names), encoding="utf-8")
    return target
