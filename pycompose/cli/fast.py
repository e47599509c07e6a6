"""A short way through the command line for the commands scripts run most (``up``, ``down``).

Typer turns every parameter into a pydantic validator before a command runs, and importing
pydantic costs more than Docker Compose's whole ``up`` with nothing to do. For the commands in
:data:`FAST_COMMANDS`, when every word on the command line is one of the simple forms below,
this module reads the parameters from the same typer declarations (names, flags, defaults) and
calls the same command functions. Anything else (``--help``, an unknown option, a value that
does not convert, ``--``) is left to typer, which then reports it as usual.

Understood forms: ``--name``, ``-n`` (bool flags, and ``--name/--no-name`` pairs), ``--name
VALUE``, ``--name=VALUE``, ``-n VALUE`` (str, int, and repeatable ``list[str]`` options), and
positional words for a ``list[str]`` argument, anywhere after the command name.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Union, get_args, get_origin

import typer
from typer.models import ArgumentInfo, OptionInfo, ParameterInfo
from typer.utils import get_params_from_function

FAST_COMMANDS = frozenset({"up", "down"})

_FLAG, _VALUE, _MULTI = "flag", "value", "multi"


@dataclass
class _Option:
    name: str
    kind: str
    convert: Callable[[str], Any] = str
    flag_value: bool = True


@dataclass
class _Spec:
    """How one command function takes its parameters from the command line."""

    context: str | None = None
    options: dict[str, _Option] = field(default_factory=dict)
    argument: str | None = None
    defaults: dict[str, Any] = field(default_factory=dict)


class _Context:
    """The part of typer's context the command functions use: ``obj``."""

    def __init__(self) -> None:
        self.obj: Any = None


def _plain(annotation: Any) -> Any:
    """``X | None`` -> ``X``; anything else unchanged."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _spec(function: Callable[..., Any]) -> _Spec | None:
    """The parameters of ``function``, or None when one of them needs typer itself."""
    spec = _Spec()
    for name, meta in get_params_from_function(function).items():
        if isinstance(meta.annotation, type) and issubclass(meta.annotation, typer.Context):
            spec.context = name
            continue
        info = meta.default if isinstance(meta.default, ParameterInfo) else None
        default = info.default if info is not None else meta.default
        if info is not None and (info.callback or info.envvar or info.is_eager
                                 or not info.expose_value or info.default_factory
                                 or getattr(info, "prompt", False)
                                 or getattr(info, "count", False)):
            return None
        if default is ... or default is meta.empty:
            return None
        annotation = _plain(meta.annotation)
        is_list = get_origin(annotation) is list and get_args(annotation) == (str,)
        spec.defaults[name] = default
        if isinstance(info, ArgumentInfo):
            if not is_list or spec.argument is not None:
                return None
            spec.argument = name
            continue
        if info is not None and not isinstance(info, OptionInfo):
            return None
        dashed = name.replace("_", "-")
        if annotation is bool:
            decls = list(info.param_decls or ()) if info else []
            for decl in decls or [f"--{dashed}/--no-{dashed}"]:
                on, _, off = decl.partition("/")
                spec.options[on.strip()] = _Option(name, _FLAG)
                if off:
                    spec.options[off.strip()] = _Option(name, _FLAG, flag_value=False)
            continue
        if annotation in (str, int):
            kind, convert = _VALUE, annotation
        elif is_list:
            kind, convert = _MULTI, str
        else:
            return None
        for decl in (info.param_decls if info and info.param_decls else [f"--{dashed}"]):
            spec.options[decl] = _Option(name, kind, convert)
    return spec


def _parse(spec: _Spec, words: Sequence[str], *, stop_at_word: bool
           ) -> tuple[dict[str, Any], int] | None:
    """Values by parameter name, and where parsing stopped; None when typer must do it."""
    values = dict(spec.defaults)
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
        option = spec.options.get(name if word.startswith("--") else word)
        if option is None or (eq and not word.startswith("--")):
            return None
        if option.kind == _FLAG:
            if eq:
                return None
            values[option.name] = option.flag_value
            i += 1
            continue
        if eq:
            raw, i = attached, i + 1
        elif i + 1 < len(words):
            raw, i = words[i + 1], i + 2
        else:
            return None
        try:
            value = option.convert(raw)
        except ValueError:
            return None
        if option.kind == _MULTI:
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


def _command(app: typer.Typer, name: str) -> Callable[..., Any] | None:
    for info in app.registered_commands:
        if (info.name or (info.callback.__name__ if info.callback else None)) == name:
            return info.callback
    return None


@dataclass
class Call:
    """A function to call with ``values``, and typer's context as ``context`` if named."""

    function: Callable[..., Any]
    values: dict[str, Any]
    context: str | None


def parse(app: typer.Typer, argv: Sequence[str]) -> tuple[Call, Call] | None:
    """The main callback and the command function with the values typer would give them, or
    None when the command line is not one this module handles."""
    main = app.registered_callback.callback if app.registered_callback else None
    main_spec = _spec(main) if main else None
    if main is None or main_spec is None:
        return None
    parsed = _parse(main_spec, argv, stop_at_word=True)
    if parsed is None or parsed[1] >= len(argv) or argv[parsed[1]] not in FAST_COMMANDS:
        return None
    main_values, at = parsed
    command = _command(app, argv[at])
    spec = _spec(command) if command else None
    if command is None or spec is None:
        return None
    found = _parse(spec, argv[at + 1:], stop_at_word=False)
    if found is None:
        return None
    return (Call(main, main_values, main_spec.context),
            Call(command, found[0], spec.context))


def run(app: typer.Typer, argv: Sequence[str]) -> bool:
    """Run ``argv`` here if it is simple enough; False when typer should run it."""
    calls = parse(app, argv)
    if calls is None:
        return False
    from typer._click.exceptions import ClickException

    ctx = _Context()
    main, command = calls
    try:
        main.function(**main.values, **({main.context: ctx} if main.context else {}))
    except ClickException:
        # Typer words the error with the usage line: let it parse again and report it.
        return False
    command.function(**command.values, **({command.context: ctx} if command.context else {}))
    return True
