"""What every in-cluster add-on receives about the cluster it is installed on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from components.pod_identity import PodIdentity, PodIdentityArgs, pod_identity


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

    def identity(
        self, owner: pulumi.Resource, name: str, namespace: str, service_account: str, **grants: Any
    ) -> PodIdentity:
        """A Pod Identity role for one service account of this cluster (see PodIdentityArgs)."""
        args = PodIdentityArgs(
            cluster_name=self.cluster_name_output,
            namespace=namespace,
            service_account=service_account,
            tags=self.tags,
            **grants,
        )
        return pod_identity(owner, name, args)

    def critical_addon_prerequisites(self, identity: PodIdentity | None = None) -> list[pulumi.Resource]:
        """What a system-node add-on waits for: the nodes, the Pod Identity agent, its own role."""
        return [self.system_nodes, self.pod_identity_agent, *(identity.grants if identity else [])]
