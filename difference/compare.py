"""Resources added, removed and changed between a base plan and a head plan of one stack."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from difference.identity import Graph, Identity

LARGE = 120  # characters: longer values are summarised, not printed
SECRET = "[secret]"


@dataclass(frozen=True)
class Change:
    """One input path whose value differs; values are printable (secrets and large values summarised)."""

    path: str
    before: str
    after: str


@dataclass
class StackDifference:
    stack: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, list[Change]] = field(default_factory=dict)
    # head ref -> base ref, for resources that kept their identity through an alias
    renamed: dict[str, str] = field(default_factory=dict)
    base: dict[str, Any] = field(default_factory=dict)
    head: dict[str, Any] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.renamed)


def compare_plans(base: dict[str, Any], head: dict[str, Any]) -> StackDifference:
    """Match head resources to base ones by engine identity (aliases included), then diff inputs."""
    base_graph = Graph(base)
    head_graph = Graph(head, previous=base_graph)
    base_by_identity = {base_graph.identity(ref): ref for ref in base_graph.resources}
    difference = StackDifference(stack=head.get("stack") or base.get("stack", ""), base=base, head=head)
    matched: set[str] = set()
    for ref in sorted(head_graph.resources):
        base_ref = _match(head_graph.former_identities(ref), base_by_identity, matched)
        if base_ref is None:
            difference.added.append(ref)
            continue
        matched.add(base_ref)
        if base_ref != ref:
            difference.renamed[ref] = base_ref
        changes = input_changes(base_graph.resources[base_ref]["inputs"], head_graph.resources[ref]["inputs"])
        if changes:
            difference.changed[ref] = changes
    difference.removed = sorted(set(base_graph.resources) - matched)
    return difference


def _match(candidates: set[Identity], base_by_identity: dict[Identity, str], taken: set[str]) -> str | None:
    found = sorted(base_by_identity[identity] for identity in candidates if identity in base_by_identity)
    return next((ref for ref in found if ref not in taken), None)


def input_changes(before: Any, after: Any, path: str = "") -> list[Change]:
    """Dotted paths (list items as [i]) whose values differ, deepest first where both are containers."""
    if isinstance(before, dict) and isinstance(after, dict):
        return [
            change
            for key in sorted(set(before) | set(after))
            for change in input_changes(before.get(key, _ABSENT), after.get(key, _ABSENT), _join(path, key))
        ]
    if isinstance(before, str) and isinstance(after, str) and before != after:
        parsed = _json_documents(before, after)
        if parsed:  # policies and event patterns are JSON text: show what changed inside
            return input_changes(*parsed, path=f"{path}(json)")
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        return [
            change
            for index, (old, new) in enumerate(zip(before, after, strict=True))
            for change in input_changes(old, new, f"{path}[{index}]")
        ]
    if before == after:
        return []
    return [Change(path or "(inputs)", shown(before), shown(after))]


def _json_documents(before: str, after: str) -> tuple[Any, Any] | None:
    if not (before[:1] in "{[" and after[:1] in "{["):
        return None
    try:
        return json.loads(before), json.loads(after)
    except json.JSONDecodeError:
        return None


class _Absent:
    def __repr__(self) -> str:
        return "(absent)"


_ABSENT = _Absent()


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def shown(value: Any) -> str:
    """A value as a reviewer may see it: secrets never, large values by size only."""
    if value is _ABSENT:
        return "(absent)"
    if _contains_secret(value):
        return SECRET
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    if len(text) > LARGE:
        kind = "text" if isinstance(value, str) else type(value).__name__
        return f"({kind} of {len(text)} characters)"
    return text


def _contains_secret(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_contains_secret(item) for item in value.values())
    if isinstance(value, list):
        return any(_contains_secret(item) for item in value)
    return value == SECRET
