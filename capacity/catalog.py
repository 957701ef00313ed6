"""capacity/data/system_pods.yaml as typed workload specs."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from capacity.quantities import cpu_millicores, memory_mib

DATA_FILE = Path(__file__).parent / "data" / "system_pods.yaml"


@dataclass(frozen=True)
class Requests:
    cpu_millicores: int
    memory_mib: float

    @classmethod
    def parse(cls, requests: dict[str, Any]) -> Requests:
        return cls(cpu_millicores(requests.get("cpu", 0)), memory_mib(requests.get("memory", 0)))


@dataclass(frozen=True)
class Owner:
    """What deploys a workload: an EKS add-on or a Helm chart."""

    kind: str  # "addon" or "chart"
    name: str

    @classmethod
    def parse(cls, owner: dict[str, str]) -> Owner:
        ((kind, name),) = owner.items()
        return cls(kind, name)


@dataclass(frozen=True)
class WorkloadSpec:
    name: str
    owner: Owner
    requests: Requests
    section: tuple[str, ...] = ()
    resources: tuple[str, ...] | None = None
    replicas: int = 1
    replicas_key: str | None = None
    required_anti_affinity: bool = False

    @classmethod
    def parse(cls, entry: dict[str, Any]) -> WorkloadSpec:
        resources = entry.get("resources")
        return cls(
            name=entry["name"],
            owner=Owner.parse(entry["owner"]),
            requests=Requests.parse(entry["requests"]),
            section=tuple(entry.get("section", ())),
            resources=tuple(resources) if resources is not None else None,
            replicas=int(entry.get("replicas", 1)),
            replicas_key=entry.get("replicasKey"),
            required_anti_affinity=bool(entry.get("requiredAntiAffinity", False)),
        )


@dataclass(frozen=True)
class Catalog:
    daemonsets: tuple[WorkloadSpec, ...]
    # Default-sized and program-sized Deployments are read the same way from the plan.
    deployments: tuple[WorkloadSpec, ...]
    pinned: dict[str, dict[str, str]]

    def sections(self, owner: Owner) -> set[tuple[str, ...]]:
        """Where this owner's modelled workloads keep their placement."""
        return {spec.section for spec in (*self.daemonsets, *self.deployments) if spec.owner == owner}


def raw_data(path: Path = DATA_FILE) -> dict[str, Any]:
    return dict(yaml.safe_load(path.read_text()))


@cache
def load_catalog(path: Path = DATA_FILE) -> Catalog:
    data = raw_data(path)
    return Catalog(
        daemonsets=tuple(WorkloadSpec.parse(entry) for entry in data["daemonsets"]),
        deployments=tuple(WorkloadSpec.parse(entry) for entry in (*data["deployments"], *data["program_sized"])),
        pinned={kind: {name: str(version) for name, version in pins.items()} for kind, pins in data["pinned"].items()},
    )
