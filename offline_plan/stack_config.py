"""Pulumi.<stack>.yaml -> the config bag the engine would hand the program."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from settings import Settings, parse_settings
from settings.source import decode_config_value, stack_files
from settings.stack_yaml import read_stack_file

# `secure:` values need the CLI's secrets provider to decrypt; offline they become this
# placeholder (an unroutable https URL, so a secret URL key still validates), marked secret
# so it is redacted like the real value.
SECRET_PLACEHOLDER = "https://offline-plan.invalid/secret"


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
    """The config bag as the CLI would hand it over; a SettingsError for a file it would refuse."""
    path = project_dir / f"Pulumi.{stack}.yaml"
    if not path.is_file():
        raise FileNotFoundError(f"no stack file {path.name}; stacks: {', '.join(stack_names(project_dir))}")
    values: dict[str, str] = {}
    secret_keys: list[str] = []
    for key, value in read_stack_file(path, stack).items():
        key = str(key)
        if _holds_secure(value):
            # The CLI decrypts nested `secure:` values too, and marks the whole key secret.
            values[key] = SECRET_PLACEHOLDER
            secret_keys.append(key)
        else:
            values[key] = _engine_encoding(value)
    return StackConfig(project=project_name(project_dir), stack=stack, values=values, secret_keys=secret_keys)


def _holds_secure(value: Any) -> bool:
    if isinstance(value, dict):
        return set(value) == {"secure"} or any(_holds_secure(item) for item in value.values())
    if isinstance(value, list):
        return any(_holds_secure(item) for item in value)
    return False


def _engine_encoding(value: Any) -> str:
    """The engine passes strings as-is, everything else JSON-encoded."""
    return value if isinstance(value, str) else json.dumps(value)


def stack_settings(project_dir: Path, stack: str, config: StackConfig | None = None) -> Settings:
    """The stack's validated settings, from its stack file (or the config given) as the program reads them;
    the other stack files of `project_dir` answer the cross-stack checks."""
    config = config or read_stack_config(project_dir, stack)
    values = {key: decode_config_value(value) for key, value in config.values.items()}
    return parse_settings(config.project, stack, values, lambda: stack_files(project_dir), config.secret_keys)
