"""The platform as one dependency graph: settings -> components -> add-ons -> workloads -> outputs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

import versions
from addons.admission import AdmissionArgs, AdmissionPolicies
from addons.aws_load_balancer_controller import AwsLoadBalancerController
from addons.context import ClusterContext
from addons.ebs_csi import EbsCsiDriver
from addons.external_dns import ExternalDns
from addons.karpenter import Karpenter, KarpenterArgs
from addons.karpenter.placement import stateful_placement
from addons.metrics_server import MetricsServer
from addons.observability.cloudwatch import CloudWatchArgs, CloudWatchObservability
from addons.observability.prometheus_stack import PrometheusStack, PrometheusStackArgs
from addons.platform_namespaces import PlatformNamespaces
from components.account_roles import AccountWideRoles
from components.cluster import CLUSTER_ADMIN_POLICY, Cluster, ClusterArgs
from components.core_addons import AddonArgs, ClusterDns, NodeAddons
from components.encryption import PlatformKeys, PlatformKeysArgs
from components.images import mirrored_images, registry_host, repository_prefix
from components.kubernetes_provider import cluster_provider
from components.network import Network, NetworkArgs
from components.registry import ImageRegistry, ImageRegistryArgs, replication_region
from components.system_nodes import SystemNodeGroup, SystemNodeGroupArgs
from cross_region import backups, dr_output, peer_outputs, pending, replicate_web_bucket, restore_test
from settings import Settings
from workloads.batch import Batch
from workloads.context import WorkloadContext
from workloads.failover_dns import FailoverDns
from workloads.mongodb import MongoDb
from workloads.web import Web


@dataclass(frozen=True)
class Foundation:
    account: AccountWideRoles
    keys: PlatformKeys
    network: Network
    cluster: Cluster
    node_addons: NodeAddons
    system_nodes: SystemNodeGroup
    dns: ClusterDns
    kubernetes: k8s.Provider
    registry: ImageRegistry


@dataclass(frozen=True)
class PlatformAddons:
    context: ClusterContext
    karpenter: Karpenter
    load_balancer_controller: AwsLoadBalancerController
    metrics_server: MetricsServer
    ebs_csi: EbsCsiDriver


def build_platform(settings: Settings) -> dict[str, Any]:
    """Declare every resource for one stack and return its stack outputs."""
    on_aws = pulumi.ResourceOptions(providers={"aws": aws_provider(settings)})
    foundation = _foundation(settings, on_aws)
    addons = _addons(settings, foundation, on_aws)
    data_key = foundation.keys.data_key_arn
    peer = peer_outputs(settings)
    storage = [addons.ebs_csi.addon, addons.ebs_csi.storage_class]
    velero = backups(settings, addons.context, data_key, storage, peer, on_aws)
    # A promotion's restore (dr.restoreBackup) finishes before the data tier grows to its active size.
    site, context = _workloads(settings, foundation, addons, on_aws, after_restore=_optional(velero.restore))
    web_replication = replicate_web_bucket(settings, site, data_key, peer)
    restore_test(settings, velero, context, on_aws)
    alarm_topic = _observability(settings, foundation, addons, on_aws)
    dr = dr_output(settings, velero, site, data_key, web_replication, foundation.registry, pending(settings, peer))
    return {**_outputs(settings, foundation), "alarmTopicArn": alarm_topic, "dr": dr}


def _optional(resource: pulumi.Resource | None) -> list[pulumi.Resource]:
    return [resource] if resource is not None else []


def aws_provider(settings: Settings) -> aws.Provider:
    """The one AWS provider: the stack's region and account, as the deployer role.

    Assuming the deployer role makes it the cluster's creator, whose admin access entry
    EKS adds by itself; refusing other accounts keeps a stack from deploying wherever the
    ambient credentials happen to point. Default tags reach what pulumi-eks creates.
    """
    return aws.Provider(
        "aws",
        region=settings.region,
        profile=settings.aws_profile,
        allowed_account_ids=[settings.account.id],
        assume_roles=[
            aws.ProviderAssumeRoleArgs(
                role_arn=settings.cluster.deployer_principal, session_name=f"pulumi-{settings.stack}"
            )
        ],
        default_tags={"tags": dict(settings.tags)},
    )


def _foundation(settings: Settings, on_aws: pulumi.ResourceOptions) -> Foundation:
    name = settings.cluster.name
    protect = settings.protect_stateful_resources
    account = AccountWideRoles(f"{name}-account", settings.account, settings.tags, protect, on_aws)
    keys = PlatformKeys(
        name,
        PlatformKeysArgs(
            name=name,
            region=settings.region,
            tags=settings.tags,
            protect=protect,
            administrators=(settings.cluster.deployer_principal, *settings.keys.administrators),
            break_glass_role=settings.keys.break_glass_role,
        ),
        on_aws,
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
            # Only the node security group: the AWS Load Balancer Controller needs exactly one group
            # tagged kubernetes.io/cluster/<name> on a target's interface, and the EKS-created
            # cluster security group carries that tag too. Karpenter's nodes join the same group.
            security_group_ids=[cluster.node_security_group_id],
            settings=settings.system_nodes,
            tags=settings.tags,
            volume_key_arn=keys.data_key_arn,
            after=[*node_addons.addons, *account.spot_prerequisites],
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
    registry = image_registry(settings, on_aws)
    return Foundation(account, keys, network, cluster, node_addons, system_nodes, dns, kubernetes, registry)


def image_registry(settings: Settings, on_aws: pulumi.ResourceOptions) -> ImageRegistry:
    """The sample images' repositories in the stack's region; the active stack of a pair replicates them."""
    return ImageRegistry(
        f"{settings.cluster.name}-registry",
        ImageRegistryArgs(
            images=mirrored_images(settings.project, settings.account.id, settings.region, versions.IMAGES),
            prefix=repository_prefix(settings.project),
            account_id=settings.account.id,
            replicate_to=replication_region(settings.dr),
            tags=settings.tags,
            protect=settings.protect_stateful_resources,
        ),
        on_aws,
    )


def _addons(settings: Settings, foundation: Foundation, on_aws: pulumi.ResourceOptions) -> PlatformAddons:
    name = settings.cluster.name
    cluster = foundation.cluster
    pod_identity_agent = foundation.node_addons.by_name["eks-pod-identity-agent"]
    context = ClusterContext(
        cluster_name=name,
        cluster_name_output=cluster.name,
        region=settings.region,
        vpc_id=foundation.network.vpc_id,
        kubernetes_provider=foundation.kubernetes,
        tags=settings.tags,
        system_nodes=foundation.system_nodes.node_group,
        pod_identity_agent=pod_identity_agent,
    )
    karpenter = Karpenter(
        f"{name}-karpenter",
        KarpenterArgs(
            settings=settings.karpenter,
            cluster_name=name,
            region=settings.region,
            cluster_name_output=cluster.name,
            oidc_provider_arn=cluster.oidc_provider_arn,
            oidc_provider_url=cluster.oidc_provider_url,
            kubernetes_provider=foundation.kubernetes,
            tags=settings.tags,
            volume_key_arn=foundation.keys.data_key_arn,
            vpc_id=foundation.network.vpc_id,
            protect=settings.protect_stateful_resources,
            controller_prerequisites=[
                foundation.system_nodes.node_group,
                foundation.dns.addon,
                pod_identity_agent,
                *foundation.account.spot_prerequisites,
            ],
        ),
        on_aws,
    )
    addons = PlatformAddons(
        context=context,
        karpenter=karpenter,
        load_balancer_controller=AwsLoadBalancerController(f"{name}-alb-controller", context, on_aws),
        metrics_server=MetricsServer(f"{name}-metrics-server", context, on_aws),
        ebs_csi=EbsCsiDriver(
            f"{name}-ebs-csi",
            context,
            settings.cluster.kubernetes_version,
            retain_volumes=settings.protect_stateful_resources,
            volume_key_arn=foundation.keys.data_key_arn,
            opts=on_aws,
        ),
    )
    if settings.dns:
        ExternalDns(f"{name}-external-dns", context, settings.dns, on_aws)
    PlatformNamespaces(f"{name}-platform-namespaces", context, on_aws)
    # Workloads pull only what the stack mirrored into its own regional ECR (image_registry).
    admission = AdmissionArgs(registry_hosts=(registry_host(settings.account.id, settings.region),))
    AdmissionPolicies(f"{name}-admission-policies", context, admission, on_aws)
    return addons


def _workloads(
    settings: Settings,
    foundation: Foundation,
    addons: PlatformAddons,
    on_aws: pulumi.ResourceOptions,
    after_restore: list[pulumi.Resource],
) -> tuple[Web, WorkloadContext]:
    name = settings.cluster.name
    context = WorkloadContext(
        cluster_name=name,
        cluster_name_output=foundation.cluster.name,
        kubernetes_provider=foundation.kubernetes,
        tags=settings.tags,
        protect=settings.protect_stateful_resources,
        public_subnet_cidrs=foundation.network.public_subnet_cidrs,
        capacity=addons.karpenter.node_pools,
        load_balancing=[addons.load_balancer_controller.release],
        storage=[addons.ebs_csi.addon, addons.ebs_csi.storage_class],
        metrics=[addons.metrics_server.release],
        dns_domain=settings.dns.domain if settings.dns else None,
        failover_dns=_failover_dns(settings),
        stateful_placement=stateful_placement(settings.karpenter.stateful_node_pool),
        data_key_arn=foundation.keys.data_key_arn,
        images=foundation.registry.images,
    )
    workloads = settings.workloads
    web = Web(f"{name}-web", workloads.web, context, settings.region, settings.account.id, on_aws)
    # web's copy of its database credentials goes into web's namespace, so it waits for web.
    MongoDb(f"{name}-mongodb", workloads.mongodb, context, [web], on_aws, restored=after_restore)
    Batch(f"{name}-batch", workloads.batch, web.bucket_name, web.bucket_arn, context, settings.region, on_aws)
    return web, context


def _observability(
    settings: Settings, foundation: Foundation, addons: PlatformAddons, on_aws: pulumi.ResourceOptions
) -> pulumi.Output[str]:
    name = settings.cluster.name
    cloudwatch = CloudWatchObservability(
        f"{name}-cloudwatch",
        CloudWatchArgs(
            cluster=addons.context,
            kubernetes_version=settings.cluster.kubernetes_version,
            settings=settings.observability,
            log_retention_days=settings.cluster.log_retention_days,
            logs_key_arn=foundation.keys.logs_key_arn,
            alerts_key_arn=foundation.keys.alerts_key_arn,
            protect=settings.protect_stateful_resources,
        ),
        on_aws,
    )
    PrometheusStack(
        f"{name}-prometheus",
        PrometheusStackArgs(
            cluster=addons.context,
            settings=settings.observability,
            # Per region: two regions' external-dns never write one name, and one label under
            # the domain keeps a `*.<domain>` certificate valid for it.
            grafana_hostname=f"grafana-{settings.region}.{settings.dns.domain}" if settings.dns else None,
            storage=[addons.ebs_csi.addon, addons.ebs_csi.storage_class],
            capacity=addons.karpenter.node_pools,
            alert_topic_arn=cloudwatch.topic_arn,
            alerts_key_arn=foundation.keys.alerts_key_arn,
            stateful_placement=stateful_placement(settings.karpenter.stateful_node_pool),
            vpc_cidr=settings.network.vpc_cidr,
            data_key_arn=foundation.keys.data_key_arn,
            protect=settings.protect_stateful_resources,
        ),
        on_aws,
    )
    return cloudwatch.topic_arn


def implicit_access_entries(settings: Settings) -> list[dict[str, str]]:
    """Cluster admins that exist without being declared, so reviews see every admin path."""
    return [
        {
            "principalArn": settings.cluster.deployer_principal,
            "accessPolicy": CLUSTER_ADMIN_POLICY,
            "createdBy": "EKS, for the cluster creator (bootstrapClusterCreatorAdminPermissions)",
        }
    ]


def _outputs(settings: Settings, foundation: Foundation) -> dict[str, Any]:
    network, cluster = foundation.network, foundation.cluster
    return {
        "region": settings.region,
        "drRole": settings.dr.role,
        "vpcId": network.vpc_id,
        "subnetIds": {"public": network.public_subnet_ids, "private": network.private_subnet_ids},
        "clusterName": cluster.name,
        "clusterEndpoint": cluster.endpoint,
        "oidcProviderArn": cluster.oidc_provider_arn,
        "nodeSecurityGroupId": cluster.node_security_group_id,
        "implicitAccessEntries": implicit_access_entries(settings),
        # Not AWS state: the usage and targets `make plan`'s cost and deploy-time estimates read.
        "review": review_assumptions(settings),
        "kubeconfig": cluster.kubeconfig_json,
    }


def _failover_dns(settings: Settings) -> FailoverDns | None:
    """With a zone and a DR peer, web's name is a failover record that follows dr.role."""
    if settings.dns is None or settings.dr.peer_stack is None:
        return None
    return FailoverDns(
        hosted_zone_id=settings.dns.hosted_zone_id,
        primary=settings.dr.role == "active",
        set_identifier=settings.cluster.name,
        https=settings.workloads.web.certificate_arn is not None,
    )


def review_assumptions(settings: Settings) -> dict[str, Any]:
    """The review section as camelCase keys, unset targets left out."""
    review = settings.review
    values = {
        "natDataGiBPerMonth": review.nat_data_gib_per_month,
        "logIngestionGiBPerMonth": review.log_ingestion_gib_per_month,
        "webRequestsMillionsPerMonth": review.web_requests_millions_per_month,
        "replicatedGiBPerMonth": review.replicated_gib_per_month,
        "metricSamplesMillionsPerMonth": review.metric_samples_millions_per_month,
        "spotDiscountPercent": review.spot_discount_percent,
        "monthlyBudgetUsd": review.monthly_budget_usd,
        "standbyMaxPercentOfPeer": review.standby_max_percent_of_peer,
        "rtoMinutes": review.rto_minutes,
        "dnsTtlSeconds": review.dns_ttl_seconds,
        "failoverDetectionSeconds": review.failover_detection_seconds,
        "peerStack": settings.dr.peer_stack,
    }
    return {key: value for key, value in values.items() if value is not None}
