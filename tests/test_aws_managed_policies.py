"""AWS-managed policy ARNs of every stack exist in AWS's managed-policy list (cfn-lint's copy).

Catalogue: tests/catalogues/aws_managed_policies.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests import catalogues as cat
from tests.aws_checks import strings_in
from tests.conftest import STACKS, graph
from tests.graph import ref

# ======================================================================================
# Allow-lists: each entry needs a reason, and a test fails once it is no longer needed.
# ======================================================================================

# AWS-managed policy ARN -> why it is missing from cfn-lint 1.51.0's list (policy newer than the file).
LAGGING_MANAGED_POLICIES: dict[str, str] = {}


# ======================================================================================
# 1. AWS-managed policy ARNs (cfn-lint 1.51.0 ManagedPolicies.json)
# ======================================================================================


def managed_policy_arns_in(resources: list[dict[str, Any]]) -> dict[str, set[str]]:
    """arn:aws:iam::aws:policy/... anywhere in the inputs (policyArn, managedPolicyArns, JSON strings) -> users."""
    found: dict[str, set[str]] = {}
    for resource in resources:
        for text in strings_in(resource["inputs"]):
            for arn in cat.MANAGED_POLICY_ARN.findall(text):
                found.setdefault(arn, set()).add(ref(resource))
    return found


def unpublished_managed_policies(found: dict[str, set[str]]) -> dict[str, list[str]]:
    published = cat.managed_policy_arns()
    return {
        arn: sorted(users)
        for arn, users in found.items()
        if cat.aws_partition(arn) not in published and arn not in LAGGING_MANAGED_POLICIES
    }


@pytest.mark.parametrize("stack", STACKS)
def test_every_aws_managed_policy_arn_is_published(stack):
    found = managed_policy_arns_in(graph(stack).resources)
    assert len(found) >= 4, "node roles attach several AWS-managed policies; the search found too few"
    assert unpublished_managed_policies(found) == {}


def test_a_made_up_or_misplaced_managed_policy_arn_is_rejected():
    resources = [
        {
            "type": "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
            "name": "made-up",
            "inputs": {"policyArn": "arn:aws:iam::aws:policy/AmazonEKSMadeUpPolicy"},
        },
        {
            "type": "aws:iam/role:Role",
            "name": "wrong-path",
            "inputs": {
                "managedPolicyArns": [
                    "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicyV2",
                    "arn:aws:iam::aws:policy/AmazonEBSCSIDriverPolicyV2",
                    "arn:aws-us-gov:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy",
                ]
            },
        },
    ]
    assert set(unpublished_managed_policies(managed_policy_arns_in(resources))) == {
        "arn:aws:iam::aws:policy/AmazonEKSMadeUpPolicy",
        "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicyV2",
    }


def test_lagging_managed_policies_are_each_still_needed():
    used = {arn for stack in STACKS for arn in managed_policy_arns_in(graph(stack).resources)}
    for arn, reason in LAGGING_MANAGED_POLICIES.items():
        assert reason.strip(), arn
        assert cat.aws_partition(arn) not in cat.managed_policy_arns(), f"{arn} is now published: delete the entry"
        assert arn in used, f"{arn} is no longer used: delete the entry"
