"""Go durations, go-units byte sizes and Go float formatting (pycompose.loader.units).

Expected values were printed by Docker Compose v2.40.3 (`config --format json`) unless a comment
says they come from Go's documented behaviour.
"""

from __future__ import annotations

import math

import pytest

from pycompose.loader.units import (
    UnitError,
    float32_shortest,
    format_duration,
    go_float,
    go_string,
    normalize_duration,
    parse_bytes,
    parse_duration,
    parse_go_float,
)

SECOND = 1_000_000_000


@pytest.mark.parametrize(
    ("written", "printed"),
    [
        # oracle: stop_grace_period / healthcheck durations
        ("90s", "1m30s"),
        ("1h30m", "1h30m0s"),
        ("1.5s", "1.5s"),
        ("100ms", "100ms"),
        ("1500us", "1.5ms"),
        ("1m0.5s", "1m0.5s"),
        ("0.000001s", "1µs"),
        ("2h", "2h0m0s"),
        ("36h", "36h0m0s"),
        ("1µs", "1µs"),
        ("1.23456789123s", "1.234567891s"),
        (".5s", "500ms"),
        ("5.s", "5s"),
        ("1h1m1s1ms1us1ns", "1h1m1.001001001s"),
        ("-5s", "-5s"),
    ],
)
def test_durations_print_as_go_prints_them(written: str, printed: str) -> None:
    assert normalize_duration(written) == printed


def test_duration_accepts_both_micro_signs_and_a_bare_zero() -> None:
    assert parse_duration("1\u00b5s") == parse_duration("1\u03bcs") == 1_000
    assert parse_duration("0") == parse_duration("+0") == parse_duration("-0") == 0
    assert format_duration(0) == "0s"


@pytest.mark.parametrize(
    ("written", "message"),
    [
        # oracle: 'services[web].stop_grace_period' time: unknown unit "x" in duration "5x"
        ("5x", 'time: unknown unit "x" in duration "5x"'),
        ("5", 'time: missing unit in duration "5"'),
        ("1h30", 'time: missing unit in duration "1h30"'),
        ("", 'time: invalid duration ""'),
        (".s", 'time: invalid duration ".s"'),
        ("1e3s", 'time: unknown unit "e" in duration "1e3s"'),
    ],
)
def test_bad_durations_fail_with_go_messages(written: str, message: str) -> None:
    with pytest.raises(UnitError) as caught:
        parse_duration(written)
    assert str(caught.value) == message


def test_duration_range_is_int64_nanoseconds() -> None:
    # Go: the largest Duration is 2562047h47m16.854775807s; the smallest one more, negated.
    assert parse_duration("2562047h47m16.854775807s") == 2**63 - 1
    assert parse_duration("-2562047h47m16.854775808s") == -(2**63)
    with pytest.raises(UnitError, match="invalid duration"):
        parse_duration("2562047h47m16.854775808s")


@pytest.mark.parametrize(
    ("written", "size"),
    [
        # oracle: mem_limit values and the byte counts config printed for them
        ("1e3", 1000),
        (".5g", 536870912),
        ("1.g", 1073741824),
        ("1.5 GB", 1610612736),
        ("1gib", 1073741824),
        ("1KB", 1024),
        ("1kib", 1024),
        ("1gb", 1073741824),
        ("1b", 1),
        ("1 ", 1),
        ("1 g", 1073741824),
        ("1p", 1125899906842624),
        ("1t", 1099511627776),
        ("+5m", 5242880),
        ("1_0k", 10240),
        ("1E3", 1000),
        ("5.", 5),
        ("1.9", 1),
        ("0.5k", 512),
        ("10000000000p", -(2**63)),  # Go's int64() of an out-of-range float on amd64
        (1073741824, 1073741824),
        (-1, -1),
    ],
)
def test_byte_sizes_read_as_go_units_reads_them(written: str | int, size: int) -> None:
    assert parse_bytes(written) == size


@pytest.mark.parametrize(
    ("written", "message"),
    [
        # oracle: 'services[web].mem_limit' <message>
        ("1bb", "invalid suffix: 'bb'"),
        ("1x", "invalid suffix: 'x'"),
        ("1gi", "invalid suffix: 'gi'"),
        ("1mi", "invalid suffix: 'mi'"),
        ("-1", "invalid size: '-1'"),
        ("inf", "invalid size: 'inf'"),
        ("Infinity", "invalid size: 'Infinity'"),
        ("1.5.5", 'strconv.ParseFloat: parsing "1.5.5": invalid syntax'),
        (" 1", 'strconv.ParseFloat: parsing " 1": invalid syntax'),
        ("5 m b", 'strconv.ParseFloat: parsing "5 m": invalid syntax'),
        ("1e400", 'strconv.ParseFloat: parsing "1e400": value out of range'),
        ("0x10", 'strconv.ParseFloat: parsing "0x10": invalid syntax'),
        ("0b11", 'strconv.ParseFloat: parsing "0b11": invalid syntax'),
        ("1__0", 'strconv.ParseFloat: parsing "1__0": invalid syntax'),
        ("_1", 'strconv.ParseFloat: parsing "_1": invalid syntax'),
    ],
)
def test_bad_byte_sizes_fail_with_go_units_messages(written: str, message: str) -> None:
    with pytest.raises(UnitError) as caught:
        parse_bytes(written)
    assert str(caught.value) == message


def test_booleans_are_not_byte_sizes() -> None:
    with pytest.raises(UnitError):
        parse_bytes(True)


def test_go_float_parsing_follows_strconv() -> None:
    # Go's strconv.ParseFloat: underscores only between digits, hex needs a p exponent.
    assert parse_go_float("1_000.5") == 1000.5
    assert parse_go_float("0x1.8p1") == 3.0
    assert parse_go_float("-Infinity") == -math.inf
    assert math.isnan(parse_go_float("NaN"))
    for bad in ("+nan", "1_", "1e", "0x1.8", ""):
        with pytest.raises(UnitError, match="invalid syntax"):
            parse_go_float(bad)


@pytest.mark.parametrize(
    ("number", "text"),
    [
        # oracle: float environment values (`A: 1000000.0` -> "1e+06") and x-* floats in YAML
        (100000.0, "100000"),
        (1000000.0, "1e+06"),
        (1234567.0, "1.234567e+06"),
        (12345678.5, "1.23456785e+07"),
        (-1e7, "-1e+07"),
        (0.0001, "0.0001"),
        (0.00001, "1e-05"),
        (0.000123, "0.000123"),
        (1.5e-7, "1.5e-07"),
        (123456789012345.0, "1.23456789012345e+14"),
        (1e20, "1e+20"),
        (1e21, "1e+21"),
        (18446744073709551616.0, "1.8446744073709552e+19"),
        (1.0, "1"),
        (0.5, "0.5"),
        (-0.0, "-0"),
        (math.inf, "+Inf"),
        (-math.inf, "-Inf"),
        (math.nan, "NaN"),
    ],
)
def test_floats_print_as_go_percent_v(number: float, text: str) -> None:
    assert go_float(number) == text


def test_float32_values_keep_their_shortest_single_precision_form() -> None:
    # oracle: `cpus: 0.3333333333` prints as 0.33333334
    assert float32_shortest(0.3333333333) == 0.33333334
    assert float32_shortest(0.1) == 0.1
    assert float32_shortest(16777217.0) == 16777216.0


def test_scalars_become_strings_as_compose_makes_them() -> None:
    # oracle: environment `A: 0400` -> "256", `D: yes` -> "yes", `I: 1.0` -> "1",
    # `N: .inf` -> "+Inf"; labels `a: true` -> "true", `c:` (null) -> ""
    assert [go_string(v) for v in (256, "yes", 1.0, math.inf, True, None)] == [
        "256",
        "yes",
        "1",
        "+Inf",
        "true",
        "",
    ]
