"""`up` and `down` against the engine: what gets created, recreated, kept and removed.

Each test writes a small project into its own directory and uses its own project name; the
`engine_project` fixture removes whatever is left. Services run the base image with a command
that stops at once on SIGTERM, so `down` is quick.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from tests.conftest import remove_project_objects
from tests.helpers import child_env, run_pycompose

COMMAND = """["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]"""
PROJECT_LABEL = "com.docker.compose.project"


def write(directory: Path, text: str) -> Path:
    (directory / "compose.yaml").write_text(
        textwrap.dedent(text).lstrip("\n").replace("COMMAND", COMMAND))
    return directory


def up(directory: Path, project: str, *args: str,
       env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_pycompose("-p", project, "up", "-d", *args, cwd=directory, env=env)


def down(directory: Path, project: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run_pycompose("-p", project, "down", "-t", "0", *args, cwd=directory)


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stderr


def containers(client: docker.DockerClient, project: str) -> dict[str, dict[str, str]]:
    """Name -> id, state and service of every container of the project."""
    out = {}
    for c in client.api.containers(all=True, filters={"label": f"{PROJECT_LABEL}={project}"}):
        out[c["Names"][0].lstrip("/")] = {"id": c["Id"], "state": c["State"],
                                          "service": c["Labels"]["com.docker.compose.service"]}
    return out


def ids(client: docker.DockerClient, project: str) -> dict[str, str]:
    return {name: c["id"] for name, c in containers(client, project).items()}


def states(client: docker.DockerClient, project: str) -> dict[str, str]:
    return {name: c["state"] for name, c in containers(client, project).items()}


def exec_in(client: docker.DockerClient, container: str, script: str) -> str:
    result = client.containers.get(container).exec_run(["sh", "-c", script])
    assert result.exit_code == 0, result.output
    return str(result.output.decode())


# -- recreation ------------------------------------------------------------------------------

def test_config_change_recreates_only_the_changed_service(
    docker_client: docker.DockerClient, engine_project: str, tmp_path: Path,
) -> None:
    p = engine_project
    write(tmp_path, """
        services:
          a: {image: pycompose/busybox, command: COMMAND}
          b: {image: pycompose/busybox, command: COMMAND, environment: {V: "${V:-1}"}}
          c: {image: pycompose/busybox, command: COMMAND, depends_on: [b]}
    """)
    ok(up(tmp_path, p))
    before = ids(docker_client, p)
    out = ok(up(tmp_path, p, env={"V": "2"}))
    after = ids(docker_client, p)
    assert sorted(after) == [f"{p}-a-1", f"{p}-b-1", f"{p}-c-1"]
    assert after[f"{p}-a-1"] == before[f"{p}-a-1"]
    assert after[f"{p}-c-1"] == before[f"{p}-c-1"]
    assert after[f"{p}-b-1"] != before[f"{p}-b-1"]
    assert f"Container {p}-b-1  Recreated" in out
    assert set(states(docker_client, p).values()) == {"running"}
    # Nothing changed: nothing is written.
    out = ok(up(tmp_path, p, env={"V": "2"}))
    assert ids(docker_client, p) == after
    assert "Recreate" not in out and "Started" not in out


def test_new_image_under_the_same_tag_recreates(
    docker_client: docker.DockerClient, engine_project: str, tmp_path: Path,
) -> None:
    p = engine_project
    tag = f"{p}-img:latest"

    def build(version: str) -> None:
        context = tmp_path / f"ctx{version}"
        context.mkdir()
        (context / "Dockerfile").write_text(f"FROM pycompose/busybox\nLABEL v={version}\n")
        docker_client.images.build(path=str(context), tag=tag, rm=True)

    build("1")
    write(tmp_path, f"""
        services:
          app: {{image: "{tag}", command: COMMAND, pull_policy: never}}
          other: {{image: pycompose/busybox, command: COMMAND}}
    """)
    ok(up(tmp_path, p))
    before = ids(docker_client, p)
    build("2")
    out = ok(up(tmp_path, p))
    after = ids(docker_client, p)
    assert after[f"{p}-app-1"] != before[f"{p}-app-1"]
    assert after[f"{p}-other-1"] == before[f"{p}-other-1"]
    assert f"Container {p}-app-1  Recreated" in out
    image = docker_client.api.inspect_container(after[f"{p}-app-1"])["Image"]
    assert image == docker_client.images.get(tag).id


def test_force_recreate_and_no_recreate(
    docker_client: docker.DockerClient, engine_project: str, tmp_path: Path,
) -> None:
    p = engine_project
    write(tmp_path, """
        services:
          a: {image: pycompose/busybox, command: COMMAND, environment: {V: "${V:-1}"}}
          b: {image: pycompose/busybox, command: COMMAND}
    """)
    ok(up(tmp_path, p))
    first = ids(docker_client, p)
    ok(up(tmp_path, p, "--no-recreate", env={"V": "2"}))
    assert ids(docker_client, p) == first
    ok(up(tmp_path, p, "--force-recreate"))
    forced = ids(docker_client, p)
    assert sorted(forced) == sorted(first)
    assert all(forced[name] != first[name] for name in first)
    assert set(states(docker_client, p).values()) == {"running"}


def test_scale_up_then_down_keeps_the_lowest_numbers(
    docker_client: docker.DockerClient, engine_project: str, tmp_path: Path,
) -> None:
    p = engine_project
    write(tmp_path, """
        services:
          web: {image: pycompose/busybox, command: COMMAND}
    """)
    ok(up(tmp_path, p, "--scale", "web=3"))
    three = ids(docker_client, p)
    assert sorted(three) == [f"{p}-web-1", f"{p}-web-2", f"{p}-web-3"]
    ok(up(tmp_path, p, "--scale", "web=1"))
    assert ids(docker_client, p) == {f"{p}-web-1": three[f"{p}-web-1"]}


def test_deploy_replicas(docker_client: docker.DockerClient, engine_project: str,
                         tmp_path: Path) -> None:
    p = engine_project
    write(tmp_path, """
        services:
          worker: {image: pycompose/busybox, command: COMMAND, deploy: {replicas: 2}}
          off: {image: pycompose/busybox, command: COMMAND, deploy: {replicas: 0}}
    """)
    ok(up(tmp_path, p))
    assert states(docker_client, p) == {f"{p}-worker-1": "running", f"{p}-worker-2": "running"}


def test_orphans_are_warned_about_then_removed(
    docker_client: docker.DockerClient, engine_project: str, tmp_path: Path,
) -> None:
    p = engine_project
    write(tmp_path, """
        services:
          keep: {image: pycompose/busybox, command: COMMAND}
          gone: {image: pycompose/busybox, command: COMMAND}
    """)
    ok(up(tmp_path, p))
    write(tmp_path, """
        services:
          keep: {image: pycompose/busybox, command: COMMAND}
    """)
    out = ok(up(tmp_path, p))
    assert f"Found orphan containers ([{p}-gone-1]) for this project." in out
    assert sorted(ids(docker_client, p)) == [f"{p}-gone-1", f"{p}-keep-1"]
    ok(up(tmp_path, p, "--remove-orphans"))
    assert sorted(ids(docker_client, p)) == [f"{p}-keep-1"]


def test_no_deps_no_start_and_named_services_bring_their_dependencies(
    docker_client: docker.DockerClient, engine_project: str, tmp_path: Path,
) -> None:
    p = engine_project
    write(tmp_path, """
        services:
          db: {image: pycompose/busybox, command: COMMAND}
          web: {image: pycompose/busybox, command: COMMAND, depends_on: [db]}
          other: {image: pycompose/busybox, command: COMMAND}
    """)
    ok(up(tmp_path, p, "--no-deps", "web"))
    assert states(docker_client, p) == {f"{p}-web-1": "running"}
    ok(down(tmp_path, p))
    ok(up(tmp_path, p, "--no-start"))
    assert states(docker_client, p) == {f"{p}-db-1": "created", f"{p}-web-1": "created",
                                        f"{p}-other-1": "created"}
    ok(down(tmp_path, p))
    ok(up(tmp_path, p, "web"))
    assert states(docker_client, p) == {f"{p}-db-1": "running", f"{p}-web-1": "running"}


def test_changed_network_is_replaced_and_containers_keep_their_aliases(
    docker_client: docker.DockerClient, engine_project: str, tmp_path: Path,
) -> None:
    p = engine_project
    write(tmp_path, """
        services:
          a: {image: pycompose/busybox, command: COMMAND, networks: {n: {aliases: [alpha]}}}
        networks:
          n:
            labels: {v: "${V:-1}"}
    """)
    ok(up(tmp_path, p))
    first = ids(docker_client, p)
    old_network = docker_client.networks.get(f"{p}_n").id
    ok(up(tmp_path, p, env={"V": "2"}))
    assert ids(docker_client, p) == first
    network = docker_client.networks.get(f"{p}_n")
    assert network.id != old_network
    assert network.attrs["Labels"]["v"] == "2"
    endpoint = docker_client.api.inspect_container(first[f"{p}-a-1"])["NetworkSettings"][
        "Networks"][f"{p}_n"]
    # Compose reconnects the container without its aliases; pycompose keeps them.
    assert {f"{p}-a-1", "a", "alpha"} <= set(endpoint["Aliases"])
    assert states(docker_client, p) == {f"{p}-a-1": "running"}


# -- data safety -----------------------------------------------------------------------------

def test_recreate_keeps_anonymous_volume_data(
    docker_client: docker.DockerClient, engine_project: str, tmp_path: Path,
) -> None:
    p = engine_project
    write(tmp_path, """
        services:
          db:
            image: pycompose/busybox
            command: COMMAND
            environment: {V: "${V:-1}"}
            volumes: [/data, {type: volume, target: /more}]
    """)
    ok(up(tmp_path, p))
    name = f"{p}-db-1"
    exec_in(docker_client, name, "echo kept > /data/file && echo also > /more/file")
    first = ids(docker_client, p)[name]
    ok(up(tmp_path, p, env={"V": "2"}))
    assert ids(docker_client, p)[name] != first
    assert exec_in(docker_client, name, "cat /data/file /more/file") == "kept\nalso\n"
    ok(up(tmp_path, p, "--force-recreate", env={"V": "2"}))
    assert exec_in(docker_client, name, "cat /data/file /more/file") == "kept\nalso\n"


@pytest.fixture
def loose_volumes(docker_client: docker.DockerClient, engine_project: str
                  ) -> Iterator[list[str]]:
    """Volumes a test creates without the project label; removed afterwards (after the
    project's containers, which may still use them)."""
    names: list[str] = []
    yield names
    remove_project_objects(docker_client, engine_project)
    for name in names:
        with contextlib.suppress(docker.errors.NotFound):
            docker_client.volumes.get(name).remove(force=True)


def test_down_removes_only_what_belongs_to_the_project(
    docker_client: docker.DockerClient, engine_project: str, tmp_path: Path,
    loose_volumes: list[str],
) -> None:
    p = engine_project
    external, legacy = f"{p}-external", f"{p}_legacy"
    loose_volumes += [external, legacy]
    docker_client.volumes.create(external)
    docker_client.volumes.create(legacy)
    write(tmp_path, f"""
        services:
          app:
            image: pycompose/busybox
            command: COMMAND
            volumes: [data:/data, ext:/ext, legacy:/legacy]
        volumes:
          data:
          ext: {{external: true, name: {external}}}
          legacy:
    """)
    out = ok(up(tmp_path, p))
    assert any(legacy in line and "already exists but was not created by Docker Compose" in line
               for line in out.splitlines()), out
    exec_in(docker_client, f"{p}-app-1", "echo saved > /data/file")
    ok(down(tmp_path, p))
    assert docker_client.volumes.get(f"{p}_data")
    ok(up(tmp_path, p))
    assert exec_in(docker_client, f"{p}-app-1", "cat /data/file") == "saved\n"
    out = ok(down(tmp_path, p, "-v"))
    volumes = {v.name for v in docker_client.volumes.list()}
    assert f"{p}_data" not in volumes
    assert external in volumes
    # Compose would delete this one; pycompose keeps a volume it did not create, and says so.
    assert legacy in volumes
    assert legacy in out and "not removed" in out


# -- depends_on conditions and --wait --------------------------------------------------------

def test_service_healthy_dependency_is_waited_for(
    docker_client: docker.DockerClient, engine_project: str, tmp_path: Path,
) -> None:
    p = engine_project
    # The engine keeps only the last five checks, so its log cannot say when the first one
    # passed once a loaded machine is slow to ask: db's first check and web's command write
    # the host's uptime (the same clock in every container) instead.
    write(tmp_path, """
        services:
          db:
            image: pycompose/busybox
            command: COMMAND
            healthcheck:
              test: ["CMD-SHELL", "[ -e /at ] || cut -d' ' -f1 /proc/uptime > /at"]
              interval: 1s
              retries: 3
          web:
            image: pycompose/busybox
            command:
              - sh
              - -c
              - cut -d' ' -f1 /proc/uptime > /at; trap 'exit 0' TERM; sleep 3600 & wait
            depends_on: {db: {condition: service_healthy}}
    """)
    out = ok(up(tmp_path, p))
    assert f"Container {p}-db-1  Healthy" in out
    assert docker_client.api.inspect_container(f"{p}-web-1")["State"]["Running"]
    read = "for i in $(seq 600); do [ -s /at ] && break; sleep 0.1; done; cat /at"
    healthy_at = float(exec_in(docker_client, f"{p}-db-1", read))
    assert float(exec_in(docker_client, f"{p}-web-1", read)) > healthy_at


def test_a_dependency_started_alone_is_not_waited_for(
    docker_client: docker.DockerClient, engine_project: str, tmp_path: Path,
) -> None:
    p = engine_project
    write(tmp_path, """
        services:
          db:
            image: pycompose/busybox
            command: COMMAND
            healthcheck: {test: ["CMD", "false"], interval: 1s, retries: 1}
          web:
            image: pycompose/busybox
            command: COMMAND
            depends_on: {db: {condition: service_healthy}}
    """)
    out = ok(up(tmp_path, p, "db"))
    assert "Waiting" not in out
    failed = up(tmp_path, p)
    assert failed.returncode == 1
    assert failed.stderr.strip().endswith(
        f"dependency failed to start: container {p}-db-1 is unhealthy")


def test_completed_successfully_dependency(
    docker_client: docker.DockerClient, engine_project: str, tmp_path: Path,
) -> None:
    p = engine_project
    write(tmp_path, """
        services:
          init: {image: pycompose/busybox, command: ["sh", "-c", "exit ${CODE:-0}"]}
          web:
            image: pycompose/busybox
            command: COMMAND
            depends_on: {init: {condition: service_completed_successfully}}
    """)
    ok(up(tmp_path, p))
    assert states(docker_client, p) == {f"{p}-init-1": "exited", f"{p}-web-1": "running"}
    ok(down(tmp_path, p))
    failed = up(tmp_path, p, env={"CODE": "1"})
    assert failed.returncode == 1
    assert failed.stderr.strip().endswith('service "init" didn\'t complete successfully: exit 1')
    assert states(docker_client, p) == {f"{p}-init-1": "exited", f"{p}-web-1": "created"}


def test_optional_dependencies_that_fail_are_skipped(
    docker_client: docker.DockerClient, engine_project: str, tmp_path: Path,
) -> None:
    p = engine_project
    write(tmp_path, """
        services:
          init: {image: pycompose/busybox, command: ["sh", "-c", "exit 3"]}
          sick:
            image: pycompose/busybox
            command: COMMAND
            healthcheck: {test: ["CMD", "false"], interval: 1s, retries: 1}
          web:
            image: pycompose/busybox
            command: COMMAND
            depends_on:
              init: {condition: service_completed_successfully, required: false}
              sick: {condition: service_healthy, required: false}
    """)
    out = ok(up(tmp_path, p))
    assert 'Skipped: optional dependency "init" didn\'t complete successfully: exit 3' in out
    assert 'optional dependency "sick" failed to start' in out
    assert states(docker_client, p)[f"{p}-web-1"] == "running"


def test_wait_for_healthy_services_and_finished_one_shots(
    docker_client: docker.DockerClient, engine_project: str, tmp_path: Path,
) -> None:
    p = engine_project
    write(tmp_path, """
        services:
          migrate: {image: pycompose/busybox, command: ["sh", "-c", "exit 0"]}
          task: {image: pycompose/busybox, command: ["sh", "-c", "exit 0"]}
          db:
            image: pycompose/busybox
            command: COMMAND
            healthcheck: {test: ["CMD", "true"], interval: 1s}
          web:
            image: pycompose/busybox
            command: COMMAND
            depends_on: {migrate: {condition: service_completed_successfully}}
          never:
            image: pycompose/busybox
            command: COMMAND
            healthcheck: {test: ["CMD", "false"], interval: 1s, retries: 100}
    """)
    out = ok(up(tmp_path, p, "--wait", "migrate", "task", "db", "web"))
    assert f"Container {p}-db-1  Healthy" in out
    assert f"Container {p}-web-1  Healthy" in out
    assert f"Container {p}-migrate-1  Exited" in out
    # Compose fails here (docker/compose#10596); a one-shot with `restart: no` that exited 0
    # is done, for pycompose.
    assert f"Container {p}-task-1  Exited" in out
    # `never` would take 100 s to turn unhealthy, with another message: this one is the timeout.
    timed_out = up(tmp_path, p, "--wait", "--wait-timeout", "2", "never")
    assert timed_out.returncode == 1
    assert timed_out.stderr.strip().endswith("application not healthy after 2s")


# -- interrupted up --------------------------------------------------------------------------

def _interrupted_up(directory: Path, project: str, sig: int, marker: str, delay: float,
                    env: dict[str, str] | None = None) -> None:
    """Start `up -d`; send `sig` `delay` seconds after `marker` appears in its progress."""
    argv = [sys.executable, "-m", "pycompose", "--progress", "plain", "-p", project,
            "up", "-d"]
    process = subprocess.Popen(argv, cwd=directory, env=child_env(env), text=True,
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    assert process.stderr is not None
    try:
        for line in process.stderr:
            if marker in line:
                time.sleep(delay)
                os.kill(process.pid, sig)
                break
        process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


TEN_SERVICES = "services:\n" + "".join(
    f"  s{i}: {{image: pycompose/busybox, command: COMMAND, environment: {{V: \"${{V:-1}}\"}}}}\n"
    for i in range(10)
)


def _converged(client: docker.DockerClient, project: str, services: int = 10) -> dict[str, str]:
    found = containers(client, project)
    assert sorted(found) == sorted(f"{project}-s{i}-1" for i in range(services)), sorted(found)
    assert {c["state"] for c in found.values()} == {"running"}
    return {name: c["id"] for name, c in found.items()}


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_interrupted_up_converges_on_the_next_up(
    sig: int, docker_client: docker.DockerClient, engine_project: str, tmp_path: Path,
) -> None:
    p = engine_project
    write(tmp_path, TEN_SERVICES)
    _interrupted_up(tmp_path, p, sig, "Created", 0.0)
    ok(up(tmp_path, p))
    _converged(docker_client, p)
    # Interrupted while recreating: replacements may exist under their temporary names.
    _interrupted_up(tmp_path, p, sig, "Recreate", 0.2, env={"V": "2"})
    ok(up(tmp_path, p, env={"V": "2"}))
    settled = _converged(docker_client, p)
    out = ok(up(tmp_path, p, env={"V": "2"}))
    assert _converged(docker_client, p) == settled
    assert "Recreate" not in out and "Started" not in out


def _leftover(directory: Path, project: str, service: str, replaced: str,
              env: dict[str, str]) -> str:
    """Create what an interrupted recreate leaves: the replacement of ``replaced``, created
    with the new configuration under its temporary name, never started."""
    from pycompose.api import load_project, typed_project
    from pycompose.engine.client import Engine
    from pycompose.engine.convert import container_request
    from pycompose.loader.discover import ProjectOptions

    loaded = load_project(ProjectOptions(project_name=project, cwd=str(directory),
                                         environ={**child_env(), **env}))
    model = typed_project(loaded)
    engine = Engine.from_env()
    spec = model.services[service]
    image_id = engine.image_id(spec.image)
    assert image_id
    request = container_request(model, spec, 1, image_id=image_id,
                                name=f"{replaced[:12]}_{project}-{service}-1",
                                api_version=engine.api_version, replaces=f"{service}-1")
    return engine.create_container(request.name, request.payload, request.platform)


def test_leftovers_of_an_interrupted_recreate_are_settled(
    docker_client: docker.DockerClient, engine_project: str, tmp_path: Path,
) -> None:
    p = engine_project
    write(tmp_path, TEN_SERVICES.split("  s4")[0])
    ok(up(tmp_path, p))
    old = _converged(docker_client, p, 4)
    new = {"V": "2"}
    # s0: the old container and its replacement; s1: only the replacement (the old one was
    # already removed); s2: the old one stopped; s3: no leftover.
    replacement = {f"s{i}": _leftover(tmp_path, p, f"s{i}", old[f"{p}-s{i}-1"], new)
                   for i in range(3)}
    docker_client.api.remove_container(old[f"{p}-s1-1"], force=True)
    docker_client.api.stop(old[f"{p}-s2-1"], timeout=0)
    out = ok(up(tmp_path, p, env=new))
    settled = _converged(docker_client, p, 4)
    for i in range(3):
        assert settled[f"{p}-s{i}-1"] == replacement[f"s{i}"], out
    assert settled[f"{p}-s3-1"] != old[f"{p}-s3-1"]
    out = ok(up(tmp_path, p, env={"V": "3"}))
    again = _converged(docker_client, p, 4)
    assert all(again[name] != settled[name] for name in settled)
    # And a leftover that is itself out of date goes, the old container being recreated.
    current = again[f"{p}-s3-1"]
    stale = _leftover(tmp_path, p, "s3", current, {"V": "4"})
    out = ok(up(tmp_path, p, env={"V": "5"}))
    final = _converged(docker_client, p, 4)
    assert final[f"{p}-s3-1"] not in (current, stale)
    assert f"{p}-s3-1  Recreated" in out
