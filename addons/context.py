"""What every in-cluster add-on receives about the cluster it is installed on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s


@dataclass(frozen=True)
class ClusterContext:
    cluster_name: str
    # An output of the cluster, so whatever names it waits for the cluster to exist.
    cluster_name_output: pulumi.Input[str]
    region: str
    vpc_id: pulumi.Input[str]
    kubernetes_provider: k8s.Provider
    tags: Mapping[str, str]
    # Add-ons scheduled on the system nodes wait for them and for the Pod Identity agent.
    system_nodes: pulumi.Resource
    pod_identity_agent: pulumi.Resource

    def on_cluster(self, parent: pulumi.Resource) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=parent, provider=self.kubernetes_provider)
