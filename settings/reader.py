"""Typed access to one section of raw stack config, failing with a SettingsError."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from settings.errors import SettingsError

MISSING = "<missing>"


class ConfigReader:
    """Reads typed values from a config mapping, naming `namespace:path.key` on error."""

    def __init__(self, stack: str, key_prefix: str, data: Mapping[str, Any]) -> None:
        self.stack = stack
        self.key_prefix = key_prefix
        self.data = data

    def key(self, name: str) -> str:
        return f"{self.key_prefix}{name}"

    def fail(self, name: str, value: Any, allowed: str) -> SettingsError:
        return SettingsError(self.stack, self.key(name), value, allowed)

    def raw(self, name: str, allowed: str) -> Any:
        if name not in self.data or self.data[name] is None:
            raise self.fail(name, MISSING, allowed)
        return self.data[name]

    def has(self, name: str) -> bool:
        return self.data.get(name) is not None

    def section(self, name: str, known: Iterable[str]) -> ConfigReader:
        known = sorted(known)
        value = self.raw(name, f"an object with keys {known}")
        if not isinstance(value, Mapping):
            raise self.fail(name, value, f"an object with keys {known}")
        reader = ConfigReader(self.stack, f"{self.key(name)}.", value)
        reader.reject_unknown(known)
        return reader

    def reject_unknown(self, known: Iterable[str]) -> None:
        known = sorted(known)
        for name in sorted(self.data):
            if name not in known:
                raise self.fail(name, self.data[name], f"no such key; known keys are {known}")

    def string(self, name: str, allowed: str = "a non-empty string") -> str:
        value = self.raw(name, allowed)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(name, value, allowed)
        return value

    def choice(self, name: str, options: Iterable[str]) -> str:
        options = list(options)
        allowed = f"one of {options}"
        value = self.raw(name, allowed)
        if value not in options:
            raise self.fail(name, value, allowed)
        return str(value)

    def integer(self, name: str, low: int, high: int) -> int:
        allowed = f"a whole number from {low} to {high}"
        value = _as_int(self.raw(name, allowed))
        if value is None or not low <= value <= high:
            raise self.fail(name, self.data[name], allowed)
        return value

    def boolean(self, name: str) -> bool:
        value = self.raw(name, "true or false")
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise self.fail(name, value, "true or false")

    def strings(self, name: str, allowed: str = "a list of strings") -> tuple[str, ...]:
        """A list of non-empty strings, each at most once (every list here becomes a set of things)."""
        value = self.raw(name, allowed)
        if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
            raise self.fail(name, value, allowed)
        for item in value:
            if value.count(item) > 1:
                raise self.fail(name, item, f"{allowed}, each at most once")
        return tuple(value)

    def string_map(self, name: str) -> dict[str, str]:
        allowed = "an object of string keys to string values"
        value = self.raw(name, allowed)
        if not isinstance(value, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise self.fail(name, value, allowed)
        return dict(value)


def _as_int(value: Any) -> int | None:
    """Stack files give numbers as ints or numeric strings; booleans are not numbers."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None
