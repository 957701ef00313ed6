"""Does the system node group, at its minimum size and smallest instance type, hold its pods?

The managed node group may launch any of its instance types, and Karpenter cannot add system
nodes, so the guarantee is the smallest type at minSize. Requests only: limits do not schedule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from capacity.allocatable import node_allocatable
from capacity.catalog import Catalog, Requests, load_catalog
from capacity.packing import Node, first_fit_decreasing, place_daemonsets
from capacity.plan_reading import (
    CapacityModelError,
    Pod,
    daemonset_pods,
    deployment_pods,
    ensure_modelled,
    node_group,
    owner_configs,
)
from settings.aws_catalog import InstanceType, instance_type


@dataclass(frozen=True)
class ResourceUse:
    requested: float
    allocatable: float

    @property
    def free_percent(self) -> float:
        if self.allocatable <= 0:
            return 0.0
        return 100 * (self.allocatable - self.requested) / self.allocatable


@dataclass(frozen=True)
class CapacityResult:
    instance_type: str
    node_count: int
    cpu: ResourceUse  # millicores
    memory: ResourceUse  # MiB
    pods: ResourceUse
    unplaced: tuple[Pod, ...]
    # The pods on each node, in placement order: what the packing decided.
    nodes: tuple[tuple[Pod, ...], ...]

    @property
    def fits(self) -> bool:
        return not self.unplaced

    @property
    def headroom_percent(self) -> dict[str, float]:
        return {"cpu": self.cpu.free_percent, "memory": self.memory.free_percent, "pods": self.pods.free_percent}


def smallest_instance_type(names: tuple[str, ...]) -> InstanceType:
    """The type with the fewest vCPUs, then the least memory: the worst node the group may get."""
    instances = []
    for name in names:
        found = instance_type(name)
        if found is None:
            raise CapacityModelError(f"instance type {name} is not in settings/data/instance_types.json")
        instances.append(found)
    # Equal sizes allocate the same; min() keeps the first listed.
    return min(instances, key=lambda instance: (instance.vcpus, instance.memory_mib))


def _total(pods: list[Pod]) -> Requests:
    return Requests(sum(pod.requests.cpu_millicores for pod in pods), sum(pod.requests.memory_mib for pod in pods))


def check_plan(plan: dict[str, Any], catalog: Catalog | None = None) -> CapacityResult:
    """Pack the plan's system pods onto minSize nodes of the smallest allowed instance type."""
    catalog = catalog or load_catalog()
    group = node_group(plan)
    instance = smallest_instance_type(group.instance_types)
    configs = owner_configs(plan)
    ensure_modelled(catalog, configs, group.labels)
    daemonsets = daemonset_pods(catalog, configs)
    replicas = deployment_pods(catalog, configs, group.labels)
    per_node = node_allocatable(instance)
    nodes = [Node.empty(per_node) for _ in range(group.min_size)]
    unplaced = place_daemonsets(nodes, daemonsets) + first_fit_decreasing(nodes, replicas)
    count = group.min_size
    # Every requested pod counts, placed or not: the totals say how far short the nodes fall.
    demand, every_node = _total(replicas), _total(daemonsets)
    return CapacityResult(
        instance_type=instance.name,
        node_count=count,
        cpu=ResourceUse(demand.cpu_millicores + count * every_node.cpu_millicores, count * per_node.cpu_millicores),
        memory=ResourceUse(demand.memory_mib + count * every_node.memory_mib, count * per_node.memory_mib),
        pods=ResourceUse(len(replicas) + count * len(daemonsets), count * per_node.pods),
        unplaced=tuple(unplaced),
        nodes=tuple(tuple(node.pods) for node in nodes),
    )


def _percent(value: float) -> str:
    # Rounded down so the line never claims more headroom than there is.
    return f"{math.floor(value)}%"


def _gib(mib: float) -> str:
    return f"{mib / 1024:.1f}"


def summary_line(result: CapacityResult) -> str:
    """One line for the plan output; ends in DOES NOT FIT and the pods left Pending when it does not."""
    cpu, memory, pods = result.cpu, result.memory, result.pods
    line = (
        f"system nodes: {result.node_count} x {result.instance_type} (minimum): "
        f"cpu {cpu.requested:.0f}m/{cpu.allocatable:.0f}m ({_percent(cpu.free_percent)} free), "
        f"memory {_gib(memory.requested)}/{_gib(memory.allocatable)} GiB ({_percent(memory.free_percent)} free), "
        f"pods {pods.requested:.0f}/{pods.allocatable:.0f}"
    )
    if result.fits:
        return line
    pending = ", ".join(
        f"{pod.name} ({pod.requests.cpu_millicores}m, {pod.requests.memory_mib:.0f}Mi)" for pod in result.unplaced
    )
    return f"{line}; DOES NOT FIT: {len(result.unplaced)} pod(s) left Pending: {pending}"
