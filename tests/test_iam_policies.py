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
}
TRUST_FIELD = ("aws:iam/role:Role", "assumeRolePolicy")

# (resource type, statement Sid or "*", parliament issue) -> why it is not a defect.
SUPPRESSED = {
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


def lint(resource_type: str, document: dict) -> list[tuple[str, str, str]]:
    """Unsuppressed findings as (Sid, issue, detail)."""
    findings = []
    for statement in document["Statement"]:
        single = json.dumps({"Version": document["Version"], "Statement": [statement]})
        sid = statement.get("Sid", "")
        for finding in analyze_policy_string(single, include_community_auditors=False).findings:
            if (resource_type, "*", finding.issue) in SUPPRESSED or (resource_type, sid, finding.issue) in SUPPRESSED:
                continue
            findings.append((sid, finding.issue, str(finding.detail)))
    return findings


@pytest.mark.parametrize("stack", STACKS)
def test_every_identity_and_resource_policy_passes_parliament(stack):
    documents = list(policy_documents(stack))
    assert len(documents) >= 8
    problems = {
        f"{resource['type']}::{resource['name']}": found
        for resource, document in documents
        if (found := lint(resource["type"], document))
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
    used = set()
    for stack in STACKS:
        for resource, document in policy_documents(stack):
            for statement in document["Statement"]:
                single = json.dumps({"Version": document["Version"], "Statement": [statement]})
                for finding in analyze_policy_string(single, include_community_auditors=False).findings:
                    for sid in (statement.get("Sid", ""), "*"):
                        if (resource["type"], sid, finding.issue) in SUPPRESSED:
                            used.add((resource["type"], sid, finding.issue))
    assert used == set(SUPPRESSED)
