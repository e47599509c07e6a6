"""The one exception hierarchy of pycompose.

Every error a user can cause is a :class:`PycomposeError`; the CLI catches it once, prints
``str(error)`` and exits with ``error.exit_code``.
"""

from __future__ import annotations

from typing import NamedTuple


class PycomposeError(Exception):
    """Base class of every error pycompose reports to people."""

    exit_code: int = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class Mark(NamedTuple):
    """A position in a source file: 1-based line and column.

    A named tuple: the loader makes one per YAML node, so it must be cheap to create.
    """

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


def format_path(path: tuple[str | int, ...]) -> str:
    """Render a YAML path the way Compose does: ``services.web.ports[0]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif out:
            out += f".{part}"
        else:
            out = str(part)
    return out


class ComposeFileError(PycomposeError):
    """A problem in a compose file (or an env file), located as precisely as known."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        path: tuple[str | int, ...] = (),
        mark: Mark | None = None,
    ) -> None:
        self.file = mark.file if mark is not None else file
        self.path = path
        self.mark = mark
        self.detail = message
        where = ""
        if mark is not None:
            where = f"{mark}: "
        elif file:
            where = f"{file}: "
        if path:
            where += f"{format_path(path)}: "
        super().__init__(where + message)


class InterpolationError(ComposeFileError):
    """A ``${VAR:?message}`` failed or the interpolation syntax is invalid."""


class ProjectError(PycomposeError):
    """A problem with the project as a whole: no file found, bad project name, ..."""


class EngineError(PycomposeError):
    """The Docker Engine refused an operation or could not be reached."""
