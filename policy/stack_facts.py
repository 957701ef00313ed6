"""A stack's settings as the pack's policy config: the one place environment differences reach the
rules, for `make plan` (offline) and for `pulumi preview --policy-pack-config` (CI) alike."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pulumi_policy import Policy

from settings import Settings


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
