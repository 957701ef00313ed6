"""Every IAM policy document the stacks declare, linted with parliament.

Identity and resource policies are analysed statement by statement, so a finding
names the statement it is about; each suppression below says why it is not a defect.
Trust policies have no Resource by design, so for them the check is that every
action exists.
"""

from __future__ import annotations

import json

import pytest
from parliament import UnknownActionException, analyze_policy_string, expand_action

from tests.conftest import STACKS, graph

POLICY_FIELDS = {
    "aws:iam/policy:Policy": "policy",
    "aws:iam/rolePolicy:RolePolicy": "policy",
    "aws:kms/key:Key": "policy",
    "aws:sqs/queuePolicy:QueuePolicy": "policy",
    "aws:s3/bucketPolicy:BucketPolicy": "policy",
}
TRUST_FIELD = ("aws:iam/role:Role", "assumeRolePolicy")

ALB_CONTROLLER_POLICY = "-alb-controller-controller"
# (resource type, statement Sid / end of the resource's name / "*", parliament issue) -> why it is not a defect.
SUPPRESSED = {
    ("aws:iam/rolePolicy:RolePolicy", ALB_CONTROLLER_POLICY, "RESOURCE_STAR"): (
        "The AWS Load Balancer Controller's published policy, applied as published: its wildcard "
        "statements are read-only or conditioned on the elbv2.k8s.aws/cluster tag of resources it created."
    ),
    ("aws:iam/rolePolicy:RolePolicy", ALB_CONTROLLER_POLICY, "UNKNOWN_ACTION"): (
        "elasticloadbalancing:ModifyIpPools (ALB IPAM pools) is newer than parliament 1.6.4's IAM data."
    ),
    ("aws:iam/rolePolicy:RolePolicy", ALB_CONTROLLER_POLICY, "UNKNOWN_CONDITION_FOR_ACTION"): (
        "The elasticloadbalancing:CreateAction condition key is newer than parliament 1.6.4's IAM data."
    ),
    ("aws:kms/key:Key", "*", "RESOURCE_STAR"): (
        'In a KMS key policy "Resource": "*" means the key the policy is attached to, nothing else.'
    ),
    ("aws:iam/policy:Policy", "AllowScopedEC2InstanceAccessActions", "RESOURCE_MISMATCH"): (
        "RunInstances/CreateFleet touch several resource types; Karpenter's official policy grants "
        "them in separate statements with different conditions, so each statement alone lists only some."
    ),
    ("aws:iam/policy:Policy", "AllowScopedEC2LaunchTemplateAccessActions", "RESOURCE_MISMATCH"): (
        "Same split as AllowScopedEC2InstanceAccessActions: launch templates only, conditioned on cluster tags."
    ),
    ("aws:iam/policy:Policy", "AllowEC2InstanceAccessInTheClusterVpc", "RESOURCE_MISMATCH"): (
        "Same split: the subnets and security groups, apart so ec2:Vpc can hold them to the cluster's VPC."
    ),
    ("aws:iam/policy:Policy", "AllowScopedEC2InstanceActionsWithTags", "RESOURCE_MISMATCH"): (
        "Same split: the resources created with cluster and nodepool request tags."
    ),
    ("aws:iam/policy:Policy", "AllowSSMReadActions", "RESOURCE_MISMATCH"): (
        "AWS public parameters (/aws/service/...) are owned by AWS and their ARN has no account field."
    ),
}


def policy_documents(stack: str):
    for resource in graph(stack).resources:
        field = POLICY_FIELDS.get(resource["type"])
        if field:
            yield resource, json.loads(resource["inputs"][field])


def suppression(resource_type: str, resource_name: str, sid: str, issue: str) -> tuple[str, str, str] | None:
    for key in SUPPRESSED:
        typ, selector, suppressed_issue = key
        matches = selector == "*" or selector == sid or (selector.startswith("-") and resource_name.endswith(selector))
        if typ == resource_type and suppressed_issue == issue and matches:
            return key
    return None


def findings(resource_type: str, resource_name: str, document: dict):
    """(Sid, issue, detail, suppression key or None) for every statement's findings."""
    for statement in document["Statement"]:
        single = json.dumps({"Version": document["Version"], "Statement": [statement]})
        sid = statement.get("Sid", "")
        for finding in analyze_policy_string(single, include_community_auditors=False).findings:
            yield sid, finding.issue, str(finding.detail), suppression(resource_type, resource_name, sid, finding.issue)


def lint(resource_type: str, document: dict, resource_name: str = "") -> list[tuple[str, str, str]]:
    """Unsuppressed findings as (Sid, issue, detail)."""
    return [
        (sid, issue, detail) for sid, issue, detail, key in findings(resource_type, resource_name, document) if not key
    ]


@pytest.mark.parametrize("stack", STACKS)
def test_every_identity_and_resource_policy_passes_parliament(stack):
    documents = list(policy_documents(stack))
    assert len(documents) >= 8
    problems = {
        f"{resource['type']}::{resource['name']}": found
        for resource, document in documents
        if (found := lint(resource["type"], document, resource["name"]))
    }
    assert problems == {}


@pytest.mark.parametrize("stack", STACKS)
def test_every_trust_policy_uses_only_real_actions(stack):
    typ, field = TRUST_FIELD
    roles = graph(stack).of_type(typ)
    assert roles
    for role in roles:
        for statement in json.loads(role["inputs"][field])["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            for action in actions:
                expand_action(action)  # raises UnknownActionException for a made-up action


def test_lint_catches_an_unknown_action_and_a_mismatched_resource():
    bad = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Typo", "Effect": "Allow", "Action": "sqs:ReceiveMessages", "Resource": "*"},
            {"Sid": "Wrong", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket"},
        ],
    }
    issues = {(sid, issue) for sid, issue, _ in lint("aws:iam/policy:Policy", bad)}
    assert ("Typo", "UNKNOWN_ACTION") in issues
    assert ("Wrong", "RESOURCE_MISMATCH") in issues
    with pytest.raises(UnknownActionException):
        expand_action("sts:AssumeRoleWithWebIdentityy")


def test_suppressions_are_each_still_needed():
    """A suppression that no longer matches anything should be deleted, not carried."""
    used = {
        key
        for stack in STACKS
        for resource, document in policy_documents(stack)
        for *_, key in findings(resource["type"], resource["name"], document)
        if key
    }
    assert used == set(SUPPRESSED)
