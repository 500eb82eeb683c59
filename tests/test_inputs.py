"""The shared readers: what a file must be (a UTF-8 text file, not too large), how a CSV table is read (header,
rows, row numbers), how a pydantic problem becomes one error naming file, row, field and value, and the YAML limits
(aliases, nesting, size, keys twice), each tested on both sides; the length of what an error message repeats; paths
that loop."""

import csv
import os
import time

import pytest
from pydantic import BaseModel, ConfigDict, model_validator

from fuxin_analysis.data.inputs import (
    MAX_YAML_BYTES,
    MAX_YAML_DEPTH,
    MAX_YAML_NODES,
    check_header,
    file_kind,
    read_csv,
    read_text,
    read_yaml_mapping,
    resolve,
    validate,
    validate_rows,
)
from fuxin_analysis.errors import FieldProblem, InputError, _short


def _yaml(tmp_path, text: str):
    path = tmp_path / "params.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _message(call, *args, **kwargs) -> str:
    """The one-line message of the InputError ``call`` raises."""
    with pytest.raises(InputError) as info:
        call(*args, **kwargs)
    return str(info.value)


# ---- paths: what is there, and paths that cannot be used ----------------------------------------------------------

def test_file_kind_names_what_a_path_leads_to(tmp_path):
    """A regular file, a folder, a device, nothing: the four answers callers branch on."""
    (tmp_path / "a.csv").write_text("x\n", encoding="utf-8")
    assert file_kind(tmp_path / "a.csv") == "file"
    assert file_kind(tmp_path) == "folder"
    assert file_kind("/dev/null") == "other"  # a character device
    assert file_kind(tmp_path / "missing.csv") is None


def test_file_kind_refuses_a_path_that_cannot_be_followed(tmp_path):
    """A loop, a file used as a folder, a NUL character: one-line errors naming the path and the reason."""
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    assert _message(file_kind, loop) == f"{loop}: a symbolic link loop"
    (tmp_path / "a.csv").write_text("x\n", encoding="utf-8")
    inside = tmp_path / "a.csv" / "b.csv"
    assert _message(file_kind, inside) == f"{inside}: a part of the path is a file, not a folder"
    assert _message(file_kind, "pl\0an") == "pl\0an: not a usable path"


def test_symbolic_link_loops_are_one_line_errors(tmp_path):
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    assert _message(resolve, tmp_path / "loop" / "x") == f"{tmp_path}/loop/x: a symbolic link loop"
    # a label, field and value given: the error names them instead of the path
    assert (_message(resolve, tmp_path / "loop" / "x", "run.yaml", field="plan_dir", value="loop/x")
            == "run.yaml, field 'plan_dir': a symbolic link loop (value: 'loop/x')")
    assert _message(read_text, tmp_path / "loop") == f"{tmp_path}/loop: a symbolic link loop"
    assert _message(resolve, "pl\0an") == "pl\0an: not a usable path (it contains a NUL character)"


def test_resolve_follows_links_and_makes_a_path_absolute(tmp_path, monkeypatch):
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    monkeypatch.chdir(tmp_path)
    assert resolve("link/x.csv") == tmp_path / "real" / "x.csv"


def test_resolve_in_a_folder_that_was_removed(tmp_path, monkeypatch):
    """A relative path from a working folder deleted meanwhile (a shell left in a removed folder) cannot be made
    absolute: the operating system's 'not found', naming the label, field and value given."""
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    assert _message(resolve, "params.yaml") == "params.yaml: not found"
    assert (_message(resolve, "plan", "run.yaml", field="plan_dir", value="plan")
            == "run.yaml, field 'plan_dir': not found (value: 'plan')")


# ---- text files -------------------------------------------------------------------------------------------------------

def test_read_text_refuses_what_is_not_a_file(tmp_path):
    assert _message(read_text, tmp_path / "none.csv") == f"{tmp_path}/none.csv: file not found"
    assert _message(read_text, tmp_path) == f"{tmp_path}: not a file (a folder or a device?)"
    assert _message(read_text, "/dev/null") == "/dev/null: not a file (a folder or a device?)"


@pytest.mark.skipif(not os.path.exists("/proc/self/mem"), reason="Linux only")
def test_read_text_a_file_that_fails_to_read():
    """/proc/self/mem is a regular file whose first bytes (address 0, never mapped) cannot be read: EIO."""
    assert _message(read_text, "/proc/self/mem") == "/proc/self/mem: cannot be read (input/output error)"


def test_read_text_size_boundary(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"abcde")  # exactly max_bytes: read whole
    assert read_text(path, max_bytes=5) == "abcde"
    assert read_text(path, max_bytes=6) == "abcde"
    path.write_bytes(b"abcdef")  # one byte more: refused
    assert _message(read_text, path, max_bytes=5) == f"{path}: file too large (more than 5 bytes)"


def _bytes_read() -> int:
    """How many bytes this process has read so far (Linux: /proc/self/io)."""
    with open("/proc/self/io", encoding="ascii") as io:
        return int(next(line for line in io if line.startswith("rchar:")).split()[1])


@pytest.mark.skipif(not os.path.exists("/proc/self/io"), reason="Linux only")
def test_read_text_never_reads_a_huge_file_whole(tmp_path):
    """A file far above the limit is refused after reading just past the limit: of a 64 MiB file, less than one
    MiB is read (one buffer), not 64."""
    huge = tmp_path / "huge.csv"
    with open(huge, "wb") as f:
        f.truncate(64 * 1024 * 1024)  # sparse: no disk space used
    before = _bytes_read()
    assert _message(read_text, huge, max_bytes=5) == f"{huge}: file too large (more than 5 bytes)"
    assert _bytes_read() - before < 1024 * 1024


def test_read_text_encodings(tmp_path):
    """UTF-8 with or without Excel's byte order mark is read; UTF-16 (either byte order), binary data, GBK and
    bytes that are no encoding at all are refused, each with its own message."""
    path = tmp_path / "a.csv"
    path.write_bytes("\ufeffa,名称\n".encode())  # the mark is dropped, not read as part of the first column
    assert read_text(path) == "a,名称\n"
    path.write_bytes("a,名称\n".encode())
    assert read_text(path) == "a,名称\n"
    utf16 = f"{path}: encoded in UTF-16 (Excel's 'Unicode text'), not UTF-8; save it again as CSV UTF-8"
    path.write_bytes(b"\xff\xfe" + "a,b\n".encode("utf-16-le"))
    assert _message(read_text, path) == utf16
    path.write_bytes(b"\xfe\xff" + "a,b\n".encode("utf-16-be"))
    assert _message(read_text, path) == utf16
    path.write_bytes(b"a,b\n1,\x00\n")
    assert _message(read_text, path) == f"{path}: not a text file (it contains binary data)"
    path.write_bytes("指标,年份\n".encode("gbk"))
    assert (_message(read_text, path)
            == f"{path}: encoded in GBK/GB18030, not UTF-8; save it again as UTF-8 (CSV UTF-8 in Excel)")
    path.write_bytes(b"ab\xff")  # 0xFF starts no UTF-8 and no GB18030 sequence: its position (0-based) is named
    assert _message(read_text, path) == f"{path}: not UTF-8 text (undecodable byte at position 2)"


# ---- CSV tables -------------------------------------------------------------------------------------------------------

COLS = ("indicator_id", "year", "value", "source", "note")


def test_check_header_accepts_known_required_columns_in_any_order():
    assert check_header("t.csv", ["year", "indicator_id", "value"], COLS, COLS[:3]) is None
    assert check_header("t.csv", list(COLS), COLS, COLS[:3]) is None


def test_check_header_unknown_column():
    """An unknown name is refused (row 1, the header), with the nearest known name, or the known names if none is
    close."""
    assert (_message(check_header, "t.csv", ["indicator_id", "yaer", "value"], COLS, COLS[:3])
            == "t.csv, row 1, field 'yaer': unknown column; did you mean 'year'?")
    assert (_message(check_header, "t.csv", ["indicator_id", "year", "value", "zzz"], COLS, COLS[:3])
            == "t.csv, row 1, field 'zzz': unknown column; known columns: indicator_id, year, value, source, note")


def test_check_header_column_twice():
    # the first name of the header is not the repeated one: the repeated one is named
    assert (_message(check_header, "t.csv", ["value", "year", "indicator_id", "year"], COLS, COLS[:3])
            == "t.csv, row 1, field 'year': column appears twice")


def test_check_header_missing_column():
    assert (_message(check_header, "t.csv", ["indicator_id", "year", "note"], COLS, COLS[:3])
            == "t.csv, row 1, field 'value': missing column")


def _csv(tmp_path, text: str, name="t.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode())
    return path


def test_read_csv_rows_and_their_numbers(tmp_path):
    """Rows numbered as a spreadsheet shows them (the header is row 1), blank and all-empty rows skipped but
    counted, trailing empty cells may be left out, header names stripped of spaces, cells kept as written."""
    path = _csv(tmp_path, " a , b ,c\n1,2,3\n\n , ,\n4, 5\n")
    assert read_csv(path, ["a", "b", "c"], ["a"]) == [
        (2, {"a": "1", "b": "2", "c": "3"}),
        (5, {"a": "4", "b": " 5", "c": ""}),  # rows 3 (blank) and 4 (empty cells) skipped
    ]


def test_read_csv_line_endings(tmp_path):
    """Windows (CRLF) and old Mac (CR) line endings are read alike; a quoted cell's own line break is kept."""
    path = _csv(tmp_path, 'a,b\r\n1,"x\r\ny"\r\n')
    assert read_csv(path, ["a", "b"], ["a"]) == [(2, {"a": "1", "b": "x\r\ny"})]
    path = _csv(tmp_path, "a,b\r1,2\r3,4\r")
    assert read_csv(path, ["a", "b"], ["a"]) == [(2, {"a": "1", "b": "2"}), (3, {"a": "3", "b": "4"})]


def test_read_csv_header_only(tmp_path):
    assert read_csv(_csv(tmp_path, "a,b\n"), ["a", "b"], ["a"]) == []


def test_read_csv_refuses_an_empty_file(tmp_path):
    path = _csv(tmp_path, " \n\n")
    assert _message(read_csv, path, ["a"], ["a"]) == f"{path}: file is empty"


def test_read_csv_refuses_a_row_longer_than_the_header(tmp_path):
    path = _csv(tmp_path, "a,b\n1,2\n1,2,3\n")
    assert (_message(read_csv, path, ["a", "b"], ["a"])
            == f"{path}, row 3: row has 3 cells, the header has 2 (value: '1,2,3')")


def test_read_csv_checks_the_header(tmp_path):
    path = _csv(tmp_path, "a,bb\n1,2\n")
    assert _message(read_csv, path, ["a", "b"], ["a"]) == f"{path}, row 1, field 'bb': unknown column; did you mean 'b'?"
    path = _csv(tmp_path, "b\n2\n")
    assert _message(read_csv, path, ["a", "b"], ["a"]) == f"{path}, row 1, field 'a': missing column"


def test_read_csv_refuses_what_the_csv_reader_cannot_read(tmp_path):
    limit = csv.field_size_limit()  # 131072 characters by default
    path = _csv(tmp_path, "a,b\n1," + "x" * (limit + 1) + "\n")
    assert (_message(read_csv, path, ["a", "b"], ["a"])
            == f"{path}: not a readable CSV table (field larger than field limit ({limit}))")


# ---- pydantic problems as one-line errors -----------------------------------------------------------------------------

class Row(BaseModel):
    """A row of a hypothetical table: a model-level check names its field with FieldProblem."""

    model_config = ConfigDict(extra="forbid")
    indicator_id: str
    year: int
    value: float
    tags: list[int] = []
    extra_info: dict[str, int] = {}

    @model_validator(mode="after")
    def _checks(self):
        if self.value < 0:
            raise FieldProblem("value", "must not be negative")
        if self.year > 2100:
            raise ValueError("year after 2100")
        return self


OK = {"indicator_id": "a", "year": "2021", "value": "1.5"}
INT = "Input should be a valid integer, unable to parse string as an integer"


def test_validate_returns_the_model():
    row = validate(Row, dict(OK, tags=["1", "2"]), "t.csv", row=3)
    assert (row.indicator_id, row.year, row.value, row.tags) == ("a", 2021, 1.5, [1, 2])


def test_validate_a_field_s_problem():
    """Pydantic's message, the field and the value as written; the error's parts are kept for callers."""
    with pytest.raises(InputError) as info:
        validate(Row, dict(OK, year="x"), "t.csv", row=3)
    assert str(info.value) == f"t.csv, row 3, field 'year': {INT} (value: 'x')"
    err = info.value
    assert (err.file, err.row, err.field, err.value, err.hint) == ("t.csv", 3, "year", "x", None)
    # without a row (a YAML file): no row named
    assert _message(validate, Row, dict(OK, year="x"), "p.yaml") == f"p.yaml, field 'year': {INT} (value: 'x')"


def test_validate_a_missing_field():
    record = {"indicator_id": "a", "value": "1"}
    assert _message(validate, Row, record, "t.csv", row=4) == "t.csv, row 4, field 'year': Field required"


def test_validate_fields_inside_a_list_or_a_mapping():
    """``key[0]`` for an item of a list, ``key.name`` for a value of a mapping, with the item's value."""
    assert (_message(validate, Row, dict(OK, tags=["1", "x"]), "t.csv", row=3)
            == f"t.csv, row 3, field 'tags[1]': {INT} (value: 'x')")
    assert (_message(validate, Row, dict(OK, extra_info={"k": "y"}), "t.csv", row=3)
            == f"t.csv, row 3, field 'extra_info.k': {INT} (value: 'y')")


def test_validate_a_mapping_where_a_value_belongs_is_not_quoted():
    assert (_message(validate, Row, dict(OK, year={"a": 1}), "p.yaml")
            == "p.yaml, field 'year': Input should be a valid integer")


def test_validate_a_cross_field_problem_names_its_field():
    """A FieldProblem names the field at fault, with the value as the user wrote it; pydantic's 'Value error, '
    prefix is dropped. A plain ValueError of the model names no field."""
    assert (_message(validate, Row, dict(OK, value="-1"), "t.csv", row=3)
            == "t.csv, row 3, field 'value': must not be negative (value: '-1')")
    assert _message(validate, Row, dict(OK, year="2101"), "t.csv", row=3) == "t.csv, row 3: year after 2100"


def test_validate_a_boolean_says_yaml_read_it():
    assert (_message(validate, Row, dict(OK, indicator_id=True), "p.yaml")
            == "p.yaml, field 'indicator_id': Input should be a valid string (value: True); YAML reads unquoted "
               "yes/no/on/off/true/false as a boolean: put the value in quotes")


def test_validate_an_unknown_key():
    assert (_message(validate, Row, dict(OK, yaer="2021"), "t.csv", row=3)
            == "t.csv, row 3, field 'yaer': unknown key; did you mean 'year'?")
    assert _message(validate, Row, dict(OK, zzz="1"), "p.yaml") == "p.yaml, field 'zzz': unknown key"


def test_validate_rows_returns_the_models():
    rows = validate_rows(Row, [OK, dict(OK, year="2022")], [("a.csv", 2), ("a.csv", 3)])
    assert [(r.indicator_id, r.year, r.value) for r in rows] == [("a", 2021, 1.5), ("a", 2022, 1.5)]


def test_validate_rows_names_the_record_s_file_and_row():
    places = [("a.csv", 2), ("b.csv", 7)]
    assert (_message(validate_rows, Row, [OK, dict(OK, year="x")], places)
            == f"b.csv, row 7, field 'year': {INT} (value: 'x')")
    assert (_message(validate_rows, Row, [OK, dict(OK, value="-1")], places)
            == "b.csv, row 7, field 'value': must not be negative (value: '-1')")
    assert (_message(validate_rows, Row, [OK, dict(OK, extra_info={"k": "y"})], places)
            == f"b.csv, row 7, field 'extra_info.k': {INT} (value: 'y')")


def test_validate_rows_reports_the_first_problem_in_file_order():
    """Of several problems, the earliest record's; within a record, an unknown key first (a misspelt column is
    usually why another is missing), then the fields in the model's order."""
    places = [("a.csv", 2), ("a.csv", 3), ("a.csv", 4)]
    # record 0's value is bad, record 1's indicator_id (an earlier field) too: record 0 is reported
    records = [dict(OK, value="x"), dict(OK, indicator_id=5), OK]
    assert (_message(validate_rows, Row, records, places)
            == "a.csv, row 2, field 'value': Input should be a valid number, unable to parse string as a number "
               "(value: 'x')")
    # 'yaer' for 'year': the misspelt key is named, not the missing year
    records = [OK, {"indicator_id": "a", "yaer": "2021", "value": "1"}, OK]
    assert (_message(validate_rows, Row, records, places)
            == "a.csv, row 3, field 'yaer': unknown key; did you mean 'year'?")
    # two bad fields of one record: the first in the model's order (year before value)
    records = [OK, OK, dict(OK, value="y", year="x")]
    assert _message(validate_rows, Row, records, places) == f"a.csv, row 4, field 'year': {INT} (value: 'x')"


# ---- YAML -------------------------------------------------------------------------------------------------------------

def test_an_anchor_alone_is_fine_an_alias_is_refused(tmp_path):
    assert read_yaml_mapping(_yaml(tmp_path, "a: &x [1, 2]\nb: 3\n")) == {"a": [1, 2], "b": 3}
    path = _yaml(tmp_path, "a: &x [1, 2]\nb: *x\n")
    assert (_message(read_yaml_mapping, path) == f"{path}: YAML syntax error at line 2, column 4: an alias (*x) "
            "repeats another value: aliases are not accepted, write the value out")
    with pytest.raises(InputError, match="aliases are not accepted"):
        read_yaml_mapping(_yaml(tmp_path, "a: &x {k: 1}\nb:\n  <<: *x\n"))  # a merge key is an alias too


def test_a_merge_key_is_refused_by_name(tmp_path):
    """A merge key with its mapping written out (no alias) got PyYAML's "could not determine a constructor for the
    tag 'tag:yaml.org,2002:merge'"; it is named now. A key '<<' in quotes is an ordinary key (the other side)."""
    path = _yaml(tmp_path, "b:\n  k: 2\n  <<: {k: 1}\n")
    assert (_message(read_yaml_mapping, path) == f"{path}: YAML syntax error at line 3, column 3: a merge key (<<) "
            "is not accepted: write the keys out")
    assert read_yaml_mapping(_yaml(tmp_path, "b:\n  '<<': {k: 1}\n")) == {"b": {"<<": {"k": 1}}}


def test_an_alias_bomb_is_refused_at_once(tmp_path):
    levels = ["a: &a [" + ", ".join(['"lol"'] * 9) + "]"]
    levels += [f"{c}: &{c} [" + ", ".join([f"*{p}"] * 9) + "]" for p, c in zip("abcdefgh", "bcdefghi")]
    started = time.perf_counter()
    with pytest.raises(InputError, match="aliases are not accepted"):
        read_yaml_mapping(_yaml(tmp_path, "\n".join(levels) + "\n"))
    assert time.perf_counter() - started < 1  # 9^9 strings had it been expanded


def test_nesting_depth_boundary(tmp_path):
    # the document's mapping is level 1, so a value nested k lists deep reaches level 1 + k
    k = MAX_YAML_DEPTH - 1
    assert read_yaml_mapping(_yaml(tmp_path, "t: " + "[" * k + "]" * k + "\n"))["t"] is not None
    path = _yaml(tmp_path, "t: " + "[" * (k + 1) + "]" * (k + 1) + "\n")
    # the (k+1)-th '[' is the 21st level, at column 3 + k + 1 (after "t: " and k brackets)
    assert (_message(read_yaml_mapping, path)
            == f"{path}: YAML syntax error at line 1, column {3 + k + 1}: nested more than {MAX_YAML_DEPTH} levels deep")
    with pytest.raises(InputError, match="nested more than"):
        read_yaml_mapping(_yaml(tmp_path, "t: " + "[" * 100_000 + "]" * 100_000 + "\n"))  # no RecursionError


def test_nesting_depth_counts_only_the_path_to_a_value(tmp_path):
    """Siblings read before a deep value do not count towards its depth: levels are counted down one path."""
    # t's mapping is level 2, so the m-th '[' of b's value is level 2 + m
    m = MAX_YAML_DEPTH - 2
    siblings = "t:\n  a: 1\n  c: [1]\n  b: "
    assert read_yaml_mapping(_yaml(tmp_path, siblings + "[" * m + "]" * m + "\n"))["t"]["a"] == 1
    path = _yaml(tmp_path, siblings + "[" * (m + 1) + "]" * (m + 1) + "\n")
    # line 4 is "  b: " then the brackets: the (m+1)-th is at column 5 + m + 1
    assert (_message(read_yaml_mapping, path)
            == f"{path}: YAML syntax error at line 4, column {5 + m + 1}: nested more than {MAX_YAML_DEPTH} levels deep")


def test_size_boundaries(tmp_path):
    # the mapping, its key, the list: 3 values before the list's items
    n = MAX_YAML_NODES - 3
    assert len(read_yaml_mapping(_yaml(tmp_path, "x: [" + ",".join(["0"] * n) + "]\n"))["x"]) == n
    path = _yaml(tmp_path, "x: [" + ",".join(["0"] * (n + 1)) + "]\n")
    # the refused value is item n (0-based) of the list, at column 4 + 2n (0-based): "x: [" then "0," per item
    assert (_message(read_yaml_mapping, path)
            == f"{path}: YAML syntax error at line 1, column {4 + 2 * n + 1}: more than {MAX_YAML_NODES} values")
    big = tmp_path / "big.yaml"
    big.write_text("x: " + "y" * (MAX_YAML_BYTES - 3), encoding="utf-8")
    assert len(read_yaml_mapping(big)["x"]) == MAX_YAML_BYTES - 3
    big.write_text("x: " + "y" * (MAX_YAML_BYTES - 2), encoding="utf-8")
    assert _message(read_yaml_mapping, big) == f"{big}: file too large (more than {MAX_YAML_BYTES} bytes)"


def test_a_key_twice_is_refused(tmp_path):
    path = _yaml(tmp_path, "a: 1\nb:\n  c: 1\n  c: 2\n")
    assert _message(read_yaml_mapping, path) == f"{path}: YAML syntax error at line 4, column 3: key 'c' appears twice"
    assert read_yaml_mapping(_yaml(tmp_path, "a: 1\nb:\n  c: 1\n  d: 2\n")) == {"a": 1, "b": {"c": 1, "d": 2}}


def test_yaml_syntax_errors_name_line_and_column(tmp_path):
    """Line and column counted from 1; where the construct that failed started, if on another line."""
    path = _yaml(tmp_path, "a: 1\n  b: 2\n")
    assert (_message(read_yaml_mapping, path)
            == f"{path}: YAML syntax error at line 2, column 4: mapping values are not allowed here")
    path = _yaml(tmp_path, "a: [1, 2\nb: 3\n")
    assert (_message(read_yaml_mapping, path) == f"{path}: YAML syntax error at line 2, column 2: expected ',' or "
            "']', but got ':' (while parsing a flow sequence started at line 1)")
    path = _yaml(tmp_path, "x: 1\na: 'unclosed")  # the quoted scalar started on the error's own line: not repeated
    assert _message(read_yaml_mapping, path) == f"{path}: YAML syntax error at line 2, column 13: found unexpected end of stream"
    path = _yaml(tmp_path, "x: !!python/object/apply:os.system [ls]\n")  # no tag that runs code
    assert (_message(read_yaml_mapping, path) == f"{path}: YAML syntax error at line 1, column 4: could not "
            "determine a constructor for the tag 'tag:yaml.org,2002:python/object/apply:os.system'")


def test_a_control_character_is_a_one_line_error(tmp_path):
    path = _yaml(tmp_path, "a: \x07\n")
    assert _message(read_yaml_mapping, path).startswith(f"{path}: YAML syntax error at ")


def test_a_control_character_is_named(tmp_path):
    """"a: " then BEL (U+0007): the 4th character of line 1."""
    path = _yaml(tmp_path, "a: \x07\n")
    assert _message(read_yaml_mapping, path) == (f"{path}: YAML syntax error at line 1, column 4: unacceptable "
                                                 "character #x0007 (special characters are not allowed)")
    path = _yaml(tmp_path, "a: 1\nb: x\x07\n")  # line 2, after "b: x"
    assert "at line 2, column 5: unacceptable character #x0007" in _message(read_yaml_mapping, path)
    path = _yaml(tmp_path, "a: 1\nb: 2\nc: x\x07\n")  # line 3: the column counts from the last line break
    assert "at line 3, column 5: unacceptable character #x0007" in _message(read_yaml_mapping, path)


def test_yaml_mapping_empty_or_not_a_mapping(tmp_path):
    for text in ["", "# only a comment\n"]:
        path = _yaml(tmp_path, text)
        assert _message(read_yaml_mapping, path) == f"{path}: file is empty"
    path = _yaml(tmp_path, "- 1\n- 2\n")
    assert _message(read_yaml_mapping, path) == f"{path}: expected a mapping of keys to values, found a list"
    path = _yaml(tmp_path, "just text\n")
    assert _message(read_yaml_mapping, path) == f"{path}: expected a mapping of keys to values, found a str"


@pytest.mark.parametrize(("text", "message"), [
    ("as_of: 2023-02-30\n", "YAML value out of range (day is out of range for month)"),
    # Python's message up to its first colon
    ("as_of: " + "7" * 5000 + "\n", ("YAML value out of range (Exceeds the limit (4300 digits) for integer string "
                                    "conversion)")),
    # a reason without a colon, cut at 80 characters
    ("as_of: 2023-01-01 00:00:00+99:00\n", "YAML value out of range (" + "offset must be a timedelta strictly "
                                           "between -timedelta(hours=24) and timedelta(hours=24)"[:80] + ")"),
    ("[a, b]: 1\n", "YAML syntax error at line 1, column 1: a key must be a single value, not a list or a mapping"),
    ("{a: 1}: 1\n", "YAML syntax error at line 1, column 1: a key must be a single value, not a list or a mapping"),
])
def test_values_python_cannot_build_are_one_line_errors(tmp_path, text, message):
    path = _yaml(tmp_path, text)
    assert _message(read_yaml_mapping, path) == f"{path}: {message}"


# ---- error messages ----------------------------------------------------------------------------------------------------

def test_messages_quote_a_bounded_value():
    huge = [[list(range(1000))] * 1000] * 1000  # a billion items, never rendered whole
    started = time.perf_counter()
    assert len(_short(huge)) <= 60
    assert time.perf_counter() - started < 0.1
    assert _short("x" * 10_000) == "'" + "x" * 58 + "…"
    assert _short("short") == "'short'" and _short(2.5) == "2.5"
    error = InputError("/a/very/" + "long/" * 100 + "params.yaml", "problem", value="v")
    assert len(str(error)) < 200 and str(error).endswith("params.yaml: problem (value: 'v')")
