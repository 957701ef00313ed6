"""Typed, validated stack settings: the only input components receive."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

AmiFamily = Literal["AL2023", "Bottlerocket"]
CapacityType = Literal["ON_DEMAND", "SPOT"]
DrRole = Literal["active", "standby"]
NatGatewayMode = Literal["single", "perAz"]
ControllerIdentity = Literal["podIdentity", "irsa"]


@dataclass(frozen=True)
class NetworkSettings:
    vpc_cidr: str
    az_count: int
    nat_gateways: NatGatewayMode
    interface_endpoints: tuple[str, ...]
    flow_log_retention_days: int


@dataclass(frozen=True)
class EndpointAccess:
    private: bool
    public: bool
    public_cidrs: tuple[str, ...]


@dataclass(frozen=True)
class AccountSettings:
    """The AWS account the stack deploys into, and which account-wide resources it owns."""

    id: str
    owns_spot_service_linked_role: bool


@dataclass(frozen=True)
class KeySettings:
    """Who administers the platform's KMS keys, apart from the deployer; who may disable or delete them."""

    administrators: tuple[str, ...]
    # The only principal that may disable a key or schedule its deletion where state is protected.
    break_glass_role: str | None


@dataclass(frozen=True)
class ClusterSettings:
    name: str
    kubernetes_version: str
    endpoint: EndpointAccess
    admin_principals: tuple[str, ...]
    # The role every `pulumi up` assumes. EKS gives the cluster's creator an admin access
    # entry outside Pulumi state (pulumi-eks always bootstraps it), so it is never declared.
    deployer_principal: str
    log_retention_days: int


@dataclass(frozen=True)
class NodeScaling:
    min_size: int
    desired_size: int
    max_size: int


@dataclass(frozen=True)
class SystemNodeSettings:
    ami_family: AmiFamily
    ami_type: str
    ami_release_version: str
    instance_types: tuple[str, ...]
    capacity_type: CapacityType
    scaling: NodeScaling
    disk_size_gib: int


@dataclass(frozen=True)
class DrSettings:
    role: DrRole
    peer_stack: str | None
    peer_vpc_cidr: str | None
    # Where the active stack replicates its image repositories to (components/registry.py).
    peer_region: str | None
    # A Velero backup the promotion restores (dr.restoreBackup); None: nothing is restored.
    restore_backup: str | None = None


@dataclass(frozen=True)
class ResourceLimits:
    """Kubernetes quantities: cpu in cores, memory such as 256Gi."""

    cpu: str
    memory: str


@dataclass(frozen=True)
class DisruptionBudget:
    """A Karpenter disruption budget; with a schedule it applies only inside that window."""

    nodes: str
    schedule: str | None = None
    duration: str | None = None


@dataclass(frozen=True)
class NodePoolSettings:
    name: str
    capacity_types: tuple[str, ...]
    architectures: tuple[str, ...]
    instance_categories: tuple[str, ...]
    min_instance_generation: int
    limits: ResourceLimits
    consolidation_policy: str
    consolidate_after: str
    expire_after: str
    budgets: tuple[DisruptionBudget, ...]
    dedicated: bool
    weight: int | None


@dataclass(frozen=True)
class KarpenterSettings:
    identity: ControllerIdentity
    ami_family: AmiFamily
    node_volume_gib: int
    node_pools: tuple[NodePoolSettings, ...]
    # The on-demand NodePool stateful pods (database members, Prometheus) are pinned to.
    stateful_node_pool: NodePoolSettings | None

    @property
    def uses_spot(self) -> bool:
        return any("spot" in pool.capacity_types for pool in self.node_pools)


@dataclass(frozen=True)
class ReviewSettings:
    """What the cost estimate assumes about usage, and the targets review holds the stack to."""

    nat_data_gib_per_month: int
    log_ingestion_gib_per_month: int
    web_requests_millions_per_month: int
    replicated_gib_per_month: int
    metric_samples_millions_per_month: int
    spot_discount_percent: int
    monthly_budget_usd: int | None
    standby_max_percent_of_peer: int | None
    rto_minutes: int | None
    dns_ttl_seconds: int | None
    failover_detection_seconds: int | None


@dataclass(frozen=True)
class BackupSettings:
    """Velero's schedules and the standby's restore test (settings/backup.py)."""

    rpo_minutes: int  # the data tier is backed up this often: the RPO target
    ttl_hours: int  # each backup is kept this long
    restore_test_schedule: str | None  # cron of the standby's restore test; None: no test
    # The longest gap between two restore tests plus the test's own time: an older pass is stale.
    restore_test_max_age_hours: int | None
    active: bool  # dr.role active: schedules run and the location is writable

    @property
    def ttl(self) -> str:
        return f"{self.ttl_hours}h0m0s"


@dataclass(frozen=True)
class DnsSettings:
    """The Route 53 zone external-dns manages records in."""

    hosted_zone_id: str
    domain: str


@dataclass(frozen=True)
class WebSettings:
    min_replicas: int
    max_replicas: int
    target_cpu_percent: int
    certificate_arn: str | None


@dataclass(frozen=True)
class MongoSettings:
    replicas: int
    volume_size_gib: int


@dataclass(frozen=True)
class BatchSettings:
    schedule: str


@dataclass(frozen=True)
class WorkloadSettings:
    web: WebSettings
    mongodb: MongoSettings
    batch: BatchSettings


@dataclass(frozen=True)
class ObservabilitySettings:
    prometheus_retention: str
    prometheus_volume_gib: int
    prometheus_replicas: int
    grafana_internal_ingress: bool
    managed_prometheus: bool
    alert_emails: tuple[str, ...]
    # A dead man's switch URL Alertmanager's always-firing Watchdog alert is sent to.
    heartbeat_url: str | None
    # Grafana's internal ALB: its ACM certificate (HTTPS only), and who besides the VPC may reach it.
    grafana_certificate_arn: str | None
    grafana_inbound_cidrs: tuple[str, ...]


@dataclass(frozen=True)
class Settings:
    project: str
    stack: str
    environment: str
    region: str
    # A named profile of the AWS shared config (aws:profile), or the ambient credentials.
    aws_profile: str | None
    account: AccountSettings
    network: NetworkSettings
    cluster: ClusterSettings
    system_nodes: SystemNodeSettings
    dr: DrSettings
    karpenter: KarpenterSettings
    dns: DnsSettings | None
    workloads: WorkloadSettings
    observability: ObservabilitySettings
    protect_stateful_resources: bool
    keys: KeySettings
    tags: Mapping[str, str]
    review: ReviewSettings
    backup: BackupSettings

    @property
    def uses_spot(self) -> bool:
        return self.system_nodes.capacity_type == "SPOT" or self.karpenter.uses_spot
