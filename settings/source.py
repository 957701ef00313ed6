"""Where settings come from: the Pulumi runtime's config and the project's stack files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import config as runtime_config

from settings.project import StackFacts, stack_facts
from settings.stack_yaml import read_stack_file

PROJECT_DIR = Path(__file__).resolve().parent.parent


def runtime_config_values() -> tuple[dict[str, Any], frozenset[str]]:
    """Every key the engine handed the program, decoded, and which of them are secrets.

    pulumi.Config can only fetch keys by name; unknown keys must be refused too, so the whole
    bag is listed from the runtime. A real `pulumi up` hands config through PULUMI_CONFIG and
    names secrets in PULUMI_CONFIG_SECRET_KEYS; the offline plan sets it explicitly (which wins).
    """
    bag = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    values = {key: decode_config_value(pulumi.runtime.get_config(key)) for key in sorted(bag)}
    secrets = {key for key in bag if runtime_config.is_config_secret(key)}
    if not runtime_config.CONFIG.get():
        secrets |= set(runtime_config.get_config_secret_keys_env()) & set(bag)
    return values, frozenset(secrets)


def decode_config_value(value: Any) -> Any:
    """Objects and lists arrive JSON-encoded, scalars as plain strings."""
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def stack_files(project_dir: Path | None = None) -> dict[str, StackFacts]:
    """Facts of every stack with a Pulumi.<stack>.yaml in the project.

    The project is the working directory when it holds a Pulumi.yaml (the CLI runs the program
    there, and the offline plan evaluates a --project-dir there), else this repository.
    """
    project_dir = project_dir or (Path.cwd() if (Path.cwd() / "Pulumi.yaml").is_file() else PROJECT_DIR)
    facts = {}
    for path in sorted(project_dir.glob("Pulumi.*.yaml")):
        name = path.name[len("Pulumi.") : -len(".yaml")]
        facts[name] = stack_facts(name, read_stack_file(path, name))
    return facts
