"""Interpolation and type casts, checked case by case against Docker Compose v2.40.3.

Expectations were observed with the oracle binary on ``services: {s: {image: x, environment:
{V: <value>}}}`` run as ``env -i PATH=$PATH HOME=$HOME SET=val EMPTY= docker-compose config
--format json``. That output doubles every ``$`` (``config`` re-escapes its output), so an
oracle ``"$$"`` is a ``"$"`` here.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from pycompose.errors import ComposeFileError, InterpolationError, Mark
from pycompose.loader.interpolate import (
    cast_interpolated,
    interpolate_string,
    interpolate_tree,
    to_float,
    to_float32,
    to_int,
)
from pycompose.loader.tree import YMap, YSeq

ENV = {"SET": "val", "EMPTY": "", "K": "kv"}
NO_ENV: dict[str, str] = {}


def interp(value: str, env: dict[str, str] | None = None) -> str:
    return interpolate_string(value, (ENV if env is None else env).get)


def warnings_of(value: str) -> list[str]:
    warnings: list[str] = []
    interpolate_string(value, ENV.get, warn=warnings.append)
    return warnings


def error_of(value: str) -> str:
    with pytest.raises(InterpolationError) as info:
        interp(value)
    return str(info.value)


def unset(name: str) -> str:
    return f'The "{name}" variable is not set. Defaulting to a blank string.'


# --- interpolate_string -----------------------------------------------------------------------


def test_string_without_dollar_is_unchanged() -> None:
    assert interp("plain {text} }") == "plain {text} }"


def test_named_and_braced_variables() -> None:
    assert interp("$SET ${SET}x pre${SET}post") == "val valx prevalpost"


def test_name_ends_at_the_first_non_name_character() -> None:
    assert interp("$SET.$SET-$SET/") == "val.val-val/"
    assert interp("$SETx") == ""


def test_names_are_case_sensitive() -> None:
    assert interp("$set") == ""


def test_unset_variable_is_empty_and_warns_with_composes_text() -> None:
    assert interp("[${NOPE}]") == "[]"
    assert warnings_of("$NOPE") == [unset("NOPE")]


def test_each_use_of_an_unset_variable_warns() -> None:
    # oracle: "${A}${A}${B}" printed the warning for A twice, then B
    assert warnings_of("${A}${A}${B}") == [unset("A"), unset("A"), unset("B")]


def test_dollar_dollar_is_one_literal_dollar() -> None:
    assert interp("a$$b $$SET $$$SET $$$$") == "a$b $SET $val $$"


def test_dollar_dollar_before_a_brace_keeps_the_braces() -> None:
    assert interp("$${SET}") == "${SET}"


def test_dollar_not_followed_by_a_name_is_kept() -> None:
    # oracle: "$1" -> "$$1" in config output, no error and no warning
    assert [interp(v) for v in ("$1", "$", "a$", "$ b", "$-")] == ["$1", "$", "a$", "$ b", "$-"]


def test_kelvin_sign_and_long_s_are_name_characters_but_dotless_i_is_not() -> None:
    # Go's case-insensitive [a-z]: oracle warned about "K" (U+212A) and "ſ", kept "$ı"
    assert warnings_of("$\u212a") == [unset("\u212a")]
    assert warnings_of("$\u017f") == [unset("\u017f")]
    assert interp("$\u0131") == "$\u0131"


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("${UNSET:-d}", "d"),
        ("${EMPTY:-d}", "d"),
        ("${SET:-d}", "val"),
        ("${UNSET-d}", "d"),
        ("${EMPTY-d}", ""),
        ("${SET-d}", "val"),
    ],
)
def test_defaults_with_and_without_colon(template: str, expected: str) -> None:
    assert interp(template) == expected


def test_empty_default_gives_empty_without_a_warning() -> None:
    assert interp("${UNSET:-}") == ""
    assert warnings_of("${UNSET:-}") == []


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("${SET:+alt}", "alt"),
        ("${EMPTY:+alt}", ""),
        ("${UNSET:+alt}", ""),
        ("${SET+alt}", "alt"),
        ("${EMPTY+alt}", "alt"),
        ("${UNSET+alt}", ""),
    ],
)
def test_alternative_values(template: str, expected: str) -> None:
    assert interp(template) == expected


def test_required_non_empty_fails_on_unset_and_empty() -> None:
    assert (
        error_of("${UNSET:?must be set}")
        == "required variable UNSET is missing a value: must be set"
    )
    assert (
        error_of("${EMPTY:?must be set}")
        == "required variable EMPTY is missing a value: must be set"
    )
    assert interp("${SET:?x}") == "val"


def test_required_set_accepts_an_empty_value() -> None:
    assert interp("${EMPTY?}") == ""
    assert error_of("${UNSET?oops}") == "required variable UNSET is missing a value: oops"


def test_required_without_a_message_has_no_colon_suffix() -> None:
    # oracle: "required variable EMPTY is missing a value" (nothing after "value")
    assert error_of("${EMPTY:?}") == "required variable EMPTY is missing a value"


def test_required_message_is_interpolated() -> None:
    assert error_of("${UNSET:?err $SET}") == "required variable UNSET is missing a value: err val"


def test_nested_defaults() -> None:
    assert interp("${UNSET:-${UNSET2:-c}}") == "c"
    assert interp("${UNSET:-${SET:-${EMPTY:-deep}}}x") == "valx"
    assert interp("${UNSET:-$SET}") == "val"


def test_default_is_interpolated_even_when_not_used() -> None:
    # oracle: "${SET:-$UNSET}" -> "val" plus a warning for UNSET;
    # "${SET:-${UNSET:?boom}}" -> error although SET is set
    assert warnings_of("${SET:-$UNSET}") == [unset("UNSET")]
    assert error_of("${SET:-${UNSET:?boom}}") == "required variable UNSET is missing a value: boom"


def test_the_operator_is_the_first_one_after_the_name() -> None:
    assert interp("${UNSET-a:-b}") == "a:-b"
    assert interp("${UNSET:-a:-b}") == "a:-b"
    assert interp("${UNSET-a?b}") == "a?b"
    assert interp("${UNSET:-x-y:-z}") == "x-y:-z"
    assert error_of("${UNSET?a-b}") == "required variable UNSET is missing a value: a-b"


def test_several_expressions_in_one_string() -> None:
    assert interp("${A:-x} and ${B:-y}") == "x and y"
    assert interp("${SET:-a}${SET}") == "valval"


def test_extra_closing_braces_are_literal() -> None:
    # oracle: "${UNSET:-x}y}" -> "xy}", "${SET}}" -> "val}"
    assert interp("${UNSET:-x}y}") == "xy}"
    assert interp("${SET}}") == "val}"
    assert interp("{${SET}}") == "{val}"


def test_balanced_braces_inside_a_default() -> None:
    assert interp("${A:-{x}}") == "{x}"
    assert interp("${A:-{}x}") == "{}x"


@pytest.mark.parametrize(
    "template", ["${", "${SET", "${SET:x}", "${}", "${ SET }", "${SET }", "${1A}"]
)
def test_malformed_braces_are_errors_naming_the_template(template: str) -> None:
    message = error_of(template)
    assert message.startswith("invalid interpolation format")
    assert f'"{template}"' in message
    assert "escape any $ with another $" in message


def test_malformed_expression_inside_a_default_names_the_inner_template() -> None:
    # oracle: "${UNSET:-${}}" -> "...\n${}"
    assert '"${}"' in error_of("${UNSET:-${}}")


def test_character_after_an_inner_open_brace_is_skipped_when_matching_braces() -> None:
    # oracle: "x ${UNSET:-${} y" reports the template "${" (compose-go's brace counter skips the
    # "}" right after "{", so the default is "${")
    assert '"${"' in error_of("x ${UNSET:-${} y")


def test_the_first_error_in_a_string_wins() -> None:
    assert error_of("${UNSET?a} ${}") == "required variable UNSET is missing a value: a"
    assert '"${} ${UNSET?a}"' in error_of("${} ${UNSET?a}")


def test_a_default_cannot_span_lines() -> None:
    # oracle: "${UNSET:-a\nb}" (a double-quoted YAML string) is an invalid interpolation format
    assert "invalid interpolation format" in error_of("${UNSET:-a\nb}")


def test_a_value_containing_a_dollar_is_not_interpolated_again() -> None:
    assert interp("${D}", {"D": "a$b ${X}"}) == "a$b ${X}"


# --- interpolate_tree -------------------------------------------------------------------------


def marked_tree() -> YMap:
    env = YMap({"${K}": "${SET}", "B": "x"}, mark=Mark("c.yaml", 5, 7))
    env.key_marks = {"${K}": Mark("c.yaml", 5, 7), "B": Mark("c.yaml", 6, 7)}
    env.value_marks = {"${K}": Mark("c.yaml", 5, 13), "B": Mark("c.yaml", 6, 10)}
    command = YSeq(["echo", "$$HOME", "${UNSET}"], mark=Mark("c.yaml", 7, 14))
    command.item_marks = [Mark("c.yaml", 7, 15), Mark("c.yaml", 7, 23), Mark("c.yaml", 7, 33)]
    service = YMap(
        {"image": "busybox:${TAG:-1}", "environment": env, "command": command, "scale": 2}
    )
    service.value_marks = {"image": Mark("c.yaml", 4, 12)}
    service.resets = {"command"}
    service.overrides = {"environment"}
    services = YMap({"web": service}, mark=Mark("c.yaml", 2, 3))
    return YMap({"services": services}, mark=Mark("c.yaml", 1, 1))


def test_tree_interpolates_values_but_not_keys() -> None:
    # oracle: environment {"${K}": v} stays keyed "${K}" (printed "$${K}")
    out = interpolate_tree(marked_tree(), ENV.get)
    web = out["services"]["web"]
    assert web["environment"] == {"${K}": "val", "B": "x"}
    assert web["command"] == ["echo", "$HOME", ""]
    assert web["image"] == "busybox:1"
    assert web["scale"] == 2


def test_tree_keeps_marks_resets_and_overrides_on_new_containers() -> None:
    tree = marked_tree()
    out = interpolate_tree(tree, ENV.get)
    web = out["services"]["web"]
    assert isinstance(web, YMap) and web is not tree["services"]["web"]
    assert web.resets == {"command"} and web.overrides == {"environment"}
    assert web["environment"].value_marks["B"] == Mark("c.yaml", 6, 10)
    assert isinstance(web["command"], YSeq)
    assert web["command"].item_marks[2] == Mark("c.yaml", 7, 33)
    assert out.mark == Mark("c.yaml", 1, 1)


def test_tree_leaves_its_input_unchanged() -> None:
    tree = marked_tree()
    out = interpolate_tree(tree, ENV.get)
    out["services"]["web"].resets.add("image")
    out["services"]["web"]["environment"].value_marks.clear()
    assert tree["services"]["web"]["image"] == "busybox:${TAG:-1}"
    assert tree["services"]["web"].resets == {"command"}
    assert "B" in tree["services"]["web"]["environment"].value_marks


def test_tree_of_plain_dicts_and_lists_stays_plain() -> None:
    out = interpolate_tree({"a": ["$SET", {"b": "${SET}"}]}, ENV.get)
    assert out == {"a": ["val", {"b": "val"}]}
    assert type(out) is dict and type(out["a"]) is list


def test_tree_error_names_the_value_mark_and_yaml_path() -> None:
    tree = marked_tree()
    tree["services"]["web"]["command"][1] = "${oops"
    with pytest.raises(ComposeFileError) as info:
        interpolate_tree(tree, ENV.get)
    assert info.value.mark == Mark("c.yaml", 7, 23)
    assert info.value.path == ("services", "web", "command", 1)
    assert str(info.value).startswith("c.yaml:7:23: services.web.command[1]: invalid interpolation")


def test_tree_error_without_marks_falls_back_to_the_file() -> None:
    with pytest.raises(InterpolationError) as info:
        interpolate_tree({"x-a": {"b": "${NEED:?set it}"}}, ENV.get, file="c.yaml")
    assert str(info.value) == ("c.yaml: x-a.b: required variable NEED is missing a value: set it")


def test_tree_warns_once_per_unset_variable() -> None:
    warnings: list[str] = []
    interpolate_tree({"a": "$U", "b": ["$U", "${U}", "$V"]}, ENV.get, warn=warnings.append)
    assert warnings == [unset("U"), unset("V")]


# --- casts ------------------------------------------------------------------------------------


def service(**attrs: Any) -> dict[str, Any]:
    return {"services": {"s": {"image": "x", **attrs}}}


def cast_service(env: dict[str, str] | None = None, **attrs: Any) -> Any:
    return interpolate_tree(service(**attrs), (env or {}).get)["services"]["s"]


def cast_error(env: dict[str, str] | None = None, **attrs: Any) -> str:
    with pytest.raises(InterpolationError) as info:
        cast_service(env, **attrs)
    return str(info.value)


def test_boolean_attributes_are_cast_after_interpolation() -> None:
    out = cast_service({"X": "true", "Y": "FALSE"}, privileged="${X}", tty="${Y}", init="True")
    assert out["privileged"] is True and out["tty"] is False and out["init"] is True


def test_yaml_11_booleans_are_accepted_with_a_warning() -> None:
    # oracle: privileged: 'yes' -> true and the warning below; "On" keeps its case in the warning
    warnings: list[str] = []
    out = interpolate_tree(
        service(privileged="yes", read_only="On"), NO_ENV.get, warn=warnings.append
    )
    assert out["services"]["s"]["privileged"] is True
    assert warnings == [
        '"yes" for boolean is not supported by YAML 1.2, please use `true`',
        '"On" for boolean is not supported by YAML 1.2, please use `true`',
    ]


def test_an_uncastable_boolean_is_an_error_naming_path_and_type() -> None:
    # oracle: error while interpolating services.s.privileged: failed to cast to expected type:
    # invalid boolean: maybe
    message = cast_error({"X": "maybe"}, privileged="${X}")
    assert message == (
        "services.s.privileged: failed to cast to expected type: invalid boolean: maybe"
    )
    assert cast_error(privileged="").endswith("invalid boolean: ")


def test_integer_attributes_are_cast() -> None:
    out = cast_service(
        {"N": "8080"},
        ports=[{"target": "${N}", "published": "${N}"}],
        deploy={"replicas": "+3", "placement": {"max_replicas_per_node": "05"}},
        ulimits={"nofile": "${N}", "nproc": {"soft": "1", "hard": "2"}},
        healthcheck={"retries": "4", "interval": "10s"},
    )
    # oracle: published stays the string "8080"; target becomes 8080
    assert out["ports"] == [{"target": 8080, "published": "8080"}]
    assert out["deploy"] == {"replicas": 3, "placement": {"max_replicas_per_node": 5}}
    assert out["ulimits"] == {"nofile": 8080, "nproc": {"soft": 1, "hard": 2}}
    assert out["healthcheck"] == {"retries": 4, "interval": "10s"}


def test_integer_cast_errors_quote_gos_strconv() -> None:
    # oracle: strconv.Atoi: parsing "1.5": invalid syntax / strconv.ParseInt: parsing "1.5"...
    assert cast_error(scale="1.5").endswith('strconv.Atoi: parsing "1.5": invalid syntax')
    assert cast_error(cpu_count="1.5").endswith('strconv.ParseInt: parsing "1.5": invalid syntax')
    assert cast_error(scale="9223372036854775808").endswith("value out of range")
    assert cast_error(scale=" 5").endswith('parsing " 5": invalid syntax')


def test_float_attributes_are_cast() -> None:
    out = cast_service(cpu_percent="1_000", deploy={"update_config": {"max_failure_ratio": ".5"}})
    assert out["cpu_percent"] == 1000.0
    assert out["deploy"]["update_config"]["max_failure_ratio"] == 0.5


def test_go_float_syntax() -> None:
    # oracle (cpus): "0x1.8p1" -> 3, "1e3" -> 1000, "5." -> 5; "0x10", "1__0", "+nan" rejected
    assert [to_float(v) for v in ("0x1.8p1", "1e3", "5.", "-Infinity")] == [
        3.0,
        1000.0,
        5.0,
        float("-inf"),
    ]
    for bad in ("0x10", "1__0", "_1", "1_", "+nan", "1e", " 1", "infinit"):
        with pytest.raises(Exception, match="invalid syntax"):
            to_float(bad)


def test_float_cast_errors_quote_the_text_as_go_does() -> None:
    # Go's strconv quotes the text with %q: an inner quote and a tab are escaped.
    assert cast_error(cpu_percent='1"\t').endswith(
        'strconv.ParseFloat: parsing "1\\"\\t": invalid syntax'
    )
    assert cast_error(cpus="1e400").endswith(
        'strconv.ParseFloat: parsing "1e400": value out of range'
    )


def test_cpus_are_single_precision() -> None:
    # oracle: cpus "1.00000001" -> 1, "16777217" -> 16777216, "3.4028236e38" out of range
    assert cast_service(cpus="1.00000001")["cpus"] == 1.0
    assert to_float32("16777217") == 16777216.0
    assert to_float32("1.1") == 1.1
    assert cast_error(cpus="3.4028236e38").endswith("value out of range")


def test_int_cast_accepts_sign_and_leading_zeros_only() -> None:
    assert [to_int(v) for v in ("+5", "-5", "05")] == [5, -5, 5]


def test_top_level_resource_flags_are_cast() -> None:
    tree = {
        "networks": {"n": {"external": "false", "enable_ipv4": "true", "enable_ipv6": "no"}},
        "volumes": {"v": {"external": "true"}},
        "secrets": {"s": {"external": "true"}},
        "configs": {"c": {"external": "false"}},
    }
    out = interpolate_tree(tree, NO_ENV.get)
    assert out["networks"]["n"] == {"external": False, "enable_ipv4": True, "enable_ipv6": False}
    assert out["volumes"]["v"]["external"] is True
    assert out["secrets"]["s"]["external"] is True and out["configs"]["c"]["external"] is False


def test_attributes_outside_the_cast_table_stay_strings() -> None:
    # oracle (v2.40.3): secrets[].mode, mem_limit, published ports and x-* keys are not cast here
    extension: dict[str, Any] = {"x-flag": "true"}
    out = cast_service(secrets=[{"source": "a", "mode": "0400"}], mem_limit="1g", **extension)
    assert out["secrets"][0]["mode"] == "0400"
    assert out["mem_limit"] == "1g" and out["x-flag"] == "true"


def test_service_name_with_a_dot_is_still_matched() -> None:
    # oracle: services "a.b" with privileged: ${X}=maybe failed to cast at services.a.b.privileged
    tree = {"services": {"a.b": {"privileged": "yes"}}}
    assert interpolate_tree(tree, NO_ENV.get)["services"]["a.b"]["privileged"] is True


def test_values_that_are_not_strings_are_not_cast() -> None:
    assert cast_service(privileged=True, scale=3, cpus=1.5) == {
        "image": "x",
        "privileged": True,
        "scale": 3,
        "cpus": 1.5,
    }


def test_casts_can_be_switched_off() -> None:
    out = interpolate_tree(service(privileged="${X}"), {"X": "maybe"}.get, cast=False)
    assert out["services"]["s"]["privileged"] == "maybe"


def test_cast_interpolated_alone_casts_without_interpolating() -> None:
    out = cast_interpolated(service(privileged="true", image="$$x"))
    assert out["services"]["s"] == {"image": "$$x", "privileged": True}


def test_a_thousand_services_interpolate_quickly() -> None:
    services = {}
    for i in range(1000):
        services[f"svc{i}"] = YMap(
            {
                "image": f"busybox{i}:${{TAG:-latest}}",
                "environment": YMap({f"K{j}": f"v{i}-{j}-${{V{j}:-d}}" for j in range(8)}),
                "command": YSeq(["sh", "-c", "echo $$HOME"]),
                "ports": YSeq([YMap({"target": "80", "published": "8080"})]),
                "privileged": "${PRIV:-false}",
                "deploy": YMap({"replicas": "2"}),
            }
        )
    tree = YMap({"services": YMap(services)})
    best = min(_timed(lambda: interpolate_tree(tree, {"TAG": "1"}.get)) for _ in range(3))
    # about 0.04 s of CPU on the project's 2-core machine; the bound leaves room for a busy one
    assert best < 0.5


def _timed(run: Any) -> float:
    start = time.process_time()
    run()
    return time.process_time() - start
