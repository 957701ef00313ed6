"""What one stack must know about the project's other stacks, read from their stack files.

Only facts that checks across stacks need: the DR peer's region and network, and who in
each account owns account-wide resources. Values are read leniently (None when absent or
malformed): each stack validates its own file strictly when it is planned itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

NAMESPACE = "eks-platform"
REGION_KEY = "aws:region"


@dataclass(frozen=True)
class StackFacts:
    name: str
    region: str | None
    vpc_cidr: str | None
    account_id: str | None
    owns_spot_service_linked_role: bool
    uses_spot: bool


# Every stack of the project by name, read when a check first needs it.
ProjectStacks = Callable[[], Mapping[str, StackFacts]]


def stack_facts(name: str, config: Mapping[str, Any]) -> StackFacts:
    """Facts from one stack's raw `config:` mapping."""
    account = _mapping(config.get(f"{NAMESPACE}:account"))
    network = _mapping(config.get(f"{NAMESPACE}:network"))
    return StackFacts(
        name=name,
        region=_text(config.get(REGION_KEY)),
        vpc_cidr=_text(network.get("vpcCidr")),
        account_id=_text(account.get("id")),
        owns_spot_service_linked_role=account.get("ownsSpotServiceLinkedRole") is True,
        uses_spot=_uses_spot(config),
    )


def _uses_spot(config: Mapping[str, Any]) -> bool:
    nodes = _mapping(config.get(f"{NAMESPACE}:systemNodes"))
    pools = _mapping(_mapping(config.get(f"{NAMESPACE}:karpenter")).get("nodePools"))
    pool_capacity = [_mapping(pool).get("capacityTypes") for pool in pools.values()]
    return nodes.get("capacityType") == "SPOT" or any(
        isinstance(types, list) and "spot" in types for types in pool_capacity
    )


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: Any) -> str | None:
    return str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else None
