"""Stack config -> one typed, validated Settings object, before any resource exists."""

from __future__ import annotations

import pulumi

from settings.errors import SettingsError
from settings.model import Settings
from settings.parse import parse_settings
from settings.source import runtime_config_values, stack_files

__all__ = ["Settings", "SettingsError", "load_settings", "parse_settings"]


def load_settings() -> Settings:
    """Read and validate the current stack's config; raises SettingsError on bad input."""
    values, secret_keys = runtime_config_values()
    return parse_settings(
        project=pulumi.get_project(),
        stack=pulumi.get_stack(),
        config=values,
        stacks=stack_files,
        secret_keys=secret_keys,
    )
