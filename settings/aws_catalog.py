"""What AWS offers, from the files settings/generate_catalog.py writes from botocore's models
and EC2's published answers (tests/test_catalog_data.py keeps them current). No network."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).parent / "data"

# CloudWatch Logs accepts only these retention periods (PutRetentionPolicy).
LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
    1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip

# Interface endpoints a private EKS data plane needs to pull images, assume
# roles, talk to EC2 and ship logs without a NAT hop.
INTERFACE_ENDPOINT_SERVICES = ("ecr.api", "ecr.dkr", "sts", "ec2", "logs")

_CATEGORY = re.compile(r"^([a-z]+)\d")


@dataclass(frozen=True)
class InstanceType:
    """DescribeInstanceTypes facts the capacity check and the AMI choice need."""

    name: str
    vcpus: int
    memory_mib: int
    architectures: tuple[str, ...]
    max_enis: int
    ipv4_per_eni: int


@cache
def _data(name: str) -> dict[str, Any]:
    return dict(json.loads((DATA_DIR / name).read_text()))


@lru_cache(maxsize=1)
def eks_regions() -> tuple[str, ...]:
    return tuple(_data("botocore.json")["eksRegions"])


@lru_cache(maxsize=1)
def ec2_instance_types() -> frozenset[str]:
    return frozenset(_data("botocore.json")["ec2InstanceTypes"])


@lru_cache(maxsize=1)
def instance_categories() -> tuple[str, ...]:
    """Karpenter's instance-category label: the letters before the generation (m7i -> m)."""
    families = {instance_type.split(".", 1)[0] for instance_type in ec2_instance_types()}
    return tuple(sorted({match.group(1) for family in families if (match := _CATEGORY.match(family))}))


def instance_type(name: str) -> InstanceType | None:
    facts = _data("instance_types.json")["types"].get(name)
    if facts is None:
        return None
    return InstanceType(
        name=name,
        vcpus=facts["vcpus"],
        memory_mib=facts["memoryMiB"],
        architectures=tuple(facts["architectures"]),
        max_enis=facts["maxEnis"],
        ipv4_per_eni=facts["ipv4PerEni"],
    )


def instance_architecture(name: str) -> str:
    """arm64 or x86_64, as DescribeInstanceTypes reports it (x86_64 when it lists i386 too)."""
    facts = instance_type(name)
    if facts is None:
        raise KeyError(name)
    return "arm64" if "arm64" in facts.architectures else "x86_64"


def offered_in(region: str) -> frozenset[str] | None:
    """Instance types the region offers, or None where the data has no answer for the region."""
    offered = _data("instance_offerings.json")["regions"].get(region)
    return frozenset(offered.split()) if offered is not None else None


def region_zones(region: str) -> dict[str, str]:
    """Availability Zone name -> zone ID, as one account sees the region."""
    return dict(_data("availability_zones.json")["regions"].get(region, {}))


def eks_unsupported_zone_ids() -> tuple[str, ...]:
    return tuple(_data("availability_zones.json")["eksUnsupportedZoneIds"]["zoneIds"])


def eks_zone_ids(region: str) -> tuple[str, ...]:
    """Zone IDs in the region where EKS accepts control-plane subnets, in ID order."""
    excluded = set(eks_unsupported_zone_ids())
    return tuple(sorted(zone for zone in region_zones(region).values() if zone not in excluded))
