"""Where a stack protects stateful resources, everything that holds data or owns other resources is
protected; every other resource type is listed with the reason it may be replaced. A new type
fails here until someone classifies it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import graph

Resource = dict[str, Any]


def always(_: Resource) -> bool:
    return True


def crd_release(resource: Resource) -> bool:
    # Deleting a CRD chart deletes every object of its kinds: all NodePools (and their nodes), all monitors.
    return resource["name"].endswith(("-crd", "-crds"))


def database_secret(resource: Resource) -> bool:
    # The replica set's root, application and keyfile credentials: a new value locks members out.
    return resource["inputs"]["metadata"].get("namespace") == "mongodb"


# Type -> which of its resources must be protected (and why, in the predicate's name or comment).
MUST_PROTECT: dict[str, Callable[[Resource], bool]] = {
    "aws:kms/key:Key": always,  # deleting a key makes everything encrypted with it unreadable
    "aws:cloudwatch/logGroup:LogGroup": always,  # audit and flow logs
    "aws:s3/bucket:Bucket": always,
    "aws:s3/bucketPolicy:BucketPolicy": always,  # its TLS-only and delivery rules guard the data
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": always,
    "aws:s3/bucketVersioning:BucketVersioning": always,
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": always,
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": always,
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": always,
    "aws:sns/topic:Topic": always,  # the alarms' and the on-call's subscriptions hang off it
    "aws:amp/workspace:Workspace": always,  # long-term metrics
    "aws:ecr/repository:Repository": always,  # the mirrored images the workloads pull
    "eks:index:Cluster": always,  # owns every node and object
    "aws:iam/serviceLinkedRole:ServiceLinkedRole": always,  # account-wide: other stacks' Spot launches need it
    "random:index/randomPassword:RandomPassword": always,  # a new value breaks whoever holds the old one
    "kubernetes:helm.sh/v3:Release": crd_release,
    "kubernetes:core/v1:Secret": database_secret,
}
MAY_BE_REPLACED = {
    "aws:cloudwatch/dashboard:Dashboard": "a view, rebuilt from code",
    "aws:cloudwatch/eventRule:EventRule": "routes events; no history",
    "aws:cloudwatch/eventTarget:EventTarget": "routes events; no history",
    "aws:cloudwatch/metricAlarm:MetricAlarm": "state is recomputed from metrics",
    "aws:ec2/eip:Eip": "NAT egress address; allow-lists elsewhere should use the NAT's current address",
    "aws:ec2/flowLog:FlowLog": "a subscription; the records live in the protected log group",
    "aws:ec2/internetGateway:InternetGateway": "no data",
    "aws:ec2/launchTemplate:LaunchTemplate": "versions roll the nodes; no data",
    "aws:ec2/natGateway:NatGateway": "no data",
    "aws:ec2/routeTable:RouteTable": "no data",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "no data",
    "aws:ec2/securityGroup:SecurityGroup": "no data",
    "aws:ec2/subnet:Subnet": "no data; nodes move with it",
    "aws:ec2/vpc:Vpc": "no data of its own; the cluster, which owns the workloads, is protected",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "no data",
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": "rules from code; expires only untagged images",
    "aws:ecr/replicationConfiguration:ReplicationConfiguration": "rules from code; a demotion must delete it",
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": "rules from code; replicas already copied stay",
    "aws:eks/accessEntry:AccessEntry": "recreated from settings",
    "aws:eks/addon:Addon": "software; its data (volumes) belongs to the claims",
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": "recreated from settings",
    "aws:iam/policy:Policy": "recreated from code",
    "aws:iam/role:Role": "recreated from code",
    "aws:iam/rolePolicy:RolePolicy": "recreated from code",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "recreated from code",
    "aws:kms/alias:Alias": "a name for the protected key",
    "aws:sns/topicSubscription:TopicSubscription": "e-mail subscriptions are re-confirmed by their owners",
    "aws:sqs/queue:Queue": "interruption events are useful for seconds (5-minute retention)",
    "aws:sqs/queuePolicy:QueuePolicy": "recreated from code",
    "aws:wafv2/webAcl:WebAcl": "rules from code; no data",
    "aws:wafv2/webAclAssociation:WebAclAssociation": "recreated from code",
    "eks:index:ManagedNodeGroup": "nodes are cattle; the system pods move",
    "kubernetes:helm.sh/v3:Release": "controllers and their Deployments; CRD charts are protected above",
    "kubernetes:core/v1:Secret": "derived from protected passwords or certificates, recreated with the same value",
    "kubernetes:apps/v1:StatefulSet": "its claims outlive it (claim retention policy Retain, class Retain)",
    "kubernetes:core/v1:Namespace": "volumes of its claims are retained by the StorageClass (Retain where protected)",
    "pulumi:providers:aws": "configuration",
    "aws:route53/record:Record": "web's failover record, recreated from the program (a short DNS gap, no data)",
    "aws:route53/healthCheck:HealthCheck": "a probe, recreated from the program",
    "pulumi:providers:kubernetes": "configuration",
    "tls:index/privateKey:PrivateKey": "a re-issued key rolls the members' certificates; no stored data",
    "tls:index/selfSignedCert:SelfSignedCert": "re-issued with the key",
    "tls:index/certRequest:CertRequest": "re-issued with the key",
    "tls:index/locallySignedCert:LocallySignedCert": "re-issued with the key",
}
NO_STATE_PREFIXES = ("eks-platform:", "kubernetes:")  # components; plain Kubernetes objects rebuilt from code


def classified(resource: Resource) -> bool:
    typ = resource["type"]
    return typ in MUST_PROTECT or typ in MAY_BE_REPLACED or typ.startswith(NO_STATE_PREFIXES)


@pytest.mark.parametrize("stack", ["prod", "prod-dr"])
def test_every_resource_type_is_classified(stack):
    assert [r["type"] for r in graph(stack).resources if not classified(r)] == []


@pytest.mark.parametrize("stack", ["prod", "prod-dr"])
def test_what_holds_data_or_owns_resources_is_protected(stack):
    must = [r for r in graph(stack).resources if (rule := MUST_PROTECT.get(r["type"])) and rule(r)]
    assert len(must) > 25
    assert [f"{r['type']}::{r['name']}" for r in must if not r["protect"]] == []


def test_dev_protects_nothing_so_it_can_be_torn_down():
    assert [f"{r['type']}::{r['name']}" for r in graph("dev").resources if r["protect"]] == []
