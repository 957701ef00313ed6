"""Every AWS name of every stack, given or auto-named by Pulumi, obeys its service's length and characters.

Rules: tests/catalogues/names.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests import catalogues as cat
from tests.aws_checks import open_findings
from tests.conftest import STACKS, graph
from tests.graph import ref

# ======================================================================================
# 5. Resource names (botocore 1.44.5 shapes and API reference text, S3 bucket naming rules)
# ======================================================================================

# Types whose AWS identity is assigned by AWS (ids, ARNs) or is another resource's name: nothing to name.
NAMELESS_TYPES: dict[str, str] = {
    "aws:ec2/eip:Eip": "AWS assigns an allocation id; Name is a tag",
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": "one per bucket, identified by its bucket",
    "aws:ec2/flowLog:FlowLog": "AWS assigns an id",
    "aws:ec2/internetGateway:InternetGateway": "AWS assigns an id; Name is a tag",
    "aws:ec2/natGateway:NatGateway": "AWS assigns an id; Name is a tag",
    "aws:ec2/routeTable:RouteTable": "AWS assigns an id; Name is a tag",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "an association of two ids",
    "aws:ec2/subnet:Subnet": "AWS assigns an id; Name is a tag",
    "aws:ec2/vpc:Vpc": "AWS assigns an id; Name is a tag",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "AWS assigns an id; serviceName is AWS's",
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": "a setting of the repository",
    "aws:ecr/replicationConfiguration:ReplicationConfiguration": "a setting of the account's registry in the region",
    "aws:eks/accessEntry:AccessEntry": "identified by the cluster and the principal ARN",
    "aws:eks/addon:Addon": "addonName is the name AWS publishes the add-on under",
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": "AWS assigns an id",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "an attachment of a policy ARN to a role",
    "aws:iam/serviceLinkedRole:ServiceLinkedRole": "AWS names the role after awsServiceName (AWSServiceRoleFor...)",
    "aws:kms/key:Key": "AWS assigns a key id; the alias is the name",
    "aws:route53/healthCheck:HealthCheck": "AWS assigns an id; Name is a tag",
    "aws:route53/record:Record": "a DNS name in the stack's zone; its set identifier is the cluster name",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": "a setting of the bucket",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": "a setting of the bucket",
    "aws:s3/bucketPolicy:BucketPolicy": "a setting of the bucket",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "a setting of the bucket",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": "a setting of the bucket",
    "aws:s3/bucketVersioning:BucketVersioning": "a setting of the bucket",
    "aws:sns/topicSubscription:TopicSubscription": "AWS assigns a subscription ARN",
    "aws:sqs/queuePolicy:QueuePolicy": "a setting of the queue",
    "eks:index:ManagedNodeGroup": "the eks model sets no rule for nodegroupName (String, undocumented limits)",
}

# Pulumi auto-names a resource whose name input is unset as `<logical name>-<7 random hex chars>`:
# the length and characters checked are those of that form, with these 7 stand-in hex digits.
AUTO_NAME_SUFFIX = "-0a1b2c3"
# An unset name with a `namePrefix` gets the provider's 26-character unique suffix.
NAME_PREFIX_SUFFIX = "0" * 26


def aws_name(resource: dict[str, Any], rule: cat.NameRule) -> str | None:
    """The name AWS will see: the name input, or what Pulumi generates when it is unset."""
    inputs = resource["inputs"]
    given = inputs.get(rule.field)
    if isinstance(given, str) and given != "[unknown]":
        return given
    prefix = inputs.get(rule.field + "Prefix")
    if isinstance(prefix, str):
        return prefix + NAME_PREFIX_SUFFIX
    return str(resource["name"]) + AUTO_NAME_SUFFIX if rule.autonamed else None


def name_problems(resource: dict[str, Any]) -> list[str]:
    rule = cat.name_rules().get(resource["type"])
    name = aws_name(resource, rule) if rule else None
    if rule is None or name is None:
        return []
    found = []
    if rule.fifo_flag and resource["inputs"].get(rule.fifo_flag):
        if name.endswith(".fifo"):
            name = name.removesuffix(".fifo")
        else:
            found.append(f"{name!r}: a FIFO name must end with .fifo")
    return found + rule.rule.problems(name)


@pytest.mark.parametrize("stack", STACKS)
def test_every_aws_resource_type_is_named_or_known_nameless(stack):
    types = {r["type"] for r in graph(stack).resources if r["type"].startswith(("aws:", "eks:index:"))}
    assert types - set(cat.name_rules()) - set(NAMELESS_TYPES) == set()


@pytest.mark.parametrize("stack", STACKS)
def test_every_aws_name_is_within_its_service_rules(stack):
    named = [r for r in graph(stack).resources if r["type"] in cat.name_rules()]
    assert len(named) >= 30
    findings = {ref(r): problems for r in named if (problems := name_problems(r))}
    assert open_findings("names", stack, findings) == {}


def test_name_types_have_no_overlap_with_nameless_ones():
    assert set(cat.name_rules()).isdisjoint(NAMELESS_TYPES)


def named(typ: str, logical: str = "x", **inputs: Any) -> dict[str, Any]:
    return {"type": typ, "name": logical, "inputs": inputs}


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        (named("aws:iam/role:Role", name="r" * 65), "65 characters, more than 64"),
        (named("aws:iam/role:Role", name="platform admin"), "does not match"),
        (named("aws:iam/role:Role", name="rôle"), "does not match"),  # Java's \w is ASCII
        (named("aws:iam/role:Role", "r" * 57), "65 characters, more than 64"),  # auto-named
        (named("aws:iam/role:Role", namePrefix="r" * 40), "66 characters, more than 64"),
        (named("aws:iam/policy:Policy", name="p" * 129), "129 characters, more than 128"),
        (named("aws:cloudwatch/eventRule:EventRule", "e" * 57), "65 characters, more than 64"),  # auto-named
        (named("aws:cloudwatch/eventTarget:EventTarget", targetId="Karpenter Queue"), "does not match"),
        (named("aws:cloudwatch/logGroup:LogGroup", name="/aws/eks/x:y"), "does not match"),
        (named("aws:cloudwatch/metricAlarm:MetricAlarm", name="cpu\nhigh"), "ASCII control characters"),
        (named("aws:cloudwatch/dashboard:Dashboard", dashboardName="cluster overview"), "does not match"),
        (named("aws:sqs/queue:Queue", name="karpenter.interruption"), "does not match"),
        (named("aws:sqs/queue:Queue", name="q" * 81), "81 characters, more than 80"),
        (named("aws:sqs/queue:Queue", name="q", fifoQueue=True), "must end with .fifo"),
        (named("aws:s3/bucket:Bucket", bucket="Eks_Platform"), "other than lowercase"),
        (named("aws:s3/bucket:Bucket", bucket="ab"), "not 3-63"),
        (named("aws:s3/bucket:Bucket", "b" * 56), "64 characters, not 3-63"),  # auto-named: 56 + 8
        (named("aws:s3/bucket:Bucket", bucket="a..b"), "two adjacent periods"),
        (named("aws:s3/bucket:Bucket", bucket="192.168.1.1"), "formatted as an IP address"),
        (named("aws:s3/bucket:Bucket", bucket="xn--web"), "reserved 'xn--'"),
        (named("aws:s3/bucket:Bucket", bucket="web-s3alias"), "reserved '-s3alias'"),
        (named("aws:s3/bucket:Bucket", bucket="-web"), "begin and end with a letter or digit"),
        (named("aws:lb/loadBalancer:LoadBalancer", name="internal-web"), "reserved 'internal-'"),
        (named("aws:lb/loadBalancer:LoadBalancer", name="web-"), "begins or ends with a hyphen"),
        (named("aws:lb/targetGroup:TargetGroup", name="t" * 33), "33 characters, more than 32"),
        (named("aws:lb/targetGroup:TargetGroup", name="web_tg"), "does not match"),
        (named("eks:index:Cluster", name="-eks"), "does not match"),
        (named("aws:eks/cluster:Cluster", name="c" * 101), "101 characters, more than 100"),
        (named("aws:kms/alias:Alias", name="eks-secrets"), "does not start with 'alias/'"),
        (named("aws:kms/alias:Alias", name="alias/aws/eks"), "reserved for AWS managed keys"),
        (named("aws:kms/alias:Alias", name="alias/eks secrets"), "does not match"),
        (named("aws:sns/topic:Topic", name="alarms.prod"), "does not match"),
        (named("aws:wafv2/webAcl:WebAcl", name="web acl"), "does not match"),
        (named("aws:sns/topic:Topic", name="t" * 257), "257 characters, more than 256"),
        (named("aws:amp/workspace:Workspace", alias="a" * 101), "101 characters, more than 100"),
        (named("aws:ec2/launchTemplate:LaunchTemplate", name="lt"), "shorter than 3"),
        (named("aws:ec2/securityGroup:SecurityGroup", name="sg-endpoints"), "reserved 'sg-'"),
    ],
)
def test_name_rules_reject(resource, expected):
    problems = name_problems(resource)
    assert any(expected in problem for problem in problems), problems


def test_names_that_follow_the_rules_pass():
    for resource in [
        named("aws:iam/role:Role", name="eks-platform-prod-karpenter"),
        named("aws:sqs/queue:Queue", name="karpenter.fifo", fifoQueue=True),
        named("aws:s3/bucket:Bucket", "eks-platform-prod-web"),
        named("aws:kms/alias:Alias", name="alias/eks-platform-prod-logs"),
        named("aws:cloudwatch/logGroup:LogGroup", name="/aws/containerinsights/eks-platform-prod/application"),
        named("aws:amp/workspace:Workspace"),  # no alias: nothing to check
    ]:
        assert name_problems(resource) == [], resource
