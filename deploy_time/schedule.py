"""The longest path through a plan's dependency graph, and the engine's run of it with bounded
parallelism.

A resource starts once everything it depends on is done. A dependency on a component means its
whole subtree (the SDK waits for a component's children); the pulumi-eks components stand in for
the AWS resources they own, which the plan's dependencies may name.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from deploy_time.durations import default_parallelism, seconds_for

# Children of remote components the plan cannot list, and the component that owns them.
OWNED_BY = {"aws:eks/cluster:Cluster": "eks:index:Cluster", "aws:eks/nodeGroup:NodeGroup": "eks:index:ManagedNodeGroup"}


@dataclass(frozen=True)
class Step:
    ref: str
    seconds: float
    finishes_at: float
    explicit: bool  # reached from the previous step by an explicit dependsOn


@dataclass
class Schedule:
    total_seconds: float  # with the engine's parallelism
    critical_path_seconds: float  # unlimited parallelism
    path: list[Step] = field(default_factory=list)
    parallelism: int = 0

    @property
    def explicit_edges(self) -> list[tuple[str, str]]:
        return [(before.ref, step.ref) for before, step in zip(self.path, self.path[1:], strict=False) if step.explicit]


def schedule_plan(
    plan: dict[str, Any],
    seconds: Callable[[dict[str, Any]], float] | None = None,
    parallelism: int | None = None,
) -> Schedule:
    """`seconds(resource)` defaults to the typical create time (a `pulumi up` from empty)."""
    seconds = seconds or (lambda resource: seconds_for(resource, "create"))
    resources = {f"{r['type']}::{r['name']}": r for r in plan["resources"]}
    waits = _waits(resources)
    cost = {
        ref: (seconds(resource) if resource["custom"] or resource["type"] in OWNED_BY.values() else 0.0)
        for ref, resource in resources.items()
    }
    finish, via = _longest_paths(waits, cost)
    parallel = parallelism or default_parallelism()
    return Schedule(
        total_seconds=_simulate(waits, cost, parallel),
        critical_path_seconds=max(finish.values(), default=0.0),
        path=_path(finish, via, cost, resources),
        parallelism=parallel,
    )


def _waits(resources: dict[str, dict[str, Any]]) -> dict[str, set[str]]:
    children: dict[str, list[str]] = {}
    for ref, resource in resources.items():
        if resource["parent"]:
            children.setdefault(resource["parent"], []).append(ref)
    owners = {
        kind: next((ref for ref, r in resources.items() if r["type"] == owner), None)
        for kind, owner in OWNED_BY.items()
    }

    def expand(ref: str) -> set[str]:
        kind = ref.split("::", 1)[0]
        if ref not in resources:
            owner = owners.get(kind)
            return {owner} if owner else set()
        if resources[ref]["custom"] or kind in OWNED_BY.values():
            return {ref}
        return {leaf for child in children.get(ref, []) for leaf in expand(child)} | {ref}

    return {
        ref: {d for dep in resource["dependencies"] for d in expand(dep)} - {ref} for ref, resource in resources.items()
    }


def _order(waits: dict[str, set[str]]) -> list[str]:
    done: set[str] = set()
    order: list[str] = []
    pending = sorted(waits)
    while pending:
        ready = [ref for ref in pending if waits[ref] <= done]
        if not ready:
            raise ValueError(f"dependency cycle among {pending[:5]}")
        order += ready
        done |= set(ready)
        pending = [ref for ref in pending if ref not in done]
    return order


def _longest_paths(
    waits: dict[str, set[str]], cost: dict[str, float]
) -> tuple[dict[str, float], dict[str, str | None]]:
    finish: dict[str, float] = {}
    via: dict[str, str | None] = {}
    for ref in _order(waits):
        before = max(sorted(waits[ref]), key=lambda dep: finish[dep], default=None)
        finish[ref] = (finish[before] if before else 0.0) + cost[ref]
        via[ref] = before
    return finish, via


def _path(
    finish: dict[str, float], via: dict[str, str | None], cost: dict[str, float], resources: dict[str, dict[str, Any]]
) -> list[Step]:
    if not finish:
        return []
    ref: str | None = max(sorted(finish), key=lambda r: finish[r])
    steps = []
    while ref is not None:
        before = via[ref]
        explicit = before is not None and before in resources[ref].get("dependsOn", [])
        steps.append(Step(ref, cost[ref], finish[ref], explicit))
        ref = before
    return [step for step in reversed(steps) if step.seconds > 0 or step is steps[0]]


def _simulate(waits: dict[str, set[str]], cost: dict[str, float], parallelism: int) -> float:
    """The engine runs at most `parallelism` operations at once, starting ready ones in name order."""
    remaining = {ref: set(deps) for ref, deps in waits.items()}
    dependents: dict[str, list[str]] = {}
    for ref, deps in waits.items():
        for dep in deps:
            dependents.setdefault(dep, []).append(ref)
    ready = sorted(ref for ref, deps in remaining.items() if not deps)
    running: list[tuple[float, str]] = []
    now = 0.0
    while ready or running:
        while ready and len(running) < parallelism:
            ref = ready.pop(0)
            heapq.heappush(running, (now + cost[ref], ref))
        now, ref = heapq.heappop(running)
        for dependent in dependents.get(ref, []):
            remaining[dependent].discard(ref)
            if not remaining[dependent]:
                ready.append(dependent)
        ready.sort()
    return now
