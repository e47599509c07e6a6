"""YAML timestamps as Docker Compose v2.40.3 treats them (pycompose.loader.units.Timestamp).

go-yaml v3 reads a plain scalar such as ``2001-12-14`` as a Go ``time.Time``. Compose's schema
check rejects it wherever the schema constrains the value; in ``x-*`` it is kept and printed in
RFC 3339. Every expectation below was checked with the oracle: the scalar as an ``x-*`` value of
a one-service project, printed by ``config --format json|yaml``, or placed in the attribute named.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pycompose.api import printable
from pycompose.errors import ComposeFileError, PycomposeError
from pycompose.loader.discover import ProjectOptions
from pycompose.loader.interpolate import interpolate_tree
from pycompose.loader.pipeline import Loaded, load
from pycompose.loader.units import Timestamp, is_go_timestamp
from pycompose.loader.validate import validate_schema
from pycompose.loader.yamlio import parse_yaml, reads_back_as_string
from pycompose.serialize import to_json, to_yaml


def value(text: str) -> Any:
    return parse_yaml(f"v: {text}\n", "f.yaml")[0]["v"]


@pytest.mark.parametrize(
    ("written", "printed"),
    [
        ("2001-12-14", "2001-12-14T00:00:00Z"),
        ("2001-1-2", "2001-01-02T00:00:00Z"),
        ("0000-01-01", "0000-01-01T00:00:00Z"),
        ("2000-02-29", "2000-02-29T00:00:00Z"),
        ("2001-12-14 10:00:00", "2001-12-14T10:00:00Z"),
        ("2001-12-14  1:2:3", "2001-12-14T01:02:03Z"),  # any run of spaces, one-digit fields
        ("2001-12-14 10:00:00,25", "2001-12-14T10:00:00.25Z"),
        ("2001-12-14T10:00:00Z", "2001-12-14T10:00:00Z"),
        ("2001-12-14t10:00:00Z", "2001-12-14T10:00:00Z"),
        ("2001-12-14T10:00:00.500Z", "2001-12-14T10:00:00.5Z"),
        ("2001-12-14T10:00:00.1234567891Z", "2001-12-14T10:00:00.123456789Z"),  # truncated
        ("2001-12-14T10:00:00.000000000Z", "2001-12-14T10:00:00Z"),
        ("2001-12-14T10:00:00+05:00", "2001-12-14T10:00:00+05:00"),
        ("2001-12-14T10:00:00.5-05:30", "2001-12-14T10:00:00.5-05:30"),
        ("2001-12-14T10:00:00-00:00", "2001-12-14T10:00:00Z"),
        ("2001-12-14T10:00:00+05:60", "2001-12-14T10:00:00+06:00"),  # Go allows 60 minutes
    ],
)
def test_timestamp_forms_print_in_rfc3339(written: str, printed: str) -> None:
    parsed = value(written)
    assert type(parsed) is Timestamp
    assert parsed == written  # the stages in between see the text as written
    assert parsed.rfc3339() == printed


@pytest.mark.parametrize(
    "text",
    [
        "2001-12-14T10:00:00",  # after "T" a zone is required
        "2001-12-14 10:00:00Z",  # after a space none is allowed
        "2001-12-14 10:00:00 +05:00",
        "2001-12-14T10:00:00+0500",
        "2001-12-14T10:00:00+5:00",
        "2001-12-14T10:00:00+05:61",
        "2001-12-14T10:00:00z",
        "2001-12-14T10:00:00.Z",
        "2001-12-14T10:00Z",
        "2001-12-14 10:00",
        "2001-12-14T24:00:00Z",
        "2001-12-14T23:60:00Z",
        "2001-12-14T23:59:60Z",
        "2001-02-29",
        "1900-02-29",
        "2001-04-31",
        "2001-13-01",
        "2001-00-10",
        "2001-12-00",
        "2001-012-14",
        "02001-12-14",
        "1-12-14",
        "+2001-12-14",
        "2001-12-1_4",
        "2001-12-14\t10:00:00",
    ],
)
def test_near_timestamps_are_strings(text: str) -> None:
    assert type(value(text)) is str
    assert not is_go_timestamp(text)
    assert reads_back_as_string(text)


def test_quoted_and_tagged_scalars() -> None:
    assert type(value('"2001-12-14"')) is str
    assert type(value("!!str 2001-12-14")) is str
    assert type(value("!override 2001-12-14")) is str  # go-yaml does not resolve a custom tag
    assert type(value('!!timestamp "2001-12-14"')) is Timestamp
    with pytest.raises(ComposeFileError, match="as a timestamp"):
        value("!!timestamp 2001-12-14T10:00:00")


def test_go_formats_of_a_timestamp() -> None:
    # oracle: `expose: [2001-12-14]` says "unsupported expose value 2001-12-14 00:00:00 +0000 UTC"
    assert Timestamp("2001-12-14").go_string() == "2001-12-14 00:00:00 +0000 UTC"
    assert Timestamp("2001-12-14T10:00:00.5+05:30").go_string() == (
        "2001-12-14 10:00:00.5 +0530 +0530"
    )
    # oracle: a timestamp key is "non-string key in x-a: time.Date(...)"
    assert Timestamp("2001-01-01 10:00:00.5").go_syntax() == (
        "time.Date(2001, time.January, 1, 10, 0, 0, 500000000, time.UTC)"
    )
    assert Timestamp("0012-1-1T10:00:00+05:00").go_syntax() == (
        'time.Date(12, time.January, 1, 10, 0, 0, 0, time.Location(""))'
    )
    assert Timestamp("2001-01-01T00:00:00-00:00").go_syntax().endswith("time.Local)")


def test_timestamp_keys_are_errors() -> None:
    with pytest.raises(ComposeFileError) as caught:
        parse_yaml("x-a:\n  2001-01-01T10:00:00+05:00: x\n", "f.yaml")
    assert caught.value.message.endswith(
        'non-string key in x-a: time.Date(2001, time.January, 1, 10, 0, 0, 0, time.Location(""))'
    )
    assert list(parse_yaml("2001-02-30: x\n", "f.yaml")[0]) == ["2001-02-30"]


@pytest.mark.parametrize(
    ("yaml_text", "path"),
    [
        ("services:\n  a:\n    environment:\n      A: 2001-12-14\n", "services.a.environment.A"),
        ("services:\n  a:\n    labels:\n      L: 2001-12-14\n", "services.a.labels.L"),
        ("services:\n  a:\n    command: [x, 2001-12-14]\n", "services.a.command[1]"),
        ("services:\n  a:\n    image: 2001-12-14\n", "services.a.image"),
        ("services:\n  a:\n    pull_policy: 2001-12-14\n", "services.a.pull_policy"),  # pattern
        ("services:\n  a:\n    cgroup: 2001-12-14\n", "services.a.cgroup"),  # enum
        ("services:\n  a:\n    cpu_count: 2001-12-14\n", "services.a.cpu_count"),  # cast
        ("services:\n  a:\n    deploy: 2001-12-14\n", "services.a.deploy"),  # a mapping
        ("services:\n  a:\n    depends_on: 2001-12-14\n", "services.a.depends_on"),  # one of
        ("name: 2001-12-14\nservices: {}\n", "name"),
    ],
)
def test_schema_rejects_a_timestamp_where_it_constrains_the_value(
    yaml_text: str, path: str
) -> None:
    # oracle: validating compose.yaml: services.a.environment.A invalid jsonType time.Time
    tree = parse_yaml(yaml_text, "compose.yaml")[0]
    with pytest.raises(ComposeFileError) as caught:
        validate_schema(tree, file="compose.yaml")
    assert caught.value.message.startswith("compose.yaml:")
    assert caught.value.message.endswith(f": {path}: invalid jsonType time.Time")


def test_schema_accepts_timestamps_in_extensions() -> None:
    tree = parse_yaml(
        "services:\n  a:\n    image: x\n    x-s: 2001-12-14\n"
        "x-foo: 2001-12-14 10:00:00\nx-bar: [2001-12-14]\n",
        "compose.yaml",
    )[0]
    validate_schema(tree, file="compose.yaml")


def test_interpolation_neither_makes_nor_casts_timestamps() -> None:
    tree = parse_yaml(
        "services:\n  a:\n    environment:\n      A: ${D}\n    cpu_count: 2001-12-14\n",
        "f.yaml",
    )[0]
    out = interpolate_tree(tree, {"D": "2001-12-14"}.get)
    assert type(out["services"]["a"]["environment"]["A"]) is str
    assert type(out["services"]["a"]["cpu_count"]) is Timestamp  # left for the schema check


def test_serializers_print_rfc3339_and_strings_stay_quoted() -> None:
    tree = {"t": Timestamp("2001-12-14"), "s": "2001-12-14", "z": Timestamp("2001-1-1 1:2:3.5")}
    assert to_json(tree, indent=None) == (
        '{"t":"2001-12-14T00:00:00Z","s":"2001-12-14","z":"2001-01-01T01:02:03.5Z"}'
    )
    assert to_yaml(tree) == (
        't: 2001-12-14T00:00:00Z\ns: "2001-12-14"\nz: 2001-01-01T01:02:03.5Z\n'
    )


def test_json_refuses_a_zone_of_a_day_as_go_does() -> None:
    # oracle: json: error calling MarshalJSON for type time.Time: Time.MarshalJSON: timezone
    # hour outside of range [0,23] (while YAML prints 2001-12-14T10:00:00+24:00)
    late = Timestamp("2001-12-14T10:00:00+24:00")
    assert to_yaml({"t": late}) == "t: 2001-12-14T10:00:00+24:00\n"
    with pytest.raises(PycomposeError, match=r"timezone hour outside of range \[0,23\]"):
        to_json({"t": late})


def load_dir(root: Path, **env: str) -> Loaded:
    return load(ProjectOptions(cwd=str(root), environ={"HOME": "/nonexistent-home", **env}))


def test_config_prints_extension_timestamps_through_anchors_and_files(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "x-common: &common\n  x-when: 2001-12-14 10:00:00\n  image: busybox\n"
        "services:\n  a:\n    <<: *common\n    environment:\n      A: ${D}\n      B: '2001-12-14'\n"
        "x-foo: 2001-12-14 10:00:00\nx-bar: [2001-12-14]\n",
        encoding="utf-8",
    )
    (tmp_path / "compose.override.yaml").write_text(
        "services:\n  a:\n    x-list: [2002-01-01]\n", encoding="utf-8"
    )
    loaded = load_dir(tmp_path, D="2001-12-14")
    as_json = to_json(printable(loaded, "json"))
    assert '"x-foo": "2001-12-14T10:00:00Z"' in as_json
    assert '"2001-12-14T00:00:00Z"' in as_json
    as_yaml = to_yaml(printable(loaded, "yaml"))
    assert "    x-when: 2001-12-14T10:00:00Z\n" in as_yaml
    assert "      - 2002-01-01T00:00:00Z\n" in as_yaml
    assert '      A: "2001-12-14"\n      B: "2001-12-14"\n' in as_yaml


def test_unicity_names_a_timestamp_as_go_does(tmp_path: Path) -> None:
    # oracle: services.a.labels.[0]: unexpected type time.Time
    (tmp_path / "compose.yaml").write_text(
        "services:\n  a:\n    image: x\n    labels: [2001-12-14]\n", encoding="utf-8"
    )
    with pytest.raises(ComposeFileError, match=r"labels\[0\]: unexpected type time\.Time"):
        load_dir(tmp_path)
    # oracle: services.a.expose.[0]: unsupported expose value 2001-12-14 00:00:00 +0000 UTC
    (tmp_path / "compose.yaml").write_text(
        "services:\n  a:\n    image: x\n    expose: [2001-12-14]\n", encoding="utf-8"
    )
    with pytest.raises(ComposeFileError, match=r"value 2001-12-14 00:00:00 \+0000 UTC"):
        load_dir(tmp_path)


def test_a_typed_string_attribute_refuses_a_timestamp(tmp_path: Path) -> None:
    # oracle: 'services[a].storage_opt[size]' expected type 'string', got unconvertible type
    # 'time.Time' (the schema leaves storage_opt open)
    (tmp_path / "compose.yaml").write_text(
        "services:\n  a:\n    image: x\n    storage_opt: {size: 2001-12-14}\n", encoding="utf-8"
    )
    with pytest.raises(ComposeFileError, match=r"storage_opt\.size: must be a string"):
        load_dir(tmp_path)
