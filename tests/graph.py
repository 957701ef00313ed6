"""Queries over a build/plan/<stack>.json document, for tests that read like the feature list."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Graph:
    plan: dict[str, Any]

    @property
    def stack(self) -> str:
        return str(self.plan["stack"])

    @property
    def resources(self) -> list[dict[str, Any]]:
        return list(self.plan["resources"])

    @property
    def outputs(self) -> dict[str, Any]:
        return dict(self.plan["outputs"])

    def of_type(self, typ: str) -> list[dict[str, Any]]:
        return [r for r in self.resources if r["type"] == typ]

    def one(self, typ: str, name: str | None = None) -> dict[str, Any]:
        matches = [r for r in self.of_type(typ) if name is None or r["name"] == name]
        assert len(matches) == 1, f"{self.stack}: expected one {typ} {name or ''}, found {len(matches)}"
        return matches[0]

    def children(self, parent: dict[str, Any], typ: str | None = None) -> list[dict[str, Any]]:
        parent_ref = ref(parent)
        return [r for r in self.resources if r["parent"] == parent_ref and (typ is None or r["type"] == typ)]

    def by_ref(self, reference: str) -> dict[str, Any]:
        for resource in self.resources:
            if ref(resource) == reference:
                return resource
        raise KeyError(f"{self.stack}: no resource {reference}")

    def upstream(self, resource: dict[str, Any]) -> set[str]:
        """Every resource this one waits for, directly or through others."""
        seen: set[str] = set()
        pending = list(resource["dependencies"])
        while pending:
            reference = pending.pop()
            if reference in seen:
                continue
            seen.add(reference)
            found = [r for r in self.resources if ref(r) == reference]
            if found:
                pending.extend(found[0]["dependencies"])
        return seen

    def text(self) -> str:
        return json.dumps(self.plan)


def ref(resource: dict[str, Any]) -> str:
    return f"{resource['type']}::{resource['name']}"


def tag_values(resource: dict[str, Any]) -> dict[str, str]:
    return dict(resource["inputs"].get("tags") or {})
