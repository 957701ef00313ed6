"""How a VPC CIDR is carved into per-AZ subnets (pure, unit-tested)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

# The VPC is cut into 8 equal blocks. Blocks 0..5 are the private subnets (nodes
# and pods need most of the addresses with the VPC CNI); block 7 is cut into 8
# small public subnets that only hold load balancers and NAT gateways. Block 6 is
# left free for later tiers (databases, endpoints).
_PRIVATE_SPLIT = 3
_PUBLIC_SPLIT = 3
MAX_AZS = 6


@dataclass(frozen=True)
class AzSubnets:
    public: str
    private: str


def plan_subnets(vpc_cidr: str, az_count: int) -> list[AzSubnets]:
    if not 1 <= az_count <= MAX_AZS:
        raise ValueError(f"az_count must be 1..{MAX_AZS}, got {az_count}")
    vpc = ipaddress.IPv4Network(vpc_cidr)
    blocks = list(vpc.subnets(prefixlen_diff=_PRIVATE_SPLIT))
    public = list(blocks[-1].subnets(prefixlen_diff=_PUBLIC_SPLIT))
    return [AzSubnets(public=str(public[i]), private=str(blocks[i])) for i in range(az_count)]
