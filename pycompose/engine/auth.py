"""Registry credentials from the Docker CLI's ``config.json``, read the way the CLI reads them.

The file is ``$DOCKER_CONFIG/config.json`` (default ``~/.docker/config.json``). A registry's
credentials come from its ``credHelpers`` entry, else from ``credsStore``, else from ``auths``
(``auth`` is base64 of ``user:password``). Helpers are the ``docker-credential-<name>``
programs, asked with ``get`` and the registry on standard input. The engine receives the result
base64url-encoded in the ``X-Registry-Auth`` header; without credentials that header is ``{}``.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pycompose.errors import PycomposeError
from pycompose.images import DOCKER_HUB_AUTH_KEY


class CredentialsError(PycomposeError):
    """The credentials of a registry could not be read."""


@dataclass(frozen=True)
class Credentials:
    """What the engine needs to log in to one registry (all empty: anonymous)."""

    server: str = ""
    username: str = ""
    password: str = ""
    identity_token: str = ""
    registry_token: str = ""
    email: str = ""

    @property
    def anonymous(self) -> bool:
        return not (self.username or self.password or self.identity_token or self.registry_token)

    def header(self) -> str:
        """The ``X-Registry-Auth`` header value."""
        payload = {
            "username": self.username, "password": self.password, "email": self.email,
            "serveraddress": self.server, "identitytoken": self.identity_token,
            "registrytoken": self.registry_token,
        }
        data = {k: v for k, v in payload.items() if v} if not self.anonymous else {}
        return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode()


def config_dir(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    configured = env.get("DOCKER_CONFIG")
    if configured:
        return Path(configured)
    return Path(env.get("HOME") or Path.home()) / ".docker"


def _hostname(key: str) -> str:
    """``https://host:5000/v1/`` -> ``host:5000`` (the CLI's ConvertToHostname)."""
    for scheme in ("http://", "https://"):
        if key.startswith(scheme):
            key = key[len(scheme):]
            break
    return key.split("/", 1)[0]


@dataclass
class DockerConfig:
    """The parts of ``config.json`` that say where credentials are."""

    path: Path | None = None
    auths: dict[str, dict[str, Any]] = field(default_factory=dict)
    creds_store: str = ""
    cred_helpers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, environ: Mapping[str, str] | None = None) -> DockerConfig:
        path = config_dir(environ) / "config.json"
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls()
        except OSError as exc:
            raise CredentialsError(f"cannot read {path}: {exc.strerror}") from None
        try:
            raw = json.loads(text) if text.strip() else {}
        except json.JSONDecodeError as exc:
            raise CredentialsError(f"{path}: invalid JSON: {exc.msg} (line {exc.lineno})"
                                   ) from None
        if not isinstance(raw, dict):
            raise CredentialsError(f"{path}: expected a JSON object")
        auths = raw.get("auths") or {}
        helpers = raw.get("credHelpers") or {}
        return cls(
            path=path,
            auths={str(k): dict(v) for k, v in auths.items() if isinstance(v, dict)},
            creds_store=str(raw.get("credsStore") or ""),
            cred_helpers={str(k): str(v) for k, v in helpers.items()},
        )

    def helper_for(self, key: str) -> str:
        return self.cred_helpers.get(key) or self.cred_helpers.get(_hostname(key)) or \
            self.creds_store

    def credentials(self, key: str) -> Credentials:
        """The credentials stored for the registry whose auth key is ``key``."""
        helper = self.helper_for(key)
        if helper:
            found = _from_helper(helper, key)
            email = str(self._entry(key).get("email") or "")
            return Credentials(server=key, username=found.username, password=found.password,
                               identity_token=found.identity_token, email=email)
        return self._from_file(key)

    def _entry(self, key: str) -> dict[str, Any]:
        if key in self.auths:
            return self.auths[key]
        for stored, entry in self.auths.items():
            if _hostname(stored) == key:
                return entry
        return {}

    def _from_file(self, key: str) -> Credentials:
        entry = self._entry(key)
        if not entry:
            return Credentials()
        username = str(entry.get("username") or "")
        password = str(entry.get("password") or "")
        encoded = entry.get("auth")
        if encoded:
            try:
                decoded = base64.b64decode(str(encoded), validate=False).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                raise CredentialsError(
                    f"{self.path}: the auth entry of {key} is not base64 of user:password"
                ) from None
            username, sep, password = decoded.partition(":")
            if not sep:
                raise CredentialsError(f"{self.path}: the auth entry of {key} has no ':'")
        return Credentials(
            server=key, username=username, password=password,
            identity_token=str(entry.get("identitytoken") or ""),
            registry_token=str(entry.get("registrytoken") or ""),
            email=str(entry.get("email") or ""),
        )


def _from_helper(helper: str, key: str) -> Credentials:
    program = f"docker-credential-{helper}"
    try:
        result = subprocess.run([program, "get"], input=key, capture_output=True, text=True,
                                timeout=60, check=False)
    except FileNotFoundError:
        raise CredentialsError(
            f"error getting credentials for {key}: {program} is not on PATH (named by "
            "credsStore/credHelpers in the docker config file)"
        ) from None
    except subprocess.TimeoutExpired:
        raise CredentialsError(f"error getting credentials for {key}: {program} timed out"
                               ) from None
    out = result.stdout.strip()
    if result.returncode != 0:
        # Every helper reports an unknown registry with this text; the CLI treats it as
        # "no credentials", not as an error.
        if "credentials not found" in out.lower() or "credentials not found" in \
                result.stderr.lower():
            return Credentials()
        detail = out or result.stderr.strip()
        raise CredentialsError(f"error getting credentials for {key} from {program}: {detail}")
    try:
        data = json.loads(out)
    except json.JSONDecodeError:
        raise CredentialsError(f"{program} get returned invalid JSON for {key}") from None
    username = str(data.get("Username") or "")
    secret = str(data.get("Secret") or "")
    if username == "<token>":
        return Credentials(server=key, identity_token=secret)
    return Credentials(server=key, username=username, password=secret)


def credentials_for(auth_key: str, config: DockerConfig | None = None) -> Credentials:
    """Credentials for a registry auth key (``127.0.0.1:5000``, or Docker Hub's key)."""
    return (config or DockerConfig.load()).credentials(auth_key)


def registry_config_header(config: DockerConfig) -> str:
    """``X-Registry-Config`` for builds: every configured registry's credentials, by key."""
    keys = set(config.auths) | set(config.cred_helpers)
    out: dict[str, dict[str, str]] = {}
    for key in sorted(keys):
        try:
            creds = config.credentials(key)
        except CredentialsError:
            continue
        if creds.anonymous:
            continue
        entry = {"username": creds.username, "password": creds.password,
                 "serveraddress": key, "identitytoken": creds.identity_token}
        out[key] = {k: v for k, v in entry.items() if v}
    return base64.urlsafe_b64encode(json.dumps(out).encode()).decode()


__all__ = ["DOCKER_HUB_AUTH_KEY", "Credentials", "CredentialsError", "DockerConfig",
           "credentials_for", "registry_config_header"]
