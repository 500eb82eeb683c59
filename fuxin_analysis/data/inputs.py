"""Reading the files people write (CSV tables, YAML), with one clear error for each mistake.

Shared by the plan loader, the observation files and the parameter files, so that every
input fails the same way: an :class:`~fuxin_analysis.errors.InputError` naming file, row, field, value.
"""

from __future__ import annotations

import csv
import errno
import io
import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from ..errors import FieldProblem, InputError, nearest

M = TypeVar("M", bound=BaseModel)

#: Refuse to read anything larger: no input of this project comes near it.
MAX_BYTES = 50 * 1024 * 1024
#: YAML files (parameters, plan metadata) are a few hundred bytes; refuse anything near this.
MAX_YAML_BYTES = 1024 * 1024
#: A YAML document nested deeper, or holding more values, is refused before it is built (no parameter file
#: needs more than three levels or a few hundred values; a crafted one would exhaust the stack or the memory).
MAX_YAML_DEPTH = 20
MAX_YAML_NODES = 20_000

_OS_PROBLEMS = {
    errno.ENOENT: "not found",
    errno.ELOOP: "a symbolic link loop",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.ENAMETOOLONG: "name too long for the file system",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
}


def os_problem(exc: OSError) -> str:
    """A short, path-free description of why a file could not be used."""
    return _OS_PROBLEMS.get(exc.errno or 0) or (exc.strerror or type(exc).__name__).lower()


def resolve(path: str | Path, label: str | Path | None = None, field: str | None = None,
            value: object = None) -> Path:
    """``path`` made absolute with symbolic links followed; a symbolic link loop (which ``Path.resolve`` reports
    as RuntimeError on Python 3.11) or an unreadable part is an InputError naming ``label`` (default: the path)."""
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError, ValueError) as exc:
        problem = (os_problem(exc) if isinstance(exc, OSError) else "a symbolic link loop"
                   if isinstance(exc, RuntimeError) else "not a usable path (it contains a NUL character)")
        raise InputError(label or path, problem, field=field, value=value) from None


def file_kind(path: str | Path) -> str | None:
    """'file', 'folder' or 'other' (a device, a FIFO, a socket) for what ``path`` leads to, None if nothing
    is there; a loop or an unreadable part of the path is an InputError."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise InputError(path, os_problem(exc) if isinstance(exc, OSError) else "not a usable path") from None
    return "file" if stat.S_ISREG(mode) else "folder" if stat.S_ISDIR(mode) else "other"


def read_text(path: str | Path, max_bytes: int = MAX_BYTES) -> str:
    """The file's text, decoded as UTF-8; a clear error for a missing, binary or GBK-encoded file."""
    path = Path(path)
    kind = file_kind(path)
    if kind is None:
        raise InputError(path, "file not found")
    if kind != "file":
        raise InputError(path, "not a file (a folder or a device?)")
    try:
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(path, f"cannot be read ({os_problem(exc)})") from None
    if len(data) > max_bytes:
        raise InputError(path, f"file too large (more than {max_bytes} bytes)")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(path, "encoded in UTF-16 (Excel's 'Unicode text'), not UTF-8",
                         hint="save it again as CSV UTF-8")
    if b"\x00" in data:
        raise InputError(path, "not a text file (it contains binary data)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            data.decode("gb18030")
        except UnicodeDecodeError:
            raise InputError(path, f"not UTF-8 text (undecodable byte at position {exc.start})") from None
        raise InputError(
            path, "encoded in GBK/GB18030, not UTF-8", hint="save it again as UTF-8 (CSV UTF-8 in Excel)"
        ) from None


def check_header(path: str | Path, header: Sequence[str], columns: Sequence[str], required: Sequence[str]) -> None:
    """A table's header row: every name known (an unknown one is usually a typo: the nearest is suggested), none
    twice, every required one present."""
    for name in header:
        if name not in columns:
            guess = nearest(name, columns)
            raise InputError(path, "unknown column", row=1, field=name, hint=f"did you mean '{guess}'?" if guess else
                             f"known columns: {', '.join(columns)}")
    if len(set(header)) != len(header):
        dup = next(h for h in header if header.count(h) > 1)
        raise InputError(path, "column appears twice", row=1, field=dup)
    for name in required:
        if name not in header:
            raise InputError(path, "missing column", row=1, field=name)


def read_csv(path: str | Path, columns: Sequence[str], required: Sequence[str]) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV file as ``(row_number, {column: text})``; the header is row 1.

    ``columns`` are all the columns the table may have, ``required`` those it must have.
    An unknown column is an error (usually a typo), with the nearest known name suggested.
    """
    text = read_text(path)
    if not text.strip():
        raise InputError(path, "file is empty")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
        rows = list(reader)
    except csv.Error as exc:
        raise InputError(path, f"not a readable CSV table ({exc})") from None
    check_header(path, header, columns, required)
    out = []
    for number, cells in enumerate(rows, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            raise InputError(path, f"row has {len(cells)} cells, the header has {len(header)}", row=number,
                             value=",".join(cells))
        cells = cells + [""] * (len(header) - len(cells))  # trailing empty cells may be left out
        out.append((number, dict(zip(header, cells, strict=True))))
    return out


def _input_error(err: dict[str, Any], model: type[BaseModel], record: dict[str, Any], path: str | Path,
                 row: int | None, loc: tuple[Any, ...]) -> InputError:
    """One pydantic error as an InputError naming the field (``key``, ``key[0]``, ``key.name`` inside a list or a
    mapping) and the value as the user wrote it."""
    field = str(loc[0]) if loc else None
    for part in loc[1:]:
        field += f"[{part}]" if isinstance(part, int) else f".{part}"
    cause = (err.get("ctx") or {}).get("error")
    if isinstance(cause, FieldProblem):
        field = cause.field
    value = record.get(field) if field is not None and field in record else err.get("input")
    if isinstance(value, dict):
        value = None
    message = err.get("msg", "invalid value")
    if err.get("type") == "extra_forbidden" and field is not None:
        guess = nearest(field, model.model_fields)
        return InputError(path, "unknown key", row=row, field=field,
                          hint=f"did you mean '{guess}'?" if guess else None)
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    hint = None
    if isinstance(value, bool):
        hint = "YAML reads unquoted yes/no/on/off/true/false as a boolean: put the value in quotes"
    return InputError(path, message, row=row, field=field, value=value, hint=hint)


def validate(model: type[M], record: dict[str, Any], path: str | Path, row: int | None = None) -> M:
    """``record`` checked against ``model``; the first problem raised as an InputError."""
    try:
        return model.model_validate(record)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise _input_error(err, model, record, path, row, tuple(err.get("loc") or ())) from None


def validate_rows(model: type[M], records: Sequence[dict[str, Any]],
                  places: Sequence[tuple[str | Path, int]]) -> list[M]:
    """Many records checked in one pass (pydantic's list validation); the first problem, in file order, raised
    as an InputError with that record's ``(path, row)`` from ``places``."""
    try:
        return _list_adapter(model).validate_python(records)
    except ValidationError as exc:
        err = min(exc.errors(), key=lambda e: (e["loc"][0], list(model.model_fields).index(str(e["loc"][1]))
                                               if len(e["loc"]) > 1 and str(e["loc"][1]) in model.model_fields else 0))
        index = int(err["loc"][0])
        path, row = places[index]
        raise _input_error(err, model, records[index], path, row, tuple(err["loc"][1:])) from None


_ADAPTERS: dict[type, Any] = {}


def _list_adapter(model: type[BaseModel]) -> Any:
    from pydantic import TypeAdapter

    if model not in _ADAPTERS:
        _ADAPTERS[model] = TypeAdapter(list[model])  # type: ignore[valid-type]
    return _ADAPTERS[model]


class _StrictLoader(yaml.SafeLoader):
    """The safe loader (no tag runs code), refusing what a hand-written file never needs and a crafted one abuses:
    a key given twice (plain PyYAML keeps the last one silently), aliases (``*name``: a few hundred bytes of
    nested aliases expand to gigabytes), nesting deeper than MAX_YAML_DEPTH, more than MAX_YAML_NODES values."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None, None, f"an alias (*{event.anchor}) repeats another value: aliases are not accepted, write "
                "the value out", event.start_mark)
        self._depth += 1
        self._nodes += 1
        if self._depth > MAX_YAML_DEPTH:
            raise yaml.composer.ComposerError(None, None, f"nested more than {MAX_YAML_DEPTH} levels deep",
                                              event.start_mark)
        if self._nodes > MAX_YAML_NODES:
            raise yaml.composer.ComposerError(None, None, f"more than {MAX_YAML_NODES} values", event.start_mark)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":  # without aliases a merge only repeats what it merges
                raise yaml.constructor.ConstructorError(None, None, "a merge key (<<) is not accepted: write the keys "
                                                        "out", key_node.start_mark)
            key = self.construct_object(key_node, deep=deep)
            try:
                hash(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(None, None, "a key must be a single value, not a list or "
                                                        "a mapping", key_node.start_mark) from None
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key '{key}' appears twice", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def read_yaml_mapping(path: str | Path) -> dict[str, Any]:
    """A YAML file that must hold a mapping, read with the safe loader (no tags that run code; no key twice; no
    aliases; bounded depth and size)."""
    text = read_text(path, MAX_YAML_BYTES)
    try:
        data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.reader.ReaderError as exc:  # a character YAML does not accept (a control character): where, which
        before = text[:exc.position]
        where = f"line {before.count(chr(10)) + 1}, column {exc.position - before.rfind(chr(10))}"
        char = f"#x{exc.character:04x}" if isinstance(exc.character, int) else repr(exc.character)
        raise InputError(path, f"YAML syntax error at {where}: unacceptable character {char} ({exc.reason})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        context, start = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        if context and start is not None and (mark is None or start.line != mark.line):
            problem += f" ({context} started at line {start.line + 1})"
        raise InputError(path, f"YAML syntax error at {where}{problem}") from None
    except (ValueError, OverflowError) as exc:  # a value YAML recognises but Python cannot build: 2023-02-30
        raise InputError(path, f"YAML value out of range ({str(exc).split(':')[0][:80]})") from None
    if data is None:
        raise InputError(path, "file is empty")
    if not isinstance(data, dict):
        raise InputError(path, f"expected a mapping of keys to values, found a {type(data).__name__}")
    return data

