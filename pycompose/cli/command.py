"""The typer classes of the pycompose application: what cobra does for Compose around a
command's own work.

- Boolean flags also take a value, as cobra's do: ``--sig-proxy=false``, ``-i=false``,
  ``--detach=true`` (Go's ``strconv.ParseBool`` values). ``--flag VALUE`` stays the flag
  followed by a word, as in cobra.
- A shorthand option's value may follow ``=``: ``-e=A=1`` is ``-e A=1``.
- Once a command's flags are parsed (``--help`` has been answered by then), the checks
  Compose makes before any command but ``version`` run
  (:meth:`~pycompose.cli.options.GlobalOptions.check`).
"""

from __future__ import annotations

from typing import Any

from typer._click import Context
from typer._click.parser import _OptionParser, _ParsingState
from typer.core import TyperCommand, TyperGroup

from pycompose.cli.options import go_bool


class _GoFlagParser(_OptionParser):
    def _process_opts(self, arg: str, state: _ParsingState) -> None:
        name, sep, value = arg.partition("=")
        option = (self._long_opt.get(name) or self._short_opt.get(name)) if sep else None
        if option is not None and option.takes_value and name in self._short_opt:
            # -e=A=1 is -e A=1 for cobra (click would take "=A=1").
            state.rargs.insert(0, value)
            option.process(self._get_value_from_state(name, option, state), state)
            return
        if (option is None or option.action != "store_const"
                or not isinstance(option.const, bool)):
            super()._process_opts(arg, state)
            return
        words = sorted(option.obj.opts, key=lambda word: word.startswith("--"))
        given = go_bool(", ".join(words), value)
        # A switch-off word (--no-x) has const False: its =true means off.
        state.opts[str(option.dest)] = option.const if given else not option.const
        state.order.append(option.obj)


def _parser(command: TyperCommand | TyperGroup, ctx: Context) -> _OptionParser:
    parser = _GoFlagParser(ctx)
    for param in command.get_params(ctx):
        param.add_to_parser(parser, ctx)
    return parser


class ComposeGroup(TyperGroup):
    """The application: its global flags take Go boolean values too."""

    def make_parser(self, ctx: Context) -> _OptionParser:
        return _parser(self, ctx)


class ComposeCommand(TyperCommand):
    """One command: Go boolean values, then Compose's checks before the command runs."""

    def make_parser(self, ctx: Context) -> _OptionParser:
        return _parser(self, ctx)

    def invoke(self, ctx: Context) -> Any:
        if self.name != "version":
            ctx.obj.check()
        return super().invoke(ctx)
