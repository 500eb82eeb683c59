"""One error type for every bad input, so that the command line can print it as one line."""

from __future__ import annotations

import difflib
import reprlib
from collections.abc import Iterable
from pathlib import Path

#: How many characters of an offending value an error message repeats (never a whole file).
MAX_VALUE_CHARS = 60
#: A longer file name is shortened in the middle (the start and the file's own name stay readable).
MAX_PATH_CHARS = 120

#: The repr used in messages, bounded before it is built: a value read from YAML can be a huge nested structure.
_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxlist, _REPR.maxtuple, _REPR.maxdict, _REPR.maxset = 2, 4, 4, 4, 4
_REPR.maxstring, _REPR.maxother, _REPR.maxlong = MAX_VALUE_CHARS + 2, MAX_VALUE_CHARS, MAX_VALUE_CHARS


def _short(value: object) -> str:
    if isinstance(value, float):
        text = f"{value:g}"
    elif isinstance(value, str):
        text = repr(value[: MAX_VALUE_CHARS + 1])
    else:
        text = _REPR.repr(value)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def nearest(word: str, choices: Iterable[str]) -> str | None:
    """The closest known spelling of ``word``, for 'did you mean' hints; None if nothing is close."""
    found = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return found[0] if found else None


class FieldProblem(ValueError):
    """Raised inside a schema's cross-field check to say which field is at fault."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


class InputError(ValueError):
    """A problem in a file a person wrote: names the file, the row or key, the field and the value.

    ``row`` counts the header as row 1, as a spreadsheet does, so it is the row a user sees.
    """

    def __init__(
        self,
        file: str | Path,
        problem: str,
        *,
        row: int | None = None,
        field: str | None = None,
        value: object = None,
        hint: str | None = None,
    ) -> None:
        self.file = str(file)
        self.problem = problem
        self.row = row
        self.field = field
        self.value = value
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file if len(self.file) <= MAX_PATH_CHARS else f"{self.file[:40]}…{self.file[-(MAX_PATH_CHARS - 41):]}"
        if self.row is not None:
            where += f", row {self.row}"
        if self.field is not None:
            where += f", field '{self.field}'"
        text = f"{where}: {self.problem}"
        if self.value is not None:
            text += f" (value: {_short(self.value)})"
        if self.hint:
            text += f"; {self.hint}"
        return text.replace("\n", " ")
