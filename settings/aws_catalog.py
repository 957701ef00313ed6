"""What AWS offers, read from botocore's bundled service data (no network)."""

from __future__ import annotations

import re
from functools import lru_cache

import botocore.session

# CloudWatch Logs accepts only these retention periods (PutRetentionPolicy).
LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
    1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip

# Interface endpoints a private EKS data plane needs to pull images, assume
# roles, talk to EC2 and ship logs without a NAT hop.
INTERFACE_ENDPOINT_SERVICES = ("ecr.api", "ecr.dkr", "sts", "ec2", "logs")

_GRAVITON_FAMILY = re.compile(r"^(a1|[a-z]+\d+g[a-z]*)$")
_CATEGORY = re.compile(r"^([a-z]+)\d")


@lru_cache(maxsize=1)
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


@lru_cache(maxsize=1)
def eks_regions() -> tuple[str, ...]:
    return tuple(_session().get_available_regions("eks"))


@lru_cache(maxsize=1)
def ec2_instance_types() -> frozenset[str]:
    shape = _session().get_service_model("ec2").shape_for("InstanceType")
    return frozenset(shape.enum)


@lru_cache(maxsize=1)
def instance_categories() -> tuple[str, ...]:
    """Karpenter's instance-category label: the letters before the generation (m7i -> m)."""
    families = {instance_type.split(".", 1)[0] for instance_type in ec2_instance_types()}
    return tuple(sorted({match.group(1) for family in families if (match := _CATEGORY.match(family))}))


def instance_architecture(instance_type: str) -> str:
    """arm64 for Graviton families (m7g, c6gn, t4g, a1), x86_64 otherwise."""
    family = instance_type.split(".", 1)[0]
    return "arm64" if _GRAVITON_FAMILY.match(family) else "x86_64"
