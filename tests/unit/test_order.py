"""Key order of ``config`` output against Docker Compose v2.40.3's own output.

``data/order/*.config.json`` and ``*.config.yaml`` are what the oracle printed for the compose
files beside them (``data/order/regen.sh`` makes them again). Each test shuffles the keys of every
mapping of that output, hands it to :func:`order_tree` and expects the oracle's order back.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from pycompose.loader.order import (
    KEY_ORDER,
    PATH_TYPES,
    YAML_TOP_ORDER,
    order_as,
    order_tree,
    yaml_key_less,
)
from pycompose.loader.tree import YMap, YSeq

DATA = Path(__file__).parent / "data" / "order"
JSON_FILES = sorted(DATA.glob("*.config.json"))
YAML_FILES = sorted(DATA.glob("*.config.yaml"))


def go_json(tree: Any, indent: int | None = 2) -> str:
    """JSON text the way Go's encoding/json writes it (for the characters these fixtures hold)."""
    separators = (",", ": ") if indent is not None else (",", ":")
    text = json.dumps(tree, indent=indent, ensure_ascii=False, separators=separators)
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(char, escaped)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def shuffled(tree: Any, rng: random.Random) -> Any:
    if isinstance(tree, dict):
        keys = list(tree)
        rng.shuffle(keys)
        return {k: shuffled(tree[k], rng) for k in keys}
    if isinstance(tree, list):
        return [shuffled(item, rng) for item in tree]
    return tree


def key_sequences(tree: Any, path: str = "") -> list[tuple[str, list[str]]]:
    found: list[tuple[str, list[str]]] = []
    if isinstance(tree, dict):
        found.append((path, list(tree)))
        for k, v in tree.items():
            found.extend(key_sequences(v, f"{path}.{k}"))
    elif isinstance(tree, list):
        for i, v in enumerate(tree):
            found.extend(key_sequences(v, f"{path}[{i}]"))
    return found


@pytest.mark.parametrize("path", JSON_FILES, ids=lambda p: p.name)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_json_key_order_matches_compose(path: Path, seed: int) -> None:
    text = path.read_text(encoding="utf-8")
    tree = json.loads(text)
    assert go_json(tree) == text, "fixture does not round-trip through go_json"
    assert go_json(order_tree(shuffled(tree, random.Random(seed)))) == text


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: p.name)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_yaml_key_order_matches_compose(path: Path, seed: int) -> None:
    tree = yaml.safe_load(path.read_text(encoding="utf-8"))
    ordered = order_tree(shuffled(tree, random.Random(seed)), style="yaml")
    assert key_sequences(ordered) == key_sequences(tree)


@pytest.mark.parametrize("seed", [0, 1])
def test_untyped_order_matches_no_interpolate_output(seed: int) -> None:
    text = (DATA / "services.no-interpolate.json").read_text(encoding="utf-8")
    tree = json.loads(text)
    assert go_json(order_tree(shuffled(tree, random.Random(seed)), typed=False)) == text


def test_fixtures_exist() -> None:
    assert len(JSON_FILES) >= 4
    assert len(YAML_FILES) >= 4


def test_config_hash_input_keeps_service_order() -> None:
    tree = json.loads((DATA / "services.config.json").read_text(encoding="utf-8"))
    for service in tree["services"].values():
        mixed = shuffled(service, random.Random(7))
        assert go_json(order_as("ServiceConfig", mixed), indent=None) == go_json(
            service, indent=None
        )


def test_json_top_level_is_a_sorted_map_with_extensions_among_keys() -> None:
    tree = {"x-b": 1, "services": {}, "name": "p", "volumes": {}, "configs": {}, "x-A": 2}
    assert list(order_tree(tree)) == ["configs", "name", "services", "volumes", "x-A", "x-b"]


def test_yaml_top_level_is_struct_order_then_extensions() -> None:
    tree = {"x-b": 1, "models": {}, "services": {}, "name": "p", "x-_": 3, "networks": {}}
    assert list(order_tree(tree, style="yaml")) == [
        "name",
        "services",
        "networks",
        "models",
        "x-_",
        "x-b",
    ]
    assert YAML_TOP_ORDER[:3] == ("name", "services", "networks")


def test_struct_keys_follow_field_order_and_extensions_go_last() -> None:
    port = {"x-z": 1, "protocol": "tcp", "x-a": 2, "published": "80", "target": 80, "mode": "x"}
    tree = {"services": {"web": {"ports": [port], "image": "i", "command": None}}}
    ordered = order_tree(tree)["services"]["web"]
    assert list(ordered) == ["command", "image", "ports"]
    assert list(ordered["ports"][0]) == ["mode", "target", "published", "protocol", "x-a", "x-z"]


def test_go_maps_inside_services_are_sorted_by_bytes() -> None:
    env = {"b": "1", "_x": "2", "B": "3", "a10": "4", "a9": "5"}
    tree = {"services": {"web": {"environment": env, "labels": env, "sysctls": env}}}
    web = order_tree(tree)["services"]["web"]
    for key in ("environment", "labels", "sysctls"):
        assert list(web[key]) == ["B", "_x", "a10", "a9", "b"]
    yaml_web = order_tree(tree, style="yaml")["services"]["web"]
    assert list(yaml_web["environment"]) == ["_x", "B", "a9", "a10", "b"]


def test_marked_trees_are_accepted_and_plain_trees_returned() -> None:
    ports = YSeq([YMap({"target": 80, "mode": "ingress"})])
    tree = YMap({"services": YMap({"web": YMap({"ports": ports})}), "name": "p"})
    ordered = order_tree(tree)
    assert type(ordered) is dict
    assert type(ordered["services"]["web"]["ports"]) is list
    assert type(ordered["services"]["web"]["ports"][0]) is dict
    assert list(ordered["services"]["web"]["ports"][0]) == ["mode", "target"]
    assert list(tree["services"]["web"]["ports"][0]) == ["target", "mode"]


def test_non_mapping_values_where_structs_are_expected_pass_through() -> None:
    tree = {"services": {"web": {"ulimits": {"nproc": 10, "nofile": {"hard": 2, "soft": 1}}}}}
    ulimits = order_tree(tree)["services"]["web"]["ulimits"]
    assert ulimits == {"nofile": {"soft": 1, "hard": 2}, "nproc": 10}
    assert list(ulimits["nofile"]) == ["soft", "hard"]
    assert order_tree({"services": {"web": {"networks": {"b": None, "a": {}}}}}) == {
        "services": {"web": {"networks": {"a": {}, "b": None}}}
    }


def test_untagged_device_structs_use_go_field_names_in_json_and_lower_case_in_yaml() -> None:
    blkio = {"weight_device": [{"Weight": 1, "Path": "/dev/a"}]}
    tree = {"services": {"web": {"blkio_config": blkio}}}
    device = order_tree(tree)["services"]["web"]["blkio_config"]["weight_device"][0]
    assert list(device) == ["Path", "Weight"]
    lower = {"services": {"web": {"blkio_config": {"weight_device": [{"weight": 1, "path": "x"}]}}}}
    device = order_tree(lower, style="yaml")["services"]["web"]["blkio_config"]["weight_device"][0]
    assert list(device) == ["path", "weight"]


def test_path_types_name_the_types_at_their_paths() -> None:
    assert PATH_TYPES[()] == "Project"
    assert PATH_TYPES[("services", "*")] == "ServiceConfig"
    assert PATH_TYPES[("services", "*", "ports", "[]")] == "ServicePortConfig"
    assert PATH_TYPES[("services", "*", "networks", "*")] == "ServiceNetworkConfig"
    assert PATH_TYPES[("services", "*", "environment")] == "map"
    assert PATH_TYPES[("services", "*", "develop", "watch", "[]", "exec")] == "ServiceHook"
    assert PATH_TYPES[("services", "*", "build", "ulimits", "*")] == "UlimitsConfig"
    assert PATH_TYPES[("networks", "*", "ipam", "config", "[]")] == "IPAMPool"
    assert PATH_TYPES[
        ("services", "*", "deploy", "resources", "reservations", "devices", "[]")
    ] == ("DeviceRequest")
    for type_name in PATH_TYPES.values():
        assert type_name in KEY_ORDER or type_name in ("map", "list")


def test_service_config_order_has_command_and_entrypoint_in_field_position() -> None:
    order = KEY_ORDER["ServiceConfig"]
    assert order[:4] == ("profiles", "annotations", "attach", "build")
    assert order.index("cpu_shares") + 1 == order.index("command")
    assert order.index("domainname") + 1 == order.index("entrypoint")
    assert order[-2:] == ("post_start", "pre_stop")
    assert len(order) == len(set(order))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("_", "A"),
        ("A", "B"),
        ("B", "a"),
        ("a2", "a10"),
        ("a9z", "a10"),
        ("1", "01"),
        ("0", "00"),
        ("x1y", "x10y"),
        ("ab", "abc"),
        ("ß", "é"),
    ],
)
def test_yaml_key_less_orders_like_yaml_v3(a: str, b: str) -> None:
    assert yaml_key_less(a, b)
    assert not yaml_key_less(b, a)
