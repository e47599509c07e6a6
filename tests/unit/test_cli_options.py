"""Command-line values read as Docker Compose v2.40.3 reads them: ``--scale``, environment
variables, Go booleans."""

from __future__ import annotations

import pytest

from pycompose.cli.common import parse_scale_option
from pycompose.errors import PycomposeError


def test_scale_option_values() -> None:
    assert parse_scale_option(["web=3", "db=0", "web=1"], {"web", "db"}) == {"web": 1, "db": 0}
    assert parse_scale_option(None, {"web"}) == {}


@pytest.mark.parametrize(("item", "message"), [
    ("nosuch=2", "no such service: nosuch: not found"),
    ("web", 'invalid --scale option "web". Should be SERVICE=NUM'),
    ("web=1=2", 'invalid --scale option "web=1=2". Should be SERVICE=NUM'),
    ("web=x", 'strconv.Atoi: parsing "x": invalid syntax'),
    ("web=", 'strconv.Atoi: parsing "": invalid syntax'),
])
def test_scale_option_errors_are_compose_s(item: str, message: str) -> None:
    with pytest.raises(PycomposeError) as error:
        parse_scale_option([item], {"web"})
    assert str(error.value) == message
