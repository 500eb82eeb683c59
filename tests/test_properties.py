"""Property-based tests of the readers (Hypothesis): whatever a user's file holds, reading it ends in one of two
ways, within a time bound: the data, or the tool's one-line error naming the file. Never another exception, a
traceback, a hang or a message that dumps the file."""

import csv
import io
import shutil
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuxin_analysis import load_plan
from fuxin_analysis.data.observations import COLUMNS, read_observations
from fuxin_analysis.data.plan import INDICATOR_COLUMNS, STATEMENT_COLUMNS
from fuxin_analysis.errors import InputError
from fuxin_analysis.run.params import Params, load_params


MINI = Path(__file__).parent / "plans" / "mini_plan"
#: Each example must finish within this time (a crafted input must not make a reader hang or explode).
BOUND = settings(max_examples=150, deadline=timedelta(seconds=2), derandomize=True, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("properties")


@pytest.fixture(scope="module")  # not `shared`: Hypothesis refuses a function-scoped fixture in @given tests
def mini():
    return load_plan(MINI)


def _one_line(err: InputError, path: Path) -> None:
    text = str(err)
    assert "\n" not in text and "\r" not in text
    assert len(text) < 500, text
    assert text.startswith(str(path)[:40]), text


#: Text as people type it, and as it arrives from other systems: any character, including the awkward ones.
ANY_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
CELL = st.one_of(ANY_TEXT, st.sampled_from(["", " ", "nan", "inf", "-1", "1e309", "95%", "2023.0", "二〇二三", "0x10",
                                            "1_000", "٣", "2020", "kg_ger", "college_students", "\ufeff", "\x00"]),
                 st.integers(-10**30, 10**30).map(str), st.floats(allow_nan=True).map(repr))


@BOUND
@given(data=st.binary(max_size=2000))
def test_any_bytes_as_an_observation_file(folder, mini, data):
    path = folder / "obs.csv"
    path.write_bytes(data)
    try:
        frame = read_observations([path], mini)
    except InputError as err:
        _one_line(err, path)
    else:
        assert list(frame.columns)[:5] == list(COLUMNS)


@BOUND
@given(rows=st.lists(st.fixed_dictionaries({c: CELL for c in COLUMNS}), max_size=6))
def test_any_strings_in_every_field_of_an_observation_file(folder, mini, rows):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    path = folder / "obs_fields.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8", errors="surrogatepass")
    try:
        frame = read_observations([path], mini)
    except InputError as err:
        _one_line(err, path)
    else:
        assert frame["value"].map(pd.api.types.is_float).all() and frame["year"].between(1949, 2100).all()


#: YAML documents: values of every kind YAML builds, nested, under the real keys of a parameter file and others.
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True), ANY_TEXT,
                    st.dates())
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(ANY_TEXT, inner, max_size=4)), max_leaves=12)
KEYS = st.one_of(st.sampled_from(sorted(Params.model_fields)), ANY_TEXT)


@BOUND
@given(document=st.dictionaries(KEYS, VALUES, max_size=6))
def test_any_yaml_document_as_a_parameter_file(folder, mini, document):
    path = folder / "params.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8", errors="surrogatepass")
    _params_outcome(path, mini)


@BOUND
@given(text=st.one_of(ANY_TEXT, st.text(alphabet="[]{}&*!|>:-,?#%@`'\" \n\tab01", max_size=200)))
def test_any_text_as_a_parameter_file(folder, mini, text):
    path = folder / "params_text.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    _params_outcome(path, mini)


#: Pieces of YAML that each meant trouble for some reader: impossible dates, huge numbers, aliases, tags, deep
#: nesting, collections as keys, special floats, unquoted booleans, multi-line strings, NUL characters.
FRAGMENTS = st.one_of(
    st.sampled_from(["2023-02-30", "2023-13-01", "[1, 2]", "{a: 1}", "&a x", "*a", "&a [*a]", "!!python/object:os.system",
                     "!!binary aGk=", "!!set {a, b}", "!!omap [a: 1]", "!!timestamp 2023-01-01", ".inf", "-.inf", ".nan",
                     "yes", "off", "0o17", "0x1F", "1e309", "1.0e+309", "~", "''", '"\\0"', '"\\x00"', "|\n  text",
                     ">\n  folded", "- x", "? [a]", "<<: {a: 1}", "2023", "plan", "plan_dir", "as_of", "%TAG ! x",
                     "---", "...", "@", "`", "\t", "\u00a0", "中文", "\ufeff"]),
    st.integers(1, 6000).map(lambda n: "9" * n),
    st.integers(1, 3000).map(lambda n: "[" * n + "]" * n),
    st.integers(1, 3000).map(lambda n: "{a: " * n + "1" + "}" * n),
    ANY_TEXT)


@BOUND
@given(lines=st.lists(st.tuples(st.one_of(st.sampled_from(sorted(Params.model_fields)), FRAGMENTS), FRAGMENTS,
                                st.sampled_from(["", "  ", "- "])), max_size=6))
@pytest.mark.slow
def test_yaml_made_of_tricky_fragments(folder, mini, lines):
    path = folder / "params_fragments.yaml"
    text = "\n".join(f"{indent}{key}: {value}" for key, value, indent in lines)
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    _params_outcome(path, mini)


def _params_outcome(path: Path, mini) -> None:
    try:
        params, _ = load_params(path)
        params.check_against(mini, path)
    except InputError as err:
        _one_line(err, path)


@BOUND
@given(field=st.sampled_from([("indicators.csv", c) for c in INDICATOR_COLUMNS]
                             + [("statements.csv", c) for c in STATEMENT_COLUMNS]), value=CELL, row=st.integers(0, 2))
def test_any_string_in_any_field_of_a_plan(folder, field, value, row):
    plan = folder / "plan"
    if not plan.exists():
        shutil.copytree(MINI, plan)
    name, column = field
    table = pd.read_csv(MINI / name, dtype=str, keep_default_na=False)
    table.loc[row, column] = value
    table.to_csv(plan / name, index=False, encoding="utf-8", errors="surrogatepass")
    try:
        load_plan(plan)
    except InputError as err:
        _one_line(err, plan / name)
    finally:
        shutil.copy(MINI / name, plan / name)
