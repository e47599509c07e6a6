"""A thin wrapper over the Docker SDK's low-level client: one method per Engine API call.

Methods are blocking; the executor runs them in worker threads (``anyio.to_thread``). Errors
from the engine become :class:`~pycompose.errors.EngineError` with the engine's own message.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from typing import Any, ParamSpec, TypeVar

import docker
import docker.errors
from docker.api.client import APIClient

from pycompose.engine import labels as L
from pycompose.errors import EngineError

P = ParamSpec("P")
R = TypeVar("R")


class NotFound(EngineError):
    """The engine has no such object."""


class Conflict(EngineError):
    """The engine refused because of a conflict (name in use, object in use, ...)."""


def _translate(fn: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except docker.errors.NotFound as exc:
            raise NotFound(_explain(exc)) from None
        except docker.errors.APIError as exc:
            if exc.response is not None and exc.response.status_code == 409:
                raise Conflict(_explain(exc)) from None
            raise EngineError(_explain(exc)) from None
        except docker.errors.DockerException as exc:
            raise EngineError(str(exc)) from None

    return wrapper


def _explain(exc: docker.errors.APIError) -> str:
    explanation = exc.explanation
    if isinstance(explanation, bytes):
        explanation = explanation.decode("utf-8", "replace")
    return str(explanation or exc)


class Engine:
    """A connection to one Docker Engine (``DOCKER_HOST`` or the default socket)."""

    def __init__(self, api: APIClient) -> None:
        self.api = api
        # The SDK's low-level helpers (_url, _post, ...) are not in its type stubs.
        self.raw: Any = api

    @classmethod
    def from_env(cls) -> Engine:
        try:
            client = docker.from_env(timeout=int(os.environ.get("COMPOSE_HTTP_TIMEOUT", "120")))
        except docker.errors.DockerException as exc:
            raise EngineError(
                f"Cannot connect to the Docker daemon ({exc}). Is the docker daemon running?"
            ) from None
        return cls(client.api)

    # -- lists -----------------------------------------------------------------------------
    @_translate
    def containers(self, project: str | None, *, all: bool = True,
                   extra: list[str] | None = None) -> list[dict[str, Any]]:
        label = [f"{L.PROJECT}={project}"] if project else [L.PROJECT]
        label += extra or []
        return list(self.api.containers(all=all, filters={"label": label}))

    @_translate
    def networks(self, project: str) -> list[dict[str, Any]]:
        return list(self.api.networks(filters={"label": [f"{L.PROJECT}={project}"]}))

    @_translate
    def volumes(self, project: str) -> list[dict[str, Any]]:
        result = self.api.volumes(filters={"label": [f"{L.PROJECT}={project}"]})
        return list((result or {}).get("Volumes") or [])

    # -- inspect ---------------------------------------------------------------------------
    @_translate
    def inspect_container(self, ref: str) -> dict[str, Any]:
        return dict(self.api.inspect_container(ref))

    @_translate
    def inspect_image(self, ref: str) -> dict[str, Any]:
        return dict(self.raw.inspect_image(ref))

    @_translate
    def inspect_network(self, ref: str) -> dict[str, Any]:
        return dict(self.api.inspect_network(ref))

    @_translate
    def inspect_volume(self, ref: str) -> dict[str, Any]:
        return dict(self.api.inspect_volume(ref))

    def image_id(self, ref: str) -> str | None:
        try:
            return str(self.inspect_image(ref)["Id"])
        except NotFound:
            return None

    # -- create / remove -------------------------------------------------------------------
    @_translate
    def create_network(self, payload: dict[str, Any]) -> str:
        url = self.raw._url("/networks/create")
        result = self.raw._result(self.raw._post_json(url, data=payload), True)
        return str(result["Id"])

    @_translate
    def remove_network(self, ref: str) -> None:
        self.api.remove_network(ref)

    @_translate
    def create_volume(self, payload: dict[str, Any]) -> dict[str, Any]:
        url = self.raw._url("/volumes/create")
        return dict(self.raw._result(self.raw._post_json(url, data=payload), True))

    @_translate
    def remove_volume(self, name: str, force: bool = False) -> None:
        self.api.remove_volume(name, force=force)

    @_translate
    def create_container(self, name: str, payload: dict[str, Any],
                         platform: str | None = None) -> str:
        result = self.raw.create_container_from_config(payload, name=name, platform=platform)
        return str(result["Id"])

    @_translate
    def connect_network(self, network: str, container: str, endpoint: dict[str, Any]) -> None:
        url = self.raw._url("/networks/{0}/connect", network)
        payload = {"Container": container, "EndpointConfig": endpoint}
        self.raw._raise_for_status(self.raw._post_json(url, data=payload))

    @_translate
    def disconnect_network(self, network: str, container: str, force: bool = False) -> None:
        self.api.disconnect_container_from_network(container, network, force=force)

    @_translate
    def start(self, ref: str) -> None:
        self.api.start(ref)

    @_translate
    def stop(self, ref: str, timeout: int | None = None) -> None:
        url = self.raw._url("/containers/{0}/stop", ref)
        params = {} if timeout is None else {"t": timeout}
        conn_timeout = self.api.timeout
        if timeout is not None and conn_timeout is not None:
            conn_timeout += timeout
        res = self.raw._post(url, params=params, timeout=conn_timeout)
        self.raw._raise_for_status(res)

    @_translate
    def kill(self, ref: str, signal: str | None = None) -> None:
        self.api.kill(ref, signal=signal)

    @_translate
    def remove_container(self, ref: str, *, force: bool = False, volumes: bool = False) -> None:
        self.api.remove_container(ref, force=force, v=volumes)

    @_translate
    def copy_to_container(self, ref: str, path: str, archive: bytes, *,
                          copy_uid_gid: bool = False) -> None:
        """Extract the tar ``archive`` into the container at ``path`` (``PUT .../archive``)."""
        url = self.raw._url("/containers/{0}/archive", ref)
        params = {"path": path, "noOverwriteDirNonDir": "true"}
        if copy_uid_gid:
            params["copyUIDGID"] = "true"
        self.raw._raise_for_status(self.raw._put(url, params=params, data=archive))

    @_translate
    def rename(self, ref: str, name: str) -> None:
        self.api.rename(ref, name)

    @_translate
    def pause(self, ref: str) -> None:
        self.api.pause(ref)

    @_translate
    def unpause(self, ref: str) -> None:
        self.api.unpause(ref)

    @_translate
    def restart(self, ref: str, timeout: int | None = None) -> None:
        self.api.restart(ref, timeout=timeout if timeout is not None else 10)

    @_translate
    def top(self, ref: str) -> dict[str, Any]:
        return dict(self.api.top(ref))

    @_translate
    def events(self, filters: dict[str, Any]) -> Iterator[dict[str, Any]]:
        yield from self.api.events(filters=filters, decode=True)

    @_translate
    def wait(self, ref: str) -> int:
        result = self.api.wait(ref)
        return int(result.get("StatusCode", -1))

    @_translate
    def version(self) -> dict[str, Any]:
        return dict(self.api.version())
