"""``ps``, ``ls``, ``top``, ``port`` and ``events``: read-only, rendered as Compose renders them.

Tables go through Go's tabwriter rules (:mod:`pycompose.cli.goformat`); ``--format`` accepts
``table``, ``json`` and templates made of ``{{.Field}}``, ``{{.Label "name"}}`` and
``{{json ...}}`` actions.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping, Sequence
from typing import Annotated, Any

import typer

from pycompose.cli.containers import DryRunOpt, project_name, project_or_name
from pycompose.cli.options import go_bool

# The header of each field in a ``table`` format, as the docker CLI names them.
_HEADERS = {
    "ID": "CONTAINER ID", "Name": "NAME", "Project": "PROJECT", "Service": "SERVICE",
    "Image": "IMAGE", "Command": "COMMAND", "CreatedAt": "CREATED AT", "RunningFor": "CREATED",
    "Ports": "PORTS", "State": "STATE", "Status": "STATUS", "Size": "SIZE", "Labels": "LABELS",
}
_DEFAULT_TABLE = ("table {{.Name}}\t{{.Image}}\t{{.Command}}\t{{.Service}}\t{{.RunningFor}}\t"
                  "{{.Status}}\t{{.Ports}}")
_NO_VALUE = "<no value>"


# -- ps ---------------------------------------------------------------------------------------


def container_fields(container: Any, *, trunc: bool = True, now: float | None = None
                     ) -> dict[str, Any]:
    """The fields of a container in ``ps`` (``--format`` names them), as Compose computes them."""
    from pycompose.cli import goformat as G

    observed = container.container
    names = [n.lstrip("/") for n in container.names]
    if trunc:
        own = [n for n in names if "/" not in n]
        names = own[:1] or names
    publishers = [
        {"URL": p.ip, "TargetPort": p.private, "PublishedPort": p.public, "Protocol": p.protocol}
        for p in sorted(container.ports, key=lambda p: p.private)
    ]
    mounts = [G.ellipsis(m.name, 15) if trunc else m.name for m in container.mounts]
    command = G.ellipsis(container.command, 20) if trunc else container.command
    return {
        "Command": G.go_quote(command),
        "CreatedAt": G.go_time_string(container.created),
        "ExitCode": container.exit_code,
        "Health": (observed.health or "") if observed.state == "running" else "",
        "ID": container.id[:12] if trunc else container.id,
        "Image": container.image,
        "Labels": ",".join(sorted(f"{k}={v}" for k, v in container.labels.items())),
        "LocalVolumes": str(sum(1 for m in container.mounts if m.driver == "local")),
        "Mounts": ",".join(mounts),
        "Name": container.name,
        "Names": ",".join(names),
        "Networks": ",".join(observed.networks),
        "Ports": G.displayable_ports(container.ports),
        "Project": container.project,
        "Publishers": publishers,
        "RunningFor": G.running_for(container.created, now),
        "Service": container.service,
        "Size": "0B",
        "State": observed.state,
        "Status": observed.status,
    }


class Template:
    """A Go template restricted to field actions: ``{{.Field}}``, ``{{.Label "x"}}``,
    ``{{json .Field}}`` and ``{{json .}}``. Errors read as the docker CLI's."""

    _ACTION = re.compile(r"\{\{(-?\s*)(.*?)(\s*-?)\}\}", re.S)

    def __init__(self, text: str) -> None:
        from pycompose.errors import PycomposeError

        self.text = text
        self.parts: list[tuple[str, str, str, int]] = []  # (literal, kind, argument, offset)
        pos = 0
        for match in self._ACTION.finditer(text):
            literal = text[pos:match.start()]
            body = match.group(2).strip()
            offset = match.start(2)
            if body == "json .":
                self.parts.append((literal, "json", "", offset))
            elif re.fullmatch(r"json \.\w+", body):
                self.parts.append((literal, "json", body[6:], offset))
            elif re.fullmatch(r"\.Label \"[^\"]*\"", body):
                self.parts.append((literal, "label", body[8:-1], offset))
            elif re.fullmatch(r"\.\w+", body):
                self.parts.append((literal, "field", body[1:], offset))
            else:
                raise PycomposeError(
                    f"template parsing error: pycompose supports only {{{{.Field}}}}, "
                    f'{{{{.Label "name"}}}} and {{{{json ...}}}} actions, not {{{{{body}}}}}')
            pos = match.end()
        rest = text[pos:]
        if "{{" in rest:
            line = 1 + text[:pos + rest.index("{{")].count("\n")
            raise PycomposeError(f"template parsing error: template: :{line}: unclosed action")
        self.tail = rest

    def render(self, fields: Mapping[str, Any], labels: Mapping[str, str]) -> str:
        from pycompose.cli.goformat import go_json
        from pycompose.errors import PycomposeError

        out: list[str] = []
        for literal, kind, argument, offset in self.parts:
            out.append(literal)
            if kind == "label":
                out.append(labels.get(argument, ""))
                continue
            if kind == "json" and not argument:
                out.append(go_json(dict(sorted(fields.items()))))
                continue
            if argument not in fields:
                line = 1 + self.text[:offset].count("\n")
                column = offset - (self.text.rfind("\n", 0, offset) + 1)
                raise PycomposeError(
                    f'template parsing error: template: :{line}:{column}: executing "" at '
                    f"<.{argument}>: can't evaluate field {argument} in type "
                    "*formatter.ContainerContext")
            value = fields[argument]
            out.append(go_json(value, escape_html=False) if kind == "json" else str(value))
        out.append(self.tail)
        return "".join(out)

    def header(self) -> str:
        from pycompose.cli.goformat import go_json

        out: list[str] = []
        for literal, kind, argument, _ in self.parts:
            out.append(literal)
            value = _HEADERS.get(argument) if kind in ("field", "json") else None
            if kind == "json":
                out.append(go_json(value, escape_html=False))
            else:
                out.append(value if value is not None else _NO_VALUE)
        out.append(self.tail)
        return "".join(out)


def render_containers(containers: Sequence[Any], fmt: str, *, trunc: bool = True,
                      now: float | None = None) -> str:
    """``ps`` output for ``--format fmt`` (``table``, ``json`` or a template)."""
    from pycompose.cli.goformat import tabwriter

    if fmt in ("", "table"):
        fmt = _DEFAULT_TABLE
    table = fmt.startswith("table")
    source = fmt[len("table"):] if table else fmt
    if fmt == "json":
        source = "{{json .}}"
    source = source.strip(" ").replace("\\t", "\t").replace("\\n", "\n")
    template = Template(source)
    lines = [template.render(container_fields(c, trunc=trunc, now=now), c.labels) + "\n"
             for c in containers]
    if not table:
        return "".join(lines)
    return tabwriter(template.header() + "\n" + "".join(lines), minwidth=10, padding=3)


def _parse_ps_filter(value: str | None) -> list[str]:
    from pycompose.errors import PycomposeError

    if not value:
        return []
    key, sep, wanted = value.partition("=")
    if not sep:
        raise PycomposeError("arguments to --filter should be in form KEY=VAL")
    if key == "status":
        return [wanted]
    if key == "source":
        raise PycomposeError("not implemented")
    raise PycomposeError(f"unknown filter {key}")


def _orphans_flag(arguments: list[str]) -> tuple[list[str], bool]:
    """The service names among ``arguments`` and the value of ``--orphans[=BOOL]`` (true by
    default); any other option there is unknown."""
    from pycompose.errors import PycomposeError

    services: list[str] = []
    orphans = True
    for argument in arguments:
        name, sep, value = argument.partition("=")
        if name == "--orphans":
            orphans = go_bool("--orphans", value) if sep else True
        elif argument.startswith("--") and argument != "--":
            raise PycomposeError(f"unknown flag: {name}")
        elif argument.startswith("-") and len(argument) > 1:
            raise PycomposeError(f"unknown shorthand flag: '{argument[1]}' in {argument}")
        else:
            services.append(argument)
    return services, orphans


# -- ls ---------------------------------------------------------------------------------------


def _parse_ls_filters(values: Sequence[str]) -> dict[str, list[str]]:
    from pycompose.errors import PycomposeError

    filters: dict[str, list[str]] = {}
    for value in values:
        key, sep, wanted = value.partition("=")
        if not sep:
            raise PycomposeError(f'invalid argument "{value}" for "--filter" flag: bad format '
                                 "of filter (expected name=value)")
        filters.setdefault(key.strip().lower(), []).append(wanted.strip())
    for key in filters:
        if key != "name":
            raise PycomposeError(f"invalid filter '{key}'")
    return filters


def _name_matches(patterns: Sequence[str], name: str) -> bool:
    for pattern in patterns:
        if pattern == name:
            return True
        try:
            if re.search(pattern, name):
                return True
        except re.error:
            continue
    return False


def render_projects(projects: Sequence[Any], fmt: str) -> str:
    """``ls`` output for ``--format`` ``table`` or ``json``."""
    from pycompose.cli.goformat import columns, go_json, tabwriter
    from pycompose.errors import PycomposeError

    kind = fmt.lower()
    if kind in ("table", "pretty", ""):
        rows = [("NAME", "STATUS", "CONFIG FILES")]
        rows += [(p.name, p.status, p.config_files) for p in projects]
        return tabwriter(columns(rows), minwidth=20, padding=3)
    if kind == "json":
        view = [{"Name": p.name, "Status": p.status, "ConfigFiles": p.config_files}
                for p in projects]
        return go_json(view, escape_html=False) + "\n"
    raise PycomposeError(f'format value "{fmt}" could not be parsed: parsing failed')


# -- top --------------------------------------------------------------------------------------


def render_top(listings: Sequence[Any]) -> str:
    """``top`` output: one row per process, ``SERVICE`` and ``#`` first, ``CMD`` last."""
    from pycompose.cli.goformat import columns, tabwriter

    titles = ["SERVICE", "#"]
    rows: list[dict[str, str]] = []
    for listing in listings:
        for process in listing.processes:
            row = {"SERVICE": listing.service, "#": listing.replica}
            for title, value in zip(listing.titles, process, strict=False):
                if title not in titles:
                    titles.append(title)
                row[title] = value
            rows.append(row)
    if not rows:
        return ""
    if "CMD" in titles:
        titles.remove("CMD")
        titles.append("CMD")
    table = [titles] + [[row.get(title, "-") for title in titles] for row in rows]
    return tabwriter(columns(table), minwidth=4, padding=2)


# -- port and events --------------------------------------------------------------------------


def parse_port(text: str) -> int:
    """Go's ``strconv.ParseUint(text, 10, 16)``, with its error messages."""
    from pycompose.errors import PycomposeError

    if not text.isascii() or not text.isdigit():
        raise PycomposeError(f'strconv.ParseUint: parsing "{text}": invalid syntax')
    if int(text) > 0xFFFF:
        raise PycomposeError(f'strconv.ParseUint: parsing "{text}": value out of range')
    return int(text)


def render_event(event: Any, as_json: bool) -> str:
    """One event as ``events`` prints it (``--json``: one object per line)."""
    from pycompose.cli.goformat import event_time, go_json, rfc3339_nano

    attributes = dict(sorted(event.attributes.items()))
    if as_json:
        return go_json({
            "action": event.action, "attributes": attributes, "id": event.container,
            "service": event.service, "time": rfc3339_nano(event.time_nano),
            "type": "container",
        }) + "\n"
    listed = ", ".join(f"{k}={v}" for k, v in attributes.items())
    return (f"{event_time(event.time_nano)} container {event.action} {event.container} "
            f"({listed})\n\n")


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def register(app: typer.Typer) -> None:
    # `--orphans` takes an optional value (`--orphans=false`), which the CLI framework cannot
    # declare: it reaches the command among the service names and is read there.
    @app.command("ps", context_settings={"ignore_unknown_options": True})
    def ps(
        ctx: typer.Context,
        services: Annotated[list[str] | None, typer.Argument(metavar="[SERVICE...]")] = None,
        all: Annotated[bool, typer.Option(
            "--all", "-a", help="Show all stopped containers (including those created by the "
            "run command)")] = False,
        filter: Annotated[str | None, typer.Option(
            "--filter", help="Filter services by a property (supported filters: "
            "status)")] = None,
        format: Annotated[str, typer.Option(
            "--format", help="Format output using a custom template: 'table' (default), "
            "'table TEMPLATE', 'json' or 'TEMPLATE'")] = "table",
        no_trunc: Annotated[bool, typer.Option(
            "--no-trunc", help="Don't truncate output")] = False,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only display IDs")] = False,
        show_services: Annotated[bool, typer.Option(
            "--services", help="Display services")] = False,
        status: Annotated[list[str] | None, typer.Option(
            "--status", help="Filter services by status. Values: [paused | restarting | "
            "removing | running | dead | created | exited]")] = None,
        dry_run: DryRunOpt = False,
    ) -> None:
        """List containers

        --orphans[=BOOL] includes orphaned services (not declared by project); default true.
        """
        del dry_run  # nothing to change: listings read only
        from pycompose.api import containers as api_containers

        statuses = list(status or []) + _parse_ps_filter(filter)
        selected, include_orphans = _orphans_flag(list(services or []))
        project, name = project_or_name(ctx, selected)
        if project is not None and not selected and not include_orphans:
            selected = list(project.services)
        listed = api_containers(name, all=all or bool(statuses), oneoff=all,
                                services=tuple(selected))
        if statuses:
            listed = [c for c in listed if c.container.state in statuses]
        listed.sort(key=lambda c: c.name)
        if quiet:
            _write("".join(f"{c.id}\n" for c in listed))
        elif show_services:
            _write("\n".join(dict.fromkeys(c.service for c in listed)) + "\n")
        else:
            _write(render_containers(listed, format, trunc=not no_trunc))

    @app.command("ls")
    def ls(
        all: Annotated[bool, typer.Option(
            "--all", "-a", help="Show all stopped Compose projects")] = False,
        filter: Annotated[list[str] | None, typer.Option(
            "--filter", help="Filter output based on conditions provided")] = None,
        format: Annotated[str, typer.Option(
            "--format", help="Format the output. Values: [table | json]")] = "table",
        quiet: Annotated[bool, typer.Option(
            "--quiet", "-q", help="Only display project names")] = False,
        dry_run: DryRunOpt = False,
    ) -> None:
        """List running compose projects"""
        del dry_run  # nothing to change: listings read only
        from pycompose.api import projects as api_projects
        from pycompose.cli.output import print_warnings

        filters = _parse_ls_filters(filter or [])
        found, warnings = api_projects(all=all)
        print_warnings(warnings)
        if "name" in filters:
            found = [p for p in found if _name_matches(filters["name"], p.name)]
        if quiet:
            _write("".join(f"{p.name}\n" for p in found))
            return
        _write(render_projects(found, format))

    @app.command("top")
    def top(
        ctx: typer.Context,
        services: Annotated[list[str] | None, typer.Argument(metavar="[SERVICES...]")] = None,
        dry_run: DryRunOpt = False,
    ) -> None:
        """Display the running processes"""
        del dry_run  # nothing to change: listings read only
        from pycompose.api import top as api_top

        _write(render_top(api_top(project_name(ctx), tuple(services or ()))))

    @app.command("port")
    def port(
        ctx: typer.Context,
        args: Annotated[list[str] | None, typer.Argument(
            metavar="SERVICE PRIVATE_PORT")] = None,
        protocol: Annotated[str, typer.Option("--protocol", help="tcp or udp")] = "tcp",
        index: Annotated[int, typer.Option(
            "--index", help="Index of the container if service has multiple replicas")] = 0,
        dry_run: DryRunOpt = False,
    ) -> None:
        """Print the public port for a port binding"""
        del dry_run  # nothing to change: listings read only
        from pycompose.api import port as api_port
        from pycompose.errors import PycomposeError

        given = list(args or [])
        if len(given) < 2:
            raise PycomposeError(f"requires at least 2 arg(s), only received {len(given)}")
        private = parse_port(given[1])
        host, public = api_port(project_name(ctx), given[0], private,
                                protocol=protocol.lower(), index=index)
        _write(f"{host}:{public}\n")

    @app.command("events")
    def events(
        ctx: typer.Context,
        services: Annotated[list[str] | None, typer.Argument(metavar="[SERVICE...]")] = None,
        json: Annotated[bool, typer.Option(
            "--json", help="Output events as a stream of json objects")] = False,
        since: Annotated[str | None, typer.Option(
            "--since", help="Show all events created since timestamp")] = None,
        until: Annotated[str | None, typer.Option(
            "--until", help="Stream events until this timestamp")] = None,
        dry_run: DryRunOpt = False,
    ) -> None:
        """Receive real time events from containers"""
        del dry_run  # nothing to change: listings read only
        from pycompose.api import events as api_events
        from pycompose.cli.goformat import docker_timestamp
        from pycompose.errors import PycomposeError

        try:
            since_ts = docker_timestamp(since) if since else None
            until_ts = docker_timestamp(until) if until else None
        except ValueError as exc:
            raise PycomposeError(str(exc)) from None
        _, name = project_or_name(ctx, services)
        for event in api_events(name, tuple(services or ()), since=since_ts, until=until_ts):
            _write(render_event(event, json))
