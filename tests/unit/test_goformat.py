"""Go's text formats as the listing commands print them; expected strings are Docker Compose
v2.40.3 output (or the Go library's documented behaviour) copied literally."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import pytest

from pycompose.cli.goformat import (
    displayable_ports,
    docker_timestamp,
    ellipsis,
    go_json,
    go_quote,
    human_duration,
    parse_go_duration,
    tabwriter,
)
from pycompose.cli.listing import Template, parse_port, render_projects, render_top
from pycompose.engine.summary import ContainerProcesses, ProjectSummary
from pycompose.errors import PycomposeError


@dataclass(frozen=True)
class P:
    ip: str
    private: int
    public: int
    protocol: str


def test_tabwriter_pads_columns_but_not_the_last_cell() -> None:
    text = ("NAME\tIMAGE\tSERVICE\tSTATUS\tPORTS\n"
            "ccp1-db-1\tpycompose/busybox\tdb\tUp 1 second\t\n"
            "ccp1-web-1\tpycompose/busybox\tweb\tUp 1 second\t127.0.0.1:32768->80/tcp\n")
    assert tabwriter(text, minwidth=10, padding=3) == (
        "NAME         IMAGE               SERVICE   STATUS        PORTS\n"
        "ccp1-db-1    pycompose/busybox   db        Up 1 second   \n"
        "ccp1-web-1   pycompose/busybox   web       Up 1 second   127.0.0.1:32768->80/tcp\n")


def test_tabwriter_minimum_width_and_empty_table() -> None:
    assert tabwriter("NAME\tIMAGE\tCOMMAND\tSERVICE\tCREATED\tSTATUS\tPORTS\n",
                     minwidth=10, padding=3) == (
        "NAME      IMAGE     COMMAND   SERVICE   CREATED   STATUS    PORTS\n")
    assert tabwriter("NAME\tSTATUS\tCONFIG FILES\n", minwidth=20, padding=3) == (
        "NAME                STATUS              CONFIG FILES\n")


def test_tabwriter_columns_run_over_consecutive_lines_only() -> None:
    # A shorter line ends the column of the longer lines above it; a line without a tab
    # starts over.
    text = "a\tbbbbbbbb\tc\nxx\ty\nlong-name\tz\nno tab\nq\tr\n"
    assert tabwriter(text, minwidth=1, padding=1) == (
        "a         bbbbbbbb c\n"
        "xx        y\n"
        "long-name z\n"
        "no tab\n"
        "q r\n")
    assert tabwriter("a\tb", minwidth=1, padding=1) == "a b"


@pytest.mark.parametrize(("seconds", "text"), [
    (0.9, "Less than a second"), (1.5, "1 second"), (59.9, "59 seconds"),
    (60, "About a minute"), (119, "About a minute"), (120, "2 minutes"),
    (3599, "59 minutes"), (3600, "About an hour"), (5399, "About an hour"),
    (5400, "2 hours"), (47 * 3600 + 1799, "47 hours"), (48 * 3600, "2 days"),
    (14 * 86400, "2 weeks"), (60 * 86400, "2 months"), (2 * 365 * 86400, "2 years"),
])
def test_human_duration_is_go_units(seconds: float, text: str) -> None:
    assert human_duration(seconds) == text


def test_command_is_cut_to_twenty_columns_and_go_quoted() -> None:
    command = "sh -c 'trap 'exit 0' TERM; sleep 3600 & wait'"
    assert go_quote(ellipsis(command, 20)) == '"sh -c \'trap \'exit 0…"'
    assert go_quote(ellipsis("echo", 20)) == '"echo"'
    assert go_quote('a"b\\c\n\x01\u00a0é') == '"a\\"b\\\\c\\n\\x01\\u00a0é"'
    assert ellipsis("日本語のコマンド", 5) == "日本…"
    assert ellipsis("12345", 5) == "12345"


def test_ports_are_grouped_as_docker_ps_shows_them() -> None:
    assert displayable_ports([P("127.0.0.1", 80, 32768, "tcp"),
                              P("127.0.0.1", 53, 32768, "udp")]) == (
        "127.0.0.1:32768->53/udp, 127.0.0.1:32768->80/tcp")
    assert displayable_ports([P("0.0.0.0", 8001, 8001, "tcp"), P("0.0.0.0", 8000, 8000, "tcp"),
                              P("", 9000, 0, "tcp"), P("", 9001, 0, "tcp"),
                              P("::", 8000, 8000, "tcp")]) == (
        "0.0.0.0:8000-8001->8000-8001/tcp, [::]:8000->8000/tcp, 9000-9001/tcp")
    assert displayable_ports([]) == ""


def test_go_json_escapes_html_unless_told_not_to() -> None:
    value = {"Ports": "127.0.0.1:1->2/tcp", "Cmd": "a & b"}
    assert go_json(value) == '{"Ports":"127.0.0.1:1-\\u003e2/tcp","Cmd":"a \\u0026 b"}'
    assert go_json([{"ConfigFiles": "/a&b<c>/x"}], escape_html=False) == (
        '[{"ConfigFiles":"/a&b<c>/x"}]')


def test_durations_and_timestamps_as_the_docker_client_sends_them() -> None:
    assert parse_go_duration("1h30m") == 5400
    assert parse_go_duration("-1.5s") == -1.5
    assert parse_go_duration("10") is None
    assert docker_timestamp("10m", now=1000.0) == "400"
    assert docker_timestamp("2024-01-01T00:00:00Z") == "1704067200.000000000"
    assert docker_timestamp("1700000000.5") == "1700000000.5"
    with pytest.raises(ValueError, match="failed to parse value as time or duration"):
        docker_timestamp("yesterday")


def test_port_argument_is_parsed_as_go_parses_it() -> None:
    assert parse_port("80") == 80
    for text, reason in (("80/tcp", "invalid syntax"), ("-1", "invalid syntax"),
                         ("70000", "value out of range")):
        with pytest.raises(PycomposeError) as info:
            parse_port(text)
        assert str(info.value) == f'strconv.ParseUint: parsing "{text}": {reason}'


def test_templates_fail_as_the_docker_cli_does() -> None:
    with pytest.raises(PycomposeError) as info:
        Template("{{.Nope}}").render({"Name": "x"}, {})
    assert str(info.value) == (
        'template parsing error: template: :1:2: executing "" at <.Nope>: can\'t evaluate '
        "field Nope in type *formatter.ContainerContext")
    with pytest.raises(PycomposeError, match="template: :1: unclosed action"):
        Template("{{")
    template = Template('{{.Name}}\t{{.Health}}\t{{.Label "a"}}')
    assert template.header() == "NAME\t<no value>\t<no value>"
    assert template.render({"Name": "x", "Health": ""}, {"a": "b"}) == "x\t\tb"


def test_top_puts_cmd_last_and_fills_missing_columns() -> None:
    listings = [
        ContainerProcesses("p-db-1", "db", "1", ("UID", "PID", "CMD"),
                           (("root", "25055", "sh -c trap"), ("root", "25125", "sleep 3600"))),
        ContainerProcesses("p-web-1", "web", "1", ("UID", "CMD", "PPID"),
                           (("root", "sleep 1", "7"),)),
    ]
    assert render_top(listings) == textwrap.dedent("""\
        SERVICE  #   UID   PID    PPID  CMD
        db       1   root  25055  -     sh -c trap
        db       1   root  25125  -     sleep 3600
        web      1   root  -      7     sleep 1
        """)
    assert render_top([]) == ""


def test_ls_renders_table_and_json() -> None:
    projects = [ProjectSummary("ccp1", "exited(1), running(3)", "/tmp/a&b/compose.yaml")]
    assert render_projects(projects, "table") == (
        "NAME                STATUS                  CONFIG FILES\n"
        "ccp1                exited(1), running(3)   /tmp/a&b/compose.yaml\n")
    assert render_projects(projects, "JSON") == (
        '[{"Name":"ccp1","Status":"exited(1), running(3)",'
        '"ConfigFiles":"/tmp/a&b/compose.yaml"}]\n')
    assert render_projects([], "json") == "[]\n"
    with pytest.raises(PycomposeError) as info:
        render_projects(projects, "yaml")
    assert str(info.value) == 'format value "yaml" could not be parsed: parsing failed'
