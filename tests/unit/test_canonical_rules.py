"""Long syntax and typed scalars, one rule at a time (expected values as Compose v2.40.3 prints).

Each test feeds a small tree to :func:`to_long_syntax` and checks one converter of its tables.
"""

from __future__ import annotations

from typing import Any

import pytest

from pycompose.errors import ComposeFileError
from pycompose.loader.canonical import to_long_syntax
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
