"""The console-script entry point: ``pycompose ARGS``.

The commands scripts run most go the shortest way: ``version`` answers without importing
anything, and a simple ``up``/``down`` command line is parsed by :mod:`pycompose.cli.fast`
without typer (whose import costs more than Docker Compose's whole repeated ``up``). Anything
else goes through the typer application in :mod:`pycompose.cli.main`.
"""

from __future__ import annotations

import sys

from pycompose import __version__


def _fast_version(argv: list[str]) -> bool:
    """``pycompose version`` without loading the CLI framework (it is run by scripts a lot)."""
    if argv in (["version"], ["--version"], ["-v"]):
        sys.stdout.write(f"pycompose version v{__version__}\n")
        return True
    if argv in (["version", "--short"], ["version", "--format", "json"]):
        if argv[-1] == "--short":
            sys.stdout.write(f"{__version__}\n")
        else:
            sys.stdout.write(f'{{"version":"v{__version__}"}}\n')
        return True
    return False


def run() -> None:
    """Console-script entry point: runs the CLI, turns pycompose errors into exit codes.

    Usage errors exit 1 like Docker Compose's (click's own default would be 2).
    """
    from pycompose.errors import PycomposeError

    argv = sys.argv[1:]
    if _fast_version(argv):
        return
    from pycompose.cli import fast

    try:
        if not fast.run(argv):
            _run_typer(argv)
            return
    except PycomposeError as exc:
        sys.stderr.write(f"{exc}\n")
        _exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    _exit(0)


def _exit(code: int) -> None:
    """Exit with ``code``; when nothing is left to clean up (no other thread, no exit
    handler), without the interpreter's teardown, which takes longer than a repeated ``up``'s
    calls to the engine."""
    import atexit
    import threading

    if threading.active_count() == 1 and not atexit._ncallbacks():
        import os

        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except BrokenPipeError:
            pass
        else:
            os._exit(code)
    sys.exit(code)


def _run_typer(argv: list[str]) -> None:
    import typer
    from typer._click.exceptions import ClickException

    from pycompose.cli.main import run_typer

    try:
        run_typer(argv)
    except ClickException as exc:
        exc.show()
        sys.exit(1)
    except typer.Abort:
        sys.exit(130)
