"""The platform as one dependency graph: settings -> components -> stack outputs."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from addons.karpenter import Karpenter, KarpenterArgs
from components.cluster import Cluster, ClusterArgs
from components.core_addons import AddonArgs, ClusterDns, NodeAddons
from components.encryption import PlatformKeys, PlatformKeysArgs
from components.kubernetes_provider import cluster_provider
from components.network import Network, NetworkArgs
from components.system_nodes import SystemNodeGroup, SystemNodeGroupArgs
from settings import Settings


def build_platform(settings: Settings) -> dict[str, Any]:
    """Declare every resource for one stack and return its stack outputs."""
    name = settings.cluster.name
    protect = settings.protect_stateful_resources
    # Explicit provider: the region comes from settings and default tags catch any
    # AWS resource that pulumi-eks creates on our behalf.
    aws_provider = aws.Provider("aws", region=settings.region, default_tags={"tags": dict(settings.tags)})
    on_aws = pulumi.ResourceOptions(providers={"aws": aws_provider})

    keys = PlatformKeys(
        name, PlatformKeysArgs(name=name, region=settings.region, tags=settings.tags, protect=protect), on_aws
    )
    network = Network(
        name,
        NetworkArgs(
            name=name,
            cluster_name=name,
            region=settings.region,
            settings=settings.network,
            logs_key_arn=keys.logs_key_arn,
            tags=settings.tags,
            protect=protect,
        ),
        on_aws,
    )
    cluster = Cluster(
        name,
        ClusterArgs(
            settings=settings.cluster,
            vpc_id=network.vpc_id,
            private_subnet_ids=network.private_subnet_ids,
            public_subnet_ids=network.public_subnet_ids,
            secrets_key_arn=keys.secrets_key_arn,
            logs_key_arn=keys.logs_key_arn,
            tags=settings.tags,
            protect=protect,
        ),
        on_aws,
    )
    version = settings.cluster.kubernetes_version
    node_addons = NodeAddons(
        f"{name}-node-addons",
        AddonArgs(cluster_name=cluster.name, kubernetes_version=version, tags=settings.tags),
        on_aws,
    )
    system_nodes = SystemNodeGroup(
        f"{name}-system",
        SystemNodeGroupArgs(
            name=f"{name}-system",
            cluster=cluster.cluster,
            kubernetes_version=version,
            subnet_ids=network.private_subnet_ids,
            security_group_ids=[cluster.eks_security_group_id, cluster.node_security_group_id],
            settings=settings.system_nodes,
            tags=settings.tags,
            after=node_addons.addons,
        ),
        on_aws,
    )
    dns = ClusterDns(
        f"{name}-dns",
        AddonArgs(
            cluster_name=cluster.name, kubernetes_version=version, tags=settings.tags, after=[system_nodes.node_group]
        ),
        on_aws,
    )
    kubernetes = cluster_provider("k8s", cluster.kubeconfig_json, pulumi.ResourceOptions())
    Karpenter(
        f"{name}-karpenter",
        KarpenterArgs(
            settings=settings.karpenter,
            cluster_name=name,
            region=settings.region,
            cluster_name_output=cluster.name,
            oidc_provider_arn=cluster.oidc_provider_arn,
            oidc_provider_url=cluster.oidc_provider_url,
            kubernetes_provider=kubernetes,
            tags=settings.tags,
            controller_prerequisites=[
                system_nodes.node_group,
                dns.addon,
                node_addons.by_name["eks-pod-identity-agent"],
            ],
        ),
        on_aws,
    )

    return {
        "region": settings.region,
        "drRole": settings.dr.role,
        "vpcId": network.vpc_id,
        "subnetIds": {"public": network.public_subnet_ids, "private": network.private_subnet_ids},
        "clusterName": cluster.name,
        "clusterEndpoint": cluster.endpoint,
        "oidcProviderArn": cluster.oidc_provider_arn,
        "nodeSecurityGroupId": cluster.node_security_group_id,
        "kubeconfig": cluster.kubeconfig_json,
    }
