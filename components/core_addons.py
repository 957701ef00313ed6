"""Core EKS managed add-ons, pinned in versions.py, in the order a cluster needs them.

Node networking (vpc-cni, kube-proxy) and the Pod Identity agent must exist before
any node joins; CoreDNS only after the system nodes, or it sits DEGRADED waiting
for capacity (terraform-aws-eks#3001, pulumi-eks#1819).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

import versions
from components.pod_identity import PodIdentityArgs, pod_identity
from components.system_nodes import critical_addon_placement
from components.tagging import resource_tags

NODE_ADDONS = ("vpc-cni", "kube-proxy", "eks-pod-identity-agent")
CNI_SERVICE_ACCOUNT = "aws-node"
CNI_POLICY = "AmazonEKS_CNI_Policy"
COREDNS_REPLICAS = 2


@dataclass(frozen=True)
class AddonArgs:
    cluster_name: pulumi.Input[str]
    kubernetes_version: str
    tags: Mapping[str, str]
    # Resources the add-ons must wait for, as explicit edges on each add-on itself.
    after: Sequence[pulumi.Resource] = ()


def eks_addon(
    owner: pulumi.Resource,
    addon: str,
    args: AddonArgs,
    configuration: Mapping[str, Any] | None,
    pod_identity: Sequence[aws.eks.AddonPodIdentityAssociationArgs] = (),
) -> aws.eks.Addon:
    """One EKS managed add-on at its pinned version; EKS binds `pod_identity` roles itself."""
    return aws.eks.Addon(
        addon,
        cluster_name=args.cluster_name,
        addon_name=addon,
        addon_version=versions.EKS_ADDON_VERSIONS[args.kubernetes_version][addon],
        configuration_values=json.dumps(configuration) if configuration else None,
        resolve_conflicts_on_create="OVERWRITE",
        resolve_conflicts_on_update="OVERWRITE",
        pod_identity_associations=list(pod_identity) or None,
        tags=resource_tags(args.tags, addon),
        opts=pulumi.ResourceOptions(parent=owner, depends_on=list(args.after)),
    )


class NodeAddons(pulumi.ComponentResource):
    """What a node needs to become Ready and serve Pod Identity credentials."""

    addons: list[aws.eks.Addon]
    by_name: dict[str, aws.eks.Addon]

    def __init__(self, name: str, args: AddonArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("eks-platform:components:NodeAddons", name, None, opts)
        configuration = {"vpc-cni": {"enableNetworkPolicy": "true"}}
        pod_identity = {"vpc-cni": self._cni_identity(name, args)}
        self.by_name = {
            addon: eks_addon(self, addon, args, configuration.get(addon), pod_identity.get(addon, ()))
            for addon in NODE_ADDONS
        }
        self.addons = list(self.by_name.values())
        self.register_outputs({"addons": [addon.addon_name for addon in self.addons]})

    def _cni_identity(self, name: str, args: AddonArgs) -> list[aws.eks.AddonPodIdentityAssociationArgs]:
        """aws-node manages ENIs and IPs with its own role, so the node role does not carry it."""
        identity = pod_identity(
            self,
            f"{name}-vpc-cni",
            PodIdentityArgs(
                cluster_name=args.cluster_name,
                namespace="kube-system",
                service_account=CNI_SERVICE_ACCOUNT,
                tags=args.tags,
                aws_managed_policies=[CNI_POLICY],
                associate=False,
            ),
        )
        return [
            aws.eks.AddonPodIdentityAssociationArgs(role_arn=identity.role.arn, service_account=CNI_SERVICE_ACCOUNT)
        ]


class ClusterDns(pulumi.ComponentResource):
    """CoreDNS on the system nodes, spread and protected by a disruption budget."""

    addon: aws.eks.Addon

    def __init__(self, name: str, args: AddonArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("eks-platform:components:ClusterDns", name, None, opts)
        configuration = {
            "replicaCount": COREDNS_REPLICAS,
            **critical_addon_placement(),
            "podDisruptionBudget": {"enabled": True, "maxUnavailable": 1},
        }
        self.addon = eks_addon(self, "coredns", args, configuration)
        self.register_outputs({"version": self.addon.addon_version})
