"""The EKS control plane: pulumi_eks.Cluster with API access entries, KMS and logs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_eks as eks

from components.network import KARPENTER_DISCOVERY_TAG
from components.tagging import resource_tags
from settings.model import ClusterSettings

CONTROL_PLANE_LOG_TYPES = ("api", "audit", "authenticator", "controllerManager", "scheduler")
CLUSTER_ADMIN_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"


@dataclass(frozen=True)
class ClusterArgs:
    settings: ClusterSettings
    vpc_id: pulumi.Input[str]
    private_subnet_ids: pulumi.Input[list[str]]
    public_subnet_ids: pulumi.Input[list[str]]
    secrets_key_arn: pulumi.Input[str]
    logs_key_arn: pulumi.Input[str]
    tags: Mapping[str, str]
    protect: bool


def admin_access_entries(principals: tuple[str, ...]) -> dict[str, eks.AccessEntryArgs]:
    """One cluster-admin access entry per principal, keyed by its role or user name."""
    return {
        f"admin-{arn.rsplit('/', 1)[-1]}": eks.AccessEntryArgs(
            principal_arn=arn,
            type=eks.AccessEntryType.STANDARD,
            access_policies={
                "cluster-admin": eks.AccessPolicyAssociationArgs(
                    policy_arn=CLUSTER_ADMIN_POLICY,
                    access_scope=aws.eks.AccessPolicyAssociationAccessScopeArgs(type="cluster"),
                )
            },
        )
        for arn in principals
    }


class Cluster(pulumi.ComponentResource):
    cluster: eks.Cluster
    name: pulumi.Output[str]
    endpoint: pulumi.Output[str]
    oidc_provider_arn: pulumi.Output[str]
    oidc_provider_url: pulumi.Output[str]
    node_security_group_id: pulumi.Output[str]
    kubeconfig_json: pulumi.Output[str]

    def __init__(self, name: str, args: ClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("eks-platform:components:Cluster", name, None, opts)
        cfg = args.settings
        # EKS writes control-plane logs to this fixed name; creating it first keeps
        # retention and encryption ours instead of a never-expiring default group.
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-control-plane",
            name=f"/aws/eks/{cfg.name}/cluster",
            retention_in_days=cfg.log_retention_days,
            kms_key_id=args.logs_key_arn,
            tags=resource_tags(args.tags, f"{name}-control-plane"),
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        self.cluster = eks.Cluster(
            name,
            name=cfg.name,
            version=cfg.kubernetes_version,
            vpc_id=args.vpc_id,
            private_subnet_ids=args.private_subnet_ids,
            public_subnet_ids=args.public_subnet_ids,
            node_associate_public_ip_address=False,
            skip_default_node_group=True,
            authentication_mode=eks.AuthenticationMode.API,
            # EKS also makes the creator (the deployer role the provider assumes) an admin,
            # outside Pulumi state: settings keep it out of this list, or the entry collides.
            access_entries=admin_access_entries(cfg.admin_principals),
            # The kubeconfig, and every Kubernetes call Pulumi makes, go through that role.
            provider_credential_opts=eks.KubeconfigOptionsArgs(role_arn=cfg.deployer_principal),
            encryption_config_key_arn=args.secrets_key_arn,
            enabled_cluster_log_types=list(CONTROL_PLANE_LOG_TYPES),
            create_oidc_provider=True,
            endpoint_private_access=cfg.endpoint.private,
            endpoint_public_access=cfg.endpoint.public,
            public_access_cidrs=list(cfg.endpoint.public_cidrs) or None,
            # The platform installs vpc-cni, kube-proxy and coredns itself as pinned
            # EKS add-ons, so neither EKS nor pulumi-eks bootstraps its own copies.
            bootstrap_self_managed_addons=False,
            use_default_vpc_cni=True,
            coredns_addon_options=eks.CoreDnsAddonOptionsArgs(enabled=False),
            kube_proxy_addon_options=eks.KubeProxyAddonOptionsArgs(enabled=False),
            deletion_protection=args.protect,
            # Karpenter discovers exactly one security group: the node security group.
            node_security_group_tags={KARPENTER_DISCOVERY_TAG: cfg.name},
            tags=resource_tags(args.tags, cfg.name),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[log_group], protect=args.protect),
        )
        self.name = self.cluster.eks_cluster.name
        self.endpoint = self.cluster.eks_cluster.endpoint
        self.oidc_provider_arn = self.cluster.oidc_provider_arn
        self.oidc_provider_url = self.cluster.oidc_provider_url
        self.node_security_group_id = self.cluster.node_security_group_id
        # No static credentials (it execs `aws eks get-token`), but it maps the cluster: keep it secret.
        self.kubeconfig_json = pulumi.Output.secret(self.cluster.kubeconfig_json)
        self.register_outputs(
            {"name": self.name, "endpoint": self.endpoint, "oidc_provider_arn": self.oidc_provider_arn}
        )
