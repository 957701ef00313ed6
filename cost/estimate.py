"""Line items of a stack's monthly bill: what the plan declares, priced per region.

Usage the plan cannot know (NAT traffic, log volume, requests, replicated bytes, samples) comes
from the stack's `eks-platform:review` settings, which the program exports as the `review`
output. Each line says what it counted and which price it used.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from capacity.catalog import load_catalog
from capacity.plan_reading import daemonset_pods, owner_configs
from capacity.quantities import memory_mib
from cost import karpenter
from cost.prices import RegionPrices, region_prices
from cost.workloads import karpenter_pods

NODE_GROUP_TYPE = "eks:index:ManagedNodeGroup"


@dataclass(frozen=True)
class LineItem:
    item: str
    monthly: float  # baseline
    worst_case: float  # at every NodePool's limits (equal to monthly for fixed items)
    basis: str
    prices: tuple[str, ...]  # names of the price figures used


@dataclass
class CostEstimate:
    stack: str
    region: str
    items: list[LineItem] = field(default_factory=list)
    assumptions: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def monthly(self) -> float:
        return round(sum(item.monthly for item in self.items), 2)

    @property
    def worst_case(self) -> float:
        return round(sum(item.worst_case for item in self.items), 2)

    def as_json(self, prices: RegionPrices) -> dict[str, Any]:
        used = sorted({name for item in self.items for name in item.prices if name in prices.figures})
        return {
            "stack": self.stack,
            "region": self.region,
            "currency": "USD",
            "monthly": self.monthly,
            "worstCase": self.worst_case,
            "items": [
                {"item": i.item, "monthly": round(i.monthly, 2), "worstCase": round(i.worst_case, 2), "basis": i.basis}
                for i in self.items
            ],
            "assumptions": self.assumptions,
            "prices": {
                **{
                    name: {"usd": prices[name].usd, "source": prices[name].source, "date": prices[name].date}
                    for name in used
                },
                "onDemandHour": {"region": prices.instance_prices_from, "source": prices.instance_source},
            },
            "notes": self.notes,
        }


def estimate_plan(plan: dict[str, Any], assumptions: dict[str, Any] | None = None) -> CostEstimate:
    """The stack's estimate; `assumptions` default to the plan's own `review` output."""
    assumptions = assumptions if assumptions is not None else plan["outputs"].get("review", {})
    region = plan["outputs"]["region"]
    prices = region_prices(region)
    estimate = CostEstimate(plan["stack"], region, assumptions=dict(assumptions))
    if prices.instance_prices_from != region:
        estimate.notes.append(
            f"instance prices are {prices.instance_prices_from}'s: Karpenter's generated table, the source used, "
            f"has none for {region}"
        )
    counts = Counter(resource["type"] for resource in plan["resources"])
    for line in (
        _control_plane(counts, prices),
        _nat_gateways(counts, prices, assumptions),
        _interface_endpoints(plan, prices),
        *_system_nodes(plan, prices, assumptions),
        *_karpenter(plan, prices, assumptions),
        _load_balancers(plan, prices),
        _cloudwatch(plan, counts, prices, assumptions),
        _kms(counts, prices),
        _health_checks(counts, prices),
        _waf(plan, prices, assumptions),
        _replication(counts, prices, assumptions),
        _amp(counts, prices, assumptions),
    ):
        if line is not None:
            estimate.items.append(line)
    return estimate


def _fixed(item: str, monthly: float, basis: str, *prices: str) -> LineItem:
    return LineItem(item, monthly, monthly, basis, prices)


def _control_plane(counts: Counter[str], prices: RegionPrices) -> LineItem | None:
    clusters = counts["eks:index:Cluster"]
    if not clusters:
        return None
    return _fixed(
        "EKS control plane",
        clusters * prices.monthly("eksControlPlaneHour"),
        f"{clusters} cluster(s), standard support",
        "eksControlPlaneHour",
    )


def _nat_gateways(counts: Counter[str], prices: RegionPrices, assumptions: dict[str, Any]) -> LineItem | None:
    gateways = counts["aws:ec2/natGateway:NatGateway"]
    if not gateways:
        return None
    traffic = assumptions.get("natDataGiBPerMonth", 0)
    monthly = gateways * prices.monthly("natGatewayHour") + traffic * prices["natGatewayGiB"].usd
    return _fixed(
        "NAT gateways", monthly, f"{gateways} gateway(s), {traffic} GiB processed", "natGatewayHour", "natGatewayGiB"
    )


def _interface_endpoints(plan: dict[str, Any], prices: RegionPrices) -> LineItem | None:
    per_az = [
        len(resource["inputs"].get("subnetIds") or [])
        for resource in plan["resources"]
        if resource["type"] == "aws:ec2/vpcEndpoint:VpcEndpoint"
        and resource["inputs"].get("vpcEndpointType") == "Interface"
    ]
    if not per_az:
        return None
    monthly = sum(per_az) * prices.monthly("interfaceEndpointHourPerAz")
    return _fixed(
        "VPC interface endpoints",
        monthly,
        f"{len(per_az)} endpoint(s) in {sum(per_az)} subnet(s)",
        "interfaceEndpointHourPerAz",
    )


def _system_nodes(plan: dict[str, Any], prices: RegionPrices, assumptions: dict[str, Any]) -> list[LineItem]:
    lines = []
    for group in (r for r in plan["resources"] if r["type"] == NODE_GROUP_TYPE):
        inputs = group["inputs"]
        scaling = inputs["scalingConfig"]
        name = inputs["instanceTypes"][0]  # the first type is the one the group launches while it is offered
        spot = inputs.get("capacityType") == "SPOT"
        hourly = prices.on_demand_hour[name] * (1 - assumptions.get("spotDiscountPercent", 0) / 100 if spot else 1)
        nodes, most = int(scaling["desiredSize"]), int(scaling["maxSize"])
        basis = f"{nodes} x {name} {'Spot' if spot else 'on-demand'} (at most {most})"
        lines.append(
            LineItem(
                "System nodes",
                nodes * hourly * prices.hours_per_month,
                most * hourly * prices.hours_per_month,
                basis,
                ("onDemandHour",),
            )
        )
        disk = _launch_template_disk_gib(plan)
        if disk:
            per_node = disk * prices["ebsGp3GiBMonth"].usd
            lines.append(
                LineItem(
                    "System node volumes",
                    nodes * per_node,
                    most * per_node,
                    f"{nodes} x {disk} GiB gp3",
                    ("ebsGp3GiBMonth",),
                )
            )
    return lines


def _launch_template_disk_gib(plan: dict[str, Any]) -> int:
    for resource in plan["resources"]:
        if resource["type"] == "aws:ec2/launchTemplate:LaunchTemplate":
            for mapping in resource["inputs"].get("blockDeviceMappings", []):
                return int(mapping.get("ebs", {}).get("volumeSize", 0))
    return 0


def _karpenter(plan: dict[str, Any], prices: RegionPrices, assumptions: dict[str, Any]) -> list[LineItem]:
    pools = karpenter.node_pools(plan)
    if not pools:
        return []
    discount = assumptions.get("spotDiscountPercent", 0) / 100
    daemonsets = daemonset_pods(load_catalog(), owner_configs(plan))
    pods = karpenter_pods(plan)
    node_volume = _node_class_volume_gib(plan)
    lines = []
    for pool in pools:
        placed = [p for p in pods if karpenter.pool_for(p, pools) is pool]
        worst_type, worst_nodes, worst_hourly = karpenter.worst_case(pool, prices, discount)
        worst = worst_nodes * (worst_hourly * prices.hours_per_month + node_volume * prices["ebsGp3GiBMonth"].usd)
        if placed:
            instance, nodes, hourly = karpenter.baseline(pool, [p.pod for p in placed], daemonsets, prices, discount)
            spot = "spot" in pool.capacity_types
            basis = f"{len(placed)} pod(s) on {nodes} x {instance.name} {'Spot' if spot else 'on-demand'}"
        else:
            nodes, hourly, basis = 0, 0.0, "no pods select it"
        monthly = nodes * (hourly * prices.hours_per_month + node_volume * prices["ebsGp3GiBMonth"].usd)
        basis += f"; at its limits {worst_nodes} x {worst_type.name} on-demand"
        lines.append(LineItem(f"Karpenter pool {pool.name}", monthly, worst, basis, ("onDemandHour", "ebsGp3GiBMonth")))
    claims = sum(p.volume_gib for p in pods)
    if claims:
        monthly = claims * prices["ebsGp3GiBMonth"].usd
        lines.append(
            _fixed(
                "Persistent volumes",
                monthly,
                f"{claims:g} GiB gp3 claimed by workloads and Prometheus",
                "ebsGp3GiBMonth",
            )
        )
    return lines


def _node_class_volume_gib(plan: dict[str, Any]) -> float:
    for resource in plan["resources"]:
        if resource["type"] == "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass":
            for mapping in resource["inputs"]["spec"].get("blockDeviceMappings", []):
                return memory_mib(mapping["ebs"]["volumeSize"]) / 1024
    return 0.0


def _load_balancers(plan: dict[str, Any], prices: RegionPrices) -> LineItem | None:
    """One ALB per Ingress group (the controller merges Ingresses that share a group name),
    whether the Ingress is a resource of the plan or one a chart renders from its values."""
    groups = {_alb_group(name, ingress) for name, ingress in _ingresses(plan)}
    if not groups:
        return None
    per_alb = prices.monthly("albHour") + prices.monthly("albLcuHour")
    basis = f"{len(groups)} ALB(s), 1 LCU each (assumed)"
    return _fixed("Application load balancers", len(groups) * per_alb, basis, "albHour", "albLcuHour")


def _ingresses(plan: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(name, {annotations, ingressClassName}) of every Ingress: declared, or Grafana's from its chart."""
    found = []
    for resource in plan["resources"]:
        inputs = resource["inputs"]
        if resource["type"] == "kubernetes:networking.k8s.io/v1:Ingress":
            spec = inputs.get("spec") or {}
            annotations = (inputs.get("metadata") or {}).get("annotations") or {}
            found.append(
                (resource["name"], {"annotations": annotations, "ingressClassName": spec.get("ingressClassName")})
            )
        elif resource["type"] == "kubernetes:helm.sh/v3:Release":
            ingress = ((inputs.get("values") or {}).get("grafana") or {}).get("ingress") or {}
            if ingress.get("enabled"):
                found.append((f"{resource['name']}-grafana", ingress))
    return [(name, ingress) for name, ingress in found if ingress.get("ingressClassName") in ("alb", None)]


def _alb_group(name: str, ingress: dict[str, Any]) -> str:
    return str((ingress.get("annotations") or {}).get("alb.ingress.kubernetes.io/group.name") or name)


def _cloudwatch(
    plan: dict[str, Any], counts: Counter[str], prices: RegionPrices, assumptions: dict[str, Any]
) -> LineItem:
    ingested = assumptions.get("logIngestionGiBPerMonth", 0)
    alarms = counts["aws:cloudwatch/metricAlarm:MetricAlarm"]
    dashboards = counts["aws:cloudwatch/dashboard:Dashboard"]
    monthly = (
        ingested * prices["cloudwatchLogsIngestedGiB"].usd
        + alarms * prices["cloudwatchAlarmStandardMonth"].usd
        + dashboards * prices["cloudwatchDashboardMonth"].usd
    )
    basis = f"{ingested} GiB logs ingested, {alarms} alarm(s), {dashboards} dashboard(s); storage not counted"
    return _fixed(
        "CloudWatch",
        monthly,
        basis,
        "cloudwatchLogsIngestedGiB",
        "cloudwatchAlarmStandardMonth",
        "cloudwatchDashboardMonth",
    )


def _kms(counts: Counter[str], prices: RegionPrices) -> LineItem | None:
    keys = counts["aws:kms/key:Key"] + counts["aws:kms/replicaKey:ReplicaKey"]
    return (
        _fixed(
            "KMS keys",
            keys * prices["kmsKeyMonth"].usd,
            f"{keys} customer-managed key(s); requests not counted",
            "kmsKeyMonth",
        )
        if keys
        else None
    )


def _health_checks(counts: Counter[str], prices: RegionPrices) -> LineItem | None:
    checks = counts["aws:route53/healthCheck:HealthCheck"]
    return (
        _fixed(
            "Route 53 health checks",
            checks * prices["route53HealthCheckAwsEndpointMonth"].usd,
            f"{checks} check(s)",
            "route53HealthCheckAwsEndpointMonth",
        )
        if checks
        else None
    )


def _waf(plan: dict[str, Any], prices: RegionPrices, assumptions: dict[str, Any]) -> LineItem | None:
    acls = [r for r in plan["resources"] if r["type"] == "aws:wafv2/webAcl:WebAcl"]
    if not acls:
        return None
    rules = sum(len(acl["inputs"].get("rules") or []) for acl in acls)
    requests = assumptions.get("webRequestsMillionsPerMonth", 0)
    monthly = (
        len(acls) * prices["wafWebAclMonth"].usd
        + rules * prices["wafRuleMonth"].usd
        + requests * prices["wafRequestsPerMillion"].usd
    )
    return _fixed(
        "WAF",
        monthly,
        f"{len(acls)} web ACL(s), {rules} rule(s), {requests} M requests",
        "wafWebAclMonth",
        "wafRuleMonth",
        "wafRequestsPerMillion",
    )


def _replication(counts: Counter[str], prices: RegionPrices, assumptions: dict[str, Any]) -> LineItem | None:
    if not counts["aws:s3/bucketReplicationConfig:BucketReplicationConfig"]:
        return None
    replicated = assumptions.get("replicatedGiBPerMonth", 0)
    monthly = replicated * (prices["s3ReplicationTimeControlGiB"].usd + prices["interRegionTransferGiB"].usd)
    return _fixed(
        "S3 replication",
        monthly,
        f"{replicated} GiB with Replication Time Control",
        "s3ReplicationTimeControlGiB",
        "interRegionTransferGiB",
    )


def _amp(counts: Counter[str], prices: RegionPrices, assumptions: dict[str, Any]) -> LineItem | None:
    if not counts["aws:amp/workspace:Workspace"]:
        return None
    samples = assumptions.get("metricSamplesMillionsPerMonth", 0)
    return _fixed(
        "Managed Prometheus",
        samples * prices["ampSamplesIngestedPerMillion"].usd,
        f"{samples} M samples ingested; storage not counted",
        "ampSamplesIngestedPerMillion",
    )
