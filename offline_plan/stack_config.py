"""Pulumi.<stack>.yaml -> the config bag the engine would hand the program."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

# `secure:` values need the CLI's secrets provider to decrypt; offline they become
# this placeholder, still marked secret so it is redacted like the real value.
SECRET_PLACEHOLDER = "offline-plan-secret-placeholder"


@dataclass(frozen=True)
class StackConfig:
    project: str
    stack: str
    values: dict[str, str]
    secret_keys: list[str]


def project_name(project_dir: Path) -> str:
    return str(yaml.safe_load((project_dir / "Pulumi.yaml").read_text())["name"])


def stack_names(project_dir: Path) -> list[str]:
    return sorted(path.name[len("Pulumi.") : -len(".yaml")] for path in project_dir.glob("Pulumi.*.yaml"))


def read_stack_config(project_dir: Path, stack: str) -> StackConfig:
    path = project_dir / f"Pulumi.{stack}.yaml"
    if not path.is_file():
        raise FileNotFoundError(f"no stack file {path.name}; stacks: {', '.join(stack_names(project_dir))}")
    raw = (yaml.safe_load(path.read_text()) or {}).get("config") or {}
    values: dict[str, str] = {}
    secret_keys: list[str] = []
    for key, value in raw.items():
        if isinstance(value, dict) and set(value) == {"secure"}:
            values[key] = SECRET_PLACEHOLDER
            secret_keys.append(key)
        else:
            values[key] = _engine_encoding(value)
    return StackConfig(project=project_name(project_dir), stack=stack, values=values, secret_keys=secret_keys)


def _engine_encoding(value: Any) -> str:
    """The engine passes strings as-is, everything else JSON-encoded."""
    return value if isinstance(value, str) else json.dumps(value)
