"""A short way through the command line for the commands scripts run most (``up``, ``down``).

Importing typer (and the pydantic it brings) costs more than Docker Compose's whole ``up``
with nothing to do. (The records here are named tuples: a dataclass takes several times as
long to define.) For the commands in :data:`COMMANDS`, when every word on the command line
is one of the simple forms below, this module reads the parameters itself and calls the same
functions the typer commands call (:mod:`pycompose.cli.updown`). Anything else (``--help``, an
unknown option, a value that does not convert, ``--``, a bad ``--ansi``) is left to typer,
which then reports it as usual.

The tables here repeat the typer declarations of :mod:`pycompose.cli.main` and
:mod:`pycompose.cli.lifecycle` (names, words, kinds, defaults); a unit test derives them from
those declarations and checks that they agree.

Understood forms: ``--name`` and ``-n`` (flags), ``--name VALUE``, ``--name=VALUE``, ``-n VALUE``
(str, int, and repeatable list options), and positional words for the command's list argument,
anywhere after the command name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

FLAG, STR, INT, LIST = "flag", "str", "int", "list"


class Option(NamedTuple):
    """One parameter: its kind and the words that set it."""

    name: str
    kind: str
    words: tuple[str, ...]
    default: Any = None


class Spec(NamedTuple):
    """How one function takes its parameters from the command line."""

    options: tuple[Option, ...]
    argument: str | None = None

    def by_word(self) -> dict[str, Option]:
        return {w: o for o in self.options for w in o.words}

    def defaults(self) -> dict[str, Any]:
        values = {o.name: (False if o.kind == FLAG else o.default) for o in self.options}
        if self.argument is not None:
            values[self.argument] = None
        return values


def _flag(name: str, *words: str) -> Option:
    return Option(name, FLAG, words)


def _str(name: str, *words: str, default: str | None = None) -> Option:
    return Option(name, STR, words, default)


def _int(name: str, *words: str, default: int | None = None) -> Option:
    return Option(name, INT, words, default)


def _list(name: str, *words: str) -> Option:
    return Option(name, LIST, words)


GLOBAL = Spec((
    _list("files", "--file", "-f"),
    _str("project_name", "--project-name", "-p"),
    _str("project_directory", "--project-directory"),
    _list("env_files", "--env-file"),
    _list("profiles", "--profile"),
    _str("ansi", "--ansi"),
    _str("progress", "--progress"),
    _flag("dry_run", "--dry-run"),
    _int("parallel", "--parallel"),
    _flag("compatibility", "--compatibility"),
    _flag("all_resources", "--all-resources"),
))

COMMANDS: dict[str, Spec] = {
    "up": Spec((
        _flag("detach", "--detach", "-d"),
        _flag("force_recreate", "--force-recreate"),
        _flag("no_recreate", "--no-recreate"),
        _flag("no_deps", "--no-deps"),
        _flag("no_start", "--no-start"),
        _flag("remove_orphans", "--remove-orphans"),
        _list("scale", "--scale"),
        _flag("wait", "--wait"),
        _int("wait_timeout", "--wait-timeout"),
        _int("timeout", "--timeout", "-t"),
        _flag("always_recreate_deps", "--always-recreate-deps"),
        _flag("build", "--build"),
        _flag("no_build", "--no-build"),
        _str("pull", "--pull", default="policy"),
        _flag("quiet_pull", "--quiet-pull"),
        _flag("yes", "--yes", "-y"),
        _flag("abort_on_container_exit", "--abort-on-container-exit"),
        _flag("abort_on_container_failure", "--abort-on-container-failure"),
        _str("exit_code_from", "--exit-code-from"),
        _list("attach", "--attach"),
        _list("no_attach", "--no-attach"),
        _flag("attach_dependencies", "--attach-dependencies"),
        _flag("no_color", "--no-color"),
        _flag("no_log_prefix", "--no-log-prefix"),
        _flag("timestamps", "--timestamps"),
        _flag("menu", "--menu"),
        _flag("dry_run", "--dry-run"),
    ), argument="services"),
    "down": Spec((
        _flag("volumes", "--volumes", "-v"),
        _flag("remove_orphans", "--remove-orphans"),
        _int("timeout", "--timeout", "-t"),
        _str("rmi", "--rmi"),
        _flag("dry_run", "--dry-run"),
    ), argument="services"),
}


def _convert(option: Option, raw: str) -> Any:
    if option.kind != INT:
        return raw
    # click's int type: Python's int() of the word, surrounding blanks allowed.
    return int(raw)


def parse_words(spec: Spec, words: Sequence[str], *, stop_at_word: bool
                ) -> tuple[dict[str, Any], int] | None:
    """Values by parameter name, and where parsing stopped; None when typer must do it."""
    values = spec.defaults()
    by_word = spec.by_word()
    given: set[str] = set()
    positional: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if not word.startswith("-") or word == "-":
            if stop_at_word:
                break
            positional.append(word)
            i += 1
            continue
        if word in ("--", "--help", "-h"):
            return None
        name, eq, attached = word.partition("=")
        option = by_word.get(name if word.startswith("--") else word)
        if option is None or (eq and not word.startswith("--")):
            return None
        if option.kind == FLAG:
            if eq:
                return None
            values[option.name] = True
            i += 1
            continue
        if eq:
            raw, i = attached, i + 1
        elif i + 1 < len(words):
            raw, i = words[i + 1], i + 2
        else:
            return None
        try:
            value = _convert(option, raw)
        except ValueError:
            return None
        if option.kind == LIST:
            if option.name not in given:
                values[option.name] = []
            values[option.name].append(value)
        else:
            values[option.name] = value
        given.add(option.name)
    if spec.argument is not None and positional:
        values[spec.argument] = positional
    elif positional:
        return None
    return values, i


class Parsed(NamedTuple):
    """A command line this module can run: the global values, the command and its values."""

    globals: dict[str, Any]
    command: str
    values: dict[str, Any]


def parse(argv: Sequence[str]) -> Parsed | None:
    """What typer would give the main callback and the command, or None when the command line
    is not one this module handles."""
    found = parse_words(GLOBAL, argv, stop_at_word=True)
    if found is None or found[1] >= len(argv) or argv[found[1]] not in COMMANDS:
        return None
    global_values, at = found
    command = argv[at]
    values = parse_words(COMMANDS[command], argv[at + 1:], stop_at_word=False)
    if values is None:
        return None
    return Parsed(global_values, command, values[0])


class _Context:
    """The part of typer's context the command functions use: ``obj``."""

    def __init__(self, obj: Any) -> None:
        self.obj = obj


def _function(command: str) -> Callable[..., None]:
    from pycompose.cli import updown

    function: Callable[..., None] = getattr(updown, command)
    return function


def run(argv: Sequence[str]) -> bool:
    """Run ``argv`` here if it is simple enough; False when typer should run it."""
    from pycompose.cli.options import GlobalOptions, invalid_global

    parsed = parse(argv)
    if parsed is None or invalid_global(parsed.globals["ansi"], parsed.globals["progress"]):
        # Typer words the error with the usage line: let it parse again and report it.
        return False
    options = GlobalOptions(**parsed.globals)
    options.check()
    _function(parsed.command)(_Context(options), **parsed.values)
    return True
