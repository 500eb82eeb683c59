"""The shared readers' limits, each tested on both sides: YAML aliases, nesting and size; the length of what an
error message repeats; paths that loop."""

import time

import pytest

from fuxin_analysis.data.inputs import (
    MAX_YAML_BYTES,
    MAX_YAML_DEPTH,
    MAX_YAML_NODES,
    read_text,
    read_yaml_mapping,
    resolve,
)
from fuxin_analysis.errors import InputError, _short


def _yaml(tmp_path, text: str):
    path = tmp_path / "params.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_anchor_alone_is_fine_an_alias_is_refused(tmp_path):
    assert read_yaml_mapping(_yaml(tmp_path, "a: &x [1, 2]\nb: 3\n")) == {"a": [1, 2], "b": 3}
    with pytest.raises(InputError, match=r"line 2, column 4: an alias \(\*x\) repeats another value"):
        read_yaml_mapping(_yaml(tmp_path, "a: &x [1, 2]\nb: *x\n"))
    with pytest.raises(InputError, match="aliases are not accepted"):
        read_yaml_mapping(_yaml(tmp_path, "a: &x {k: 1}\nb:\n  <<: *x\n"))  # a merge key is an alias too


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
    with pytest.raises(InputError, match=f"line 1, column {3 + k + 1}: nested more than {MAX_YAML_DEPTH} levels deep"):
        read_yaml_mapping(_yaml(tmp_path, "t: " + "[" * (k + 1) + "]" * (k + 1) + "\n"))
    with pytest.raises(InputError, match="nested more than"):
        read_yaml_mapping(_yaml(tmp_path, "t: " + "[" * 100_000 + "]" * 100_000 + "\n"))  # no RecursionError


def test_size_boundaries(tmp_path):
    # the mapping, its key, the list: 3 values before the list's items
    n = MAX_YAML_NODES - 3
    assert len(read_yaml_mapping(_yaml(tmp_path, "x: [" + ",".join(["0"] * n) + "]\n"))["x"]) == n
    with pytest.raises(InputError, match=f"more than {MAX_YAML_NODES} values"):
        read_yaml_mapping(_yaml(tmp_path, "x: [" + ",".join(["0"] * (n + 1)) + "]\n"))
    big = tmp_path / "big.yaml"
    big.write_text("x: " + "y" * (MAX_YAML_BYTES - 3), encoding="utf-8")
    assert len(read_yaml_mapping(big)["x"]) == MAX_YAML_BYTES - 3
    big.write_text("x: " + "y" * (MAX_YAML_BYTES - 2), encoding="utf-8")
    with pytest.raises(InputError, match=f"file too large \\(more than {MAX_YAML_BYTES} bytes\\)"):
        read_yaml_mapping(big)


@pytest.mark.parametrize(("text", "message"), [
    ("as_of: 2023-02-30\n", "YAML value out of range (day is out of range for month)"),
    ("as_of: " + "7" * 5000 + "\n", "YAML value out of range (Exceeds the limit (4300 digits) for integer string"),
    ("[a, b]: 1\n", "line 1, column 1: a key must be a single value, not a list or a mapping"),
    ("{a: 1}: 1\n", "a key must be a single value"),
])
def test_values_python_cannot_build_are_one_line_errors(tmp_path, text, message):
    with pytest.raises(InputError) as info:
        read_yaml_mapping(_yaml(tmp_path, text))
    assert message in str(info.value) and "\n" not in str(info.value)


def test_messages_quote_a_bounded_value():
    huge = [[list(range(1000))] * 1000] * 1000  # a billion items, never rendered whole
    started = time.perf_counter()
    assert len(_short(huge)) <= 60
    assert time.perf_counter() - started < 0.1
    assert _short("x" * 10_000) == "'" + "x" * 58 + "…"
    assert _short("short") == "'short'" and _short(2.5) == "2.5"
    error = InputError("/a/very/" + "long/" * 100 + "params.yaml", "problem", value="v")
    assert len(str(error)) < 200 and str(error).endswith("params.yaml: problem (value: 'v')")


def test_symbolic_link_loops_are_one_line_errors(tmp_path):
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    with pytest.raises(InputError, match="a symbolic link loop"):
        resolve(tmp_path / "loop" / "x")
    with pytest.raises(InputError, match="loop: a symbolic link loop"):
        read_text(tmp_path / "loop")
    with pytest.raises(InputError, match="not a usable path"):
        resolve("pl\0an")
