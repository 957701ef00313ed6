"""A resource's identity as the Pulumi engine sees it, and the former identities its aliases claim.

The engine identifies a resource by its URN: the types of its ancestors and its own type, and
its name (the root stack is no ancestor). A resource whose identity changes is deleted and
created again unless an alias names the old identity. Aliases of a parent are inherited by its
children, with the parent's old name substituted where a child's name starts with the parent's.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

Identity = tuple[str, str]  # (qualified type: ancestors' types and its own, joined by "$"; name)


def ref_of(resource: dict[str, Any]) -> str:
    return f"{resource['type']}::{resource['name']}"


class Graph:
    """One plan's resources by `type::name`, with identities resolved through parents."""

    def __init__(self, plan: dict[str, Any], previous: Graph | None = None) -> None:
        self.resources: dict[str, dict[str, Any]] = {ref_of(resource): resource for resource in plan["resources"]}
        # An alias may name a former parent that only the previous plan still has.
        self.previous = previous

    def qualified_type(self, ref: str | None) -> str | None:
        """Ancestors' types and the resource's own, or None for the root (and unknown refs)."""
        resource = self.resources.get(ref) if ref else None
        if resource is None:
            return None
        parent = self.qualified_type(resource["parent"])
        return f"{parent}${resource['type']}" if parent else resource["type"]

    def identity(self, ref: str) -> Identity:
        resource = self.resources[ref]
        return (self.qualified_type(ref) or resource["type"], resource["name"])

    def former_identities(self, ref: str) -> set[Identity]:
        """Every identity the engine would match this resource against: its own and its aliases'."""
        return set(self._identities(ref))

    def _identities(self, ref: str) -> Iterator[Identity]:
        resource = self.resources[ref]
        parent_ref = resource["parent"]
        parents = self._parent_candidates(parent_ref)
        for parent_qualified, parent_name in parents:
            yield (_under(parent_qualified, resource["type"]), _inherited_name(resource, parent_ref, parent_name))
        for alias in resource.get("aliases", []):
            yield from self._alias_identities(resource, alias, parents)

    def _parent_candidates(self, parent_ref: str | None) -> list[tuple[str | None, str | None]]:
        """(qualified type, name) of each identity the parent has had; (None, None) for the root."""
        if not parent_ref or parent_ref not in self.resources:
            return [(None, None)]
        return sorted(self._identities(parent_ref))

    def _alias_identities(
        self, resource: dict[str, Any], alias: dict[str, Any], parents: list[tuple[str | None, str | None]]
    ) -> Iterator[Identity]:
        if "ref" in alias:  # a whole former URN, recorded as `type::name`
            kind, _, name = alias["ref"].partition("::")
            yield (kind, name)
            return
        kind = alias.get("type", resource["type"])
        name = alias.get("name", resource["name"])
        if "parent" not in alias:
            for parent_qualified, _ in parents:
                yield (_under(parent_qualified, kind), name)
        elif alias["parent"] is None:
            yield (kind, name)
        else:
            yield (_under(self._qualified_anywhere(alias["parent"]), kind), name)

    def _qualified_anywhere(self, ref: str) -> str:
        here = self.qualified_type(ref)
        before = self.previous.qualified_type(ref) if self.previous else None
        return here or before or ref.split("::", 1)[0]


def _under(parent_qualified: str | None, kind: str) -> str:
    return f"{parent_qualified}${kind}" if parent_qualified else kind


def _inherited_name(resource: dict[str, Any], parent_ref: str | None, parent_name: str | None) -> str:
    """A child named after its parent follows the parent's former name, as the engine's aliases do."""
    current_parent_name = parent_ref.split("::", 1)[1] if parent_ref else None
    name: str = resource["name"]
    if parent_name and current_parent_name and name.startswith(current_parent_name):
        return parent_name + name[len(current_parent_name) :]
    return name
