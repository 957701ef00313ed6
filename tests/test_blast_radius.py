"""Every grant stops at this stack's cluster and account, even where stacks share an account."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from tests.stack_files import stack_config

ROLE = "aws:iam/role:Role"
ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
ADDON = "aws:eks/addon:Addon"
RESOURCE_POLICIES = {
    "aws:kms/key:Key": "policy",
    "aws:sqs/queuePolicy:QueuePolicy": "policy",
    "aws:s3/bucketPolicy:BucketPolicy": "policy",
    "aws:sns/topicPolicy:TopicPolicy": "arn",
}
SOURCE_KEYS = ("aws:SourceAccount", "aws:SourceArn", "aws:SourceOrgID")
# Service principals whose requests carry no source account or ARN, each with how it is bounded instead.
NO_SOURCE_CONTEXT = {
    "ec2.amazonaws.com": "an instance profile's role: only instances launched with that profile (by this "
    "stack's node group or Karpenter, whose policy passes only its own role) can assume it",
    "logdelivery.elasticloadbalancing.amazonaws.com": "ALB access-log delivery: AWS's bucket policy for it has no "
    "source condition; the grant covers only <prefix>/AWSLogs/<this account>/, where ELB writes the logs of this "
    "account's load balancers alone (workloads/edge.py)",
}
# Documented alternatives to a source key, per service.
SOURCE_ALTERNATIVES = {"kms:EncryptionContext:aws:logs:arn": "CloudWatch Logs encryption (logs KMS guide)"}


def statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    found = document["Statement"]
    return found if isinstance(found, list) else [found]


def service_grants(stack) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(resource, service principal, statement) for every Allow to an AWS service principal."""
    for resource in stack.resources:
        field = "assumeRolePolicy" if resource["type"] == ROLE else RESOURCE_POLICIES.get(resource["type"])
        if not field or field not in resource["inputs"]:
            continue
        for statement in statements(json.loads(resource["inputs"][field])):
            services = (
                (statement.get("Principal") or {}).get("Service", [])
                if isinstance(statement.get("Principal"), dict)
                else []
            )
            for service in [services] if isinstance(services, str) else services:
                if statement["Effect"] == "Allow":
                    yield f"{resource['type']}::{resource['name']}", service, statement


def condition_keys(statement: dict[str, Any]) -> set[str]:
    return {key for operator in statement.get("Condition", {}).values() for key in operator}


def test_every_service_principal_grant_names_its_source(any_stack):
    grants = list(service_grants(any_stack))
    assert len(grants) > 10
    missing = [
        (where, service)
        for where, service, statement in grants
        if service not in NO_SOURCE_CONTEXT and not condition_keys(statement) & {*SOURCE_KEYS, *SOURCE_ALTERNATIVES}
    ]
    assert missing == []


def test_pod_identity_roles_trust_one_service_account_of_this_cluster_and_account(any_stack):
    account = stack_config(any_stack.stack)["eks-platform:account"]["id"]
    cluster = any_stack.outputs["clusterName"]
    associated = {(a["inputs"]["namespace"], a["inputs"]["serviceAccount"]) for a in any_stack.of_type(ASSOCIATION)}
    # An EKS add-on binds its own service account; the plan records the account, not its namespace.
    addon_bound = {
        binding["serviceAccount"]
        for addon in any_stack.of_type(ADDON)
        for binding in addon["inputs"].get("podIdentityAssociations") or []
    }
    trusts = [
        json.loads(role["inputs"]["assumeRolePolicy"])
        for role in any_stack.of_type(ROLE)
        if "pods.eks.amazonaws.com" in role["inputs"]["assumeRolePolicy"]
    ]
    assert len(trusts) >= 6
    for trust in trusts:
        (statement,) = statements(trust)
        tags = statement["Condition"]["StringEquals"]
        assert tags["aws:SourceAccount"] == account
        assert tags["aws:RequestTag/eks-cluster-name"] == cluster
        subject = (tags["aws:RequestTag/kubernetes-namespace"], tags["aws:RequestTag/kubernetes-service-account"])
        assert subject in associated or subject[1] in addon_bound, subject


def test_the_cloudwatch_agent_writes_only_this_clusters_container_insights_groups(any_stack):
    attached = [
        a["inputs"]["policyArn"] for a in any_stack.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    ]
    assert not [arn for arn in attached if arn.endswith("/CloudWatchAgentServerPolicy")]
    (policy,) = [
        p for p in any_stack.of_type("aws:iam/rolePolicy:RolePolicy") if p["name"].endswith("-cloudwatch-agent")
    ]
    document = json.loads(policy["inputs"]["policy"])
    cluster = any_stack.outputs["clusterName"]
    for statement in statements(document):
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        assert not [a for a in actions if a in ("logs:PutRetentionPolicy", "logs:DeleteLogGroup", "logs:*")]
        if any(a.startswith("logs:") and a != "logs:DescribeLogGroups" for a in actions):
            resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            assert all(f":log-group:/aws/containerinsights/{cluster}/" in r for r in resources), statement


def test_karpenter_launches_only_into_this_clusters_vpc(any_stack):
    policy = next(
        p for p in any_stack.of_type("aws:iam/policy:Policy") if p["name"].endswith("-karpenter-node-lifecycle")
    )
    by_sid = {s["Sid"]: s for s in statements(json.loads(policy["inputs"]["policy"]))}
    network = by_sid["AllowEC2InstanceAccessInTheClusterVpc"]
    assert {r.split(":")[-1] for r in network["Resource"]} == {"security-group/*", "subnet/*"}
    assert network["Condition"]["ArnEquals"]["ec2:Vpc"].endswith(f":vpc/{any_stack.outputs['vpcId']}")
    unconditioned = [
        s
        for s in by_sid.values()
        if "Condition" not in s
        for r in s["Resource"]
        if "subnet" in r or "security-group" in r
    ]
    assert unconditioned == []
