"""Pure decisions about images: references, pull policies, what to pull, build, push or remove.

Nothing here talks to the engine: callers pass in what the engine has (:class:`LocalImage` by
reference) and get back lists of work, so the rules can be tested on literal inputs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import NamedTuple

from pycompose.errors import PycomposeError
from pycompose.model import Project, Service

DEFAULT_DOMAIN = "docker.io"
#: The key the Docker CLI stores Docker Hub credentials under in ``config.json``.
DOCKER_HUB_AUTH_KEY = "https://index.docker.io/v1/"

ALWAYS = "always"
NEVER = "never"
MISSING = "missing"
BUILD = "build"
REFRESH = "refresh"


# -- references -----------------------------------------------------------------------------


class ImageRef(NamedTuple):
    """A parsed image reference, normalized as the Docker CLI does (``busybox`` is
    ``docker.io/library/busybox``)."""

    domain: str
    path: str
    tag: str | None = None
    digest: str | None = None

    @property
    def name(self) -> str:
        """The fully qualified repository: ``docker.io/library/busybox``."""
        return f"{self.domain}/{self.path}"

    @property
    def familiar_name(self) -> str:
        """The repository as people write it: ``busybox``, ``127.0.0.1:5000/app``."""
        if self.domain != DEFAULT_DOMAIN:
            return self.name
        if self.path.startswith("library/") and self.path.count("/") == 1:
            return self.path[len("library/"):]
        return self.path

    @property
    def api_tag(self) -> str:
        """What the Engine API's ``tag`` parameter gets: the digest, the tag, or ``latest``."""
        return self.digest or self.tag or "latest"

    def familiar(self, *, default_tag: bool = True) -> str:
        """``busybox:latest`` (with ``default_tag``), ``127.0.0.1:5000/app:1``, ``x@sha256:..``."""
        out = self.familiar_name
        tag = self.tag or ("latest" if default_tag and not self.digest else None)
        if tag:
            out += f":{tag}"
        if self.digest:
            out += f"@{self.digest}"
        return out

    @property
    def auth_key(self) -> str:
        """The ``auths`` key of ``~/.docker/config.json`` for this image's registry."""
        return DOCKER_HUB_AUTH_KEY if self.domain == DEFAULT_DOMAIN else self.domain


_NAME_COMPONENT = re.compile(r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$")
_TAG = re.compile(r"^[\w][\w.-]{0,127}$")
_DIGEST = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$")


def parse_ref(text: str) -> ImageRef:
    """Parse an image reference; raises :class:`PycomposeError` for an invalid one."""
    rest, _, digest = text.partition("@")
    tag: str | None = None
    colon = rest.rfind(":")
    if colon > rest.rfind("/"):
        rest, tag = rest[:colon], rest[colon + 1:]
    first, slash, remainder = rest.partition("/")
    if slash and (("." in first or ":" in first or first == "localhost")
                  or first.lower() != first):
        domain, path = first, remainder
    else:
        domain, path = DEFAULT_DOMAIN, rest
    if domain == "index.docker.io":
        domain = DEFAULT_DOMAIN
    if domain == DEFAULT_DOMAIN and "/" not in path:
        path = f"library/{path}"
    if (not path or not all(_NAME_COMPONENT.match(part) for part in path.split("/"))
            or (tag is not None and not _TAG.match(tag))
            or (digest and not _DIGEST.match(digest))):
        raise PycomposeError(f"invalid reference format: {text!r}")
    return ImageRef(domain=domain, path=path, tag=tag, digest=digest or None)


def normalized(text: str) -> str:
    """``busybox`` -> ``busybox:latest``: the form Compose prints and removes images by."""
    try:
        return parse_ref(text).familiar()
    except PycomposeError:
        return text


# -- pull policies --------------------------------------------------------------------------


class PullPolicy(NamedTuple):
    """A service's ``pull_policy`` resolved: ``kind`` is one of always, never, missing, build
    and refresh (``daily``, ``weekly``, ``every_<duration>``: pull when older than ``every``)."""

    kind: str
    every: timedelta | None = None


_DURATION_UNITS = {
    "ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0,
    "h": 3600.0, "d": 86400.0, "w": 604800.0,
}
_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h|d|w)")


def parse_duration(text: str) -> timedelta:
    """A duration as ``every_<duration>`` takes it: Go's units plus ``d`` and ``w``."""
    if not text:
        raise PycomposeError('invalid duration ""')
    pos, seconds = 0, 0.0
    for match in _DURATION_PART.finditer(text):
        if match.start() != pos:
            break
        seconds += float(match.group(1)) * _DURATION_UNITS[match.group(2)]
        pos = match.end()
    if pos != len(text):
        if text == "0":
            return timedelta(0)
        raise PycomposeError(f'invalid duration "{text}"')
    return timedelta(seconds=seconds)


def pull_policy(value: object) -> PullPolicy:
    """Resolve a ``pull_policy`` value the way Compose does (unknown values mean missing)."""
    text = str(value or "")
    if text in (ALWAYS, NEVER, BUILD):
        return PullPolicy(text)
    if text in (MISSING, "if_not_present", ""):
        return PullPolicy(MISSING)
    if text == "daily":
        return PullPolicy(REFRESH, timedelta(days=1))
    if text == "weekly":
        return PullPolicy(REFRESH, timedelta(days=7))
    if text.startswith("every_"):
        return PullPolicy(REFRESH, parse_duration(text[len("every_"):]))
    return PullPolicy(MISSING)


def service_policy(service: Service, override: str | None = None) -> PullPolicy:
    """The pull policy that applies to ``service`` (``override`` from ``--pull``/``--policy``)."""
    return pull_policy(override if override is not None else service.spec.get("pull_policy"))


# -- what the engine has --------------------------------------------------------------------


class LocalImage(NamedTuple):
    """An image the engine has: its id, and when it was last tagged (pulled or built)."""

    id: str
    last_tagged: datetime | None = None


def explicit_image(service: Service) -> str | None:
    """The service's own ``image:``, or None when its image name is Compose's default."""
    image = service.spec.get("image")
    return str(image) if image else None


class BuildOptions(NamedTuple):
    """The command line's build options: ``--no-cache``, ``--pull``, ``--build-arg``, ``-q``."""

    no_cache: bool = False
    pull: bool = False
    args: Mapping[str, str] = MappingProxyType({})
    quiet: bool = False


def resolve_build_args(values: Iterable[str], environment: Mapping[str, str]) -> dict[str, str]:
    """``--build-arg KEY=VALUE`` / ``--build-arg KEY`` (value from the environment; dropped
    when the environment has none, as Compose does)."""
    out: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if sep:
            out[key] = value
        elif key in environment:
            out[key] = environment[key]
    return out


# -- up --------------------------------------------------------------------------------------


class ImageWork(NamedTuple):
    """What ``up`` must do before it creates containers: services whose image is pulled
    (one per image) and services whose image is built."""

    pull: tuple[str, ...] = ()
    build: tuple[str, ...] = ()


def must_pull(service: Service, policy: PullPolicy, local: LocalImage | None,
              now: datetime) -> bool:
    """Whether ``up`` pulls the image of ``service`` before creating its containers."""
    if explicit_image(service) is None:
        # Compose's own name for a built image is never looked for in a registry.
        return False
    if policy.kind == ALWAYS:
        return True
    if policy.kind in (NEVER, BUILD):
        return False
    if policy.kind == REFRESH and local is not None:
        if local.last_tagged is None or policy.every is None:
            return True
        return now >= local.last_tagged + policy.every
    return local is None


def plan_pulls(project: Project, services: Iterable[str], local: Mapping[str, LocalImage | None],
               now: datetime, override: str | None = None, *,
               force_build: bool = False) -> tuple[str, ...]:
    """Services whose image ``up`` pulls, one service per distinct image. ``force_build``
    (``up --build``) gives buildable services the policy ``build``, so they are not pulled."""
    seen: set[str] = set()
    out: list[str] = []
    for name in services:
        service = project.services[name]
        if service.image in seen or (force_build and service.has_build):
            continue
        if must_pull(service, service_policy(service, override), local.get(service.image), now):
            seen.add(service.image)
            out.append(name)
    return tuple(out)


def plan_builds(project: Project, services: Iterable[str], local: Mapping[str, LocalImage | None],
                *, force: bool = False, override: str | None = None) -> tuple[str, ...]:
    """Services whose image ``up`` builds: all buildable ones with ``force`` (``--build``),
    else those whose image is missing or whose policy is ``build``."""
    out: list[str] = []
    for name in services:
        service = project.services[name]
        if not service.has_build:
            continue
        policy = service_policy(service, override)
        if force or policy.kind == BUILD or local.get(service.image) is None:
            out.append(name)
    return tuple(out)


# -- pull ------------------------------------------------------------------------------------


class PullDecision(NamedTuple):
    """One service of ``pull``: pulled (``skip`` empty) or skipped with Compose's reason."""

    service: str
    image: str
    skip: str = ""


def plan_pull_command(project: Project, services: Iterable[str],
                      local: Mapping[str, LocalImage | None], *, policy: str | None = None,
                      ignore_buildable: bool = False) -> list[PullDecision]:
    """What ``pull`` does for each service, in order, with the texts Compose prints."""
    out: list[PullDecision] = []
    pulled_by: dict[str, str] = {}
    for name in services:
        service = project.services[name]
        image = explicit_image(service)
        if image is None:
            out.append(PullDecision(name, service.image, "Skipped - No image to be pulled"))
            continue
        kind = str(policy if policy is not None else service.spec.get("pull_policy") or "")
        if kind in (NEVER, BUILD):
            out.append(PullDecision(name, image, "Skipped"))
            continue
        if kind in (MISSING, "if_not_present") and _present_with_tag(image, local):
            out.append(PullDecision(name, image, "Skipped - Image is already present locally"))
            continue
        if service.has_build and ignore_buildable:
            out.append(PullDecision(name, image, "Skipped - Image can be built"))
            continue
        if image in pulled_by:
            out.append(PullDecision(
                name, image, f"Skipped - Image is already being pulled by {pulled_by[image]}"))
            continue
        pulled_by[image] = name
        out.append(PullDecision(name, image))
    return out


def _present_with_tag(image: str, local: Mapping[str, LocalImage | None]) -> bool:
    # Compose treats `latest` (said or implied) as a moving tag that is always worth pulling.
    try:
        ref = parse_ref(image)
    except PycomposeError:
        return False
    return local.get(image) is not None and ref.tag is not None and ref.tag != "latest"


# -- push ------------------------------------------------------------------------------------


def push_targets(project: Project, services: Iterable[str]) -> list[tuple[str, list[str]]]:
    """Each service ``push`` acts on with the references it pushes (its ``image:`` and
    ``build.tags``); services without both ``image:`` and ``build:`` get an empty list."""
    out: list[tuple[str, list[str]]] = []
    for name in services:
        service = project.services[name]
        image = explicit_image(service)
        if image is None or not service.has_build:
            out.append((name, []))
            continue
        build = service.spec.get("build") or {}
        refs = [image, *(str(t) for t in build.get("tags") or ())]
        out.append((name, list(dict.fromkeys(refs))))
    return out


# -- down --rmi ------------------------------------------------------------------------------


class ProjectImage(NamedTuple):
    """An image the engine lists with the project's label (Compose labels what it builds)."""

    id: str
    repo_tags: tuple[str, ...]
    service: str


def images_to_remove(mode: str, services: Mapping[str, Service], project_name: str,
                     labelled: Iterable[ProjectImage], existing: Iterable[str],
                     remove_orphans: bool = False) -> list[str]:
    """The images ``down --rmi MODE`` removes, as sorted familiar references.

    ``local``: images Compose built for the project's services (found by label) and images
    under Compose's default name; ``all`` adds every ``image:`` of the services. ``existing``
    is the subset of the candidate names (:func:`rmi_candidates`) that the engine has."""
    if mode not in ("local", "all"):
        raise PycomposeError(f'invalid --rmi value "{mode}": expected "local" or "all"')
    present = set(existing)
    chosen: list[str] = []
    if mode == "all":
        chosen += [s.image for s in services.values() if explicit_image(s) and s.image in present]
    for image in labelled:
        if image.repo_tags and (remove_orphans or image.service in services):
            chosen.append(image.repo_tags[0])
    chosen += [f"{project_name}-{n}" for n, s in services.items()
               if explicit_image(s) is None and f"{project_name}-{n}" in present]
    return sorted({normalized(name) for name in chosen})


def rmi_candidates(mode: str, services: Mapping[str, Service], project_name: str) -> list[str]:
    """Names ``down --rmi`` must check for existence before :func:`images_to_remove`."""
    names = [f"{project_name}-{n}" for n, s in services.items() if explicit_image(s) is None]
    if mode == "all":
        names += [s.image for s in services.values() if explicit_image(s)]
    return list(dict.fromkeys(names))


# -- images ---------------------------------------------------------------------------------


class ContainerImage(NamedTuple):
    """One row of ``images``: a container and the image it was created from."""

    container: str
    id: str
    repository: str
    tag: str
    platform: str
    size: int
    #: The engine's timestamps as it sent them (RFC 3339, nanoseconds), Go's zero time included.
    created: str
    last_tag_time: str


def repository_and_tag(image: str) -> tuple[str, str]:
    """A container's image reference as ``images`` shows it (empty for an image id)."""
    if image.startswith("sha256:"):
        return "", ""
    try:
        ref = parse_ref(image)
    except PycomposeError:
        return "", ""
    return ref.familiar_name, ref.tag or ("" if ref.digest else "latest")


# -- formatting ------------------------------------------------------------------------------


def human_size(size: float) -> str:
    """go-units ``HumanSizeWithPrecision(size, 3)``: ``1.99MB``, ``512B``."""
    units = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"]
    i = 0
    while size >= 1000.0 and i < len(units) - 1:
        size /= 1000.0
        i += 1
    return f"{size:.3g}{units[i]}"


def human_duration(delta: timedelta) -> str:
    """go-units ``HumanDuration``: ``35 minutes``, ``About an hour``, ``3 days``."""
    seconds = int(delta.total_seconds())
    if seconds < 1:
        return "Less than a second"
    if seconds == 1:
        return "1 second"
    if seconds < 60:
        return f"{seconds} seconds"
    minutes = seconds // 60
    if minutes == 1:
        return "About a minute"
    if minutes < 60:
        return f"{minutes} minutes"
    hours = int(delta.total_seconds() / 3600 + 0.5)
    if hours == 1:
        return "About an hour"
    if hours < 48:
        return f"{hours} hours"
    if hours < 24 * 7 * 2:
        return f"{hours // 24} days"
    if hours < 24 * 30 * 2:
        return f"{hours // 24 // 7} weeks"
    if hours < 24 * 365 * 2:
        return f"{hours // 24 // 30} months"
    return f"{int(delta.total_seconds() / 3600) // 24 // 365} years"
