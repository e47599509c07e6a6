"""The engine: one method per Engine API call.

Methods are blocking; the executor runs them in worker threads (``anyio.to_thread``). Errors
from the engine become :class:`~pycompose.errors.EngineError` with the engine's own message.
Most calls are plain requests on a :mod:`~pycompose.engine.http` transport; the few that need
the Docker SDK (streams, archives) use ``api``/``raw``, which import and connect it on first
use, so commands that do not need it never load it.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Literal, ParamSpec, TypeVar
from urllib.parse import quote

from pycompose.engine import labels as L
from pycompose.engine.http import Reply, SdkTransport, Transport, UnixSocketTransport, local_socket
from pycompose.errors import EngineError

if TYPE_CHECKING:
    import docker.errors
    from docker.api.client import APIClient

P = ParamSpec("P")
R = TypeVar("R")


class NotFound(EngineError):
    """The engine has no such object."""


class Conflict(EngineError):
    """The engine refused because of a conflict (name in use, object in use, ...)."""


def _translate(fn: Callable[P, R]) -> Callable[P, R]:
    """For methods that call the SDK: its exceptions become pycompose's."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            errors = sys.modules.get("docker.errors")
            if errors is None or not isinstance(exc, errors.DockerException):
                raise
            if isinstance(exc, errors.NotFound):
                raise NotFound(_explain(exc)) from None
            if isinstance(exc, errors.APIError):
                if exc.response is not None and exc.response.status_code == 409:
                    raise Conflict(_explain(exc)) from None
                raise EngineError(_explain(exc)) from None
            raise EngineError(str(exc)) from None

    return wrapper


def _explain(exc: docker.errors.APIError) -> str:
    explanation = exc.explanation
    if isinstance(explanation, bytes):
        explanation = explanation.decode("utf-8", "replace")
    if explanation and exc.response is not None:
        # What the Go client (and so Compose) prints for an error the daemon answered with.
        return f"Error response from daemon: {explanation}"
    return str(explanation or exc)


class Engine:
    """A connection to one Docker Engine (``DOCKER_HOST``, the docker context, or the default
    socket)."""

    def __init__(self, api: APIClient | None = None, *, transport: Transport | None = None,
                 timeout: float = 120.0) -> None:
        if transport is None:
            if api is None:
                raise ValueError("Engine needs an SDK client or a transport")
            transport = SdkTransport(api)
            timeout = float(api.timeout or timeout)
        self.http = transport
        self.timeout = timeout
        self._api = api

    @classmethod
    def from_env(cls) -> Engine:
        timeout = float(os.environ.get("COMPOSE_HTTP_TIMEOUT", "120"))
        path = local_socket()
        if path is not None:
            return cls(transport=UnixSocketTransport(path), timeout=timeout)
        return cls(_sdk_client(None, timeout), timeout=timeout)

    @property
    def api(self) -> APIClient:
        """The Docker SDK's low-level client (connected on first use)."""
        if self._api is None:
            path = getattr(self.http, "path", None)
            self._api = _sdk_client(f"unix://{path}" if path else None, self.timeout)
        return self._api

    @property
    def raw(self) -> Any:
        """``api`` untyped: the SDK's helpers (_url, _post, ...) are not in its type stubs."""
        return self.api

    @property
    def api_version(self) -> str | None:
        """The API version the engine answers in (known after the first call)."""
        return self.http.api_version

    # -- requests --------------------------------------------------------------------------
    def _call(self, method: str, path: str, *, params: dict[str, Any] | None = None,
              body: Any = None, timeout: float | Literal["default"] | None = "default"
              ) -> Reply:
        wait = self.timeout if isinstance(timeout, str) else timeout
        reply = self.http.request(method, path, params=params, body=body, timeout=wait)
        if reply.status >= 400:
            # What the Go client (and so Compose) prints for an error the daemon answered with.
            message = f"Error response from daemon: {reply.message()}"
            if reply.status == 404:
                raise NotFound(message)
            if reply.status == 409:
                raise Conflict(message)
            raise EngineError(message)
        return reply

    def _get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self._call("GET", path, params=params).json()

    def _post(self, path: str, body: Any = None, params: dict[str, Any] | None = None) -> Any:
        return self._call("POST", path, params=params, body=body).json()

    # -- lists -----------------------------------------------------------------------------
    def containers(self, project: str | None, *, all: bool = True,
                   extra: list[str] | None = None) -> list[dict[str, Any]]:
        label = [f"{L.PROJECT}={project}"] if project else [L.PROJECT]
        label += extra or []
        return list(self._get("/containers/json", {"all": int(all),
                                                   "filters": _filters({"label": label})}))

    def networks(self, project: str) -> list[dict[str, Any]]:
        filters = _filters({"label": [f"{L.PROJECT}={project}"]})
        return list(self._get("/networks", {"filters": filters}))

    def volumes(self, project: str) -> list[dict[str, Any]]:
        filters = _filters({"label": [f"{L.PROJECT}={project}"]})
        result = self._get("/volumes", {"filters": filters})
        return list((result or {}).get("Volumes") or [])

    # -- inspect ---------------------------------------------------------------------------
    def inspect_container(self, ref: str) -> dict[str, Any]:
        return dict(self._get(f"/containers/{_ref(ref)}/json"))

    def inspect_image(self, ref: str) -> dict[str, Any]:
        return dict(self._get(f"/images/{_ref(ref)}/json"))

    def inspect_network(self, ref: str) -> dict[str, Any]:
        return dict(self._get(f"/networks/{_ref(ref)}"))

    def inspect_volume(self, ref: str) -> dict[str, Any]:
        return dict(self._get(f"/volumes/{_ref(ref)}"))

    def image_id(self, ref: str) -> str | None:
        try:
            return str(self.inspect_image(ref)["Id"])
        except NotFound:
            return None

    # -- create / remove -------------------------------------------------------------------
    def create_network(self, payload: dict[str, Any]) -> str:
        return str(self._post("/networks/create", payload)["Id"])

    def remove_network(self, ref: str) -> None:
        self._call("DELETE", f"/networks/{_ref(ref)}")

    def create_volume(self, payload: dict[str, Any]) -> dict[str, Any]:
        return dict(self._post("/volumes/create", payload))

    def remove_volume(self, name: str, force: bool = False) -> None:
        self._call("DELETE", f"/volumes/{_ref(name)}", params={"force": int(force)})

    def create_container(self, name: str, payload: dict[str, Any],
                         platform: str | None = None) -> str:
        params = {"name": name, "platform": platform}
        return str(self._post("/containers/create", payload, params)["Id"])

    def connect_network(self, network: str, container: str, endpoint: dict[str, Any]) -> None:
        payload = {"Container": container, "EndpointConfig": endpoint}
        self._call("POST", f"/networks/{_ref(network)}/connect", body=payload)

    def disconnect_network(self, network: str, container: str, force: bool = False) -> None:
        payload = {"Container": container, "Force": force}
        self._call("POST", f"/networks/{_ref(network)}/disconnect", body=payload)

    def start(self, ref: str) -> None:
        self._call("POST", f"/containers/{_ref(ref)}/start")

    def stop(self, ref: str, timeout: int | None = None) -> None:
        # The engine answers once the grace period is over: wait that long on top.
        self._call("POST", f"/containers/{_ref(ref)}/stop",
                   params=None if timeout is None else {"t": timeout},
                   timeout=self.timeout + (timeout or 0))

    def kill(self, ref: str, signal: str | None = None) -> None:
        self._call("POST", f"/containers/{_ref(ref)}/kill", params={"signal": signal})

    def remove_container(self, ref: str, *, force: bool = False, volumes: bool = False) -> None:
        self._call("DELETE", f"/containers/{_ref(ref)}",
                   params={"v": int(volumes), "force": int(force)})

    def copy_to_container(self, ref: str, path: str, archive: bytes, *,
                          copy_uid_gid: bool = False) -> None:
        """Extract the tar ``archive`` into the container at ``path`` (``PUT .../archive``)."""
        params = {"path": path, "noOverwriteDirNonDir": "true"}
        if copy_uid_gid:
            params["copyUIDGID"] = "true"
        self._call("PUT", f"/containers/{_ref(ref)}/archive", params=params, body=archive)

    def rename(self, ref: str, name: str) -> None:
        self._call("POST", f"/containers/{_ref(ref)}/rename", params={"name": name})

    def pause(self, ref: str) -> None:
        self._call("POST", f"/containers/{_ref(ref)}/pause")

    def unpause(self, ref: str) -> None:
        self._call("POST", f"/containers/{_ref(ref)}/unpause")

    def restart(self, ref: str, timeout: int | None = None) -> None:
        # Without a timeout the engine uses the container's own stop timeout (stop_grace_period);
        # it answers once the container has stopped and started again.
        self._call("POST", f"/containers/{_ref(ref)}/restart",
                   params=None if timeout is None else {"t": timeout},
                   timeout=self.timeout + (timeout if timeout is not None else 10))

    def top(self, ref: str) -> dict[str, Any]:
        return dict(self._get(f"/containers/{_ref(ref)}/top"))

    @_translate
    def events(self, filters: dict[str, Any], since: str | None = None,
               until: str | None = None) -> Iterator[dict[str, Any]]:
        # The SDK passes string timestamps through; its stubs only admit datetimes and ints.
        yield from self.raw.events(since=since, until=until, filters=filters, decode=True)

    def wait(self, ref: str) -> int:
        reply = self._call("POST", f"/containers/{_ref(ref)}/wait", timeout=None)
        return int((reply.json() or {}).get("StatusCode", -1))

    def version(self) -> dict[str, Any]:
        return dict(self._get("/version"))


def _ref(ref: str) -> str:
    # As the SDK quotes path arguments: image references keep their `/` and `:`.
    return quote(ref, safe="/:")


def _filters(filters: dict[str, list[str]]) -> str:
    return json.dumps(filters)


def _sdk_client(base_url: str | None, timeout: float) -> APIClient:
    """The SDK's client, for the calls that need it and for hosts other than a local socket.

    Its connection pool is as large as the executor's thread pool, so parallel calls do not
    queue for a connection."""
    import docker
    import docker.errors

    try:
        if base_url is None:
            return docker.from_env(timeout=int(timeout), max_pool_size=64).api
        return docker.APIClient(base_url=base_url, timeout=int(timeout), max_pool_size=64)
    except docker.errors.DockerException as exc:
        raise EngineError(
            f"Cannot connect to the Docker daemon ({exc}). Is the docker daemon running?"
        ) from None
