"""A readable summary of a plan: counts by resource type and the component tree."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any


def summarize(plan: dict[str, Any], capacity: str) -> str:
    """`capacity` is the system-node headroom line (capacity.summary_line)."""
    resources = plan["resources"]
    lines = [
        f"Stack {plan['stack']}: {len(resources)} resources",
        "",
        f"System-node capacity: {capacity}",
        "",
        "By type:",
    ]
    counts = Counter(resource["type"] for resource in resources)
    width = max(len(typ) for typ in counts)
    lines += [f"  {typ:<{width}}  {count:>3}" for typ, count in sorted(counts.items())]
    lines += ["", "Implicit access entries (created by EKS, not declared, not in Pulumi state):"]
    lines += [
        f"  {entry['principalArn']}: {entry['accessPolicy'].rsplit('/', 1)[-1]}, by {entry['createdBy']}"
        for entry in plan["outputs"].get("implicitAccessEntries", [])
    ] or ["  none"]
    lines += ["", "Component tree:"]
    lines += _tree(resources)
    lines += ["", "Outputs:"]
    lines += [f"  {name} = {_short(value)}" for name, value in sorted(plan["outputs"].items())]
    return "\n".join(lines)


def _tree(resources: list[dict[str, Any]]) -> list[str]:
    """Components and remote components with their direct children, grouped by type."""
    children: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
    for resource in resources:
        children[resource["parent"]].append(resource)
    roots = [r for r in resources if not r["parent"] or r["parent"].startswith("pulumi:pulumi:Stack::")]
    lines: list[str] = []

    def walk(resource: dict[str, Any], depth: int) -> None:
        ref = f"{resource['type']}::{resource['name']}"
        kids = children.get(ref, [])
        lines.append(f"{'  ' * (depth + 1)}{resource['name']} ({resource['type']})")
        leaves = Counter(kid["type"] for kid in kids if not children.get(f"{kid['type']}::{kid['name']}"))
        for kid in kids:
            if children.get(f"{kid['type']}::{kid['name']}"):
                walk(kid, depth + 1)
        for typ, count in sorted(leaves.items()):
            lines.append(f"{'  ' * (depth + 2)}{count} x {typ}")

    for root in roots:
        walk(root, 0)
    return lines


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 100 else text[:97] + "..."
