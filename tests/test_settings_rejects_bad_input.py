"""Every bad stack value gives one SettingsError naming stack, key, value and what is allowed."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from offline_plan.evaluate import PROJECT_DIR, evaluate_stack
from offline_plan.stack_config import read_stack_config
from settings import SettingsError, parse_settings
from settings.source import stack_files
from tests.project_copy import edit_config, plan_cli, project_copy
from tests.stack_files import stack_config

Config = dict[str, Any]


def set_in(section: str, **values: Any) -> Callable[[Config], None]:
    def mutate(config: Config) -> None:
        config[f"eks-platform:{section}"].update(values)

    return mutate


def set_key(key: str, value: Any) -> Callable[[Config], None]:
    def mutate(config: Config) -> None:
        if value is None:
            config.pop(key, None)
        else:
            config[key] = value

    return mutate


def set_pool(pool: str, **values: Any) -> Callable[[Config], None]:
    def mutate(config: Config) -> None:
        config["eks-platform:karpenter"]["nodePools"][pool].update(values)

    return mutate


def scaling(**sizes: int) -> dict[str, int]:
    return {"minSize": 2, "desiredSize": 2, "maxSize": 3, **sizes}


# (stack, mutation, key named in the error, bad value named in the error)
BAD_CONFIGS = {
    "unknown region": ("dev", set_key("aws:region", "us-east-9"), "aws:region", "us-east-9"),
    "missing region": ("dev", set_key("aws:region", None), "aws:region", "<missing>"),
    "cidr not an address": ("dev", set_in("network", vpcCidr="10.0.0.300/16"), "eks-platform:network.vpcCidr", "10.0.0.300/16"),
    "cidr too large": ("dev", set_in("network", vpcCidr="10.0.0.0/8"), "eks-platform:network.vpcCidr", "10.0.0.0/8"),
    "cidr too small": ("dev", set_in("network", vpcCidr="10.10.0.0/24"), "eks-platform:network.vpcCidr", "10.10.0.0/24"),
    "cidr public": ("dev", set_in("network", vpcCidr="8.8.0.0/16"), "eks-platform:network.vpcCidr", "8.8.0.0/16"),
    "cidr overlaps dr peer": ("prod", set_in("network", vpcCidr="10.30.0.0/18"), "eks-platform:network.vpcCidr", "10.30.0.0/18"),
    "one az": ("dev", set_in("network", azCount=1), "eks-platform:network.azCount", 1),
    "seven azs": ("prod", set_in("network", azCount=7), "eks-platform:network.azCount", 7),
    "az count not a number": ("dev", set_in("network", azCount="three"), "eks-platform:network.azCount", "three"),
    "nat mode unknown": ("dev", set_in("network", natGateways="two"), "eks-platform:network.natGateways", "two"),
    "gateway service as interface endpoint": ("prod", set_in("network", interfaceEndpoints=["s3"]), "eks-platform:network.interfaceEndpoints", "s3"),
    "retention not a cloudwatch value": ("dev", set_in("network", flowLogRetentionDays=10), "eks-platform:network.flowLogRetentionDays", 10),
    "kubernetes version unsupported": ("dev", set_in("cluster", kubernetesVersion="1.29"), "eks-platform:cluster.kubernetesVersion", "1.29"),
    "public endpoint without allow-list": ("prod", set_in("cluster", publicAccessCidrs=[]), "eks-platform:cluster.publicAccessCidrs", []),
    "allow-list entry not a cidr": ("prod", set_in("cluster", publicAccessCidrs=["office"]), "eks-platform:cluster.publicAccessCidrs", "office"),
    "no endpoint at all": ("dev", set_in("cluster", endpointPrivateAccess=False, endpointPublicAccess=False), "eks-platform:cluster.endpointPublicAccess", False),
    "admin not an iam arn": ("dev", set_in("cluster", adminPrincipals=["alice"]), "eks-platform:cluster.adminPrincipals", "alice"),
    "unknown instance type": ("dev", set_in("systemNodes", instanceTypes=["t3.mediumm"]), "eks-platform:systemNodes.instanceTypes", "t3.mediumm"),
    "mixed cpu architectures": ("prod", set_in("systemNodes", instanceTypes=["m7g.large", "m7i.large"]), "eks-platform:systemNodes.instanceTypes", ["m7g.large", "m7i.large"]),
    "min above desired": ("dev", set_in("systemNodes", scaling=scaling(minSize=3)), "eks-platform:systemNodes.scaling", {"minSize": 3, "desiredSize": 2, "maxSize": 3}),
    "desired above max": ("dev", set_in("systemNodes", scaling=scaling(desiredSize=5)), "eks-platform:systemNodes.scaling", {"minSize": 2, "desiredSize": 5, "maxSize": 3}),
    "capacity type unknown": ("dev", set_in("systemNodes", capacityType="RESERVED"), "eks-platform:systemNodes.capacityType", "RESERVED"),
    "ami family unknown": ("dev", set_in("systemNodes", amiFamily="Ubuntu"), "eks-platform:systemNodes.amiFamily", "Ubuntu"),
    "unknown top-level key": ("dev", set_key("eks-platform:clusterName", "mine"), "eks-platform:clusterName", "mine"),
    "misspelled nested key": ("dev", set_in("network", vpcCIDR="10.10.0.0/16"), "eks-platform:network.vpcCIDR", "10.10.0.0/16"),
    "dr role unknown": ("prod", set_in("dr", role="primary"), "eks-platform:dr.role", "primary"),
    "standby without peer": ("dev", set_key("eks-platform:dr", {"role": "standby"}), "eks-platform:dr.peerStack", "<missing>"),
    "peer stack missing": ("prod", set_in("dr", peerStack="prod-eu"), "eks-platform:dr.peerStack", "prod-eu"),
    "peer in the same region": ("prod-dr", set_key("aws:region", "us-east-1"), "eks-platform:dr.peerStack", "prod"),
    "tag overrides a managed tag": ("dev", set_key("eks-platform:tags", {"environment": "qa"}), "eks-platform:tags", {"environment": "qa"}),
    "protection flag not a boolean": ("prod", set_key("eks-platform:protectStatefulResources", "yes"), "eks-platform:protectStatefulResources", "yes"),
    "environment name invalid": ("dev", set_key("eks-platform:environment", "Dev Env"), "eks-platform:environment", "Dev Env"),
    "karpenter identity unknown": ("dev", set_in("karpenter", identity="keys"), "eks-platform:karpenter.identity", "keys"),
    "karpenter ami family unknown": ("dev", set_in("karpenter", amiFamily="AL2"), "eks-platform:karpenter.amiFamily", "AL2"),
    "no node pools": ("dev", set_in("karpenter", nodePools={}), "eks-platform:karpenter.nodePools", {}),
    "pool name not a dns label": ("dev", lambda c: c["eks-platform:karpenter"]["nodePools"].update({"Big_Pool": {}}), "eks-platform:karpenter.nodePools.Big_Pool", {}),
    "capacity type unknown to karpenter": ("dev", set_pool("default", capacityTypes=["preemptible"]), "eks-platform:karpenter.nodePools.default.capacityTypes", "preemptible"),
    "architecture unknown": ("dev", set_pool("default", architectures=["x86_64"]), "eks-platform:karpenter.nodePools.default.architectures", "x86_64"),
    "instance category unknown": ("prod", set_pool("general", instanceCategories=["q"]), "eks-platform:karpenter.nodePools.general.instanceCategories", "q"),
    "memory limit not a quantity": ("prod", set_pool("critical", limits={"cpu": 64, "memory": "256GB"}), "eks-platform:karpenter.nodePools.critical.limits.memory", "256GB"),
    "cpu limit zero": ("dev", set_pool("default", limits={"cpu": 0, "memory": "1Gi"}), "eks-platform:karpenter.nodePools.default.limits.cpu", 0),
    "consolidation policy unknown": ("dev", set_pool("default", consolidationPolicy="Always"), "eks-platform:karpenter.nodePools.default.consolidationPolicy", "Always"),
    "expiry in days": ("prod", set_pool("general", expireAfter="30d"), "eks-platform:karpenter.nodePools.general.expireAfter", "30d"),
    "quiet hours not cron": ("prod", set_in("karpenter", disruption={"maxUnavailablePercent": 10, "quietHours": {"schedule": "weekdays 8-18", "duration": "10h"}}), "eks-platform:karpenter.disruption.quietHours.schedule", "weekdays 8-18"),
    "disruption percent above 100": ("prod", set_in("karpenter", disruption={"maxUnavailablePercent": 150}), "eks-platform:karpenter.disruption.maxUnavailablePercent", 150),
    "unknown pool key": ("dev", set_pool("default", spotFirst=True), "eks-platform:karpenter.nodePools.default.spotFirst", True),
    "hosted zone id malformed": ("prod", set_in("dns", hostedZoneId="example.com"), "eks-platform:dns.hostedZoneId", "example.com"),
    "domain with uppercase": ("prod", set_in("dns", domain="Prod.Example.com"), "eks-platform:dns.domain", "Prod.Example.com"),
    "hpa min above max": ("dev", lambda c: c["eks-platform:workloads"]["web"].update(hpa={"minReplicas": 5, "maxReplicas": 2}), "eks-platform:workloads.web.hpa", {"minReplicas": 5, "maxReplicas": 2}),
    "certificate not an acm arn": ("prod", lambda c: c["eks-platform:workloads"]["web"].update(certificateArn="my-cert"), "eks-platform:workloads.web.certificateArn", "my-cert"),
    "even mongodb members": ("prod", lambda c: c["eks-platform:workloads"]["mongodb"].update(replicas=2), "eks-platform:workloads.mongodb.replicas", 2),
    "batch schedule not cron": ("dev", lambda c: c["eks-platform:workloads"]["batch"].update(schedule="every hour"), "eks-platform:workloads.batch.schedule", "every hour"),
    "unknown workload": ("dev", lambda c: c["eks-platform:workloads"].update(redis={}), "eks-platform:workloads.redis", {}),
    "prometheus retention in months": ("dev", set_in("observability", prometheusRetention="1mo"), "eks-platform:observability.prometheusRetention", "1mo"),
    "prometheus volume too small": ("dev", set_in("observability", prometheusVolumeGiB=1), "eks-platform:observability.prometheusVolumeGiB", 1),
    "alert email malformed": ("prod", set_in("observability", alertEmails=["oncall"]), "eks-platform:observability.alertEmails", "oncall"),
    "managed prometheus not boolean": ("prod", set_in("observability", managedPrometheus="sometimes"), "eks-platform:observability.managedPrometheus", "sometimes"),
    "account id unquoted number": ("dev", set_in("account", id=111122223333), "eks-platform:account.id", 111122223333),
    "account id too short": ("prod", set_in("account", id="12345"), "eks-platform:account.id", "12345"),
    "account without an id": ("dev", set_key("eks-platform:account", {"ownsSpotServiceLinkedRole": True}), "eks-platform:account.id", "<missing>"),
    "spot role ownership not boolean": ("dev", set_in("account", ownsSpotServiceLinkedRole="yes please"), "eks-platform:account.ownsSpotServiceLinkedRole", "yes please"),
    "second spot role owner in the account": ("prod-dr", set_in("account", ownsSpotServiceLinkedRole=True), "eks-platform:account.ownsSpotServiceLinkedRole", True),
    "spot in an account nobody owns the role of": ("dev", set_in("account", ownsSpotServiceLinkedRole=False), "eks-platform:account.ownsSpotServiceLinkedRole", False),
    "deployer also an admin": ("prod", lambda c: c["eks-platform:cluster"]["adminPrincipals"].append("arn:aws:iam::123456789012:role/platform-deployer"), "eks-platform:cluster.adminPrincipals", "arn:aws:iam::123456789012:role/platform-deployer"),
    "deployer is a user": ("dev", set_in("cluster", deployerPrincipal="arn:aws:iam::111122223333:user/alice"), "eks-platform:cluster.deployerPrincipal", "arn:aws:iam::111122223333:user/alice"),
    "deployer in another account": ("dev", set_in("cluster", deployerPrincipal="arn:aws:iam::123456789012:role/platform-deployer"), "eks-platform:cluster.deployerPrincipal", "arn:aws:iam::123456789012:role/platform-deployer"),
    "deployer missing": ("dev", lambda c: c["eks-platform:cluster"].pop("deployerPrincipal"), "eks-platform:cluster.deployerPrincipal", "<missing>"),
    "more zones than eks accepts in us-west-1": ("dev", lambda c: (c.update({"aws:region": "us-west-1"}), c["eks-platform:network"].update(azCount=3)), "eks-platform:network.azCount", 3),
    "six zones in us-east-1 where eks accepts five": ("prod", set_in("network", azCount=6), "eks-platform:network.azCount", 6),
    "system instance type without published data": ("dev", set_in("systemNodes", instanceTypes=["t3.medium", "x9z.large"]), "eks-platform:systemNodes.instanceTypes", "x9z.large"),
    "stateful pool that does not exist": ("prod", set_in("karpenter", statefulNodePool="databases"), "eks-platform:karpenter.statefulNodePool", "databases"),
    "stateful pool with spot only": ("dev", lambda c: (c["eks-platform:karpenter"]["nodePools"]["default"].update(capacityTypes=["spot"]), c["eks-platform:karpenter"].update(statefulNodePool="default")), "eks-platform:karpenter.statefulNodePool", "default"),
    "heartbeat not https": ("prod", set_key("eks-platform:alertHeartbeatUrl", "http://heartbeat.example.com/ping"), "eks-platform:alertHeartbeatUrl", "[secret]"),
    # --- network semantics ------------------------------------------------------------------
    "vpc in link-local space": ("dev", set_in("network", vpcCidr="169.254.0.0/16"), "eks-platform:network.vpcCidr", "169.254.0.0/16"),
    "vpc in shared cgnat space": ("dev", set_in("network", vpcCidr="100.64.0.0/16"), "eks-platform:network.vpcCidr", "100.64.0.0/16"),
    "vpc in benchmarking space": ("dev", set_in("network", vpcCidr="198.18.0.0/16"), "eks-platform:network.vpcCidr", "198.18.0.0/16"),
    "vpc without a prefix": ("dev", set_in("network", vpcCidr="10.10.0.0"), "eks-platform:network.vpcCidr", "10.10.0.0"),
    "vpc with host bits": ("dev", set_in("network", vpcCidr="10.10.1.0/16"), "eks-platform:network.vpcCidr", "10.10.1.0/16"),
    "interface endpoint twice": ("prod", set_in("network", interfaceEndpoints=["sts", "sts"]), "eks-platform:network.interfaceEndpoints", "sts"),
    "allow-list of a private range": ("prod", set_in("cluster", publicAccessCidrs=["10.0.0.0/16"]), "eks-platform:cluster.publicAccessCidrs", "10.0.0.0/16"),
    "allow-list of loopback": ("dev", set_in("cluster", publicAccessCidrs=["127.0.0.1/32"]), "eks-platform:cluster.publicAccessCidrs", "127.0.0.1/32"),
    "allow-list of multicast": ("dev", set_in("cluster", publicAccessCidrs=["224.0.0.0/4"]), "eks-platform:cluster.publicAccessCidrs", "224.0.0.0/4"),
    "allow-list the whole internet where state is protected": ("prod", set_in("cluster", publicAccessCidrs=["0.0.0.0/0"]), "eks-platform:cluster.publicAccessCidrs", "0.0.0.0/0"),
    "allow-list a /4 where state is protected": ("prod", set_in("cluster", publicAccessCidrs=["64.0.0.0/4"]), "eks-platform:cluster.publicAccessCidrs", "64.0.0.0/4"),
    "allow-list entry without a prefix": ("prod", set_in("cluster", publicAccessCidrs=["198.51.100.7"]), "eks-platform:cluster.publicAccessCidrs", "198.51.100.7"),
    "allow-list entry twice": ("prod", set_in("cluster", publicAccessCidrs=["198.51.100.0/24", "198.51.100.0/24"]), "eks-platform:cluster.publicAccessCidrs", "198.51.100.0/24"),
    "allow-list while the endpoint is private": ("prod", set_in("cluster", endpointPublicAccess=False), "eks-platform:cluster.publicAccessCidrs", ["198.51.100.0/24"]),
    # --- region facts --------------------------------------------------------------------------
    "system instance type the region does not offer": ("dev", lambda c: (c.update({"aws:region": "us-west-1"}), c["eks-platform:systemNodes"].update(instanceTypes=["c7a.large"])), "eks-platform:systemNodes.instanceTypes", "c7a.large"),
    "instance type twice": ("dev", set_in("systemNodes", instanceTypes=["t3.medium", "t3.medium"]), "eks-platform:systemNodes.instanceTypes", "t3.medium"),
    "region in upper case": ("dev", set_key("aws:region", "US-EAST-1"), "aws:region", "US-EAST-1"),
    "region as a number": ("dev", set_key("aws:region", 1), "aws:region", 1),
    # --- cross-field and cross-stack ---------------------------------------------------------------
    "certificate of another region": ("prod", lambda c: c["eks-platform:workloads"]["web"].update(certificateArn="arn:aws:acm:us-west-2:123456789012:certificate/0b7c1b5e-1f47-4c5e-9a4e-3f1c2d9e8a71"), "eks-platform:workloads.web.certificateArn", "arn:aws:acm:us-west-2:123456789012:certificate/0b7c1b5e-1f47-4c5e-9a4e-3f1c2d9e8a71"),
    "certificate of another account": ("prod", lambda c: c["eks-platform:workloads"]["web"].update(certificateArn="arn:aws:acm:us-east-1:999999999999:certificate/0b7c1b5e-1f47-4c5e-9a4e-3f1c2d9e8a71"), "eks-platform:workloads.web.certificateArn", "arn:aws:acm:us-east-1:999999999999:certificate/0b7c1b5e-1f47-4c5e-9a4e-3f1c2d9e8a71"),
    "standby autoscaling broken while active": ("prod", lambda c: c["eks-platform:workloads"]["web"].update(standbyHpa={"minReplicas": 4, "maxReplicas": 2}), "eks-platform:workloads.web.standbyHpa", {"minReplicas": 4, "maxReplicas": 2}),
    "standby members even while active": ("prod", lambda c: c["eks-platform:workloads"]["mongodb"].update(standbyReplicas=2), "eks-platform:workloads.mongodb.standbyReplicas", 2),
    "standby node floor broken while active": ("prod", set_in("systemNodes", standbyScaling={"minSize": 4, "desiredSize": 3, "maxSize": 6}), "eks-platform:systemNodes.standbyScaling", {"minSize": 4, "desiredSize": 3, "maxSize": 6}),
    "standby pool limits broken while active": ("prod", set_pool("general", standbyLimits={"cpu": 32, "memory": "lots"}), "eks-platform:karpenter.nodePools.general.standbyLimits.memory", "lots"),
    "no alarm recipient where state is protected": ("prod", set_in("observability", alertEmails=[]), "eks-platform:observability.alertEmails", []),
    "alarm recipient twice": ("dev", set_in("observability", alertEmails=["a@example.com", "a@example.com"]), "eks-platform:observability.alertEmails", "a@example.com"),
    "admin listed twice": ("dev", set_in("cluster", adminPrincipals=["arn:aws:iam::111122223333:role/a", "arn:aws:iam::111122223333:role/a"]), "eks-platform:cluster.adminPrincipals", "arn:aws:iam::111122223333:role/a"),
    "pool capacity type twice": ("dev", set_pool("default", capacityTypes=["spot", "spot"]), "eks-platform:karpenter.nodePools.default.capacityTypes", "spot"),
    "pool architecture twice": ("prod", set_pool("general", architectures=["arm64", "arm64"]), "eks-platform:karpenter.nodePools.general.architectures", "arm64"),
    "pool category twice": ("prod", set_pool("general", instanceCategories=["c", "c"]), "eks-platform:karpenter.nodePools.general.instanceCategories", "c"),
    # --- small languages -------------------------------------------------------------------------
    "batch minute 61": ("dev", lambda c: c["eks-platform:workloads"]["batch"].update(schedule="61 * * * *"), "eks-platform:workloads.batch.schedule", "61 * * * *"),
    "batch hour 25": ("dev", lambda c: c["eks-platform:workloads"]["batch"].update(schedule="0 25 * * *"), "eks-platform:workloads.batch.schedule", "0 25 * * *"),
    "batch step of zero": ("dev", lambda c: c["eks-platform:workloads"]["batch"].update(schedule="*/0 * * * *"), "eks-platform:workloads.batch.schedule", "*/0 * * * *"),
    "batch with a seconds field": ("dev", lambda c: c["eks-platform:workloads"]["batch"].update(schedule="0 */30 * * * *"), "eks-platform:workloads.batch.schedule", "0 */30 * * * *"),
    "batch with a time zone": ("dev", lambda c: c["eks-platform:workloads"]["batch"].update(schedule="TZ=UTC 0 * * * *"), "eks-platform:workloads.batch.schedule", "TZ=UTC 0 * * * *"),
    "batch month 13": ("dev", lambda c: c["eks-platform:workloads"]["batch"].update(schedule="0 0 1 13 *"), "eks-platform:workloads.batch.schedule", "0 0 1 13 *"),
    "quiet hours weekday 8": ("prod", set_in("karpenter", disruption={"maxUnavailablePercent": 10, "quietHours": {"schedule": "0 8 * * 8", "duration": "10h"}}), "eks-platform:karpenter.disruption.quietHours.schedule", "0 8 * * 8"),
    "quiet hours in seconds": ("prod", set_in("karpenter", disruption={"maxUnavailablePercent": 10, "quietHours": {"schedule": "0 8 * * 1", "duration": "90s"}}), "eks-platform:karpenter.disruption.quietHours.duration", "90s"),
    "quiet hours of zero": ("prod", set_in("karpenter", disruption={"maxUnavailablePercent": 10, "quietHours": {"schedule": "0 8 * * 1", "duration": "0h"}}), "eks-platform:karpenter.disruption.quietHours.duration", "0h"),
    "consolidation after a fraction": ("dev", set_pool("default", consolidateAfter="1.5h"), "eks-platform:karpenter.nodePools.default.consolidateAfter", "1.5h"),
    "consolidation after trailing text": ("dev", set_pool("default", consolidateAfter="5mx"), "eks-platform:karpenter.nodePools.default.consolidateAfter", "5mx"),
    "expiry in upper case": ("prod", set_pool("general", expireAfter="720H"), "eks-platform:karpenter.nodePools.general.expireAfter", "720H"),
    "expiry empty": ("prod", set_pool("general", expireAfter=""), "eks-platform:karpenter.nodePools.general.expireAfter", ""),
    "cpu limit in words": ("dev", set_pool("default", limits={"cpu": "64 cores", "memory": "128Gi"}), "eks-platform:karpenter.nodePools.default.limits.cpu", "64 cores"),
    "cpu limit negative": ("dev", set_pool("default", limits={"cpu": -1, "memory": "128Gi"}), "eks-platform:karpenter.nodePools.default.limits.cpu", -1),
    "memory limit with a space": ("dev", set_pool("default", limits={"cpu": 32, "memory": "128 Gi"}), "eks-platform:karpenter.nodePools.default.limits.memory", "128 Gi"),
    "memory limit below a gibibyte": ("dev", set_pool("default", limits={"cpu": 32, "memory": "512Mi"}), "eks-platform:karpenter.nodePools.default.limits.memory", "512Mi"),
    # --- AWS limits ----------------------------------------------------------------------------------
    "too many tags": ("dev", set_key("eks-platform:tags", {f"team-{i}": "x" for i in range(43)}), "eks-platform:tags", "43 tags"),
    "tag key longer than ec2 allows": ("dev", set_key("eks-platform:tags", {"k" * 128: "v"}), "eks-platform:tags", {"k" * 128: "v"}),
    "tag value longer than aws allows": ("dev", set_key("eks-platform:tags", {"owner": "v" * 257}), "eks-platform:tags", {"owner": "v" * 257}),
    "tag value with a forbidden character": ("dev", set_key("eks-platform:tags", {"owner": "a<b"}), "eks-platform:tags", {"owner": "a<b"}),
    "tag key with the reserved prefix in capitals": ("dev", set_key("eks-platform:tags", {"AWS:team": "x"}), "eks-platform:tags", {"AWS:team": "x"}),
    "tag value a number": ("dev", set_key("eks-platform:tags", {"cost-center": 42}), "eks-platform:tags", {"cost-center": 42}),
    # --- Grafana's internal load balancer -----------------------------------------------------------
    "grafana certificate missing with the internal ingress": ("prod", lambda c: c["eks-platform:observability"].pop("grafanaCertificateArn"), "eks-platform:observability.grafanaCertificateArn", "<missing>"),
    "grafana certificate of another region": ("prod", set_in("observability", grafanaCertificateArn="arn:aws:acm:us-west-2:123456789012:certificate/5d2e8f0a-3c4b-4d6e-8f1a-2b3c4d5e6f70"), "eks-platform:observability.grafanaCertificateArn", "arn:aws:acm:us-west-2:123456789012:certificate/5d2e8f0a-3c4b-4d6e-8f1a-2b3c4d5e6f70"),
    "grafana certificate of another account": ("prod-dr", set_in("observability", grafanaCertificateArn="arn:aws:acm:us-west-2:111122223333:certificate/5d2e8f0a-3c4b-4d6e-8f1a-2b3c4d5e6f70"), "eks-platform:observability.grafanaCertificateArn", "arn:aws:acm:us-west-2:111122223333:certificate/5d2e8f0a-3c4b-4d6e-8f1a-2b3c4d5e6f70"),
    "grafana certificate from iam": ("prod", set_in("observability", grafanaCertificateArn="arn:aws:iam::123456789012:server-certificate/grafana"), "eks-platform:observability.grafanaCertificateArn", "arn:aws:iam::123456789012:server-certificate/grafana"),
    "grafana certificate without the internal ingress": ("dev", set_in("observability", grafanaCertificateArn="arn:aws:acm:us-east-1:111122223333:certificate/5d2e8f0a-3c4b-4d6e-8f1a-2b3c4d5e6f70"), "eks-platform:observability.grafanaCertificateArn", "arn:aws:acm:us-east-1:111122223333:certificate/5d2e8f0a-3c4b-4d6e-8f1a-2b3c4d5e6f70"),
    "grafana source public": ("prod", set_in("observability", grafanaInboundCidrs=["8.8.8.0/24"]), "eks-platform:observability.grafanaInboundCidrs", "8.8.8.0/24"),
    "grafana source cgnat": ("prod", set_in("observability", grafanaInboundCidrs=["100.64.0.0/10"]), "eks-platform:observability.grafanaInboundCidrs", "100.64.0.0/10"),
    "grafana source everywhere": ("prod", set_in("observability", grafanaInboundCidrs=["0.0.0.0/0"]), "eks-platform:observability.grafanaInboundCidrs", "0.0.0.0/0"),
    "grafana source without a prefix": ("prod", set_in("observability", grafanaInboundCidrs=["10.99.0.1"]), "eks-platform:observability.grafanaInboundCidrs", "10.99.0.1"),
    "grafana source with host bits": ("prod", set_in("observability", grafanaInboundCidrs=["10.99.0.1/16"]), "eks-platform:observability.grafanaInboundCidrs", "10.99.0.1/16"),
    "grafana source twice": ("prod", set_in("observability", grafanaInboundCidrs=["10.99.0.0/16", "10.99.0.0/16"]), "eks-platform:observability.grafanaInboundCidrs", "10.99.0.0/16"),
    "grafana sources without the internal ingress": ("dev", set_in("observability", grafanaInboundCidrs=["10.99.0.0/16"]), "eks-platform:observability.grafanaInboundCidrs", ["10.99.0.0/16"]),
    # --- Review assumptions and targets -------------------------------------------------------------
    "review section missing": ("dev", set_key("eks-platform:review", None), "eks-platform:review", "<missing>"),
    "review key unknown": ("dev", set_in("review", natGiB=5), "eks-platform:review.natGiB", 5),
    "nat traffic negative": ("dev", set_in("review", natDataGiBPerMonth=-1), "eks-platform:review.natDataGiBPerMonth", -1),
    "log volume a word": ("prod", set_in("review", logIngestionGiBPerMonth="lots"), "eks-platform:review.logIngestionGiBPerMonth", "lots"),
    "spot discount over 90 percent": ("dev", set_in("review", spotDiscountPercent=95), "eks-platform:review.spotDiscountPercent", 95),
    "spot discount a fraction": ("dev", set_in("review", spotDiscountPercent=0.6), "eks-platform:review.spotDiscountPercent", 0.6),
    "budget zero": ("dev", set_in("review", monthlyBudgetUsd=0), "eks-platform:review.monthlyBudgetUsd", 0),
    "rto without a peer": ("dev", set_in("review", rtoMinutes=30), "eks-platform:review.rtoMinutes", 30),
    "standby share without a peer": ("dev", set_in("review", standbyMaxPercentOfPeer=50), "eks-platform:review.standbyMaxPercentOfPeer", 50),
    "standby share over 100 percent": ("prod-dr", set_in("review", standbyMaxPercentOfPeer=150), "eks-platform:review.standbyMaxPercentOfPeer", 150),
    "standby without an rto": ("prod-dr", lambda c: c["eks-platform:review"].pop("rtoMinutes"), "eks-platform:review.rtoMinutes", "<missing>"),
    "standby without failure detection": ("prod-dr", lambda c: c["eks-platform:review"].pop("failoverDetectionSeconds"), "eks-platform:review.failoverDetectionSeconds", "<missing>"),
    "dns ttl over a day": ("prod", set_in("review", dnsTtlSeconds=86_401), "eks-platform:review.dnsTtlSeconds", 86_401),
    # --- Backups and the promotion's restore -------------------------------------------------------
    "backup section missing": ("prod", set_key("eks-platform:backup", None), "eks-platform:backup", "<missing>"),
    "backup key unknown": ("dev", set_in("backup", everyMinutes=15), "eks-platform:backup.everyMinutes", 15),
    "rpo not dividing the hour": ("prod", set_in("backup", rpoMinutes=7), "eks-platform:backup.rpoMinutes", 7),
    "rpo over an hour": ("prod", set_in("backup", rpoMinutes=90), "eks-platform:backup.rpoMinutes", 90),
    "ttl shorter than two backups": ("dev", set_in("backup", ttlHours=1), "eks-platform:backup.ttlHours", 1),
    "ttl over a year": ("prod", set_in("backup", ttlHours=9000), "eks-platform:backup.ttlHours", 9000),
    "restore test without a peer": ("dev", set_in("backup", restoreTestSchedule="30 4 * * *"), "eks-platform:backup.restoreTestSchedule", "30 4 * * *"),
    "restore test hour 24": ("prod-dr", set_in("backup", restoreTestSchedule="30 24 * * *"), "eks-platform:backup.restoreTestSchedule", "30 24 * * *"),
    "restore while standing by": ("prod-dr", set_in("dr", restoreBackup="data-tier-20261121041500"), "eks-platform:dr.restoreBackup", "data-tier-20261121041500"),
    "restore of a badly named backup": ("prod", set_in("dr", restoreBackup="Data_Tier"), "eks-platform:dr.restoreBackup", "Data_Tier"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD_CONFIGS))
def test_bad_config_names_stack_key_value_and_allowed(case):
    stack, mutate, key, value = BAD_CONFIGS[case]
    config = stack_config(stack)
    mutate(config)
    with pytest.raises(SettingsError) as raised:
        parse_settings("eks-platform", stack, config, stack_files)
    error = raised.value
    assert (error.stack, error.key, error.value) == (stack, key, value)
    message = str(error)
    assert f"stack '{stack}'" in message
    assert f"'{key}'" in message
    assert repr(value) in message
    assert error.allowed
    assert f"allowed: {error.allowed}" in message


@pytest.mark.parametrize("case", sorted(BAD_CONFIGS))
def test_bad_config_stops_the_real_program_with_one_message_and_nothing_declared(case):
    """Through __main__.py as `pulumi up` runs it: a RunError (the engine prints it without a
    traceback and exits non-zero) naming the key, and not one resource registered."""
    stack, mutate, key, value = BAD_CONFIGS[case]
    config = stack_config(stack)
    mutate(config)
    original = read_stack_config(PROJECT_DIR, stack)
    values = {k: v if isinstance(v, str) else json.dumps(v) for k, v in config.items()}
    evaluation = evaluate_stack(stack, config=type(original)(original.project, stack, values, []))
    assert evaluation.error is not None
    assert f"'{key}'" in evaluation.error
    assert repr(value) in evaluation.error
    assert evaluation.registrations == []


def test_there_are_at_least_120_distinct_bad_configs():
    assert len({(stack, key, repr(value)) for stack, _, key, value in BAD_CONFIGS.values()}) >= 120


def test_bad_config_stops_the_program_before_any_resource_is_declared():
    good = read_stack_config(PROJECT_DIR, "dev")
    bad_values = {**good.values, "eks-platform:network": '{"vpcCidr": "10.0.0.0/8"}'}
    evaluation = evaluate_stack("dev", config=type(good)(good.project, "dev", bad_values, []))
    assert evaluation.error is not None
    assert "eks-platform:network" in evaluation.error
    assert evaluation.registrations == []


def test_make_plan_on_a_bad_stack_exits_non_zero_with_the_message_and_no_traceback(tmp_path: Path):
    project = project_copy(tmp_path)
    edit_config(project, "dev", lambda config: config["eks-platform:network"].update(azCount=9))
    result = plan_cli(project, "dev")
    assert result.returncode != 0
    assert "stack 'dev'" in result.stderr
    assert "'eks-platform:network.azCount' has invalid value 9" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not (project / "plan" / "dev.json").exists()
