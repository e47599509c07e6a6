"""Forwarding Ctrl-C to a one-off's container: a container that stopped or went away meanwhile
needs no signal and gets no error message; a running one receives it."""

from __future__ import annotations

import time

import docker
import pytest

from pycompose.cli.oneoff import forward_signal
from pycompose.engine.client import Engine


def test_forward_signal_reaches_a_running_container_and_spares_the_others(
    docker_client: docker.DockerClient, engine_project: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    labels = {"com.docker.compose.project": engine_project}
    running = docker_client.containers.run(
        "pycompose/busybox", ["sh", "-c", "trap 'exit 3' INT; echo ready; sleep 300 & wait"],
        detach=True, labels=labels, name=f"{engine_project}-running")
    stopped = docker_client.containers.create("pycompose/busybox", ["true"], labels=labels,
                                              name=f"{engine_project}-stopped")
    deadline = time.monotonic() + 60
    while b"ready" not in running.logs() and time.monotonic() < deadline:
        time.sleep(0.1)
    engine = Engine.from_env()
    forward_signal(engine, stopped.id, "INT")
    forward_signal(engine, "0" * 64, "INT")
    forward_signal(engine, running.id, "INT")
    assert running.wait(timeout=60)["StatusCode"] == 3
    assert capsys.readouterr().err == ""
