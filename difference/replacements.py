"""The loud part of a difference: data destroyed by a replacement or a deletion.

What holds data, and which inputs the provider replaces a resource for rather than updating it,
is one data table with its sources (`difference/data/replacements.yaml`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from difference.compare import StackDifference

TABLE = Path(__file__).resolve().parent / "data" / "replacements.yaml"


@dataclass(frozen=True)
class Alarm:
    ref: str
    kind: str  # "replaced" (identity changed, no alias), "deleted", "replacing input"
    detail: str
    holds_data: bool


@functools.cache
def replacement_table() -> dict[str, dict[str, Any]]:
    types: dict[str, dict[str, Any]] = yaml.safe_load(TABLE.read_text())["types"]
    return types


def holds_data(resource: dict[str, Any]) -> bool:
    """Protected resources count: protection is how the stack says a resource must survive."""
    entry = replacement_table().get(resource["type"], {})
    return bool(entry.get("holds_data")) or bool(resource.get("protect"))


def replacing_paths(kind: str, paths: list[str]) -> list[str]:
    """The changed input paths the provider answers with a replacement, for types the table knows."""
    triggers = replacement_table().get(kind, {}).get("replace_on") or []
    return [path for path in paths if any(_within(path, trigger) for trigger in triggers)]


def _within(path: str, trigger: str) -> bool:
    return path == trigger or path.startswith((f"{trigger}.", f"{trigger}[", f"{trigger}(json)"))


def alarms(difference: StackDifference) -> list[Alarm]:
    base = {f"{r['type']}::{r['name']}": r for r in difference.base.get("resources", [])}
    head = {f"{r['type']}::{r['name']}": r for r in difference.head.get("resources", [])}
    found = [_lost(ref, base[ref], difference.added) for ref in difference.removed if holds_data(base[ref])]
    for ref, changes in sorted(difference.changed.items()):
        paths = replacing_paths(head[ref]["type"], [change.path for change in changes])
        if paths:
            data = holds_data(head[ref])
            consequence = "destroying what it holds" if data else "a delete and create"
            found.append(
                Alarm(
                    ref, "replacing input", f"{', '.join(paths)} changed: the provider replaces it, {consequence}", data
                )
            )
    return found


def _lost(ref: str, resource: dict[str, Any], added: list[str]) -> Alarm:
    same_type = [other for other in added if other.split("::", 1)[0] == resource["type"]]
    if same_type:
        detail = f"identity changed without an alias (now {', '.join(same_type)}): deleted and created empty"
        return Alarm(ref, "replaced", detail, True)
    return Alarm(ref, "deleted", "removed from the program: deleted with what it holds", True)
