"""A stack's settings as the pack's policy config: the one place environment differences reach the
rules, for `make plan` (offline) and for `pulumi preview --policy-pack-config` (CI) alike."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pulumi_policy import Policy

from offline_plan.stack_config import StackConfig, read_stack_config
from settings import Settings, parse_settings
from settings.source import decode_config_value, stack_files


def stack_settings(project_dir: Path, stack: str, config: StackConfig | None = None) -> Settings:
    config = config or read_stack_config(project_dir, stack)
    values = {key: decode_config_value(value) for key, value in config.values.items()}
    with contextlib.chdir(project_dir):
        return parse_settings(config.project, stack, values, stack_files, config.secret_keys)


def facts_of(settings: Settings) -> dict[str, Any]:
    return {
        "protectedStack": settings.protect_stateful_resources,
        "requiredTags": sorted(settings.tags),
    }


def pack_config(policies: Iterable[Policy], facts: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """`{policy: {property: value}}`, the shape `--policy-pack-config` takes, for each configurable policy."""
    config = {}
    for policy in policies:
        if policy.config_schema:
            config[policy.name] = {key: facts[key] for key in policy.config_schema.properties if key in facts}
    return config
