"""Read a Pulumi.<stack>.yaml the way the Pulumi CLI does, or fail with the file, line and problem.

The CLI parses stack files with Go's gopkg.in/yaml.v3 (YAML 1.2 core schema); PyYAML's default
is YAML 1.1. They disagree on exactly what careless files contain: `yes`/`no`/`on`/`off` are
strings to the CLI but booleans to YAML 1.1, `2026-01-01` and `1:30` are strings to the CLI but
a date and the number 90 to YAML 1.1, and a key written twice is an error to the CLI but
silently "last one wins" to PyYAML. This loader answers as the CLI does.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from settings.errors import SettingsError

_YAML11_ONLY = (
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:timestamp",
)
# YAML 1.2 core schema, as yaml.v3 resolves plain scalars (it also drops `_` from numbers).
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT = re.compile(r"^[-+]?(?:[0-9][0-9_]*|0o[0-7_]+|0x[0-9a-fA-F_]+|0b[01_]+)$")
_FLOAT = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)


class _CliRules:
    """What a SafeLoader needs to answer as yaml.v3: duplicate keys refused, Go's integers."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, yaml.Mark] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)  # type: ignore[attr-defined]
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"mapping key {key!r} already defined at line {seen[key].line + 1}", key_node.start_mark
                )
            seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)  # type: ignore[misc]

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        text = str(self.construct_scalar(node)).replace("_", "")  # type: ignore[attr-defined]
        sign, digits = (-1, text[1:]) if text.startswith("-") else (1, text.lstrip("+"))
        if digits[:2] in ("0o", "0x", "0b"):
            return sign * int(digits[2:], {"o": 8, "x": 16, "b": 2}[digits[1]])
        # Go's ParseInt with base 0, as yaml.v3 calls it: a leading 0 means octal.
        base = 8 if len(digits) > 1 and digits.startswith("0") else 10
        return sign * int(digits, base)


Loader = type[yaml.SafeLoader] | type[yaml.CSafeLoader]


def cli_loader(base: Loader) -> Loader:
    """`base` (a SafeLoader) with YAML 1.2 core resolution and the rules above."""
    loader: Loader = type(f"Cli{base.__name__}", (_CliRules, base), {})
    loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag not in _YAML11_ONLY]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    loader.add_implicit_resolver("tag:yaml.org,2002:bool", _BOOL, list("tTfF"))
    loader.add_implicit_resolver("tag:yaml.org,2002:int", _INT, list("-+0123456789"))
    loader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT, list("-+0123456789."))
    loader.add_constructor("tag:yaml.org,2002:int", _CliRules.construct_yaml_int)  # type: ignore[type-var]
    return loader


# libyaml's parser when PyYAML was built with it (its wheels are): the same documents as the
# pure-Python one (tests/test_stack_file_reading.py compares them) at a tenth of the cost, and
# every stack file is read on every evaluation.
CLI_LOADER = cli_loader(yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader)


def parse_yaml(text: str, loader: Loader = CLI_LOADER) -> Any:
    return yaml.load(text, Loader=loader)


def read_stack_file(path: Path, stack: str) -> dict[str, Any]:
    """The `config:` mapping of a stack file; a SettingsError naming file, line and problem otherwise."""
    try:
        document = parse_yaml(path.read_text())
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "the file"
        problem = getattr(error, "problem", None) or str(error)
        raise SettingsError(stack, path.name, f"{where}: {problem}", "YAML the Pulumi CLI accepts") from None
    if document is None:
        return {}
    config = document.get("config") if isinstance(document, dict) else None
    if config is not None and not isinstance(config, dict):
        raise SettingsError(stack, f"{path.name}: config", config, "a mapping of `namespace:key: value`")
    return config or {}
