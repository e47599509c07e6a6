"""The typer command class of every pycompose command: what cobra does for Compose around a
command's own work."""

from __future__ import annotations

from typing import Any

from typer._click import Context
from typer.core import TyperCommand


class ComposeCommand(TyperCommand):
    """A command that, once its own flags are parsed (``--help`` has been answered by then),
    runs the checks Compose makes before any command but ``version``
    (:meth:`~pycompose.cli.options.GlobalOptions.check`)."""

    def invoke(self, ctx: Context) -> Any:
        if self.name != "version":
            ctx.obj.check()
        return super().invoke(ctx)
