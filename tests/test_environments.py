"""The same graph builds every stack: dev differs by design, prod-dr mirrors prod."""

from __future__ import annotations

import re

from disaster_recovery import check_parity
from tests.graph import Graph
from tests.stack_files import stack_config


def role_driven(prod: Graph, prod_dr: Graph) -> set[tuple[str, str]]:
    """(resource, top-level input) of every difference the parity check does not allow when the
    standby is compared as it is, not planned as active: what its standby values size."""
    report = check_parity(prod.plan, prod_dr.plan)
    return {(finding.ref, re.split(r"[.\[(]", finding.path)[0]) for finding in report.unexplained}


def test_prod_dr_equals_prod_except_region_cidr_and_standby_scaling(prod, prod_dr):
    # Names, regions and networks are normalized by the parity check, which allows its declared
    # differences; everything else is sized by the standby values in settings.
    assert role_driven(prod, prod_dr) == {
        ("kubernetes:karpenter.sh/v1:NodePool::nodepool-critical", "spec"),
        ("kubernetes:karpenter.sh/v1:NodePool::nodepool-general", "spec"),
        ("kubernetes:autoscaling/v2:HorizontalPodAutoscaler::horizontalpodautoscaler-web-web", "spec"),
        ("kubernetes:apps/v1:StatefulSet::statefulset-mongodb-mongodb", "spec"),
        ("kubernetes:core/v1:ResourceQuota::resourcequota-mongodb-tenant", "spec"),
        ("kubernetes:batch/v1:Job::job-mongodb-replica-set-init", "spec"),
        # web's name: SECONDARY on the standby.
        ("aws:route53/record:Record::<cluster>-web-failover", "failoverRoutingPolicies"),
    }
    assert prod.outputs["drRole"] == "active"
    assert prod_dr.outputs["drRole"] == "standby"
    assert prod.outputs["region"] != prod_dr.outputs["region"]


def test_prod_owns_the_accounts_spot_role_and_only_its_spot_capacity_waits_for_it(prod, prod_dr):
    """prod-dr shares prod's account, where one stack creates the account-wide Spot role."""
    allowed = {(f.ref, f.path) for f in check_parity(prod.plan, prod_dr.plan).findings if f.why}
    assert {
        ("aws:iam/serviceLinkedRole:ServiceLinkedRole::spot-service-linked-role", "(only in prod)"),
        ("eks:index:ManagedNodeGroup::<cluster>-system", "(dependsOn)"),
        ("kubernetes:helm.sh/v3:Release::karpenter", "(dependsOn)"),
    } <= allowed


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
