"""Values for the karpenter Helm chart. Pure."""

from __future__ import annotations

from typing import Any

from addons.karpenter.policy import CONTROLLER_SERVICE_ACCOUNT
from components.system_nodes import critical_addon_placement

CONTROLLER_REPLICAS = 2
# Requests equal limits: the controller gets Guaranteed QoS and is never throttled
# into missing a node launch.
CONTROLLER_RESOURCES = {"cpu": "1", "memory": "1Gi"}


def controller_values(cluster_name: str, queue_name: str, irsa_role_arn: str | None) -> dict[str, Any]:
    annotations = {"eks.amazonaws.com/role-arn": irsa_role_arn} if irsa_role_arn else {}
    return {
        "settings": {"clusterName": cluster_name, "interruptionQueue": queue_name},
        "serviceAccount": {"create": True, "name": CONTROLLER_SERVICE_ACCOUNT, "annotations": annotations},
        "replicas": CONTROLLER_REPLICAS,
        # CoreDNS may not be serving yet when the controller starts; resolving STS
        # through the VPC resolver avoids a start-up crash loop.
        "dnsPolicy": "Default",
        **critical_addon_placement(),
        "controller": {"resources": {"requests": dict(CONTROLLER_RESOURCES), "limits": dict(CONTROLLER_RESOURCES)}},
        "podDisruptionBudget": {"name": "karpenter", "maxUnavailable": 1},
    }
