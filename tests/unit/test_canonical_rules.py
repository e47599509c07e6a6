"""Long syntax and typed scalars, one rule at a time (expected values as Compose v2.40.3 prints).

Each test feeds a small tree to :func:`to_long_syntax` and checks one converter of its tables;
the rules applied after it (normalization, consistency, JSON output) load a small file in-process.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pycompose.api import Loaded, load_project, printable
from pycompose.errors import ComposeFileError
from pycompose.loader.canonical import to_long_syntax
from pycompose.loader.discover import ProjectOptions
from pycompose.loader.pipeline import Stages


def service(spec: dict[str, Any], stages: Stages | None = None) -> dict[str, Any]:
    tree = to_long_syntax({"services": {"app": {"image": "x", **spec}}}, stages or Stages())
    result: dict[str, Any] = tree["services"]["app"]
    return result


def test_blkio_rates_are_byte_sizes_for_bps_and_iops_and_weights_are_numbers() -> None:
    blkio = service(
        {
            "blkio_config": {
                "weight": "300",
                "weight_device": [{"path": "/dev/sda", "weight": 400}],
                "device_read_bps": [{"path": "/dev/sda", "rate": "12mb"}],
                "device_write_iops": [{"path": "/dev/sda", "rate": 120}],
            }
        }
    )["blkio_config"]
    assert blkio["weight"] == 300
    assert blkio["weight_device"] == [{"path": "/dev/sda", "weight": 400}]
    assert blkio["device_read_bps"] == [{"path": "/dev/sda", "rate": "12582912"}]
    assert blkio["device_write_iops"] == [{"path": "/dev/sda", "rate": "120"}]


def test_gpus_all_is_one_request_for_every_device() -> None:
    assert service({"gpus": "all"})["gpus"] == [{"count": -1}]


def test_device_request_counts_all_as_minus_one_and_strings_as_numbers() -> None:
    gpus = service({"gpus": [{"count": "all", "driver": "nvidia"}, {"count": "3"}]})["gpus"]
    assert gpus == [{"count": -1, "driver": "nvidia"}, {"count": 3}]
    deploy = service(
        {"deploy": {"resources": {"reservations": {"devices": [{"count": "all"}]}}}}
    )["deploy"]
    assert deploy["resources"]["reservations"]["devices"] == [{"count": -1}]


def test_lifecycle_hooks_split_string_commands_and_map_list_environments() -> None:
    app = service(
        {
            "post_start": [{"command": "/bin/true"}],
            "pre_stop": [{"command": "echo 'a b'", "environment": ["A=1", "B"]}],
        }
    )
    assert app["post_start"] == [{"command": ["/bin/true"]}]
    assert app["pre_stop"] == [{"command": ["echo", "a b"], "environment": {"A": "1", "B": None}}]


def test_watch_exec_is_a_hook_too() -> None:
    rule = {"path": ".", "action": "sync+exec", "exec": {"command": "echo hi"}}
    develop = service({"develop": {"watch": [rule]}})["develop"]
    assert develop["watch"][0]["exec"] == {"command": ["echo", "hi"]}


def test_service_models_list_becomes_a_mapping_of_nulls() -> None:
    assert service({"models": ["llm"]})["models"] == {"llm": None}
    long_form = {"llm": {"endpoint_var": "URL"}, "other": None}
    assert service({"models": long_form})["models"] == long_form


def test_mem_swappiness_is_a_byte_size_string() -> None:
    assert service({"mem_swappiness": 60})["mem_swappiness"] == "60"


def test_ipam_options_are_dropped_as_compose_has_no_field_for_them() -> None:
    ipam = {"driver": "default", "config": [{"subnet": "10.0.0.0/24"}], "options": {"a": "b"}}
    tree = to_long_syntax({"networks": {"back": {"ipam": ipam}}}, Stages())
    assert tree["networks"]["back"]["ipam"] == {
        "driver": "default",
        "config": [{"subnet": "10.0.0.0/24"}],
    }


def test_long_bind_mount_without_source_is_an_error() -> None:
    with pytest.raises(ComposeFileError) as caught:
        service({"volumes": [{"type": "bind", "target": "/data"}]})
    assert caught.value.path == ("services", "app", "volumes", 0)
    assert 'invalid mount config for type "bind": field Source must not be empty' in str(
        caught.value
    )


@pytest.mark.parametrize("key", ["driver", "driver_opts", "labels"])
def test_external_volume_cannot_set_what_only_a_created_volume_has(key: str) -> None:
    spec = {"external": True, key: "local" if key == "driver" else {"a": "b"}}
    with pytest.raises(ComposeFileError) as caught:
        to_long_syntax({"volumes": {"data": spec}}, Stages())
    assert caught.value.path == ("volumes", "data", key)
    assert f'conflicting parameters "external" and "{key}" specified' in str(caught.value)


def test_external_volume_may_be_named_and_external_networks_may_set_a_driver() -> None:
    tree = to_long_syntax(
        {
            "volumes": {"data": {"external": True, "name": "shared"}},
            "networks": {"net": {"external": True, "driver": "bridge"}},
        },
        Stages(),
    )
    assert tree["volumes"]["data"] == {"external": True, "name": "shared"}


def test_scale_fills_an_unset_deploy_replicas() -> None:
    assert service({"scale": 2, "deploy": {}})["deploy"] == {"replicas": 2}
    assert service({"scale": 2, "deploy": {"replicas": 3}})["deploy"] == {"replicas": 3}
    assert "deploy" not in service({"scale": 2})
    raw = service({"scale": 2, "deploy": {}}, Stages(interpolate=False))
    assert raw["deploy"] == {}


# -- rules applied after the long syntax: normalization, consistency, JSON output -------------


def load_text(root: Path, text: str, *services: str) -> Loaded:
    (root / "compose.yaml").write_text(text, encoding="utf-8")
    options = ProjectOptions(cwd=str(root), environ={"PATH": "/usr/bin"})
    return load_project(options, services=services)


def test_label_files_become_labels_which_win_over_them(tmp_path: Path) -> None:
    (tmp_path / "a.env").write_text("A=file\nB=${A}-b\nC=${HOME}c\nBARE\n", encoding="utf-8")
    (tmp_path / "b.env").write_text("A=second\n", encoding="utf-8")
    loaded = load_text(
        tmp_path,
        "services:\n  app:\n    image: x\n    labels: {K: v, B: mine}\n"
        "    label_file: [a.env, b.env]\n",
    )
    app = loaded.tree["services"]["app"]
    assert "label_file" not in app
    # A label file sees its own variables only: HOME is unset there.
    assert app["labels"] == {"A": "second", "B": "mine", "C": "c", "K": "v"}


def test_missing_label_file_is_an_error_at_its_entry(tmp_path: Path) -> None:
    with pytest.raises(ComposeFileError) as caught:
        load_text(tmp_path, "services:\n  app:\n    image: x\n    label_file: [nope.env]\n")
    assert caught.value.path == ("services", "app", "label_file", 0)
    assert "label file" in str(caught.value) and "not found" in str(caught.value)


OPTIONAL_DEPENDENCY = """\
services:
  app:
    image: x
    depends_on:
      extra: {condition: service_started, required: false}
  extra:
    image: x
    profiles: [never]
"""


def test_optional_dependency_on_a_disabled_service_is_kept_unless_services_are_named(
    tmp_path: Path,
) -> None:
    kept = load_text(tmp_path, OPTIONAL_DEPENDENCY).tree["services"]["app"]["depends_on"]
    assert kept == {"extra": {"condition": "service_started", "required": False}}
    named = load_text(tmp_path, OPTIONAL_DEPENDENCY, "app").tree["services"]["app"]
    assert not named.get("depends_on")


def test_empty_networks_get_the_default_network(tmp_path: Path) -> None:
    loaded = load_text(tmp_path, "services:\n  app:\n    image: x\n    networks: {}\n")
    assert loaded.tree["services"]["app"]["networks"] == {"default": None}


@pytest.mark.parametrize(
    ("attribute", "deploy", "twin"),
    [
        ("mem_limit: 256m", "resources: {limits: {cpus: 1}}", "deploy.resources.limits.memory"),
        ("cpus: 1", "resources: {limits: {memory: 1g}}", "deploy.resources.limits.cpus"),
        ("pids_limit: 10", "resources: {limits: {pids: 5}}", "deploy.resources.limits.pids"),
        ("scale: 2", "replicas: 3", "deploy.replicas"),
    ],
)
def test_service_limits_must_agree_with_deploy_limits(
    tmp_path: Path, attribute: str, deploy: str, twin: str
) -> None:
    text = f"services:\n  app:\n    image: x\n    {attribute}\n    deploy: {{{deploy}}}\n"
    with pytest.raises(ComposeFileError) as caught:
        load_text(tmp_path, text)
    key = attribute.split(":")[0]
    assert caught.value.path == ("services", "app", key)
    assert f"can't set distinct values on '{key}' and '{twin}'" in str(caught.value)


def test_service_limits_without_deploy_limits_or_equal_to_them_are_fine(tmp_path: Path) -> None:
    text = (
        "services:\n  app:\n    image: x\n    mem_limit: 1g\n    cpus: 1.5\n"
        "    deploy: {resources: {limits: {memory: 1024m, cpus: '1.5'}}}\n"
        "  other:\n    image: x\n    mem_limit: 1g\n    deploy: {}\n"
    )
    assert set(load_text(tmp_path, text).tree["services"]) == {"app", "other"}


def test_json_output_leaves_top_level_models_out_and_yaml_keeps_them(tmp_path: Path) -> None:
    loaded = load_text(
        tmp_path, "services:\n  app:\n    image: x\n    models: [llm]\nmodels:\n  llm: {model: m}\n"
    )
    as_json = printable(loaded, "json")
    assert "models" not in as_json
    assert as_json["services"]["app"]["models"] == {"llm": None}
    assert printable(loaded, "yaml")["models"] == {"llm": {"model": "m"}}
