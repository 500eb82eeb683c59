"""An on-disk cache for results that are slow to compute and whose inputs seldom change.

The projection evaluation forecasts every real series from every origin with every method (about a second), while
the series change once a year. A cached result is keyed by a SHA-256 of everything it depends on:
the inputs, the source of the modules that compute it and the versions of the libraries they use. Any change in
one of them is a miss, so a stale result cannot be returned.

An entry is plain data: a JSON file written and read with the standard :mod:`json` module (floats as Python's
``repr``, which reads back bit for bit), holding the full key and, per column, its name, its type and its values.
It is never a pickle: unpickling runs code, so whoever could write into the cache folder (a shared
``XDG_CACHE_HOME``, a copied folder) could make every report run theirs. What is read is checked against the
schema the caller gives (column names in order, and each value's type); an entry that is not a regular file owned
by this user (a symlink, a FIFO, a device are never opened), is larger than :data:`MAX_ENTRY_BYTES`, does not parse,
carries another key or does not match the schema is a miss: the table is computed again and the entry replaced by
an atomic rename (which replaces a planted symlink itself, never its target). A freshly computed table is cast to
the same schema, so a cold and a warm run return identical frames. Entries of older versions (``*.pkl``) are
never read, nor deleted.

The folder is ``$FUXIN_ANALYSIS_CACHE_DIR`` if set (``off`` turns the cache off), else
``$XDG_CACHE_HOME/fuxin-analysis``, else ``~/.cache/fuxin-analysis``. Deleting it is always safe. A folder that
cannot be written only costs the time saved: the failure is logged at DEBUG level (logger
``fuxin_analysis.cache``), never shown on a report; :func:`problem` tells a runner beforehand, in one line.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping
from importlib import metadata
from pathlib import Path

import pandas as pd

ENV_VAR = "FUXIN_ANALYSIS_CACHE_DIR"
MAX_ENTRY_BYTES = 5 * 1024 * 1024  # a larger entry is not read (nor written)
FORMAT = "fuxin-analysis cache entry"
VERSION = 1
SUFFIX = ".json"

logger = logging.getLogger(__name__)

# the column types a schema may name, with the JSON values each accepts (None is a missing value)
_INT64_RANGE = (-(2**63), 2**63 - 1)


def _is_int(v: object) -> bool:
    return type(v) is int and _INT64_RANGE[0] <= v <= _INT64_RANGE[1]


_ACCEPTS: dict[str, Callable[[object], bool]] = {
    "string": lambda v: v is None or type(v) is str,
    "int64": _is_int,
    "Int64": lambda v: v is None or _is_int(v),
    "float64": lambda v: v is None or type(v) is float,
    "Float64": lambda v: v is None or type(v) is float,
    "boolean": lambda v: v is None or type(v) is bool,
}
DTYPES = frozenset(_ACCEPTS)


def cache_dir() -> Path | None:
    """The cache folder, or None when the cache is turned off (``FUXIN_ANALYSIS_CACHE_DIR=off``)."""
    chosen = os.environ.get(ENV_VAR, "").strip()
    if chosen.lower() in ("off", "0", "no", "false", "none"):
        return None
    if chosen:
        return Path(chosen).expanduser()
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or Path.home() / ".cache"
    return Path(base) / "fuxin-analysis"


def _one_line(text: object) -> str:
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in str(text))


def problem() -> str | None:
    """None when the cache is off or its folder can be created and written (tried: the folder is made and a
    temporary file created in it and deleted), else a one-line reason for the person running the reports.
    Never raises."""
    advice = f"set {ENV_VAR} to a writable folder or to off"
    try:
        folder = cache_dir()
    except Exception as exc:  # no home folder, ~user unknown
        return f"results cache not used: its folder cannot be found ({_one_line(exc)}); {advice}"
    if folder is None:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(dir=folder, prefix=".probe-", suffix=".tmp")
        os.close(handle)
        os.unlink(probe)
    except Exception as exc:
        reason = getattr(exc, "strerror", None) or exc
        return f"results cache not used: {_one_line(folder)} cannot be written ({_one_line(reason)}); {advice}"
    return None


def _part_bytes(part: object) -> bytes:
    if isinstance(part, pd.DataFrame):
        return part.to_csv(index=False, lineterminator="\n", float_format=repr).encode()
    return repr(part).encode()


def key(name: str, parts: Iterable[object], modules: Iterable[str] = (), packages: Iterable[str] = ()) -> str:
    """SHA-256 of ``name``, the ``parts`` (a DataFrame by its CSV text, anything else by its ``repr``), the
    source files of ``modules`` (imported names) and the installed versions of ``packages``."""
    digest = hashlib.sha256(name.encode())
    for part in parts:
        digest.update(b"\0part\0" + _part_bytes(part))
    for module in modules:
        source = getattr(sys.modules.get(module), "__file__", None)
        if source is None:
            raise ValueError(f"module {module!r} is not imported: its source cannot be part of a cache key")
        digest.update(b"\0module\0" + module.encode() + b"\0" + Path(source).read_bytes())
    for package in packages:
        digest.update(b"\0package\0" + f"{package}=={metadata.version(package)}".encode())
    return digest.hexdigest()


def _check_schema(schema: Mapping[str, str]) -> None:
    unknown = {d for d in schema.values() if d not in DTYPES}
    if unknown or not schema:
        raise ValueError(f"cache schema: unknown column types {sorted(unknown)} (known: {sorted(DTYPES)})"
                         if unknown else "cache schema: no columns")


def conform(frame: pd.DataFrame, schema: Mapping[str, str]) -> pd.DataFrame:
    """``frame`` with exactly the columns of ``schema`` (same names, same order) cast to its types, on a fresh
    0..n-1 index. Raises ValueError when the columns differ (a mistake in the code that computed ``frame``)."""
    _check_schema(schema)
    if list(frame.columns) != list(schema):
        raise ValueError(f"columns {list(frame.columns)} are not the schema's {list(schema)}")
    return pd.DataFrame({c: frame[c].reset_index(drop=True).astype(d) for c, d in schema.items()},
                        index=pd.RangeIndex(len(frame)))


def _json_value(value: object) -> object:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):  # a NumPy scalar
        value = value.item()
    return value


def _encode(frame: pd.DataFrame, schema: Mapping[str, str], cache_key: str) -> bytes:
    columns = [{"name": c, "dtype": d, "values": [_json_value(v) for v in frame[c].astype(object)]}
               for c, d in schema.items()]
    return json.dumps({"format": FORMAT, "version": VERSION, "key": cache_key, "columns": columns},
                      ensure_ascii=True, allow_nan=True).encode("ascii")


def _decode(raw: bytes, schema: Mapping[str, str], cache_key: str) -> pd.DataFrame:
    """The table in ``raw``; ValueError when it is not an entry for ``cache_key`` matching ``schema``."""
    entry = json.loads(raw.decode("ascii"))
    if not (isinstance(entry, dict) and set(entry) == {"format", "version", "key", "columns"}
            and entry["format"] == FORMAT and entry["version"] == VERSION and type(entry["version"]) is int):
        raise ValueError("not a cache entry of this version")
    if entry["key"] != cache_key:
        raise ValueError("the entry is for another key")
    columns = entry["columns"]
    if not (isinstance(columns, list) and all(isinstance(c, dict) and set(c) == {"name", "dtype", "values"}
                                              for c in columns)):
        raise ValueError("malformed columns")
    found = [(c["name"], c["dtype"]) for c in columns]
    if found != list(schema.items()):
        raise ValueError(f"columns {found} are not the schema's {list(schema.items())}")
    lengths = {len(c["values"]) if isinstance(c["values"], list) else -1 for c in columns}
    if len(lengths) != 1 or -1 in lengths:
        raise ValueError("columns of different lengths")
    for c in columns:
        accepts = _ACCEPTS[c["dtype"]]
        bad = next((v for v in c["values"] if not accepts(v)), ...)
        if bad is not ...:
            raise ValueError(f"column {c['name']!r} ({c['dtype']}) holds {bad!r}")
    (rows,) = lengths
    return pd.DataFrame({c["name"]: pd.Series(c["values"], dtype=object).astype(c["dtype"]) for c in columns},
                        index=pd.RangeIndex(rows))


def _read_entry(path: Path) -> bytes:
    """The bytes of ``path`` if it is a regular file of this user no larger than MAX_ENTRY_BYTES; anything else
    (a symlink, a FIFO, a device, a folder) is refused without being opened. Raises OSError or ValueError."""
    before = os.lstat(path)
    _check_stat(before)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    flags |= getattr(os, "O_BINARY", 0)
    handle = os.open(path, flags)  # O_NOFOLLOW, O_NONBLOCK: swapped in after the lstat, neither can block or lead on
    try:
        opened = os.fstat(handle)
        _check_stat(opened)
        if (opened.st_dev, opened.st_ino) != (before.st_dev, before.st_ino):
            raise ValueError("the entry changed while it was opened")
        chunks, size = [], 0
        while chunk := os.read(handle, MAX_ENTRY_BYTES + 1 - size):
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_ENTRY_BYTES:
                raise ValueError(f"larger than {MAX_ENTRY_BYTES} bytes")
        return b"".join(chunks)
    finally:
        os.close(handle)


def _check_stat(st: os.stat_result) -> None:
    if not stat.S_ISREG(st.st_mode):
        raise ValueError("not a regular file")
    if st.st_size > MAX_ENTRY_BYTES:
        raise ValueError(f"larger than {MAX_ENTRY_BYTES} bytes")
    uid = getattr(os, "geteuid", None)
    if uid is not None and st.st_uid != uid():
        raise ValueError("owned by another user")


def _write_entry(folder: Path, path: Path, name: str, data: bytes) -> None:
    """Write ``data`` to a temporary file in ``folder`` and rename it to ``path`` (a reader never sees half a file;
    whatever ``path`` was, a symlink included, is replaced, never followed). Raises OSError."""
    folder.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{name}-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def cached_frame(name: str, cache_key: str, compute: Callable[[], pd.DataFrame],
                 schema: Mapping[str, str]) -> pd.DataFrame:
    """``compute()``'s table cast to ``schema`` (column name → one of :data:`DTYPES`, in order), read from the
    cache when a valid entry with ``cache_key`` exists, else computed and stored. Anything wrong with an entry
    makes it a miss; a cache folder that cannot be written only costs the time saved (logged at DEBUG level).
    The index is not kept: the table comes back on a 0..n-1 index."""
    _check_schema(schema)
    try:
        folder = cache_dir()
    except Exception as exc:  # no home folder, ~user unknown
        logger.debug("results cache not used: its folder cannot be found (%s)", exc)
        folder = None
    if folder is None:
        return conform(compute(), schema)
    path = folder / f"{name}-{cache_key[:32]}{SUFFIX}"
    try:
        return _decode(_read_entry(path), schema, cache_key)
    except FileNotFoundError:
        pass
    except Exception as exc:  # anything else: compute it again and replace the entry
        logger.debug("%s: cache entry not used (%s)", path, exc)
    result = conform(compute(), schema)
    data = _encode(result, schema, cache_key)
    if len(data) > MAX_ENTRY_BYTES:
        logger.debug("%s: not cached, %d bytes is over the limit of %d", path, len(data), MAX_ENTRY_BYTES)
        return result
    try:
        _write_entry(folder, path, name, data)
    except OSError as exc:
        logger.debug("%s: results not cached (%s)", folder, exc.strerror or exc)
    return result
