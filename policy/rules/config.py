"""The per-stack facts rules take as policy config (`--policy-pack-config` in a real preview; the
harness hands the same values offline). Defaults are the strict choice: a stack whose config is
missing is held to the protected rules."""

from __future__ import annotations

from typing import Any

from pulumi_policy import PolicyConfigSchema

PROTECTED_STACK = PolicyConfigSchema(
    properties={"protectedStack": {"type": "boolean", "default": True}},
)

REQUIRED_TAGS = PolicyConfigSchema(
    properties={
        "requiredTags": {
            "type": "array",
            "items": {"type": "string"},
            "default": ["environment", "stack", "project", "managed-by", "owner", "cost-center"],
        }
    },
)


def protected_stack(args: Any) -> bool:
    return bool(args.get_config().get("protectedStack", True))


def required_tags(args: Any) -> list[str]:
    return [str(key) for key in args.get_config().get("requiredTags", [])]
