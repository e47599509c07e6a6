"""The flags every command shares, without the command-line framework."""

from __future__ import annotations

from typing import Any


def invalid_global(ansi: str, progress: str | None) -> tuple[str, str] | None:
    """(option, message) when ``--ansi`` or ``--progress`` has a value Compose refuses."""
    if ansi not in ("never", "always", "auto"):
        return "--ansi", f'invalid --ansi value "{ansi}"'
    if progress not in (None, "auto", "tty", "plain", "json", "quiet"):
        return "--progress", f'unsupported --progress value "{progress}"'
    return None


class GlobalOptions:
    """The flags every command shares, as given on the command line."""

    def __init__(self, **values: Any) -> None:
        self.files: list[str] = values.get("files") or []
        self.project_name: str | None = values.get("project_name")
        self.project_directory: str | None = values.get("project_directory")
        self.env_files: list[str] = values.get("env_files") or []
        self.profiles: list[str] = values.get("profiles") or []
        self.ansi: str = values.get("ansi") or "auto"
        self.progress: str | None = values.get("progress")
        self.dry_run: bool = bool(values.get("dry_run"))
        self.parallel: int = values.get("parallel", -1)

    def project_options(self) -> Any:
        from pycompose.loader.discover import ProjectOptions

        return ProjectOptions(
            config_files=tuple(self.files),
            project_name=self.project_name,
            project_directory=self.project_directory,
            env_files=tuple(self.env_files),
            profiles=tuple(p for item in self.profiles for p in item.split(",") if p),
        )
