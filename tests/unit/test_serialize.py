"""Go-style JSON and go-yaml-style YAML output (pycompose.serialize).

Expected texts are what Docker Compose v2.40.3 printed with `config --format json|yaml` for the
same values (as `x-*` extensions or environment values of a one-service project).
"""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any

import pytest

from pycompose.errors import PycomposeError
from pycompose.serialize import config_hash, to_json, to_yaml


def yaml_value(value: Any) -> str:
    """The text go-yaml writes after `v: ` for `value`."""
    text = to_yaml({"v": value})
    assert text.startswith("v:")
    return text[2:].removeprefix(" ").removesuffix("\n")


def test_json_layout_is_two_space_indented_like_go() -> None:
    tree = {"a": {"b": [1, {"c": None}], "d": {}, "e": []}, "f": True}
    assert to_json(tree) == json.dumps(tree, indent=2)
    assert to_json(tree, indent=None) == json.dumps(tree, separators=(",", ":"))


def test_json_escapes_html_characters_and_keeps_other_unicode() -> None:
    # oracle: "\u0001\b\f\n\r\t\u001b<>&\u2028\u2029é😀\"\\" printed this way
    text = "\x01\b\f\n\r\t\x1b\x7f<>&\u2028\u2029é😀\"\\"
    assert to_json(text) == (
        '"\\u0001\\b\\f\\n\\r\\t\\u001b\x7f\\u003c\\u003e\\u0026\\u2028\\u2029é😀\\"\\\\"'
    )
    assert to_json({"<k>": 1}, indent=None) == '{"\\u003ck\\u003e":1}'


@pytest.mark.parametrize(
    ("number", "text"),
    [
        # oracle: x-a floats in `config --format json`
        (1e16, "10000000000000000"),
        (1e20, "100000000000000000000"),
        (1e21, "1e+21"),
        (1e-7, "1e-7"),
        (0.000001, "0.000001"),
        (2.0, "2"),
        (123456789.0, "123456789"),
        (0.1, "0.1"),
        (1.5, "1.5"),
        (-0.0, "-0"),
        (0.33333334, "0.33333334"),  # cpus: 0.3333333333 as a float32
    ],
)
def test_json_floats_are_written_as_go_writes_them(number: float, text: str) -> None:
    assert to_json(number) == text


def test_json_refuses_infinity_as_go_does() -> None:
    # oracle: json: unsupported value: +Inf
    with pytest.raises(PycomposeError, match=r"json: unsupported value: \+Inf"):
        to_json({"x-a": [math.inf]})


def test_config_hash_is_sha256_of_the_compact_json() -> None:
    assert config_hash({"image": "a&b"}) == hashlib.sha256(b'{"image":"a\\u0026b"}').hexdigest()


@pytest.mark.parametrize(
    ("text", "written"),
    [
        # oracle: x-a strings in `config --format yaml`
        ("plain text", "plain text"),
        ("1.0.0", "1.0.0"),
        ("a,b", "a,b"),
        ("a]b", "a]b"),
        ("a#b", "a#b"),
        ("-a", "-a"),
        ("?a", "?a"),
        (":a", ":a"),
        ("--", "--"),
        ("...x", "'...x'"),  # go-yaml: a leading "---" or "..." is an indicator
        ("<<", "<<"),
        ("=", "="),
        ("a\\b", "a\\b"),
        ("1e400", "1e400"),
        ("0x1p3", "0x1p3"),
        ("1.5:20", "1.5:20"),
        ("é\u00a0", "é\u00a0"),
        ("aaaa bbbb " * 12 + "end", "aaaa bbbb " * 12 + "end"),  # no folding at 80 columns
    ],
)
def test_yaml_plain_strings(text: str, written: str) -> None:
    assert yaml_value(text) == written


@pytest.mark.parametrize(
    "text",
    ["", "~", "null", "true", "False", "yes", "Yes", "on", "OFF", "y", "n", "0400", "0x1F",
     "1_000", "+12", "08", ".5", "1e3", "-.inf", ".nan", "1:20", "190:20:30", "2001-12-14"],
)
def test_yaml_double_quotes_what_would_read_back_as_another_type(text: str) -> None:
    assert yaml_value(text) == f'"{text}"'


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("- a", "'- a'"),
        ("a: b", "'a: b'"),
        ("a #b", "'a #b'"),
        (" lead", "' lead'"),
        ("trail ", "'trail '"),
        ("-", "'-'"),
        ("?", "'?'"),
        (":", "':'"),
        ("a:", "'a:'"),
        ("[x]", "'[x]'"),
        ("{", "'{'"),
        (",", "','"),
        ("#x", "'#x'"),
        ("&x", "'&x'"),
        ("*x", "'*x'"),
        ("!x", "'!x'"),
        ("|x", "'|x'"),
        (">x", "'>x'"),
        ("'x", "'''x'"),
        ('"x', "'\"x'"),
        ("%x", "'%x'"),
        ("@x", "'@x'"),
        ("`x", "'`x'"),
        ("---", "'---'"),
        ("...", "'...'"),
    ],
)
def test_yaml_single_quotes_what_cannot_be_plain(text: str, written: str) -> None:
    assert yaml_value(text) == written


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("a\tb", '"a\\tb"'),
        ("a\x07\x08\x0b\x0c", '"a\\a\\b\\v\\f"'),
        ("a\x00b\x1bc", '"a\\0b\\ec"'),
        ("del\x7fx", '"del\\x7Fx"'),
        ("nel\x85x", '"nel\\Nx"'),
        ("emoji 😀 x", '"emoji \\U0001F600 x"'),
        ("a\r\nb", '"a\\r\\nb"'),
        ("trail \nx", '"trail \\nx"'),
        ("a \nb", '"a \\nb"'),
        ("\u2028x\u2029y\x85z", '"\\Lx\\Py\\Nz"'),
        ("\ufeffx", '"\\uFEFF\\x78"'),  # go-yaml escapes everything after a leading BOM
    ],
)
def test_yaml_double_quotes_with_go_yaml_escapes(text: str, written: str) -> None:
    assert yaml_value(text) == written


def test_yaml_line_separator_stays_in_single_quotes() -> None:
    assert yaml_value("x\u2028y") == "'x\u2028  y'"


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("line1\nline2", "|-\n  line1\n  line2"),
        ("line1\nline2\n", "|\n  line1\n  line2"),
        ("line1\n\nline2\n\n", "|+\n  line1\n\n  line2\n"),
        (" lead\nx", "|2-\n   lead\n  x"),
        ("\n", "|2+\n"),
        ("\n\nx", "|2-\n\n\n  x"),
        ("a\n b", "|-\n  a\n   b"),
        ("tab\tx\ny", "|-\n  tab\tx\n  y"),
    ],
)
def test_yaml_multiline_strings_are_literal_blocks(text: str, written: str) -> None:
    assert yaml_value(text) == written


@pytest.mark.parametrize(
    ("number", "written"),
    [
        (1e16, "1e+16"),
        (1e-7, "1e-07"),
        (2.0, "2"),
        (123456789.0, "1.23456789e+08"),
        (1e21, "1e+21"),
        (-0.0, "-0"),
        (math.inf, ".inf"),
        (-math.inf, "-.inf"),
        (math.nan, ".nan"),
        (256, "256"),
        (True, "true"),
        (None, "null"),
    ],
)
def test_yaml_numbers_and_other_scalars(number: Any, written: str) -> None:
    assert yaml_value(number) == written


def test_yaml_nests_sequences_and_mappings_compactly() -> None:
    # oracle: x-a: [[a, b], [c], [], {}, [[deep]], {k: [1, 2], j: {x: 1}}, {k: "l1\nl2"}]
    tree = {"x-a": [["a", "b"], ["c"], [], {}, [["deep"]], {"j": {"x": 1}, "k": [1, 2]},
                    {"k": "l1\nl2"}]}
    assert to_yaml(tree) == (
        "x-a:\n"
        "  - - a\n"
        "    - b\n"
        "  - - c\n"
        "  - []\n"
        "  - {}\n"
        "  - - - deep\n"
        "  - j:\n"
        "      x: 1\n"
        "    k:\n"
        "      - 1\n"
        "      - 2\n"
        "  - k: |-\n"
        "      l1\n"
        "      l2\n"
    )


def test_yaml_keys_are_quoted_like_values() -> None:
    # oracle: '- x': '- y', "1": 2, "": 3, "n": ..., "tab\tkey": 1, é: 2
    tree = {"- x": "- y", "1": 2, "": 3, "n": "y", "tab\tkey": 1, "é": 2, "k\x07": 4}
    assert to_yaml(tree) == (
        "'- x': '- y'\n"
        '"1": 2\n'
        '"": 3\n'
        '"n": "y"\n'
        '"tab\\tkey": 1\n'
        "é: 2\n"
        '"k\\a": 4\n'
    )


def test_yaml_long_and_multiline_keys_use_the_explicit_form() -> None:
    # oracle: keys over 128 bytes and keys with line breaks are written as "? key" / ": value"
    long_key = "a" * 150
    tree = {long_key: 1, "b" * 150: {"k": "v"}, "c" * 150: ["v"], "multi\nkey": {"k": "v"},
            "multi\nkey2": "l1\nl2"}
    assert to_yaml({"x-b": tree}) == (
        "x-b:\n"
        f"  ? {long_key}\n"
        "  : 1\n"
        f"  ? {'b' * 150}\n"
        "  : k: v\n"
        f"  ? {'c' * 150}\n"
        "  : - v\n"
        "  ? |-\n"
        "    multi\n"
        "    key\n"
        "  : k: v\n"
        "  ? |-\n"
        "    multi\n"
        "    key2\n"
        "  : |-\n"
        "    l1\n"
        "    l2\n"
    )


def test_yaml_empty_collections_are_inline() -> None:
    assert to_yaml({"services": {}, "x": []}) == "services: {}\nx: []\n"
