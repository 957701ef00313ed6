"""Karpenter's capacity priced two ways: the workloads' pods bin-packed onto the cheapest nodes
each NodePool allows (baseline), and each NodePool filled to its limits (the worst case)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from capacity.allocatable import node_allocatable
from capacity.packing import Node, largest_first, place_daemonsets
from capacity.plan_reading import Pod
from capacity.quantities import cpu_millicores, memory_mib
from cost.instances import allowed_types
from cost.prices import RegionPrices
from cost.workloads import Placed
from settings.aws_catalog import InstanceType

NODE_POOL_TYPE = "kubernetes:karpenter.sh/v1:NodePool"


@dataclass(frozen=True)
class PoolCost:
    pool: str
    instance_type: str
    nodes: int
    hourly_per_node: float
    spot: bool
    pods: int
    worst_instance_type: str
    worst_nodes: int
    worst_hourly_per_node: float


@dataclass(frozen=True)
class NodePool:
    name: str
    labels: dict[str, str]
    requirements: list[dict[str, Any]]
    tainted: bool
    weight: int
    cpu_limit_millicores: int | None
    memory_limit_mib: float | None

    @property
    def capacity_types(self) -> list[str]:
        for requirement in self.requirements:
            if requirement["key"] == "karpenter.sh/capacity-type":
                return list(requirement.get("values", []))
        return ["on-demand"]


def node_pools(plan: dict[str, Any]) -> list[NodePool]:
    pools = []
    for resource in plan["resources"]:
        if resource["type"] != NODE_POOL_TYPE:
            continue
        spec = resource["inputs"]["spec"]
        template = spec["template"]
        limits = spec.get("limits") or {}
        pools.append(
            NodePool(
                name=resource["inputs"]["metadata"]["name"],
                labels=dict(template.get("metadata", {}).get("labels") or {}),
                requirements=list(template["spec"].get("requirements", [])),
                tainted=bool(template["spec"].get("taints")),
                weight=int(spec.get("weight", 0)),
                cpu_limit_millicores=cpu_millicores(limits["cpu"]) if "cpu" in limits else None,
                memory_limit_mib=memory_mib(limits["memory"]) if "memory" in limits else None,
            )
        )
    return sorted(pools, key=lambda pool: (-pool.weight, pool.name))


def pool_for(pod: Placed, pools: list[NodePool]) -> NodePool | None:
    """The pool whose node labels satisfy the pod's selector; untainted pools by weight otherwise."""
    selected = {key: value for key, value in pod.node_selector.items() if key != "karpenter.sh/capacity-type"}
    for pool in pools:
        if selected and all(pool.labels.get(key) == value for key, value in selected.items()):
            return pool
    return None if selected else next((pool for pool in pools if not pool.tainted), None)


def price_per_hour(pool: NodePool, instance: InstanceType, prices: RegionPrices, spot_discount: float) -> float:
    on_demand = prices.on_demand_hour[instance.name]
    return on_demand * (1 - spot_discount) if "spot" in pool.capacity_types else on_demand


def baseline(
    pool: NodePool, pods: list[Pod], daemonsets: list[Pod], prices: RegionPrices, spot_discount: float
) -> tuple[InstanceType, int, float]:
    """The allowed type whose packing of the pods costs least: (type, nodes, hourly per node)."""
    best: tuple[float, InstanceType, int] | None = None
    for instance in allowed_types(pool.requirements, prices.on_demand_hour):
        nodes = _nodes_needed(instance, pods, daemonsets)
        if nodes is None:
            continue
        hourly = price_per_hour(pool, instance, prices, spot_discount)
        if best is None or nodes * hourly < best[0]:
            best = (nodes * hourly, instance, nodes)
    if best is None:
        raise ValueError(f"NodePool {pool.name}: no allowed, priced instance type fits its largest pod")
    return best[1], best[2], price_per_hour(pool, best[1], prices, spot_discount)


def _nodes_needed(instance: InstanceType, pods: list[Pod], daemonsets: list[Pod]) -> int | None:
    """Nodes of this type for the pods (first fit, largest first), each also running every
    DaemonSet; None when some pod can never fit on one."""
    allocatable = node_allocatable(instance)

    def fresh() -> Node | None:
        node = Node.empty(allocatable)
        return None if place_daemonsets([node], daemonsets) else node

    nodes: list[Node] = []
    for pod in largest_first(pods):
        node = next((node for node in nodes if node.accepts(pod)), None)
        if node is None:
            node = fresh()
            if node is None or not node.accepts(pod):
                return None
            nodes.append(node)
        node.take(pod)
    return len(nodes)


def worst_case(pool: NodePool, prices: RegionPrices, spot_discount: float) -> tuple[InstanceType, int, float]:
    """The allowed type that costs most when the pool launches as many nodes as its limits admit.

    Karpenter's scheduler drops instance types whose capacity would exceed what the limits have
    left (kubernetes-sigs/karpenter pkg/controllers/provisioning/scheduling/scheduler.go,
    filterByRemainingResources), so a pool holds at most floor(cpu limit / vCPUs) and
    floor(memory limit / memory) nodes of a type; the dearest such fleet, priced on-demand (Spot
    may be unavailable), is the bill the limits allow. Karpenter's limit checks are eventually
    consistent, so a burst of launches can overrun them briefly; that is not modelled.
    """
    if pool.cpu_limit_millicores is None and pool.memory_limit_mib is None:
        raise ValueError(f"NodePool {pool.name} has no limits: its worst case is unbounded")
    worst: tuple[float, InstanceType, int] | None = None
    for instance in allowed_types(pool.requirements, prices.on_demand_hour):
        counts = []
        if pool.cpu_limit_millicores is not None:
            counts.append(pool.cpu_limit_millicores // (instance.vcpus * 1000))
        if pool.memory_limit_mib is not None:
            counts.append(int(pool.memory_limit_mib // instance.memory_mib))
        nodes = min(counts)
        hourly = prices.on_demand_hour[instance.name]
        if worst is None or nodes * hourly > worst[0]:
            worst = (nodes * hourly, instance, nodes)
    if worst is None:
        raise ValueError(f"NodePool {pool.name}: no allowed, priced instance type")
    return worst[1], worst[2], prices.on_demand_hour[worst[1].name]
