"""The same graph builds every stack: dev differs by design, prod-dr mirrors prod."""

from __future__ import annotations

import json
import re
from typing import Any

from settings.aws_catalog import region_zones
from tests.graph import Graph
from tests.stack_files import stack_config

_MOCK_ID = re.compile(r"\b(vpc|subnet|igw|nat|eipalloc|rtb|rtbassoc|sg|vpce|fl|lt)-[0-9a-f]{17}\b")


def normalized(stack: Graph) -> dict[tuple[str, str], Any]:
    """Resources keyed by type and name, with stack-, region- and CIDR-specific text replaced."""
    config = stack_config(stack.stack)
    region, cidr = config["aws:region"], config["eks-platform:network"]["vpcCidr"]
    octets = ".".join(cidr.split(".")[:2]) + "."
    zone_prefix = next(iter(region_zones(region).values())).split("-az")[0]
    replacements = [
        (f"eks-platform-{stack.stack}", "<cluster>"),
        (f"pulumi-{stack.stack}", "pulumi-<stack>"),
        (f"urn:pulumi:{stack.stack}::", "urn:pulumi:<stack>::"),
        (region, "<region>"),
        (octets, "<net>."),
    ]

    def scrub(text: str) -> str:
        for old, new in replacements:
            text = text.replace(old, new)
        # Zone IDs are per region; which ones a stack uses is the network tests' concern.
        text = re.sub(rf"\b{zone_prefix}-az\d+\b", "<zone>", text)
        text = re.sub(r'(\\?"stack\\?": \\?")[^"\\]+', r"\1<stack>", text)
        text = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uuid>", text)
        text = re.sub(r"ws-[0-9a-f]{8}-[0-9a-f]{4}", "ws-<workspace>", text)
        text = re.sub(r"-[0-9a-f]{7}\b", "-<suffix>", text)
        text = re.sub(r"\b[0-9a-f]{17}\b", "<id>", text)
        text = re.sub(r"/id/[0-9A-F]{32}|https://[0-9A-F]{32}", "<oidc>", text)
        return _MOCK_ID.sub(lambda m: f"{m.group(1)}-<id>", text)

    return {
        (r["type"], scrub(r["name"])): json.loads(scrub(json.dumps({k: v for k, v in r.items() if k != "name"})))
        for r in stack.resources
    }


def differences(a: Graph, b: Graph) -> set[tuple[str, str, str]]:
    """(type, name, field) that differ; a resource only one side declares differs as a whole ("")."""
    left, right = normalized(a), normalized(b)
    found = {(*key, "") for key in left.keys() ^ right.keys()}
    for key in left.keys() & right.keys():
        for field in ("parent", "provider", "dependencies", "dependsOn", "protect"):
            if left[key][field] != right[key][field]:
                found.add((*key, field))
        for name in left[key]["inputs"].keys() | right[key]["inputs"].keys():
            if left[key]["inputs"].get(name) != right[key]["inputs"].get(name):
                found.add((*key, f"inputs.{name}"))
    return found


# prod-dr shares prod's account, where one stack creates the account-wide Spot role.
# Spot capacity (system nodes, Karpenter) waits for the role only where it is declared.
PROD_OWNS_THE_ACCOUNT_SPOT_ROLE = {
    ("aws:iam/serviceLinkedRole:ServiceLinkedRole", "spot-service-linked-role", ""),
    ("eks:index:ManagedNodeGroup", "<cluster>-system", "dependencies"),
    ("eks:index:ManagedNodeGroup", "<cluster>-system", "dependsOn"),
    ("kubernetes:helm.sh/v3:Release", "karpenter", "dependencies"),
    ("kubernetes:helm.sh/v3:Release", "karpenter", "dependsOn"),
}


def test_prod_dr_equals_prod_except_region_cidr_and_standby_scaling(prod, prod_dr):
    # Everything that differs is sized by the standby values in settings.
    assert differences(prod, prod_dr) - PROD_OWNS_THE_ACCOUNT_SPOT_ROLE == {
        ("kubernetes:karpenter.sh/v1:NodePool", "nodepool-critical", "inputs.spec"),
        ("kubernetes:karpenter.sh/v1:NodePool", "nodepool-general", "inputs.spec"),
        ("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "horizontalpodautoscaler-web-web", "inputs.spec"),
        ("kubernetes:apps/v1:StatefulSet", "statefulset-mongodb-mongodb", "inputs.spec"),
        ("kubernetes:core/v1:ResourceQuota", "resourcequota-mongodb-tenant", "inputs.spec"),
        ("kubernetes:batch/v1:Job", "job-mongodb-replica-set-init", "inputs.spec"),
        # web's name: SECONDARY on the standby, aliasing (and probing) its own region's ALB.
        ("aws:route53/record:Record", "<cluster>-web-failover", "inputs.failoverRoutingPolicies"),
        ("aws:route53/record:Record", "<cluster>-web-failover", "inputs.aliases"),
        ("aws:route53/healthCheck:HealthCheck", "<cluster>-web-health", "inputs.fqdn"),
    }
    assert differences(prod, prod_dr) >= PROD_OWNS_THE_ACCOUNT_SPOT_ROLE
    assert prod.outputs["drRole"] == "active"
    assert prod_dr.outputs["drRole"] == "standby"
    assert prod.outputs["region"] != prod_dr.outputs["region"]


def test_prod_has_more_network_and_protection_than_dev(dev, prod):
    def count(stack: Graph, typ: str) -> int:
        return len(stack.of_type(typ))

    assert count(dev, "aws:ec2/natGateway:NatGateway") < count(prod, "aws:ec2/natGateway:NatGateway")
    assert count(dev, "aws:ec2/subnet:Subnet") < count(prod, "aws:ec2/subnet:Subnet")
    assert count(dev, "aws:ec2/vpcEndpoint:VpcEndpoint") < count(prod, "aws:ec2/vpcEndpoint:VpcEndpoint")
    assert not any(r["protect"] for r in dev.resources)
    assert any(r["protect"] for r in prod.resources)


def test_dev_and_prod_share_one_component_tree_but_dev_has_no_dns_zone(dev, prod):
    def components(stack: Graph) -> set[str]:
        return {r["type"] for r in stack.resources if not r["custom"]}

    assert components(prod) - components(dev) == {"eks-platform:addons:ExternalDns"}
    assert components(dev) <= components(prod)


def test_standby_node_pools_differ_from_prod_only_in_their_limits(prod, prod_dr):
    pools = stack_config("prod-dr")["eks-platform:karpenter"]["nodePools"]
    for name, pool in pools.items():
        active = prod.one("kubernetes:karpenter.sh/v1:NodePool", f"nodepool-{name}")["inputs"]["spec"]
        standby = prod_dr.one("kubernetes:karpenter.sh/v1:NodePool", f"nodepool-{name}")["inputs"]["spec"]
        assert {**standby, "limits": None} == {**active, "limits": None}
        assert standby["limits"] == {key: str(value) for key, value in pool["standbyLimits"].items()}
        assert active["limits"] == {key: str(value) for key, value in pool["limits"].items()}
