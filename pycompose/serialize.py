"""The one encoder behind ``config --format json|yaml`` and the config-hash.

JSON is written as Go's ``encoding/json`` writes it (``&``, ``<``, ``>`` escaped as ``\\u0026``...,
non-ASCII kept), so hashes computed from it equal Docker Compose v2's. YAML is written as
go-yaml writes it: block style, two-space indentation, strings quoted only where a plain scalar
would read back as something else.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

_GO_ESCAPES = str.maketrans({"&": "\\u0026", "<": "\\u003c", ">": "\\u003e",
                             "\u2028": "\\u2028", "\u2029": "\\u2029"})


def to_json(tree: Any, *, indent: int | None = 2) -> str:
    """JSON text as Compose prints it (``indent=None`` gives the compact form used for hashes)."""
    if indent is None:
        text = json.dumps(tree, ensure_ascii=False, separators=(",", ":"))
    else:
        text = json.dumps(tree, ensure_ascii=False, indent=indent)
    return text.translate(_GO_ESCAPES)


def config_hash(obj: Any) -> str:
    """SHA-256 (hex) of the compact JSON of ``obj``, as in ``com.docker.compose.config-hash``."""
    return hashlib.sha256(to_json(obj, indent=None).encode("utf-8")).hexdigest()


# Plain scalars that a YAML 1.1 or 1.2 reader would not read back as the same string.
_NEEDS_QUOTES = re.compile(
    r"""^(?:
        ~|null|Null|NULL|
        y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|
        [-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?|
        [-+]?0[xX][0-9a-fA-F_]+|[-+]?0[oO]?[0-7_]+|[-+]?0[bB][01_]+|
        [-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|
        [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?|
        <<|=
    )$""",
    re.VERBOSE,
)
_SPECIAL_START = set("-?:,[]{}#&*!|>'\"%@`")


def _yaml_scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        from pycompose.loader.units import go_float

        return go_float(value) if isinstance(value, float) else str(value)
    return _yaml_string(str(value))


def _yaml_string(text: str) -> str:
    if (
        text == ""
        or _NEEDS_QUOTES.match(text)
        or text[0] in _SPECIAL_START
        or text[0] == " "
        or text[-1] == " "
        or ": " in text
        or " #" in text
        or text.endswith(":")
        or "\t" in text
        or any(ord(c) < 32 or c == "\x7f" for c in text)
    ):
        return json.dumps(text, ensure_ascii=False)
    return text


def _yaml_lines(value: Any, indent: int, out: list[str], prefix: str) -> None:
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            out.append(f"{prefix}{{}}" if prefix else pad + "{}")
            return
        if prefix:
            out.append(prefix.rstrip())
        for key, item in value.items():
            key_text = _yaml_string(str(key))
            _yaml_item(f"{pad}{key_text}:", item, indent, out)
        return
    out.append(prefix + _yaml_scalar(value))


def _yaml_item(head: str, item: Any, indent: int, out: list[str]) -> None:
    if isinstance(item, dict):
        if not item:
            out.append(f"{head} {{}}")
        else:
            out.append(head)
            for key, sub in item.items():
                _yaml_item(f"{' ' * (indent + 2)}{_yaml_string(str(key))}:", sub, indent + 2, out)
    elif isinstance(item, list):
        if not item:
            out.append(f"{head} []")
        else:
            out.append(head)
            _yaml_list(item, indent + 2, out)
    elif isinstance(item, str) and "\n" in item:
        out.append(f"{head} {_block(item, indent + 2)}")
    else:
        out.append(f"{head} {_yaml_scalar(item)}")


def _yaml_list(items: list[Any], indent: int, out: list[str]) -> None:
    pad = " " * indent
    for item in items:
        if isinstance(item, dict) and item:
            first = True
            for key, sub in item.items():
                lead = f"{pad}- " if first else f"{pad}  "
                _yaml_item(f"{lead}{_yaml_string(str(key))}:", sub, indent + 2, out)
                first = False
        elif isinstance(item, list) and item:
            out.append(f"{pad}-")
            _yaml_list(item, indent + 2, out)
        elif isinstance(item, dict):
            out.append(f"{pad}- {{}}")
        elif isinstance(item, list):
            out.append(f"{pad}- []")
        elif isinstance(item, str) and "\n" in item:
            out.append(f"{pad}- {_block(item, indent + 2)}")
        else:
            out.append(f"{pad}- {_yaml_scalar(item)}")


def _block(text: str, indent: int) -> str:
    if text.strip() != text.strip(" ") or "\r" in text or text.startswith(" "):
        return json.dumps(text, ensure_ascii=False)
    chomp = "" if text.endswith("\n") and not text.endswith("\n\n") else "-"
    if text.endswith("\n\n"):
        chomp = "+"
    body = text[:-1] if text.endswith("\n") else text
    if chomp == "+":
        body = text.rstrip("\n")
    pad = " " * indent
    lines = [pad + line if line else "" for line in body.split("\n")]
    trailer = "\n" * (len(text) - len(text.rstrip("\n")) - 1) if chomp == "+" else ""
    return f"|{chomp}\n" + "\n".join(lines) + trailer


def to_yaml(tree: dict[str, Any]) -> str:
    """YAML text as Compose prints it."""
    out: list[str] = []
    for key, item in tree.items():
        _yaml_item(f"{_yaml_string(str(key))}:", item, 0, out)
    return "\n".join(out) + "\n"
