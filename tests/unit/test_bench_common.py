"""The table the benchmark scripts print (benchmarks/_common.py)."""

from __future__ import annotations

import pytest

from benchmarks._common import Command, print_pairs


def test_pairs_with_targets_print_the_verdict_and_what_failed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    pairs = [
        ("config", Command("pycompose", ["pc", "config"], [0.3, 0.1, 0.2]),
         Command("compose", ["dc", "config"], [0.1]), 2.0),
        ("version", Command("pycompose", ["pc", "version"], failure="exit 1: boom"),
         Command("compose", ["dc", "version"], [0.05]), 3.0),
    ]
    assert print_pairs("command", 10, pairs) is False
    assert capsys.readouterr().out == (
        "command     pycompose    compose    ratio   target\n"
        "config        0.200 s    0.100 s    2.00x   <= 2x ok\n"
        "version        failed    0.050 s        -   <= 3x FAILED\n"
        "\npycompose failed: pc version\nexit 1: boom\n"
    )


def test_a_missed_target_fails_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    pairs = [("up", Command("pycompose", ["pc"], [0.5]), Command("compose", ["dc"], [0.1]), 2.0)]
    assert print_pairs("step", 6, pairs) is False
    row = capsys.readouterr().out.splitlines()[1]
    assert row == "up        0.500 s    0.100 s    5.00x   <= 2x MISSED"


def test_pairs_without_targets_have_no_target_column(capsys: pytest.CaptureFixture[str]) -> None:
    pairs = [("pull", Command("pycompose", ["pc"], [0.5]), Command("compose", ["dc"], [0.1]), None)]
    assert print_pairs("case", 6, pairs) is True
    assert capsys.readouterr().out == (
        "case    pycompose    compose    ratio\n"
        "pull      0.500 s    0.100 s    5.00x\n"
    )
