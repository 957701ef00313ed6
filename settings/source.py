"""Where settings come from: the Pulumi runtime's config and the project's stack files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pulumi
import yaml
from pulumi.runtime import config as runtime_config

from settings.errors import SettingsError
from settings.project import NAMESPACE, REGION_KEY, StackFacts, stack_facts

PROJECT_DIR = Path(__file__).resolve().parent.parent


def runtime_config_values() -> dict[str, Any]:
    """Every `aws:region` / `eks-platform:*` key the engine handed the program, decoded.

    pulumi.Config can only fetch keys by name; unknown keys must be rejected too, so
    the whole bag is listed from the runtime (explicit config wins over the env).
    """
    bag = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    wanted = [key for key in bag if key == REGION_KEY or key.startswith(f"{NAMESPACE}:")]
    return {key: decode_config_value(pulumi.runtime.get_config(key)) for key in sorted(wanted)}


def decode_config_value(value: Any) -> Any:
    """Objects and lists arrive JSON-encoded, scalars as plain strings."""
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def stack_files(project_dir: Path = PROJECT_DIR) -> dict[str, StackFacts]:
    """Facts of every stack with a Pulumi.<stack>.yaml in the project."""
    facts = {}
    for path in sorted(project_dir.glob("Pulumi.*.yaml")):
        name = path.name[len("Pulumi.") : -len(".yaml")]
        facts[name] = stack_facts(name, _config_of(path, name))
    return facts


def _config_of(path: Path, stack: str) -> dict[str, Any]:
    try:
        document = yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "somewhere"
        raise SettingsError(
            stack, path.name, f"YAML that does not parse ({where})", "a valid YAML stack file"
        ) from None
    config = document.get("config") if isinstance(document, dict) else None
    return config if isinstance(config, dict) else {}
