"""The one error type bad stack configuration produces."""

from __future__ import annotations

from typing import Any


class SettingsError(Exception):
    """A stack configuration value that the platform cannot be built from.

    The message names the stack, the config key, the offending value and what is
    allowed, so the person running `pulumi up` can fix the stack file without
    reading code.
    """

    def __init__(self, stack: str, key: str, value: Any, allowed: str) -> None:
        self.stack = stack
        self.key = key
        self.value = value
        self.allowed = allowed
        super().__init__(f"stack '{stack}': config key '{key}' has invalid value {value!r}; allowed: {allowed}")
