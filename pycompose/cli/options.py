"""The flags every command shares, without the command-line framework."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping


_PROGRESS_MODES = ("auto", "tty", "plain", "json", "quiet")
_GO_TRUE = ("1", "t", "T", "true", "TRUE", "True")
_GO_FALSE = ("0", "f", "F", "false", "FALSE", "False")


def invalid_global(ansi: str | None, progress: str | None) -> tuple[str, str] | None:
    """(option, message) when ``--ansi`` or ``--progress`` has a value Compose refuses."""
    if ansi is not None and ansi not in ("never", "always", "auto"):
        return "--ansi", f'invalid --ansi value "{ansi}"'
    if progress is not None and progress not in _PROGRESS_MODES:
        return "--progress", f'unsupported --progress value "{progress}"'
    return None


def compose_bool(value: str | None) -> bool:
    """A yes/no environment variable as Compose reads ``COMPOSE_REMOVE_ORPHANS`` and
    ``COMPOSE_IGNORE_ORPHANS``: blanks around and case do not matter; ``y``, ``1``, ``t`` and
    ``true`` are yes, anything else (``yes`` too) no."""
    return value is not None and value.strip().lower() in ("y", "1", "t", "true")


def no_color_set() -> bool:
    """``NO_COLOR`` set and not empty (https://no-color.org): Compose prints no colours."""
    import os

    return bool(os.environ.get("NO_COLOR"))


def status_on_stdout() -> bool:
    """``COMPOSE_STATUS_STDOUT`` is true to Go's ``strconv.ParseBool`` (``1``, ``t``, ``true``,
    ...): Compose then writes its progress to standard output. Read from the shell only, as
    Compose reads it before anything else."""
    import os

    return os.environ.get("COMPOSE_STATUS_STDOUT") in _GO_TRUE


class GlobalOptions:
    """The flags every command shares, as given on the command line."""

    def __init__(self, **values: Any) -> None:
        self.files: list[str] = values.get("files") or []
        self.project_name: str | None = values.get("project_name")
        self.project_directory: str | None = values.get("project_directory")
        self.env_files: list[str] = values.get("env_files") or []
        self.profiles: list[str] = values.get("profiles") or []
        #: ``--ansi``; None when not given.
        self.ansi_flag: str | None = values.get("ansi")
        self.progress: str | None = values.get("progress")
        self.dry_run: bool = bool(values.get("dry_run"))
        #: ``--parallel``; None when not given.
        self.parallel: int | None = values.get("parallel")
        #: The loaded project's environment (the shell's, then ``.env``), once a command has
        #: loaded it: Compose also takes its ``COMPOSE_*`` settings from ``.env``.
        self.environment: Mapping[str, str] = {}

    def variable(self, name: str) -> str | None:
        """A ``COMPOSE_*`` setting: the shell's, else the loaded project's ``.env``'s."""
        import os

        value = os.environ.get(name)
        return self.environment.get(name) if value is None else value

    def parallel_limit(self) -> int | None:
        """At most this many engine calls at once (None: no limit). ``--parallel`` wins over
        ``COMPOSE_PARALLEL_LIMIT``, which must then be an integer, as in Compose; 0 or less is
        no limit."""
        limit = self.parallel
        if limit is None:
            raw = self.variable("COMPOSE_PARALLEL_LIMIT")
            limit = -1 if raw is None else _go_atoi("COMPOSE_PARALLEL_LIMIT", raw)
        return limit if limit > 0 else None

    @property
    def ansi(self) -> str:
        """``--ansi``, else ``COMPOSE_ANSI`` (the shell's or ``.env``'s), else ``auto``. A
        variable with another value than never/always/auto is taken as Compose takes it: no
        colours, progress as with auto."""
        return self.ansi_flag or self.variable("COMPOSE_ANSI") or "auto"

    def check(self) -> None:
        """What Compose checks before running any command but ``version``."""
        import os

        from pycompose.errors import PycomposeError

        self.parallel_limit()
        progress = self.progress or os.environ.get("COMPOSE_PROGRESS") or "auto"
        if progress not in _PROGRESS_MODES:
            from pycompose.cli.goformat import go_quote

            raise PycomposeError(f"unsupported --progress value {go_quote(progress)}")
        if progress == "tty" and self.ansi == "never":
            raise PycomposeError("can't use --progress tty while ANSI support is disabled")
        if progress == "plain" and self.ansi == "always":
            raise PycomposeError("can't use --progress plain while ANSI support is forced")

    def project_options(self) -> Any:
        from pycompose.loader.discover import ProjectOptions

        return ProjectOptions(
            config_files=tuple(self.files),
            project_name=self.project_name,
            project_directory=self.project_directory,
            env_files=tuple(self.env_files),
            profiles=tuple(p for item in self.profiles for p in item.split(",") if p),
        )


def go_bool(flag: str, value: str) -> bool:
    """The value of a boolean flag given as ``FLAG=VALUE``, read as Go's ``strconv.ParseBool``
    reads it, or cobra's error (``flag``: how cobra names the flag, ``"-i, --interactive"``)."""
    if value in _GO_TRUE:
        return True
    if value in _GO_FALSE:
        return False
    from pycompose.errors import PycomposeError

    raise PycomposeError(f'invalid argument "{value}" for "{flag}" flag: strconv.ParseBool: '
                         f'parsing "{value}": invalid syntax')


def _go_atoi(name: str, raw: str) -> int:
    """``raw`` as Go's ``strconv.Atoi`` reads it, or Compose's error about variable ``name``."""
    import re

    if re.fullmatch(r"[+-]?[0-9]+", raw) and -(2**63) <= int(raw) < 2**63:
        return int(raw)
    from pycompose.cli.goformat import go_quote
    from pycompose.errors import PycomposeError

    raise PycomposeError(f"{name} must be an integer (found: {go_quote(raw)})")
