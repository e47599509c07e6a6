"""Boolean flags with a value, as cobra takes them for Compose: ``--flag=true|false`` and
``-f=true|false``, with Go's ``strconv.ParseBool`` values and cobra's error otherwise."""

from __future__ import annotations

import pytest

from pycompose.cli.options import go_bool
from pycompose.errors import PycomposeError
from tests.unit.cli_recording import parsed, parsed_globals


@pytest.mark.parametrize("value", ["1", "t", "T", "true", "TRUE", "True"])
def test_go_true(value: str) -> None:
    assert go_bool("--x", value) is True


@pytest.mark.parametrize("value", ["0", "f", "F", "false", "FALSE", "False"])
def test_go_false(value: str) -> None:
    assert go_bool("--x", value) is False


@pytest.mark.parametrize(("argv", "name", "value"), [
    (["attach", "--sig-proxy=false", "web"], "sig_proxy", False),
    (["attach", "--sig-proxy=true", "web"], "sig_proxy", True),
    (["attach", "web"], "sig_proxy", True),
    (["run", "-i=false", "web"], "interactive", False),
    (["run", "--interactive=0", "web"], "interactive", False),
    (["run", "--interactive=F", "--rm=t", "web"], "rm", True),
    (["exec", "--interactive=false", "web", "true"], "interactive", False),
    (["run", "-T=true", "web"], "no_tty", True),
    (["up", "--detach=false"], "detach", False),
    (["up", "-d=1"], "detach", True),
    (["up", "--remove-orphans=false", "web"], "remove_orphans", False),
    (["down", "-v=true"], "volumes", True),
    (["logs", "--follow=false", "web"], "follow", False),
])
def test_boolean_flag_with_a_value(argv: list[str], name: str, value: bool) -> None:
    assert parsed(argv)[name] is value


def test_words_after_the_service_are_the_command_s() -> None:
    values = parsed(["run", "-i=false", "web", "echo", "--interactive=true", "-i=0"])
    assert values["interactive"] is False
    assert values["command"] == ["echo", "--interactive=true", "-i=0"]


def test_a_word_after_a_boolean_flag_is_not_its_value() -> None:
    values = parsed(["up", "--detach", "false"])
    assert values["detach"] is True
    assert values["services"] == ["false"]


def test_global_boolean_flags_take_a_value() -> None:
    assert parsed_globals(["--dry-run=true", "up"])["dry_run"] is True
    assert parsed_globals(["--dry-run=false", "up"])["dry_run"] is False


@pytest.mark.parametrize(("argv", "message"), [
    (["attach", "--sig-proxy=xyz", "web"],
     'invalid argument "xyz" for "--sig-proxy" flag: strconv.ParseBool: parsing "xyz": '
     "invalid syntax"),
    (["run", "-i=yes", "web"],
     'invalid argument "yes" for "-i, --interactive" flag: strconv.ParseBool: parsing "yes": '
     "invalid syntax"),
    (["run", "--interactive=", "web"],
     'invalid argument "" for "-i, --interactive" flag: strconv.ParseBool: parsing "": '
     "invalid syntax"),
    (["--dry-run=xx", "up"],
     'invalid argument "xx" for "--dry-run" flag: strconv.ParseBool: parsing "xx": '
     "invalid syntax"),
])
def test_other_values_are_cobra_s_error(argv: list[str], message: str) -> None:
    with pytest.raises(PycomposeError) as error:
        parsed(argv)
    assert str(error.value) == message


def test_a_shorthand_value_may_follow_an_equals_sign() -> None:
    values = parsed(["run", "-e=A=1", "-eB=2", "-e", "C=3", "-w=/x", "--user=u", "web"])
    assert values["env"] == ["A=1", "B=2", "C=3"]
    assert (values["workdir"], values["user"]) == ("/x", "u")
