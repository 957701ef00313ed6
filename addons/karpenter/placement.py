"""Where pods that hold state run: on-demand capacity, in the stateful NodePool if settings name one. Pure.

A Spot reclaim or a consolidation pass that takes two database members at once loses the
quorum; on-demand nodes in a pool that is only consolidated when empty do not move under them.
"""

from __future__ import annotations

from typing import Any

from addons.karpenter.manifests import DEDICATED_KEY, POOL_LABEL
from settings.model import NodePoolSettings

CAPACITY_TYPE_LABEL = "karpenter.sh/capacity-type"
# Karpenter leaves a node alone while a pod with this annotation runs on it (voluntary disruption).
DO_NOT_DISRUPT = {"karpenter.sh/do-not-disrupt": "true"}


def stateful_placement(pool: NodePoolSettings | None) -> dict[str, Any]:
    """nodeSelector and tolerations (Kubernetes form) for a stateful pod."""
    selector = {CAPACITY_TYPE_LABEL: "on-demand"}
    placement: dict[str, Any] = {"nodeSelector": selector}
    if pool is not None:
        selector[POOL_LABEL] = pool.name
        if pool.dedicated:
            placement["tolerations"] = [
                {"key": DEDICATED_KEY, "operator": "Equal", "value": pool.name, "effect": "NoSchedule"}
            ]
    return placement
