"""An on-disk cache for results that are slow to compute and whose inputs seldom change.

The backtest's Holt fits need statsmodels, whose import alone takes about a second of every run, while the
national series they fit changes once a year. A cached result is keyed by a SHA-256 of everything it depends on:
the inputs, the source of the modules that compute it and the versions of the libraries they use. Any change in
one of them is a miss, so a stale result cannot be returned.

The folder is ``$FUXIN_ANALYSIS_CACHE_DIR`` if set (``off`` turns the cache off), else
``$XDG_CACHE_HOME/fuxin-analysis``, else ``~/.cache/fuxin-analysis``. Deleting it is always safe.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path

import pandas as pd

ENV_VAR = "FUXIN_ANALYSIS_CACHE_DIR"


def cache_dir() -> Path | None:
    """The cache folder, or None when the cache is turned off (``FUXIN_ANALYSIS_CACHE_DIR=off``)."""
    chosen = os.environ.get(ENV_VAR, "").strip()
    if chosen.lower() in ("off", "0", "no", "false", "none"):
        return None
    if chosen:
        return Path(chosen).expanduser()
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or Path.home() / ".cache"
    return Path(base) / "fuxin-analysis"


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


def cached_frame(name: str, cache_key: str, compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """``compute()``'s table, read from the cache when an entry with ``cache_key`` exists, else computed and
    stored (written to a temporary file and renamed, so a reader never sees half a file). An unreadable entry is
    computed again; a cache folder that cannot be written only costs the time saved."""
    folder = cache_dir()
    if folder is None:
        return compute()
    path = folder / f"{name}-{cache_key[:32]}.pkl"
    try:
        return pd.read_pickle(path)  # written by cached_frame only (pandas' pickle format)
    except Exception:  # missing, truncated or foreign: compute it (again) and overwrite
        pass
    result = compute()
    tmp: Path | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, name_tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}-", suffix=".tmp")
        os.close(handle)
        tmp = Path(name_tmp)
        result.to_pickle(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        warnings.warn(f"{folder}: results not cached ({exc.strerror or exc}); set {ENV_VAR} to a writable folder "
                      "or to off", stacklevel=2)
    return result
