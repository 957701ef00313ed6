"""First-fit-decreasing placement of pods onto identical nodes, as the scheduler's filters would
accept them: CPU, memory and pod slots, and required anti-affinity on the hostname. Pure."""

from __future__ import annotations

from dataclasses import dataclass, field

from capacity.allocatable import NodeAllocatable
from capacity.plan_reading import Pod


@dataclass
class Node:
    cpu_free: int
    memory_free: float
    pods_free: int
    pods: list[Pod] = field(default_factory=list)

    @classmethod
    def empty(cls, allocatable: NodeAllocatable) -> Node:
        return cls(allocatable.cpu_millicores, allocatable.memory_mib, allocatable.pods)

    def accepts(self, pod: Pod) -> bool:
        return (
            pod.requests.cpu_millicores <= self.cpu_free
            and pod.requests.memory_mib <= self.memory_free
            and self.pods_free >= 1
            and not (pod.anti_affinity and any(placed.workload == pod.workload for placed in self.pods))
        )

    def take(self, pod: Pod) -> None:
        self.cpu_free -= pod.requests.cpu_millicores
        self.memory_free -= pod.requests.memory_mib
        self.pods_free -= 1
        self.pods.append(pod)


def place_daemonsets(nodes: list[Node], daemonsets: list[Pod]) -> list[Pod]:
    """Each node runs its own copy of every DaemonSet; a copy that does not fit stays Pending."""
    unplaced = []
    for number, node in enumerate(nodes, start=1):
        for pod in daemonsets:
            if node.accepts(pod):
                node.take(pod)
            else:
                unplaced.append(Pod(f"{pod.name}@node-{number}", pod.workload, pod.requests))
    return unplaced


def largest_first(pods: list[Pod]) -> list[Pod]:
    # CPU then memory: CPU is what runs out first on the small general-purpose types used here.
    return sorted(pods, key=lambda pod: (pod.requests.cpu_millicores, pod.requests.memory_mib), reverse=True)


def first_fit_decreasing(nodes: list[Node], pods: list[Pod]) -> list[Pod]:
    """Place each pod, largest first, on the first node that accepts it; return those none accepts."""
    unplaced = []
    for pod in largest_first(pods):
        node = next((node for node in nodes if node.accepts(pod)), None)
        if node is None:
            unplaced.append(pod)
        else:
            node.take(pod)
    return unplaced
