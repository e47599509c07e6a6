"""build, pull, push, images and down --rmi against the engine and real local registries.

Registries are Debian's `docker-registry`, one plain and one behind htpasswd basic auth, each
started once per session on a free 127.0.0.1 port with storage in a temporary folder.
"""

from __future__ import annotations

import contextlib
import json
import textwrap
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from tests.conftest import in_ci
from tests.engine.registry import Registry, available, running_registry
from tests.helpers import run_pycompose

BASE = "pycompose/busybox"
COMMAND = """["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]"""


def _registry_or_skip() -> None:
    reason = available()
    if reason is not None:
        if in_ci():
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)


@pytest.fixture(scope="session")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    _registry_or_skip()
    with running_registry(tmp_path_factory.mktemp("registry")) as running:
        yield running


@pytest.fixture(scope="session")
def auth_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    _registry_or_skip()
    root = tmp_path_factory.mktemp("auth-registry")
    with running_registry(root, username="tester", password="s3cret-pw") as running:
        yield running


@pytest.fixture
def no_credentials(tmp_path: Path) -> dict[str, str]:
    """An environment whose Docker CLI config has no credentials at all."""
    empty = tmp_path / "docker-config-empty"
    empty.mkdir()
    return {"DOCKER_CONFIG": str(empty)}


@pytest.fixture
def extra_images(docker_client: docker.DockerClient) -> Iterator[list[str]]:
    """References a test tags or pulls outside the project's naming; removed afterwards."""
    refs: list[str] = []
    yield refs
    for ref in refs:
        with contextlib.suppress(docker.errors.NotFound):
            docker_client.images.remove(ref, force=True)


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n").replace("COMMAND", COMMAND))
    return root


def in_image(client: docker.DockerClient, image: str, script: str) -> str:
    out = client.containers.run(image, ["sh", "-c", script], remove=True)
    return out.decode() if isinstance(out, bytes) else str(out)


def registry_tags(registry: Registry, repository: str) -> list[str]:
    with urllib.request.urlopen(f"http://{registry.host}/v2/{repository}/tags/list",
                                timeout=60) as response:
        tags: list[str] = json.load(response).get("tags") or []
    return tags


def remove_image(client: docker.DockerClient, ref: str) -> None:
    client.images.remove(ref, force=True)


# -- the registry round trip ----------------------------------------------------------------


def test_round_trip_build_push_remove_pull_up(
    docker_client: docker.DockerClient, engine_project: str, registry: Registry,
    tmp_path: Path, no_credentials: dict[str, str],
) -> None:
    image = f"{registry.host}/{engine_project}/app:1"
    write(tmp_path, {
        "app/Dockerfile": f"""
            FROM {BASE}
            RUN echo round-trip > /marker
        """,
        "compose.yaml": f"""
            services:
              app:
                image: {image}
                build: ./app
                command: COMMAND
        """,
    })
    env = no_credentials
    built = run_pycompose("-p", engine_project, "build", cwd=tmp_path, env=env)
    assert built.returncode == 0, built.stderr
    pushed = run_pycompose("-p", engine_project, "push", cwd=tmp_path, env=env)
    assert pushed.returncode == 0, pushed.stderr
    assert "Pushed" in pushed.stderr or "Layer already exists" in pushed.stderr
    assert registry_tags(registry, f"{engine_project}/app") == ["1"]

    remove_image(docker_client, image)
    pulled = run_pycompose("-p", engine_project, "pull", cwd=tmp_path, env=env)
    assert pulled.returncode == 0, pulled.stderr
    assert "app  Pulled" in pulled.stderr
    assert docker_client.images.get(image)

    up = run_pycompose("-p", engine_project, "up", "-d", "--no-build", cwd=tmp_path, env=env)
    assert up.returncode == 0, up.stderr
    container = docker_client.containers.get(f"{engine_project}-app-1")
    assert container.status == "running"
    code, output = container.exec_run(["cat", "/marker"])
    assert (code, output.strip()) == (0, b"round-trip")


def test_missing_image_fails_the_pull_and_ignore_pull_failures_goes_on(
    docker_client: docker.DockerClient, engine_project: str, registry: Registry,
    tmp_path: Path, no_credentials: dict[str, str], extra_images: list[str],
) -> None:
    present = f"{registry.host}/{engine_project}/present:1"
    missing = f"{registry.host}/{engine_project}/missing:1"
    extra_images.append(present)
    docker_client.images.get(BASE).tag(present)
    docker_client.images.push(present)
    remove_image(docker_client, present)
    write(tmp_path, {"compose.yaml": f"""
        services:
          present:
            image: {present}
          missing:
            image: {missing}
    """})
    failed = run_pycompose("-p", engine_project, "pull", cwd=tmp_path, env=no_credentials)
    assert failed.returncode != 0
    assert missing in failed.stderr
    assert f"registry {registry.host}" in failed.stderr
    assert "not found" in failed.stderr

    goes_on = run_pycompose("-p", engine_project, "pull", "--ignore-pull-failures",
                            cwd=tmp_path, env=no_credentials)
    assert goes_on.returncode == 0, goes_on.stderr
    assert "present  Pulled" in goes_on.stderr
    assert docker_client.images.get(present)


def test_auth_registry_uses_docker_config_credentials(
    docker_client: docker.DockerClient, engine_project: str, auth_registry: Registry,
    tmp_path: Path, no_credentials: dict[str, str],
) -> None:
    image = f"{auth_registry.host}/{engine_project}/secure:1"
    write(tmp_path, {
        "ctx/Dockerfile": f"FROM {BASE}\nRUN echo secure > /marker\n",
        "compose.yaml": f"""
            services:
              secure:
                image: {image}
                build: ./ctx
        """,
    })
    assert run_pycompose("-p", engine_project, "build", "-q", cwd=tmp_path).returncode == 0

    refused = run_pycompose("-p", engine_project, "push", cwd=tmp_path, env=no_credentials)
    assert refused.returncode != 0
    assert image in refused.stderr and f"registry {auth_registry.host}" in refused.stderr
    assert f"docker login {auth_registry.host}" in refused.stderr

    wrong = Registry(auth_registry.host, auth_registry.root, "tester", "wrong")
    bad_env = {"DOCKER_CONFIG": str(wrong.docker_config(tmp_path / "wrong"))}
    denied = run_pycompose("-p", engine_project, "push", cwd=tmp_path, env=bad_env)
    assert denied.returncode != 0
    assert "refused the credentials of 'tester'" in denied.stderr

    env = {"DOCKER_CONFIG": str(auth_registry.docker_config(tmp_path / "cfg"))}
    pushed = run_pycompose("-p", engine_project, "push", cwd=tmp_path, env=env)
    assert pushed.returncode == 0, pushed.stderr
    remove_image(docker_client, image)
    pulled = run_pycompose("-p", engine_project, "pull", cwd=tmp_path, env=env)
    assert pulled.returncode == 0, pulled.stderr
    assert in_image(docker_client, image, "cat /marker").strip() == "secure"

    # A build FROM the private image: the engine's BuildKit has no session to log in with,
    # so pycompose pulls the base with the docker config's credentials first.
    write(tmp_path, {
        "child/Dockerfile": f"FROM {image}\nRUN cp /marker /copy\n",
        "child.yaml": "services:\n  child:\n    build: ./child\n",
    })
    remove_image(docker_client, image)
    child = run_pycompose("-f", "child.yaml", "-p", engine_project, "build", cwd=tmp_path,
                          env=env)
    assert child.returncode == 0, child.stderr
    assert f"Image {image}  Pulled" in child.stderr
    assert in_image(docker_client, f"{engine_project}-child", "cat /copy").strip() == "secure"


def test_pull_policy_always_pulls_again_and_never_refuses_a_missing_image(
    docker_client: docker.DockerClient, engine_project: str, registry: Registry,
    tmp_path: Path, no_credentials: dict[str, str], extra_images: list[str],
) -> None:
    image = f"{registry.host}/{engine_project}/policy:1"
    extra_images.append(image)
    docker_client.images.get(BASE).tag(image)
    docker_client.images.push(image)
    write(tmp_path, {
        "always.yaml": f"""
            services:
              app:
                image: {image}
                pull_policy: always
                command: COMMAND
        """,
        "never.yaml": f"""
            services:
              app:
                image: {registry.host}/{engine_project}/absent:1
                pull_policy: never
                command: COMMAND
        """,
    })
    up = run_pycompose("-f", "always.yaml", "-p", engine_project, "up", "-d", cwd=tmp_path,
                       env=no_credentials)
    assert up.returncode == 0, up.stderr
    assert "app  Pulled" in up.stderr
    never = run_pycompose("-f", "never.yaml", "-p", engine_project, "up", "-d", cwd=tmp_path,
                          env=no_credentials)
    assert never.returncode != 0
    assert "Pulling" not in never.stderr


# -- builds ---------------------------------------------------------------------------------


def test_dockerignore_excludes_files_and_modes_and_symlinks_are_kept(
    docker_client: docker.DockerClient, engine_project: str, tmp_path: Path,
) -> None:
    write(tmp_path, {
        "ctx/Dockerfile": f"FROM {BASE}\nCOPY . /ctx/\n",
        "ctx/.dockerignore": "secret.txt\nlogs\n!logs/keep.log\n",
        "ctx/secret.txt": "do not send",
        "ctx/logs/a.log": "no",
        "ctx/logs/keep.log": "yes",
        "ctx/run.sh": "#!/bin/sh\necho run\n",
        "compose.yaml": "services:\n  app:\n    build: ./ctx\n",
    })
    (tmp_path / "ctx" / "run.sh").chmod(0o750)
    (tmp_path / "ctx" / "link").symlink_to("run.sh")
    built = run_pycompose("-p", engine_project, "build", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    out = in_image(docker_client, f"{engine_project}-app",
                   "ls /ctx /ctx/logs; stat -c %a /ctx/run.sh; readlink /ctx/link")
    listed = out.split()
    assert "secret.txt" not in listed and "a.log" not in listed
    assert "keep.log" in listed
    assert out.strip().endswith("750\nrun.sh")


def test_build_args_reach_run_and_target_picks_the_stage(
    docker_client: docker.DockerClient, engine_project: str, tmp_path: Path,
) -> None:
    write(tmp_path, {
        "ctx/Dockerfile": f"""
            FROM {BASE} AS base
            ARG GREETING
            ARG FROM_ENV
            RUN --mount=type=cache,target=/cache echo "$GREETING $FROM_ENV" > /greeting
            FROM base AS broken
            RUN echo this stage is not needed && exit 1
            FROM base AS dev
            RUN echo dev > /stage
            FROM base AS prod
            COPY --from=dev /stage /from-dev
            RUN echo prod > /stage
        """,
        "compose.yaml": """
            services:
              dev:
                build:
                  context: ./ctx
                  target: dev
                  args:
                    GREETING: hello
                    FROM_ENV:
              prod:
                build:
                  context: ./ctx
                  target: prod
                  args: [GREETING=hi]
        """,
    })
    built = run_pycompose("-p", engine_project, "build", "--build-arg", "GREETING=override",
                          "dev", cwd=tmp_path, env={"FROM_ENV": "from-env"})
    assert built.returncode == 0, built.stderr
    assert "[dev" in built.stdout
    assert in_image(docker_client, f"{engine_project}-dev",
                    "cat /greeting /stage").split() == ["override", "from-env", "dev"]
    prod = run_pycompose("-p", engine_project, "build", "prod", cwd=tmp_path)
    assert prod.returncode == 0, prod.stderr
    assert in_image(docker_client, f"{engine_project}-prod",
                    "cat /greeting /stage /from-dev").split() == ["hi", "prod", "dev"]


def test_failing_run_reports_the_step_and_its_output(
    engine_project: str, tmp_path: Path, docker_client: docker.DockerClient,
) -> None:
    write(tmp_path, {
        "ctx/Dockerfile": f"FROM {BASE}\nRUN echo boom-output && exit 3\n",
        "compose.yaml": "services:\n  bad:\n    build: ./ctx\n",
    })
    failed = run_pycompose("-p", engine_project, "build", "-q", cwd=tmp_path)
    assert failed.returncode != 0
    assert "> [bad 2/2] RUN echo boom-output && exit 3:" in failed.stderr
    assert "boom-output" in failed.stderr
    assert "exit code: 3" in failed.stderr
    assert failed.stdout == ""


def test_two_services_build_in_parallel(
    engine_project: str, tmp_path: Path, docker_client: docker.DockerClient,
) -> None:
    # Each build waits (up to a minute) for the other to reach the same step, in a cache mount
    # the two share: built one after the other, the first would fail.
    def meet(me: str, other: str) -> str:
        return (f"FROM {BASE}\nRUN --mount=type=cache,id={engine_project},target=/meet "
                f"touch /meet/{me} && for i in $(seq 600); do [ -e /meet/{other} ] && break; "
                f"sleep 0.1; done && [ -e /meet/{other} ] && echo {me} > /id\n")

    write(tmp_path, {
        "one/Dockerfile": meet("one", "two"),
        "two/Dockerfile": meet("two", "one"),
        "compose.yaml": "services:\n  one:\n    build: ./one\n  two:\n    build: ./two\n",
    })
    result = run_pycompose("-p", engine_project, "build", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert in_image(docker_client, f"{engine_project}-one", "cat /id").strip() == "one"
    assert in_image(docker_client, f"{engine_project}-two", "cat /id").strip() == "two"


def test_classic_builder_when_buildkit_is_off(
    docker_client: docker.DockerClient, engine_project: str, tmp_path: Path,
) -> None:
    write(tmp_path, {
        "ctx/Dockerfile": f"FROM {BASE}\nRUN echo classic > /marker\n",
        "compose.yaml": "services:\n  old:\n    build: ./ctx\n",
    })
    built = run_pycompose("-p", engine_project, "build", cwd=tmp_path,
                          env={"DOCKER_BUILDKIT": "0"})
    assert built.returncode == 0, built.stderr
    assert "Step 2/5 : RUN echo classic > /marker" in built.stdout
    image = docker_client.images.get(f"{engine_project}-old")
    assert image.labels["com.docker.compose.service"] == "old"


def test_ssh_in_build_is_a_clear_error(engine_project: str, tmp_path: Path,
                                       docker_client: docker.DockerClient) -> None:
    write(tmp_path, {
        "ctx/Dockerfile": f"FROM {BASE}\n",
        "compose.yaml": "services:\n  app:\n    build:\n      context: ./ctx\n"
                        "      ssh: [default]\n",
    })
    failed = run_pycompose("-p", engine_project, "build", cwd=tmp_path)
    assert failed.returncode != 0
    assert "build.ssh needs a BuildKit client session" in failed.stderr


# -- up, images, down --rmi -----------------------------------------------------------------


def test_up_builds_what_is_missing_and_build_and_no_build_flags(
    docker_client: docker.DockerClient, engine_project: str, tmp_path: Path,
) -> None:
    write(tmp_path, {
        "ctx/Dockerfile": f"FROM {BASE}\nRUN echo v1 > /version\n",
        "compose.yaml": "services:\n  app:\n    build: ./ctx\n    command: COMMAND\n",
    })
    first = run_pycompose("-p", engine_project, "up", "-d", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "app  Built" in first.stderr
    container = f"{engine_project}-app-1"

    def version() -> bytes:
        out: bytes = docker_client.containers.get(container).exec_run(["cat", "/version"])[1]
        return out.strip()

    assert version() == b"v1"
    (tmp_path / "ctx" / "Dockerfile").write_text(f"FROM {BASE}\nRUN echo v2 > /version\n")
    again = run_pycompose("-p", engine_project, "up", "-d", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "Built" not in again.stderr
    assert version() == b"v1"
    rebuilt = run_pycompose("-p", engine_project, "up", "-d", "--build", cwd=tmp_path)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert version() == b"v2"

    listed = run_pycompose("-p", engine_project, "images", "--format", "json", cwd=tmp_path)
    rows = json.loads(listed.stdout)
    assert [(r["ContainerName"], r["Repository"], r["Tag"]) for r in rows] == [
        (container, f"{engine_project}-app", "latest")]
    quiet = run_pycompose("-p", engine_project, "images", "-q", cwd=tmp_path)
    assert quiet.stdout.split() == [rows[0]["ID"].split(":", 1)[1]]

    down = run_pycompose("-p", engine_project, "down", "--rmi", "local", cwd=tmp_path)
    assert down.returncode == 0, down.stderr
    assert f"Image {engine_project}-app:latest  Removed" in down.stderr
    assert not docker_client.images.list(name=f"{engine_project}-app")
    no_build = run_pycompose("-p", engine_project, "up", "-d", "--no-build", cwd=tmp_path)
    assert no_build.returncode != 0


def test_down_rmi_all_also_removes_named_images(
    docker_client: docker.DockerClient, engine_project: str, tmp_path: Path,
    extra_images: list[str],
) -> None:
    named = f"{engine_project}/named:2"
    extra_images.append(named)
    docker_client.images.get(BASE).tag(named)
    write(tmp_path, {
        "ctx/Dockerfile": f"FROM {BASE}\n",
        "compose.yaml": f"""
            services:
              built:
                build: ./ctx
                command: COMMAND
              named:
                image: {named}
                command: COMMAND
        """,
    })
    assert run_pycompose("-p", engine_project, "up", "-d", cwd=tmp_path).returncode == 0
    down = run_pycompose("-p", engine_project, "down", "--rmi", "all", cwd=tmp_path)
    assert down.returncode == 0, down.stderr
    assert f"Image {named}  Removed" in down.stderr
    assert f"Image {engine_project}-built:latest  Removed" in down.stderr
    assert not docker_client.images.list(name=f"{engine_project}/named")


@pytest.fixture
def http_directory(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder served over HTTP on 127.0.0.1 (the engine fetches remote contexts itself)."""
    import functools
    import http.server
    import threading

    served = tmp_path / "served"
    served.mkdir()
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return None

    handler = functools.partial(Quiet, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield served, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_remote_context_is_fetched_by_the_engine_and_build_options_reach_it(
    docker_client: docker.DockerClient, engine_project: str, tmp_path: Path,
    http_directory: tuple[Path, str],
) -> None:
    import tarfile

    served, url = http_directory
    source = write(tmp_path / "remote", {
        "Dockerfile": f"FROM {BASE}\nCOPY hello /hello\nRUN grep pinned /etc/hosts > /hosts\n",
        "hello": "from a remote context",
    })
    # GNU format: BuildKit takes a PAX archive for a Dockerfile (as with uploaded contexts).
    with tarfile.open(served / "ctx.tar", "w", format=tarfile.GNU_FORMAT) as tar:
        for name in ("Dockerfile", "hello"):
            tar.add(source / name, arcname=name)
    write(tmp_path, {"compose.yaml": f"""
        services:
          remote:
            build:
              context: {url}/ctx.tar
              extra_hosts: ["pinned=127.0.0.2"]
              shm_size: 16m
    """})
    built = run_pycompose("-p", engine_project, "build", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    out = in_image(docker_client, f"{engine_project}-remote", "cat /hello /hosts")
    assert out.startswith("from a remote context")
    assert "127.0.0.2\tpinned" in out
