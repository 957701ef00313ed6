"""metrics-server: the resource metrics API the HorizontalPodAutoscalers read."""

from __future__ import annotations

import pulumi

from addons.context import ClusterContext
from addons.helm import helm_release
from components.kubernetes_objects import resources
from components.system_nodes import critical_addon_placement

NAMESPACE = "kube-system"


class MetricsServer(pulumi.ComponentResource):
    release: pulumi.Resource

    def __init__(self, name: str, cluster: ClusterContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("eks-platform:addons:MetricsServer", name, None, opts)
        values = {
            "replicas": 2,
            "podDisruptionBudget": {"enabled": True, "maxUnavailable": 1},
            "resources": resources("100m", "200Mi", "500m", "400Mi"),
            **critical_addon_placement(),
        }
        self.release = helm_release(
            "metrics-server", NAMESPACE, values, cluster.on_cluster(self), after=[cluster.system_nodes]
        )
        self.register_outputs({})
