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


# The standby's restore test: declared only while standing by (workloads/restore_test.py).
STANDBY_ONLY = {
    ("aws:eks/podIdentityAssociation:PodIdentityAssociation::<cluster>-restore-test", ""),
    ("aws:iam/role:Role::<cluster>-restore-test", ""),
    ("aws:iam/rolePolicy:RolePolicy::<cluster>-restore-test-bucket-key", ""),
    ("aws:iam/rolePolicy:RolePolicy::<cluster>-restore-test-file-results", ""),
    ("eks-platform:workloads:RestoreTest::<cluster>-restore-test", ""),
    ("kubernetes:batch/v1:CronJob::cronjob-restore-test-restore-test", ""),
    ("kubernetes:core/v1:ConfigMap::configmap-restore-test-restore-test-spec", ""),
    ("kubernetes:core/v1:LimitRange::limitrange-restore-test-container-defaults", ""),
    ("kubernetes:core/v1:Namespace::namespace-restore-test", ""),
    ("kubernetes:core/v1:ResourceQuota::resourcequota-restore-test-tenant", ""),
    ("kubernetes:core/v1:ServiceAccount::serviceaccount-restore-test-restore-test", ""),
    ("kubernetes:networking.k8s.io/v1:NetworkPolicy::networkpolicy-restore-test-allow-dns", ""),
    ("kubernetes:networking.k8s.io/v1:NetworkPolicy::networkpolicy-restore-test-default-deny", ""),
    ("kubernetes:networking.k8s.io/v1:NetworkPolicy::networkpolicy-restore-test-restore-test", ""),
    ("kubernetes:rbac.authorization.k8s.io/v1:Role::role-restore-test-restore-test", ""),
    ("kubernetes:rbac.authorization.k8s.io/v1:Role::role-velero-restore-test", ""),
    ("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding::rolebinding-restore-test-restore-test", ""),
    ("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding::rolebinding-velero-restore-test", ""),
}
# Only the active stack backs up and pushes: Velero's schedules, the buckets' and the registry's
# replication to the peer.
ACTIVE_ONLY = {
    ("kubernetes:velero.io/v1:Schedule::schedule-velero-apps", ""),
    ("kubernetes:velero.io/v1:Schedule::schedule-velero-data-tier", ""),
    ("aws:s3/bucketReplicationConfig:BucketReplicationConfig::<cluster>-velero-backups-replication", ""),
    ("aws:iam/role:Role::<cluster>-velero-backups-replication", ""),
    ("aws:iam/rolePolicy:RolePolicy::<cluster>-velero-backups-replication", ""),
    ("aws:s3/bucketReplicationConfig:BucketReplicationConfig::<cluster>-web-replication", ""),
    ("aws:iam/role:Role::<cluster>-web-replication", ""),
    ("aws:iam/rolePolicy:RolePolicy::<cluster>-web-replication", ""),
    ("aws:ecr/replicationConfiguration:ReplicationConfiguration::<cluster>-registry-replication", ""),
}
SIZED_BY_ROLE = {
    ("kubernetes:karpenter.sh/v1:NodePool::nodepool-critical", "spec"),
    ("kubernetes:karpenter.sh/v1:NodePool::nodepool-general", "spec"),
    ("kubernetes:autoscaling/v2:HorizontalPodAutoscaler::horizontalpodautoscaler-web-web", "spec"),
    ("kubernetes:apps/v1:StatefulSet::statefulset-mongodb-mongodb", "spec"),
    ("kubernetes:core/v1:ResourceQuota::resourcequota-mongodb-tenant", "spec"),
    ("kubernetes:batch/v1:Job::job-mongodb-replica-set-init", "spec"),
    # web's connection string lists the members the standby runs.
    ("kubernetes:core/v1:Secret::secret-web-mongodb-app-user", ""),
    # web's name: SECONDARY on the standby.
    ("aws:route53/record:Record::<cluster>-web-failover", "failoverRoutingPolicies"),
    # Velero's backup location: read-only on the standby, whose bucket holds the peer's replicas.
    ("kubernetes:helm.sh/v3:Release::velero", "values"),
}


def test_prod_dr_equals_prod_except_region_cidr_and_standby_scaling(prod, prod_dr):
    # Names, regions and networks are normalized by the parity check, which allows its declared
    # differences; everything else follows the standby role in settings.
    assert role_driven(prod, prod_dr) == SIZED_BY_ROLE | ACTIVE_ONLY | STANDBY_ONLY
    velero = {graph.stack: graph.one("kubernetes:helm.sh/v3:Release", "velero") for graph in (prod, prod_dr)}
    modes = {
        stack: v["inputs"]["values"]["configuration"]["backupStorageLocation"][0]["accessMode"]
        for stack, v in velero.items()
    }
    assert modes == {"prod": "ReadWrite", "prod-dr": "ReadOnly"}
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
