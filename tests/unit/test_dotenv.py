"""The env-file syntax, checked case by case against Docker Compose v2.40.3.

Each expectation was observed with the oracle binary: a project holding the ``.env`` under test
and ``services: {s: {image: x, environment: [KEYS...]}}``, run as
``env -i PATH=$PATH HOME=$HOME docker-compose config --format json`` (or ``--environment``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pycompose.errors import ComposeFileError, Mark
from pycompose.loader.dotenv import parse_dotenv, read_dotenv

NO_ENV: dict[str, str] = {}


def parse(text: str, env: dict[str, str] | None = None) -> dict[str, str]:
    return parse_dotenv(text, filename=".env", lookup=(env or {}).get)


def error_of(text: str, env: dict[str, str] | None = None) -> ComposeFileError:
    with pytest.raises(ComposeFileError) as info:
        parse(text, env)
    return info.value


def test_key_value_pairs_one_per_line() -> None:
    assert parse("A=1\nB=two\n") == {"A": "1", "B": "two"}


def test_export_prefix_is_ignored() -> None:
    assert parse("export A=1\nexport   B=2\nexport\tC=3\n") == {"A": "1", "B": "2", "C": "3"}


def test_export_glued_to_the_key_is_part_of_the_key() -> None:
    assert parse("exportA=1\n") == {"exportA": "1"}


def test_export_and_spaces_ending_the_file_is_an_error() -> None:
    # oracle: "A=1\nexport " -> failed to read .env: zero length string;
    # "A=1\nexport" (no space) instead sets the empty key to "export"
    assert error_of("A=1\nexport ").mark == Mark(".env", 2, 1)
    assert parse("A=1\nexport") == {"A": "1", "": "export"}


def test_export_alone_as_a_key() -> None:
    assert parse("export=1\n") == {"export": "1"}


def test_spaces_around_the_equals_sign_are_ignored() -> None:
    assert parse("   export   A  =  v  \n") == {"A": "v"}


def test_colon_works_like_equals() -> None:
    # oracle: "A: yamlstyle" -> A=yamlstyle, "A:=1" -> A="=1"
    assert parse("A: yamlstyle\nB:=1\nC=:1\n") == {"A": "yamlstyle", "B": "=1", "C": ":1"}


def test_only_the_first_equals_separates() -> None:
    assert parse("A==1\nB=1=2\n") == {"A": "=1", "B": "1=2"}


def test_comment_lines_and_blank_lines_are_skipped() -> None:
    assert parse("# top\n\n  A=1  \n  # indented comment\n\n\tB=2\n") == {"A": "1", "B": "2"}


def test_inline_comment_needs_a_space_before_the_hash() -> None:
    assert parse("A=a#b\nB=a #b\n") == {"A": "a#b", "B": "a"}


def test_a_tab_before_the_hash_does_not_start_a_comment() -> None:
    # oracle: A=a<TAB>#b -> "a\t#b" (compose-go only cuts at " #")
    assert parse("A=a\t#b\n") == {"A": "a\t#b"}


def test_unquoted_value_is_trimmed_on_both_sides() -> None:
    assert parse("A=\t value\t\nB=  spaced  \n") == {"A": "value", "B": "spaced"}


def test_empty_values() -> None:
    assert parse("A=\nB=''\nC=\"\"\n") == {"A": "", "B": "", "C": ""}


def test_a_repeated_key_keeps_its_last_value() -> None:
    assert parse("A=1\nA=2\n") == {"A": "2"}


def test_bare_key_takes_its_value_from_lookup() -> None:
    assert parse("A\nB \n", {"A": "from-env", "B": "b"}) == {"A": "from-env", "B": "b"}


def test_bare_key_without_a_value_anywhere_is_left_out() -> None:
    assert parse("A\nB=1\n") == {"B": "1"}


def test_last_line_without_equals_nor_newline_sets_the_empty_key() -> None:
    # oracle: "A=1\nB" (no final newline) -> `config --environment` lists "=B"
    assert parse("A=1\nB") == {"A": "1", "": "B"}


def test_leading_equals_sets_the_empty_key() -> None:
    # oracle: "=1" -> `config --environment` lists "=1"
    assert parse("=1\n") == {"": "1"}


def test_key_characters_beyond_letters_and_digits() -> None:
    assert parse("A-B=1\nA.B=2\nA[0]=3\n1A=4\né=5\n") == {
        "A-B": "1",
        "A.B": "2",
        "A[0]": "3",
        "1A": "4",
        "é": "5",
    }


def test_a_tab_inside_a_key_is_accepted() -> None:
    # oracle: "A\tB=1" is accepted and `config --environment` prints "A\tB=1"
    assert parse("A\tB=1\n") == {"A\tB": "1"}


def test_invalid_character_in_a_key_is_an_error_at_that_character() -> None:
    # oracle: line 3: unexpected character "$" in variable name "B$=1"
    error = error_of("A='x'\n\n  B$=1\n")
    assert error.mark == Mark(".env", 3, 4)
    assert 'unexpected character "$" in variable name "B$=1"' in str(error)


def test_a_comment_right_after_a_bare_key_is_an_error() -> None:
    # oracle: unexpected character "#" in variable name "A #comment"
    assert "unexpected character" in str(error_of("A #comment\n"))


def test_space_inside_a_key_is_an_error() -> None:
    # oracle: line 4: key cannot contain a space
    error = error_of("\n\n\nA B=1\n")
    assert error.mark == Mark(".env", 4, 1)
    assert "key cannot contain a space" in str(error)


def test_single_quotes_are_literal() -> None:
    assert parse("A='a #b $HOME \\n'\n", {"HOME": "/root"}) == {"A": "a #b $HOME \\n"}


def test_single_quotes_unescape_only_the_quote() -> None:
    assert parse("A='a\\'b'\nB='a\\\\b'\nC='a\\b'\n") == {"A": "a'b", "B": "a\\\\b", "C": "a\\b"}


def test_double_quotes_expand_escapes() -> None:
    assert parse('A="\\n\\r\\t\\"\\\\\\b\\f\\v\\a"\n') == {"A": '\n\r\t"\\\b\f\v\a'}


def test_double_quotes_keep_unknown_escapes() -> None:
    assert parse('A="\\x41\\u0041\\q\\c\\\'"\n') == {"A": "\\x41\\u0041\\q\\c\\'"}


def test_double_quotes_octal_escapes_start_with_zero() -> None:
    assert parse('A="\\0101"\nB="\\0123"\nC="\\01234"\nD="\\0377"\n') == {
        "A": "A",
        "B": "S",
        "C": "S4",
        "D": "\xff",
    }


def test_double_quotes_short_octal_keeps_the_rewritten_escape() -> None:
    # oracle: "\07" -> "\7", "\0" -> "\", "\08" -> "\8" (compose-go drops the 0 even on failure)
    assert parse('A="\\07"\nB="\\0"\nC="\\08"\nD="\\0400"\n') == {
        "A": "\\7",
        "B": "\\",
        "C": "\\8",
        "D": "\\400",
    }


def test_backslash_dollar_in_double_quotes_is_a_literal_dollar() -> None:
    assert parse('A="\\$B"\n', {"B": "b"}) == {"A": "$B"}


def test_backslash_before_closing_double_quote_escapes_it() -> None:
    assert parse('A="a\\\\"\nB="a\\"b"\n') == {"A": "a\\", "B": 'a"b'}


def test_quoted_values_may_span_lines() -> None:
    assert parse("A=\"multi\nline\"\nB='x\ny'\nC=3\n") == {
        "A": "multi\nline",
        "B": "x\ny",
        "C": "3",
    }


def test_spaces_around_a_quoted_value_are_ignored() -> None:
    assert parse("A=  'q'  \nB= \"q\"  # c\n") == {"A": "q", "B": "q"}


def test_text_after_a_closing_quote_is_the_next_statement() -> None:
    # oracle: A="x" B=y -> A=x and B=y; A="x"junk=5 -> junk=5
    assert parse('A="x" B=y\nC="z"junk=5\n') == {"A": "x", "B": "y", "C": "z", "junk": "5"}


def test_junk_after_a_closing_quote_is_a_bare_key() -> None:
    assert parse('A="x"junk\n') == {"A": "x"}


def test_a_second_quoted_string_after_a_value_is_an_error() -> None:
    # oracle: unexpected character "\"" in variable name "\"y\""
    error = error_of('A="x" "y"\n')
    assert error.mark == Mark(".env", 1, 7)


def test_quotes_inside_an_unquoted_value_are_kept() -> None:
    assert parse('A=x"y"\nB=x \'y\'\nC=x"\n') == {"A": 'x"y"', "B": "x 'y'", "C": 'x"'}


def test_crlf_line_endings() -> None:
    assert parse('A=1\r\nB="2"\r\nC\r\n', {"C": "c"}) == {"A": "1", "B": "2", "C": "c"}


def test_unterminated_double_quote_is_an_error_at_the_quote() -> None:
    # oracle: unterminated quoted value "unterminated
    error = error_of('A=1\nB="unterminated\nC=3\n')
    assert error.mark == Mark(".env", 2, 3)
    assert 'unterminated quoted value "unterminated' in str(error)


def test_unterminated_single_quote_is_an_error() -> None:
    assert "unterminated quoted value 'x" in str(error_of("A='x\n"))


def test_escaped_closing_quote_leaves_the_value_unterminated() -> None:
    assert "unterminated" in str(error_of('A="$B\\"\n'))


def test_unquoted_and_double_quoted_values_are_interpolated() -> None:
    env = {"B": "b"}
    assert parse('A=$B-${B}x\nC="${B:-no} ${U:-d}"\n', env) == {"A": "b-bx", "C": "b d"}


def test_expansion_sees_keys_defined_earlier_in_the_file() -> None:
    assert parse("A=1\nB=${A}2\n") == {"A": "1", "B": "12"}


def test_expansion_does_not_see_keys_defined_later() -> None:
    assert parse("B=${A}\nA=file\n") == {"B": "", "A": "file"}


def test_lookup_wins_over_the_files_own_earlier_value() -> None:
    # oracle: env_file "A=file\nB=${A}" with A=env in the project environment
    # -> environment {"A": "file", "B": "env"}
    assert parse("A=file\nB=${A}\n", {"A": "env"}) == {"A": "file", "B": "env"}


def test_dollar_dollar_is_a_literal_dollar() -> None:
    assert parse('A=$$x\nB="$$y"\n') == {"A": "$x", "B": "$y"}


def test_a_dollar_not_starting_a_variable_is_literal() -> None:
    assert parse("A=$1\nB=$\nC=a$\nD=$ b\n") == {"A": "$1", "B": "$", "C": "a$", "D": "$ b"}


def test_unset_variable_expands_to_empty_with_a_warning() -> None:
    warnings: list[str] = []
    result = parse_dotenv("A=x${B}y\n", filename=".env", lookup=NO_ENV.get, warn=warnings.append)
    assert result == {"A": "xy"}
    assert warnings == ['The "B" variable is not set. Defaulting to a blank string.']


def test_required_variable_error_names_the_line() -> None:
    # oracle: required variable B is missing a value: need
    error = error_of("X=1\nA=${B:?need}\n")
    assert error.mark == Mark(".env", 2, 3)
    assert "required variable B is missing a value: need" in str(error)


def test_invalid_interpolation_is_an_error() -> None:
    # oracle: failed to read .env: Invalid template: "${B"
    assert '"${B"' in str(error_of("A=${B\n"))


def test_inline_comment_is_cut_before_interpolation() -> None:
    # oracle: A=${B:-a #b} -> Invalid template: "${B:-a"
    assert '"${B:-a"' in str(error_of("A=${B:-a #b}\n"))
    assert parse("A=${B:-a#b}\n") == {"A": "a#b"}


def test_byte_order_mark_is_ignored() -> None:
    assert parse("\ufeffA=1\n") == {"A": "1"}


def test_read_dotenv_reads_utf8_and_drops_the_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_bytes("\ufeffA=é\nB=${A}\n".encode())
    assert read_dotenv(str(path), NO_ENV.get) == {"A": "é", "B": "é"}


def test_read_dotenv_rejects_invalid_utf8_with_a_position(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_bytes(b"A=1\nB=\xff\n")
    with pytest.raises(ComposeFileError) as info:
        read_dotenv(str(path), NO_ENV.get)
    assert info.value.mark == Mark(str(path), 2, 3)
