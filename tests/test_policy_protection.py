"""The protection rules: data holders protected and the cluster undeletable where the stack is
protected, judged on small programs and on prod with protection switched off; no IAM users anywhere."""

from __future__ import annotations

from functools import cache
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_eks as eks
import pulumi_kubernetes as k8s
import pytest

from offline_plan.evaluate import PROJECT_DIR
from offline_plan.stack_config import stack_settings
from policy.rules import protection
from policy.rules.protection import IAM_USER_CREDENTIAL_TYPES, data_holding_types
from policy.stack_facts import facts_of
from tests.conftest import STACKS, graph, plan_with
from tests.graph import Graph
from tests.policy_programs import PROTECTED, UNPROTECTED, findings, findings_of_program
from tests.test_protection import MUST_PROTECT

KEY_ARN = "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000001"
PROTECT = pulumi.ResourceOptions(protect=True)


def real_facts(stack: str) -> dict[str, Any]:
    return facts_of(stack_settings(PROJECT_DIR, stack))


@cache
def prod_unprotected() -> Graph:
    """prod planned with protectStatefulResources false: the program stops protecting anything."""
    return plan_with("prod", lambda config: config.update({"eks-platform:protectStatefulResources": False}))


def crd_release(name: str, opts: pulumi.ResourceOptions | None = None) -> None:
    k8s.helm.v3.Release(name, name=name, chart=name, namespace="kube-system", opts=opts)


def secret(namespace: str, opts: pulumi.ResourceOptions | None = None) -> None:
    k8s.core.v1.Secret("case", metadata={"name": "credentials", "namespace": namespace}, opts=opts)


def cluster(**overrides: Any) -> None:
    inputs: dict[str, Any] = {
        "vpc_id": "vpc-0123",
        "private_subnet_ids": ["subnet-a", "subnet-b"],
        "skip_default_node_group": True,
        "authentication_mode": eks.AuthenticationMode.API,
        "encryption_config_key_arn": KEY_ARN,
        "deletion_protection": True,
    }
    inputs.update(overrides)
    eks.Cluster("case", **inputs)


# protect-data-holding-resources


def test_the_data_file_gives_each_type_a_reason_and_agrees_with_the_repositorys_classification() -> None:
    kinds = data_holding_types()
    assert all(kind.reason.strip() and "\n" not in kind.reason for kind in kinds.values())
    assert set(kinds) == set(MUST_PROTECT)


def test_a_protected_data_holder_passes() -> None:
    def protected_key_and_bucket() -> None:
        aws.kms.Key("case", opts=PROTECT)
        aws.s3.Bucket("case", opts=PROTECT)

    assert findings_of_program("protect-data-holding-resources", protected_key_and_bucket) == []


def test_an_unprotected_data_holder_is_refused_only_in_protected_stacks() -> None:
    def unprotected_log_group() -> None:
        aws.cloudwatch.LogGroup("case", retention_in_days=30)

    [found] = findings_of_program("protect-data-holding-resources", unprotected_log_group, PROTECTED)
    assert found.resource == "aws:cloudwatch/logGroup:LogGroup::case"
    assert "protect is False" in found.message
    assert "protect=True" in found.message
    assert findings_of_program("protect-data-holding-resources", unprotected_log_group, UNPROTECTED) == []


def test_only_crd_charts_and_the_database_secrets_are_held_to_protection() -> None:
    def unprotected() -> None:
        crd_release("karpenter-crd")
        crd_release("karpenter")
        secret("mongodb")
        k8s.core.v1.Secret("derived", metadata={"name": "credentials", "namespace": "web"})

    found = findings_of_program("protect-data-holding-resources", unprotected)
    assert sorted(result.resource for result in found) == [
        "kubernetes:core/v1:Secret::case",
        "kubernetes:helm.sh/v3:Release::karpenter-crd",
    ]


def test_protected_crd_charts_and_database_secrets_pass() -> None:
    def protected() -> None:
        crd_release("prometheus-operator-crds", PROTECT)
        secret("mongodb", PROTECT)

    assert findings_of_program("protect-data-holding-resources", protected) == []


def test_prod_with_protection_switched_off_is_refused_when_judged_as_protected() -> None:
    found = findings(prod_unprotected().plan, "protect-data-holding-resources", real_facts("prod"))
    refused = {result.resource.split("::")[0] for result in found if result.resource}
    assert len(found) > 25
    assert all(result.blocks for result in found)
    assert {"aws:kms/key:Key", "eks:index:Cluster", "kubernetes:core/v1:Secret"} <= refused


# eks-deletion-protection


def test_a_cluster_with_deletion_protection_passes() -> None:
    assert findings_of_program("eks-deletion-protection", cluster) == []


def test_a_deletable_cluster_is_refused_only_in_protected_stacks() -> None:
    def deletable() -> None:
        cluster(deletion_protection=False)

    [found] = findings_of_program("eks-deletion-protection", deletable, PROTECTED)
    assert "deletionProtection is False" in found.message
    assert findings_of_program("eks-deletion-protection", deletable, UNPROTECTED) == []


def test_the_aws_cluster_a_real_preview_shows_is_judged_too() -> None:
    def aws_cluster(deletion_protection: bool | None) -> None:
        vpc = aws.eks.ClusterVpcConfigArgs(subnet_ids=["subnet-a"])
        aws.eks.Cluster("case", role_arn="arn:aws:iam::111122223333:role/cluster", vpc_config=vpc,
                        deletion_protection=deletion_protection)  # fmt: skip

    assert findings_of_program("eks-deletion-protection", lambda: aws_cluster(True)) == []
    [found] = findings_of_program("eks-deletion-protection", lambda: aws_cluster(None))
    assert found.resource == "aws:eks/cluster:Cluster::case"
    assert "deletionProtection is None" in found.message


def test_prod_with_protection_switched_off_has_a_deletable_cluster() -> None:
    found = findings(prod_unprotected().plan, "eks-deletion-protection", real_facts("prod"))
    assert [result.resource for result in found] == ["eks:index:Cluster::eks-platform-prod"]


# no-long-lived-iam-credentials


def test_roles_pass() -> None:
    def role() -> None:
        aws.iam.Role("case", assume_role_policy='{"Version": "2012-10-17", "Statement": []}')

    assert findings_of_program("no-long-lived-iam-credentials", role) == []


def test_users_and_their_credentials_are_refused_in_every_stack() -> None:
    def user_with_credentials() -> None:
        user = aws.iam.User("case")
        aws.iam.AccessKey("case", user=user.name)
        aws.iam.UserLoginProfile("case", user=user.name)

    for facts in (PROTECTED, UNPROTECTED):
        found = findings_of_program("no-long-lived-iam-credentials", user_with_credentials, facts)
        assert sorted(result.resource.split("::")[0] for result in found if result.resource) == [
            "aws:iam/accessKey:AccessKey", "aws:iam/user:User", "aws:iam/userLoginProfile:UserLoginProfile",
        ]  # fmt: skip
        assert all("aws:iam/" in result.message and "IAM roles" in result.message for result in found)


# every real stack


RULES = ("protect-data-holding-resources", "eks-deletion-protection", "no-long-lived-iam-credentials")


def test_every_rule_of_the_module_is_tested() -> None:
    assert {policy.name for policy in protection.POLICIES} == set(RULES)


@pytest.mark.parametrize("stack", STACKS)
@pytest.mark.parametrize("name", RULES)
def test_every_real_stack_passes(stack: str, name: str) -> None:
    assert findings(graph(stack).plan, name, real_facts(stack)) == []


@pytest.mark.parametrize("stack", ["prod", "prod-dr"])
def test_the_protected_rules_examined_the_protected_stacks(stack: str) -> None:
    assert real_facts(stack)["protectedStack"] is True
    kinds = data_holding_types()
    resources = graph(stack).resources
    holders = [r for r in resources if (kind := kinds.get(r["type"])) and kind.holds_data(r["inputs"])]
    assert len(holders) > 25
    assert all(r["protect"] for r in holders)
    assert [r["inputs"]["deletionProtection"] for r in resources if r["type"] == protection.EKS_COMPONENT] == [True]


def test_every_listed_type_occurs_in_a_protected_stack() -> None:
    """No entry of the data file is dead: CRD charts and database secrets included (the account-wide
    service-linked role lives in prod only)."""
    kinds = data_holding_types()
    found = {
        r["type"]
        for stack in ("prod", "prod-dr")
        for r in graph(stack).resources
        if (kind := kinds.get(r["type"])) and kind.holds_data(r["inputs"])
    }
    assert found == set(kinds)


@pytest.mark.parametrize("stack", STACKS)
def test_the_credentials_rule_examined_the_stacks_iam_identities(stack: str) -> None:
    iam = [r for r in graph(stack).resources if r["type"].startswith("aws:iam/")]
    assert any(r["type"] == "aws:iam/role:Role" for r in iam)
    assert not [r for r in iam if r["type"] in IAM_USER_CREDENTIAL_TYPES]
