"""Tags every taggable AWS resource carries."""

from __future__ import annotations

from collections.abc import Mapping


def resource_tags(stack_tags: Mapping[str, str], name: str, **extra: str) -> dict[str, str]:
    """The stack's tags (environment, stack, project, managed-by and its own) plus a Name."""
    return {**stack_tags, "Name": name, **extra}
