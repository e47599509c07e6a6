"""Differential tests of `up`/`down` against Docker Compose v2.40.3 on the same engine.

- Containers: for each project under fixtures/lifecycle, `docker inspect` of what pycompose
  creates equals what Compose creates (Config, HostConfig, the endpoints of every network,
  Mounts, running state), once project names, container ids, anonymous volume names and
  engine-chosen MAC addresses are put aside; secrets and configs Compose copies into the
  container have the same content, mode and owner.
- Config hashes and labels interoperate: after one tool's `up`, the other's `up` changes nothing,
  the other's `ps` lists the containers and its `down` removes everything.
- Behaviours where Compose is the reference: what a changed dependency does to `restart: true`
  dependants, the error of a failed `service_completed_successfully` dependency, `required:
  false`.
"""

from __future__ import annotations

import json
import re
import textwrap
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docker
import pytest

from tests.conftest import remove_project_objects
from tests.helpers import free_ports, run_oracle, run_pycompose

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "lifecycle"
PROJECT_LABEL = "com.docker.compose.project"
COMMAND = """["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]"""
# Both tools must leave these alone; they are compared after an exec in the container.
INJECTED = ("/run/secrets/file_secret", "/run/secrets/custom_env_secret", "/opt/secret.txt",
            "/file_config", "/etc/env_config.conf", "/etc/content.conf")
ENDPOINT_KEYS = ("Aliases", "IPAMConfig", "Links", "DriverOpts", "MacAddress")
# Lists Compose builds from Go maps: their order changes from run to run.
UNORDERED_HOST_LISTS = ("Binds", "ExtraHosts", "Ulimits", "Mounts", "Devices")


@dataclass(frozen=True)
class Case:
    name: str
    up: tuple[str, ...] = ("-d",)
    env: dict[str, str] = field(default_factory=dict)
    # Run with a docker CLI config that sets proxies (Compose passes them to containers).
    proxies: bool = False


CASES = [
    Case("container-config"),
    Case("volumes"),
    Case("resources", proxies=True),
    Case("network-modes"),
    Case("networks"),
    Case("secrets-configs", env={"LIFECYCLE_SECRET": "s3cret", "LIFECYCLE_CONFIG": "c0nfig"}),
    # privileged and devices cannot start inside this engine's own container
    Case("created-only", up=("-d", "--no-start")),
]


def case_env(case: Case, tmp_path: Path) -> dict[str, str]:
    extra = {}
    if case.proxies:
        config = tmp_path / "docker-config"
        config.mkdir(exist_ok=True)
        (config / "config.json").write_text(json.dumps({"proxies": {"default": {
            "httpProxy": "http://10.213.9.1:3128", "noProxy": "localhost"}}}))
        extra["DOCKER_CONFIG"] = str(config)
    # Distinct ports, none of which the engine may give to another container meanwhile.
    a, b, first, last = free_ports(4)
    return {**extra, "PORT_A": str(a), "PORT_B": str(b), "PORT_RANGE": f"{first}-{last}",
            "SCRATCH_DIR": str(tmp_path / "scratch"), **case.env}


@pytest.fixture
def second_project(docker_client: docker.DockerClient, engine_project: str) -> Iterator[str]:
    """A second fresh project name, cleaned up like `engine_project`."""
    name = f"{engine_project}b"
    yield name
    problems = remove_project_objects(docker_client, name)
    if problems:
        pytest.fail("cleanup left objects behind:\n" + "\n".join(problems), pytrace=False)


def containers(client: docker.DockerClient, project: str) -> dict[str, dict[str, Any]]:
    """Inspect of every container of ``project``, by name."""
    out = {}
    for summary in client.api.containers(all=True, filters={"label": f"{PROJECT_LABEL}={project}"}):
        info = client.api.inspect_container(summary["Id"])
        out[info["Name"].lstrip("/")] = info
    return out


def normalized(infos: dict[str, dict[str, Any]], project: str, macs: set[str]) -> dict[str, Any]:
    """What must be equal between the two tools, with run-specific values replaced."""
    text = json.dumps(infos, sort_keys=True)
    for info in infos.values():
        name = info["Name"].lstrip("/").replace(project, "<P>")
        text = text.replace(info["Id"], f"<id {name}>").replace(info["Id"][:12], f"<id {name}>")
        for mount in info["Mounts"]:
            if mount["Type"] == "volume" and re.fullmatch(r"[0-9a-f]{64}", mount["Name"]):
                text = text.replace(mount["Name"], "<anonymous>")
    text = text.replace(project, "<P>")
    out: dict[str, Any] = {}
    for name, info in json.loads(text).items():
        config = dict(info["Config"])
        labels = dict(config["Labels"])
        for volatile in ("com.docker.compose.config-hash", "com.docker.compose.version"):
            labels.pop(volatile, None)
        if labels.get("com.docker.compose.depends_on"):
            deps = labels["com.docker.compose.depends_on"].split(",")
            labels["com.docker.compose.depends_on"] = ",".join(sorted(deps))
        config["Labels"] = labels
        config["Env"] = sorted(config.get("Env") or [])
        host = dict(info["HostConfig"])
        for key in UNORDERED_HOST_LISTS:
            if host.get(key):
                host[key] = sorted(host[key], key=lambda v: json.dumps(v, sort_keys=True))
        networks = {}
        for net, endpoint in info["NetworkSettings"]["Networks"].items():
            kept = {k: endpoint.get(k) for k in ENDPOINT_KEYS}
            if kept["MacAddress"] and kept["MacAddress"] not in macs:
                kept["MacAddress"] = "<engine-chosen>"
            if (endpoint.get("IPAMConfig") or {}).get("IPv4Address"):
                kept["IPAddress"] = endpoint.get("IPAddress")
            networks[net] = kept
        mounts = sorted(info["Mounts"], key=lambda m: m["Destination"])
        for mount in mounts:
            if mount["Type"] == "volume":
                mount.pop("Source", None)
        out[name] = {
            "Name": info["Name"], "Path": info["Path"], "Args": info["Args"],
            "Image": info["Image"], "Running": info["State"]["Running"],
            "Config": config, "HostConfig": host, "Networks": networks, "Mounts": mounts,
        }
    return out


def injected_files(client: docker.DockerClient, infos: dict[str, dict[str, Any]]) -> list[str]:
    """Mode, owner, size and content of the secrets and configs in the running containers."""
    out = []
    for name, info in sorted(infos.items()):
        if not info["State"]["Running"]:
            continue
        for path in INJECTED:
            result = client.containers.get(info["Id"]).exec_run(
                ["sh", "-c", f"ls -ln {path} && cat {path}"])
            lines = result.output.decode().split("\n", 1)
            fields = lines[0].split()
            out.append(f"{name.split('-', 1)[1]} {path} {fields[0:5] if fields else ''} "
                       f"{lines[1:] if len(lines) > 1 else ''}")
    return out


def project_resources(client: docker.DockerClient, project: str) -> dict[str, str]:
    """Networks (name -> id) and volumes (name -> creation time) of the project."""
    label = {"label": f"{PROJECT_LABEL}={project}"}
    out = {f"network {n.name}": str(n.id) for n in client.networks.list(filters=label)}
    out |= {f"volume {v.name}": str(v.attrs.get("CreatedAt"))
            for v in client.volumes.list(filters=label)}
    return out


def container_events(client: docker.DockerClient, project: str, since: float,
                     until: float) -> list[str]:
    """Container events of ``project`` that change something, between two times."""
    found = client.events(since=int(since), until=int(until) + 1, decode=True,
                          filters={"type": "container", "label": f"{PROJECT_LABEL}={project}"})
    return [f"{e['Action']} {e['Actor']['Attributes'].get('name')}" for e in found
            if e["timeNano"] >= since * 1e9 and e["Action"] in
            ("create", "destroy", "rename", "start", "stop", "die", "kill")]


def mac_addresses(case: Case) -> set[str]:
    text = (FIXTURES / case.name / "compose.yaml").read_text()
    return set(re.findall(r'mac_address: "?([0-9a-f:]+)"?', text))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_containers_match_compose(
    case: Case, docker_client: docker.DockerClient, oracle_bin: Path, engine_project: str,
    second_project: str, tmp_path: Path,
) -> None:
    directory = FIXTURES / case.name
    env = case_env(case, tmp_path)
    seen = {}
    for tool, run, project in (("compose", run_oracle, engine_project),
                               ("pycompose", run_pycompose, second_project)):
        up = run("-p", project, "up", *case.up, cwd=directory, env=env)
        assert up.returncode == 0, f"{tool} up failed:\n{up.stderr}"
        infos = containers(docker_client, project)
        seen[tool] = (normalized(infos, project, mac_addresses(case)),
                      injected_files(docker_client, infos))
        # One at a time: the fixtures use fixed subnets and host ports.
        down = run("-p", project, "down", "-v", "-t", "0", cwd=directory, env=env)
        assert down.returncode == 0, f"{tool} down failed:\n{down.stderr}"
    assert seen["pycompose"] == seen["compose"]


@pytest.mark.parametrize("first", ["compose", "pycompose"])
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_other_tool_changes_nothing_then_takes_the_project_down(
    case: Case, first: str, docker_client: docker.DockerClient, oracle_bin: Path,
    engine_project: str, tmp_path: Path,
) -> None:
    directory = FIXTURES / case.name
    env = case_env(case, tmp_path)
    tools = {"compose": run_oracle, "pycompose": run_pycompose}
    run_first = tools[first]
    run_second = tools["pycompose" if first == "compose" else "compose"]
    up = run_first("-p", engine_project, "up", *case.up, cwd=directory, env=env)
    assert up.returncode == 0, up.stderr
    before = {n: i["Id"] for n, i in containers(docker_client, engine_project).items()}
    resources = project_resources(docker_client, engine_project)
    since = time.time()
    again = run_second("-p", engine_project, "up", *case.up, cwd=directory, env=env)
    assert again.returncode == 0, again.stderr
    until = time.time() + 0.5
    assert {n: i["Id"] for n, i in containers(docker_client, engine_project).items()} == before
    assert project_resources(docker_client, engine_project) == resources
    assert not re.search(r"\b(Created|Recreated|Recreate|Started|Stopped|Removed)\b",
                         again.stderr), again.stderr
    events = container_events(docker_client, engine_project, since, until)
    assert events == [], events

    ps = run_second("-p", engine_project, "ps", "-a", "--format", "{{.Name}}",
                    cwd=directory, env=env)
    assert ps.returncode == 0, ps.stderr
    assert sorted(ps.stdout.split()) == sorted(before)
    down = run_second("-p", engine_project, "down", "-v", "-t", "0", cwd=directory, env=env)
    assert down.returncode == 0, down.stderr
    left = docker_client.api.containers(all=True,
                                        filters={"label": f"{PROJECT_LABEL}={engine_project}"})
    assert left == []
    assert docker_client.networks.list(filters={"label": f"{PROJECT_LABEL}={engine_project}"}) \
        == []
    assert docker_client.volumes.list(filters={"label": f"{PROJECT_LABEL}={engine_project}"}) \
        == []


def write(directory: Path, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "compose.yaml").write_text(
        textwrap.dedent(text).lstrip("\n").replace("COMMAND", COMMAND))
    return directory


@dataclass
class Run:
    """What one tool did over a sequence of commands on its own project."""

    outputs: list[tuple[int, list[str]]] = field(default_factory=list)
    snapshots: list[dict[str, dict[str, Any]]] = field(default_factory=list)


def progress_lines(stderr: str, project: str) -> list[str]:
    """Progress and error lines with the project name and log timestamps put aside, sorted
    (both tools run independent steps concurrently)."""
    out = []
    for line in stderr.splitlines():
        line = re.sub(r'^time="[^"]*" level=warning msg=', "WARN ", line.replace(project, "<P>"))
        out.append(line.strip())
    return sorted(out)


def snapshot(client: docker.DockerClient, project: str) -> dict[str, dict[str, Any]]:
    """Per container: id (as an alias stable within one run), state, start time order."""
    infos = containers(client, project)
    return {name.replace(project, "<P>"): {"id": info["Id"], "status": info["State"]["Status"],
                                           "started": info["State"]["StartedAt"]}
            for name, info in infos.items()}


def run_both(directory: Path, projects: tuple[str, str],
             steps: list[tuple[tuple[str, ...], dict[str, str]]],
             client: docker.DockerClient) -> dict[str, Run]:
    runs = {}
    for tool, run, project in (("compose", run_oracle, projects[0]),
                               ("pycompose", run_pycompose, projects[1])):
        record = Run()
        for args, env in steps:
            result = run("-p", project, *args, cwd=directory, env=env)
            record.outputs.append((result.returncode, progress_lines(result.stderr, project)))
            record.snapshots.append(snapshot(client, project))
        run("-p", project, "down", "-v", "-t", "0", cwd=directory)
        runs[tool] = record
    return runs


def changes(run: Run) -> list[dict[str, str]]:
    """Between consecutive snapshots, per container: kept, restarted, replaced, new or gone."""
    out = []
    for before, after in zip(run.snapshots, run.snapshots[1:], strict=False):
        step = {}
        for name in sorted(set(before) | set(after)):
            if name not in after:
                step[name] = "gone"
            elif name not in before:
                step[name] = "new"
            elif before[name]["id"] != after[name]["id"]:
                step[name] = "replaced"
            elif before[name]["started"] != after[name]["started"]:
                step[name] = "restarted"
            else:
                step[name] = "kept"
            if name in after:
                step[name] += f" {after[name]['status']}"
        out.append(step)
    return out


def test_recreate_rules_match_compose(
    docker_client: docker.DockerClient, oracle_bin: Path, engine_project: str,
    second_project: str, tmp_path: Path,
) -> None:
    write(tmp_path, """
        services:
          db: {image: pycompose/busybox, command: COMMAND, environment: {V: "${V:-1}"}}
          web:
            image: pycompose/busybox
            command: COMMAND
            depends_on: {db: {condition: service_started, restart: true}}
          other: {image: pycompose/busybox, command: COMMAND, depends_on: [db]}
          worker: {image: pycompose/busybox, command: COMMAND, environment: {W: "${W:-1}"}}
          gone: {image: pycompose/busybox, command: COMMAND}
    """)
    steps: list[tuple[tuple[str, ...], dict[str, str]]] = [
        (("up", "-d", "--scale", "worker=3"), {}),
        (("up", "-d", "--scale", "worker=3"), {"V": "2"}),
        (("up", "-d", "--scale", "worker=2", "--no-recreate"), {"W": "2"}),
        (("up", "-d", "--scale", "worker=3"), {"W": "2"}),
        (("up", "-d", "--no-deps", "--force-recreate", "web"), {"W": "2"}),
        (("up", "-d", "--scale", "worker=1", "db", "worker"), {"W": "2"}),
    ]
    runs = run_both(tmp_path, (engine_project, second_project), steps, docker_client)
    assert changes(runs["pycompose"]) == changes(runs["compose"])
    codes = [code for code, _ in runs["pycompose"].outputs]
    assert codes == [code for code, _ in runs["compose"].outputs] == [0] * len(steps)


def test_orphans_and_dependency_failures_read_like_compose(
    docker_client: docker.DockerClient, oracle_bin: Path, engine_project: str,
    second_project: str, tmp_path: Path,
) -> None:
    write(tmp_path, """
        services:
          init: {image: pycompose/busybox, command: ["sh", "-c", "exit ${CODE:-0}"]}
          optional: {image: pycompose/busybox, command: ["sh", "-c", "exit 3"]}
          web:
            image: pycompose/busybox
            command: COMMAND
            depends_on:
              init: {condition: service_completed_successfully}
              optional: {condition: service_completed_successfully, required: false}
    """)
    steps: list[tuple[tuple[str, ...], dict[str, str]]] = [
        (("up", "-d"), {}),
        (("up", "-d"), {"CODE": "1"}),
    ]
    runs = run_both(tmp_path, (engine_project, second_project), steps, docker_client)
    assert runs["pycompose"].outputs == runs["compose"].outputs
    assert changes(runs["pycompose"]) == changes(runs["compose"])


def test_recreated_containers_match_compose(
    docker_client: docker.DockerClient, oracle_bin: Path, engine_project: str,
    second_project: str, tmp_path: Path,
) -> None:
    write(tmp_path, """
        services:
          db:
            image: pycompose/busybox
            command: COMMAND
            environment: {V: "${V:-1}"}
            volumes: [/anonymous, named:/named]
        volumes:
          named:
    """)
    seen = {}
    for run, project in ((run_oracle, engine_project), (run_pycompose, second_project)):
        assert run("-p", project, "up", "-d", cwd=tmp_path).returncode == 0
        name = f"{project}-db-1"
        docker_client.containers.get(name).exec_run(["sh", "-c", "echo kept > /anonymous/f"])
        first = containers(docker_client, project)[name]
        result = run("-p", project, "up", "-d", cwd=tmp_path, env={"V": "2"})
        assert result.returncode == 0, result.stderr
        infos = containers(docker_client, project)
        assert infos[name]["Id"] != first["Id"]
        anonymous = [m["Name"] for m in first["Mounts"] if m["Destination"] == "/anonymous"]
        assert [m["Name"] for m in infos[name]["Mounts"] if m["Destination"] == "/anonymous"] \
            == anonymous
        data = docker_client.containers.get(name).exec_run(["cat", "/anonymous/f"]).output
        seen[project] = (normalized(infos, project, set()), data,
                         progress_lines(result.stderr, project))
    assert seen[second_project] == seen[engine_project]


def test_changed_network_is_replaced_as_compose_does(
    docker_client: docker.DockerClient, oracle_bin: Path, engine_project: str,
    second_project: str, tmp_path: Path,
) -> None:
    write(tmp_path, """
        services:
          a: {image: pycompose/busybox, command: COMMAND, networks: [n]}
          b: {image: pycompose/busybox, command: COMMAND}
        networks:
          n:
            labels: {v: "${V:-1}"}
    """)
    steps: list[tuple[tuple[str, ...], dict[str, str]]] = [
        (("up", "-d"), {}), (("up", "-d"), {"V": "2"}), (("up", "-d"), {"V": "2"}),
    ]
    runs = run_both(tmp_path, (engine_project, second_project), steps, docker_client)
    assert changes(runs["pycompose"]) == changes(runs["compose"]) == [
        {"<P>-a-1": "restarted running", "<P>-b-1": "kept running"},
        {"<P>-a-1": "kept running", "<P>-b-1": "kept running"},
    ]
    assert [code for code, _ in runs["pycompose"].outputs] == [0, 0, 0]
