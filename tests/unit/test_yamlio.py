"""YAML as Docker Compose v2.40.3 reads it (pycompose.loader.yamlio).

Each expectation was checked with the oracle: the scalar in an `environment` or `x-*` entry of a
one-service project, printed by `config --format json|yaml`; error texts are the oracle's, after
the position pycompose adds in front.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from pycompose.errors import ComposeFileError, Mark
from pycompose.loader.tree import YMap, YSeq
from pycompose.loader.yamlio import parse_yaml


def value(text: str) -> Any:
    """The value of `v:` in a one-line document."""
    return parse_yaml(f"v: {text}\n", "f.yaml")[0]["v"]


def error(text: str) -> ComposeFileError:
    with pytest.raises(ComposeFileError) as caught:
        parse_yaml(text, "f.yaml")
    return caught.value


@pytest.mark.parametrize("text", ["yes", "no", "on", "off", "y", "n", "Yes", "OFF", "tRUE"])
def test_yaml_1_1_booleans_stay_strings(text: str) -> None:
    assert value(text) == text


@pytest.mark.parametrize(("text", "expected"), [("true", True), ("True", True), ("TRUE", True),
                                                ("false", False), ("FALSE", False)])
def test_yaml_1_2_booleans(text: str, expected: bool) -> None:
    assert value(text) is expected


@pytest.mark.parametrize("text", ["~", "null", "Null", "NULL", ""])
def test_null_spellings(text: str) -> None:
    assert value(text) is None


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("0400", 256),  # Go's leading-zero octal
        ("0777", 511),
        ("0x1F", 31),
        ("-0x1F", -31),
        ("0o17", 15),
        ("-0o17", -15),
        ("0b101", 5),
        ("-0b11", -3),
        ("1_000", 1000),
        ("1__0", 10),  # underscores are dropped before Go parses the number
        ("+12", 12),
        ("-0", 0),
        ("-9223372036854775808", -(2**63)),
        ("18446744073709551615", 2**64 - 1),
    ],
)
def test_integers_follow_go_parsing(text: str, number: int) -> None:
    parsed = value(text)
    assert type(parsed) is int
    assert parsed == number


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("08", 8.0),  # not octal, so Go reads it as a float
        ("09.5", 9.5),
        ("1e3", 1000.0),
        (".5", 0.5),
        ("1.", 1.0),
        ("-.5", -0.5),
        ("+.5e2", 50.0),
        ("1_0.5", 10.5),
        ("1.0", 1.0),
        ("18446744073709551616", 1.8446744073709552e19),
    ],
)
def test_floats_follow_go_parsing(text: str, number: float) -> None:
    parsed = value(text)
    assert type(parsed) is float
    assert parsed == number


def test_special_floats() -> None:
    assert value(".inf") == math.inf
    assert value("+.Inf") == math.inf
    assert value("-.INF") == -math.inf
    assert math.isnan(value(".nan"))


@pytest.mark.parametrize(
    "text",
    [
        "1e400",  # beyond float64: Go's ParseFloat fails and the text stays
        "12:30",  # no base-60 numbers in YAML 1.2
        "190:20:30",
        "0b",
        "0o",
        "0x1p-2",
        "+inf",
        "_10",
        "1.0.0",
        "2001-02-30",  # not a date, so not a timestamp (see test_timestamps.py for those)
    ],
)
def test_other_plain_scalars_are_strings(text: str) -> None:
    parsed = value(text)
    assert parsed == text
    assert type(parsed) is str


def test_quoted_and_str_tagged_scalars_are_strings() -> None:
    assert value('"0400"') == "0400"
    assert value("'true'") == "true"
    assert value("!!str 0400") == "0400"


def test_application_tags_leave_the_text_and_binary_is_decoded() -> None:
    # oracle: `x-a: !foo 5` -> "5", `x-d: !!binary aGVsbG8=` -> hello
    assert value("!foo 5") == "5"
    assert value("!foo") == ""
    assert value("!!binary aGVsbG8=") == "hello"
    assert value("!foo {a: 1}") == {"a": 1}


def test_int_tag_on_text_is_an_error() -> None:
    # oracle: yaml: cannot decode !!str `abc` as a !!int
    assert "abc" in error("v: !!int abc\n").message


def test_duplicate_key_names_the_first_definition() -> None:
    # oracle: line 4: mapping key "web" already defined at line 2
    problem = error("services:\n  web:\n    image: x\n  web:\n    image: y\n")
    assert problem.mark == Mark("f.yaml", 4, 3)
    assert "already defined at line 2" in problem.message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1: x\n", "non-string key at top level: 1"),
        ("services:\n  true:\n    image: x\n", "non-string key in services: true"),
        ("x-a:\n  null: c\n", "non-string key in x-a: <nil>"),
        ("x-a:\n  1.0: x\n", "non-string key in x-a: 1"),
        ("x-a:\n  1e20: x\n", "non-string key in x-a: 1e+20"),
        ("x-a:\n  .inf: x\n", "non-string key in x-a: +Inf"),
        ("x-a:\n  -5: x\n", "non-string key in x-a: -5"),
        ("x-a:\n  9223372036854775808: x\n", "non-string key in x-a: 0x8000000000000000"),
        ("s:\n  w:\n    l:\n      - a: 1\n        2: b\n", "non-string key in s.w.l[0]: 2"),
        ("x-a:\n  2001-01-01: x\n",
         "non-string key in x-a: time.Date(2001, time.January, 1, 0, 0, 0, 0, time.UTC)"),
    ],
)
def test_keys_that_are_not_strings_are_errors(text: str, message: str) -> None:
    assert error(text).message.endswith(message)


def test_quoted_numbers_and_words_are_fine_keys() -> None:
    doc = parse_yaml('"1": a\n!!str 2: b\n"null": c\nyes: d\n', "f.yaml")[0]
    assert list(doc) == ["1", "2", "null", "yes"]


def test_keys_must_be_scalars() -> None:
    assert "invalid map key" in error("x-a:\n  ? {a: 1}\n  : x\n").message


def test_merge_keys_fill_in_what_the_mapping_lacks_earlier_sources_first() -> None:
    # oracle: web gets image "base" (first source), restart from the second, its own environment
    doc = parse_yaml(
        "x-base: &base\n  image: base\n  environment:\n    A: '1'\n"
        "x-other: &other\n  image: other\n  restart: always\n"
        "web:\n  <<: [*base, *other]\n  environment:\n    B: '2'\n"
        "db:\n  <<: *other\n  image: mine\n",
        "f.yaml",
    )[0]
    assert doc["web"] == {"image": "base", "environment": {"B": "2"}, "restart": "always"}
    assert doc["db"] == {"image": "mine", "restart": "always"}


def test_merge_keys_nest() -> None:
    doc = parse_yaml(
        "a: &a\n  image: a\nb: &b\n  <<: *a\n  restart: always\nweb:\n  <<: *b\n", "f.yaml"
    )[0]
    assert doc["web"] == {"restart": "always", "image": "a"}


def test_merging_a_sequence_of_scalars_is_an_error() -> None:
    # oracle: yaml: map merge requires map or sequence of maps as the value
    assert "map merge requires" in error("x-a: &a [1]\nx-b:\n  <<: *a\n").message


def test_reset_and_override_tags_are_recorded_on_the_parent_mapping() -> None:
    doc = parse_yaml(
        "web:\n  ports: !reset []\n  environment: !override\n    A: b\n  command: !reset 0400\n",
        "f.yaml",
    )[0]
    web = doc["web"]
    assert isinstance(web, YMap)
    assert web.resets == {"ports", "command"}
    assert web.overrides == {"environment"}
    # The tagged values are typed like untagged ones.
    assert web["command"] == 256
    assert web["environment"] == {"A": "b"}


def test_marks_are_one_based_line_and_column() -> None:
    doc = parse_yaml("services:\n  web:\n    ports:\n      - 80\n      - '81'\n", "f.yaml")[0]
    web = doc["services"]["web"]
    assert isinstance(web, YMap)
    assert web.key_marks["ports"] == Mark("f.yaml", 3, 5)
    ports = web["ports"]
    assert isinstance(ports, YSeq)
    assert ports.mark == Mark("f.yaml", 4, 7)
    assert ports.item_marks == [Mark("f.yaml", 4, 9), Mark("f.yaml", 5, 9)]
    assert doc["services"].value_marks["web"] == Mark("f.yaml", 3, 5)


def test_syntax_errors_carry_a_position() -> None:
    problem = error("services:\n  web:\n    image: [x\n")
    assert problem.mark is not None
    assert problem.mark.file == "f.yaml"
    assert problem.message.startswith("f.yaml:")


def test_every_document_is_returned_and_a_bom_is_ignored() -> None:
    docs = parse_yaml("\ufeffa: 1\n---\nb: 2\n", "f.yaml")
    assert docs == [{"a": 1}, {"b": 2}]


def test_an_empty_file_has_no_documents() -> None:
    assert parse_yaml("", "f.yaml") == []
    assert parse_yaml("# only a comment\n", "f.yaml") == []


def test_absurd_nesting_is_refused() -> None:
    assert "too deep" in error("a: " + "[" * 250 + "]" * 250 + "\n").message
    assert parse_yaml("a: " + "[" * 150 + "]" * 150 + "\n", "f.yaml")
