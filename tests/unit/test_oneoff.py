"""One-off containers and the attached-mode rules, without an engine: ``run``'s create payload
(checked against what Docker Compose v2.40.3 sends, captured through an API proxy), the
exit-code policy of attached ``up``, ``stats`` columns, and argument parsing."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import pytest

from pycompose.api import load_project, typed_project
from pycompose.cli.attached import AttachOptions, Cascade, attach_services
from pycompose.cli.oneoff import _split_cp_arg, parse_scale
from pycompose.errors import PycomposeError
from pycompose.loader.discover import ProjectOptions
from pycompose.oneoff import RunOptions, new_slug, oneoff_name, run_request
from pycompose.stats import bytes_size, human_size, stats_fields

COMPOSE = """
services:
  app:
    image: pycompose/busybox
    command: ["sh", "-c", "echo app"]
    restart: always
    container_name: fixedname
    ports: ["127.0.0.1:18082:80"]
    environment: {A: "1"}
    depends_on: [db]
    networks:
      default:
        aliases: [appalias]
  db:
    image: pycompose/busybox
"""


def project(tmp_path: Path) -> Any:
    (tmp_path / "compose.yaml").write_text(textwrap.dedent(COMPOSE))
    loaded = load_project(ProjectOptions(config_files=(str(tmp_path / "compose.yaml"),),
                                         project_name="p"))
    return typed_project(loaded)


def request(tmp_path: Path, **options: Any) -> dict[str, Any]:
    proj = project(tmp_path)
    slug = "ab" * 32
    req = run_request(proj, proj.services["app"], RunOptions(**options), image_id="sha256:x",
                      slug=slug)
    return {"name": req.name, **req.payload}


def test_oneoff_name_labels_and_slug(tmp_path: Path) -> None:
    payload = request(tmp_path)
    assert payload["name"] == "p-app-run-abababababab"
    labels = payload["Labels"]
    assert labels["com.docker.compose.oneoff"] == "True"
    assert labels["com.docker.compose.slug"] == "ab" * 32
    assert "com.docker.compose.container-number" not in labels
    assert labels["com.docker.compose.depends_on"] == "db:service_started:false"
    assert re.fullmatch(r"[0-9a-f]{64}", new_slug())


def test_oneoff_never_restarts_ignores_container_name_and_publishes_nothing(
        tmp_path: Path) -> None:
    payload = request(tmp_path)
    host = payload["HostConfig"]
    assert host["RestartPolicy"] == {"Name": "", "MaximumRetryCount": 0}
    assert host["AutoRemove"] is False
    assert host["PortBindings"] == {}
    assert "ExposedPorts" not in payload
    assert payload["Cmd"] == ["sh", "-c", "echo app"]


def test_oneoff_is_reachable_under_its_own_name_only_unless_use_aliases(
        tmp_path: Path) -> None:
    endpoints = request(tmp_path)["NetworkingConfig"]["EndpointsConfig"]
    assert endpoints["p_default"]["Aliases"] == ["p-app-run-abababababab"]
    endpoints = request(tmp_path, use_aliases=True)["NetworkingConfig"]["EndpointsConfig"]
    assert endpoints["p_default"]["Aliases"] == ["p-app-run-abababababab", "app", "appalias"]


def test_run_overrides(tmp_path: Path) -> None:
    payload = request(tmp_path, command=("-c", "hi"), entrypoint=("sh",), remove=True,
                      environment={"B": "2"}, labels={"x": "y"}, workdir="/bin", user="1000",
                      volumes=("./d:/d:ro",), service_ports=True, name="mine",
                      interactive=True, tty=False)
    assert payload["name"] == "mine"
    assert payload["Cmd"] == ["-c", "hi"] and payload["Entrypoint"] == ["sh"]
    assert sorted(payload["Env"]) == ["A=1", "B=2"]
    assert payload["Labels"]["x"] == "y"
    assert (payload["WorkingDir"], payload["User"]) == ("/bin", "1000")
    host = payload["HostConfig"]
    assert host["AutoRemove"] is True
    assert host["Binds"] == [f"{tmp_path}/d:/d:ro"]
    assert host["PortBindings"] == {"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "18082"}]}
    assert (payload["AttachStdin"], payload["OpenStdin"], payload["StdinOnce"]) == (
        True, True, True)


def test_publish_replaces_service_ports_and_conflicts_with_service_ports(
        tmp_path: Path) -> None:
    payload = request(tmp_path, publish=("127.0.0.1:18083:81",))
    assert payload["HostConfig"]["PortBindings"] == {
        "81/tcp": [{"HostIp": "127.0.0.1", "HostPort": "18083"}]}
    with pytest.raises(PycomposeError, match="--service-ports and --publish"):
        request(tmp_path, publish=("81",), service_ports=True)


def test_not_interactive_attaches_no_stdin(tmp_path: Path) -> None:
    payload = request(tmp_path, interactive=False)
    assert (payload["AttachStdin"], payload["OpenStdin"], payload["StdinOnce"]) == (
        False, False, False)


def test_oneoff_name_uses_the_first_twelve_slug_digits(tmp_path: Path) -> None:
    proj = project(tmp_path)
    assert oneoff_name(proj, proj.services["db"], "0123456789abcdef") == "p-db-run-0123456789ab"


# -- attached up ------------------------------------------------------------------------------

def test_abort_on_exit_takes_the_first_exit_code() -> None:
    cascade = Cascade(AttachOptions(abort_on_exit=True))
    assert cascade.exited("fast", 4) is True
    assert cascade.exited("slow", 0) is False
    assert cascade.exit_code == 4


def test_abort_on_failure_ignores_clean_exits() -> None:
    cascade = Cascade(AttachOptions(abort_on_failure=True))
    assert cascade.exited("ok", 0) is False
    assert cascade.exit_code == 0
    assert cascade.exited("bad", 2) is True
    assert cascade.exit_code == 2


def test_exit_code_from_is_that_services_first_exit_even_after_the_abort() -> None:
    cascade = Cascade(AttachOptions(exit_code_from="tests"))
    assert cascade.exited("ok", 0) is True
    assert cascade.exit_code == 0
    cascade.exited("tests", 143)
    cascade.exited("tests", 5)
    assert cascade.exit_code == 143


def test_without_cascade_exits_change_nothing() -> None:
    cascade = Cascade(AttachOptions())
    assert cascade.exited("a", 3) is False
    assert cascade.exit_code == 0


def test_attached_services(tmp_path: Path) -> None:
    proj = project(tmp_path)
    assert attach_services(proj, [], AttachOptions()) == ["db", "app"]
    assert attach_services(proj, ["app"], AttachOptions()) == ["app"]
    assert attach_services(proj, ["app"], AttachOptions(attach_dependencies=True)) == [
        "db", "app"]
    assert attach_services(proj, [], AttachOptions(attach=("db",))) == ["db"]
    assert attach_services(proj, [], AttachOptions(no_attach=("db",))) == ["app"]


# -- stats, scale, cp -------------------------------------------------------------------------

def test_sizes_as_go_units_prints_them() -> None:
    assert bytes_size(468 * 1024) == "468KiB"
    assert bytes_size(23.54 * 1024 ** 3) == "23.54GiB"
    assert bytes_size(0) == "0B"
    assert human_size(1310) == "1.31kB"
    assert human_size(999) == "999B"


def test_stats_fields_from_a_sample() -> None:
    sample = {
        "cpu_stats": {"cpu_usage": {"total_usage": 300}, "system_cpu_usage": 2000,
                      "online_cpus": 2},
        "precpu_stats": {"cpu_usage": {"total_usage": 100}, "system_cpu_usage": 1000},
        "memory_stats": {"usage": 2048 * 1024, "limit": 8 * 1024 ** 3,
                         "stats": {"total_inactive_file": 1024 * 1024}},
        "networks": {"eth0": {"rx_bytes": 1310, "tx_bytes": 0}},
        "blkio_stats": {"io_service_bytes_recursive": [{"op": "Read", "value": 4096},
                                                       {"op": "Write", "value": 0}]},
        "pids_stats": {"current": 2},
    }
    fields = stats_fields("f" * 64, "p-db-1", sample)
    assert fields == {
        "BlockIO": "4.1kB / 0B", "CPUPerc": "40.00%", "Container": "f" * 64,
        "ID": "f" * 12, "MemPerc": "0.01%", "MemUsage": "1MiB / 8GiB", "Name": "p-db-1",
        "NetIO": "1.31kB / 0B", "PIDs": "2",
    }
    stopped = stats_fields("f" * 64, "x", {})
    assert (stopped["MemUsage"], stopped["CPUPerc"]) == ("0B / 0B", "0.00%")


def test_scale_arguments() -> None:
    assert parse_scale(["db=2", "app=0"], {"db": 1, "app": 1}) == {"db": 2, "app": 0}
    with pytest.raises(PycomposeError, match="invalid scale specifier: db"):
        parse_scale(["db"], {"db": 1})
    with pytest.raises(PycomposeError, match="no such service: x"):
        parse_scale(["x=1"], {"db": 1})


def test_cp_arguments_split_as_docker_cp() -> None:
    assert _split_cp_arg("db:/etc/hosts") == ("db", "/etc/hosts")
    assert _split_cp_arg("/tmp/a:b") == (None, "/tmp/a:b")
    assert _split_cp_arg("./x:y") == (None, "./x:y")
    assert _split_cp_arg("file") == (None, "file")
    assert _split_cp_arg("-") == (None, "-")
