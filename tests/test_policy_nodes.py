"""Node rules over small programs (a launch template, an EC2NodeClass, node groups, a StorageClass, the
cluster and its subnets), and over every real stack."""

from __future__ import annotations

import asyncio
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_eks as eks
import pulumi_kubernetes as k8s
import pytest

from offline_plan.evaluate import PROJECT_DIR
from offline_plan.stack_config import stack_settings
from policy.harness import check_plan
from policy.stack_facts import facts_of
from tests.conftest import STACKS, graph
from tests.policy_programs import findings, findings_of_program, plan_of, rule

IMDS = "node-imdsv2-hop-limit-1"
VOLUMES = "node-volumes-encrypted-with-our-key"
PUBLIC_IPS = "nodes-without-public-ips"
RULES = (IMDS, VOLUMES, PUBLIC_IPS)
KEY = "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000003"


def launch_template(
    metadata: dict[str, Any] | None = None, ebs: dict[str, Any] | None = None, public_ip: str | None = None
) -> Any:
    """A node launch template as the system node group's, with `metadata`/`ebs` fields changed."""

    def program() -> None:
        metadata_options = {"http_endpoint": "enabled", "http_tokens": "required", "http_put_response_hop_limit": 1}
        volume = {"volume_size": 80, "volume_type": "gp3", "encrypted": "true", "kms_key_id": KEY}
        aws.ec2.LaunchTemplate(
            "case",
            metadata_options={**metadata_options, **(metadata or {})},
            block_device_mappings=[{"device_name": "/dev/xvda", "ebs": {**volume, **(ebs or {})}}],
            network_interfaces=[{"associate_public_ip_address": public_ip}] if public_ip else None,
        )

    return program


def node_class(spec_changes: dict[str, Any] | None = None) -> Any:
    """Karpenter's EC2NodeClass as the platform declares it, with top-level spec fields replaced."""

    def program() -> None:
        spec: dict[str, Any] = {
            "role": "case-node",
            "amiSelectorTerms": [{"alias": "al2023@latest"}],
            "metadataOptions": {"httpEndpoint": "enabled", "httpTokens": "required", "httpPutResponseHopLimit": 1},
            "blockDeviceMappings": [
                {"deviceName": "/dev/xvda", "ebs": {"volumeSize": "100Gi", "encrypted": True, "kmsKeyID": KEY}}
            ],
        }
        spec.update(spec_changes or {})
        k8s.apiextensions.CustomResource(
            "case", api_version="karpenter.k8s.aws/v1", kind="EC2NodeClass", metadata={"name": "case"}, spec=spec
        )

    return program


def storage_class(provisioner: str = "ebs.csi.aws.com", **parameters: str) -> Any:
    def program() -> None:
        k8s.storage.v1.StorageClass(
            "case",
            provisioner=provisioner,
            parameters={"type": "gp3", "encrypted": "true", "kmsKeyId": KEY, **parameters},
        )

    return program


def cluster(**overrides: Any) -> Any:
    def program() -> None:
        inputs: dict[str, Any] = {
            "vpc_id": "vpc-0123",
            "private_subnet_ids": ["subnet-a"],
            "skip_default_node_group": True,
        }
        inputs.update(overrides)
        eks.Cluster("case", **inputs)

    return program


def subnet(map_public_ip: bool) -> Any:
    def program() -> None:
        aws.ec2.Subnet("case", vpc_id="vpc-0123", cidr_block="10.0.0.0/24", map_public_ip_on_launch=map_public_ip)

    return program


def managed_node_group(with_launch_template: bool) -> Any:
    def program() -> None:
        template = {"id": "lt-0123", "version": "1"} if with_launch_template else None
        eks.ManagedNodeGroup(
            "case",
            cluster="case",
            node_role_arn="arn:aws:iam::111122223333:role/case-node",
            subnet_ids=["subnet-a"],
            scaling_config={"min_size": 1, "desired_size": 1, "max_size": 2},
            launch_template=template,
        )

    return program


def aws_node_group() -> None:
    """The shape a real preview shows under pulumi-eks's ManagedNodeGroup, here without a template."""
    aws.eks.NodeGroup(
        "case",
        cluster_name="case",
        node_role_arn="arn:aws:iam::111122223333:role/case-node",
        subnet_ids=["subnet-a"],
        scaling_config={"min_size": 1, "desired_size": 1, "max_size": 2},
    )


@pytest.mark.parametrize(
    "program",
    [launch_template(), node_class(), storage_class(), cluster(node_associate_public_ip_address=False), subnet(False)],
    ids=["launch-template", "ec2nodeclass", "storage-class", "cluster", "subnet"],
)
def test_hardened_nodes_pass_every_node_rule(program: Any) -> None:
    for name in RULES:
        assert findings_of_program(name, program) == [], name


@pytest.mark.parametrize(
    ("program", "named"),
    [
        (launch_template(metadata={"http_put_response_hop_limit": 2}), "httpPutResponseHopLimit is 2"),
        (launch_template(metadata={"http_tokens": "optional"}), "httpTokens is 'optional'"),
        (node_class({"metadataOptions": {"httpTokens": "required", "httpPutResponseHopLimit": 2}}), "is 2"),
        (node_class({"metadataOptions": {"httpTokens": "optional", "httpPutResponseHopLimit": 1}}), "'optional'"),
    ],
    ids=["template-hop-2", "template-imdsv1", "nodeclass-hop-2", "nodeclass-imdsv1"],
)
def test_imdsv1_or_a_hop_limit_above_1_is_refused(program: Any, named: str) -> None:
    [found] = findings_of_program(IMDS, program)
    assert named in found.message
    assert found.enforcement == "mandatory"


def test_a_node_class_without_metadata_options_is_refused_though_karpenter_defaults_are_safe() -> None:
    spec = {"role": "case-node", "amiSelectorTerms": [{"alias": "al2023@latest"}]}

    def program() -> None:
        k8s.apiextensions.CustomResource(
            "case", api_version="karpenter.k8s.aws/v1", kind="EC2NodeClass", metadata={"name": "case"}, spec=spec
        )

    messages = [found.message for found in findings_of_program(IMDS, program)]
    assert any("httpTokens is None" in message for message in messages)


def test_node_groups_need_a_launch_template_on_either_shape() -> None:
    assert findings_of_program(IMDS, managed_node_group(with_launch_template=True)) == []
    [found] = findings_of_program(IMDS, managed_node_group(with_launch_template=False))
    assert "no launchTemplate" in found.message
    assert "hop limit 1" in found.message
    assert findings_of_program(IMDS, aws_node_group)


@pytest.mark.parametrize(
    ("program", "named"),
    [
        (launch_template(ebs={"encrypted": "false"}), "ebs.encrypted is 'false'"),
        (launch_template(ebs={"kms_key_id": None}), "no kmsKeyId"),
        (node_class({"blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"encrypted": False}}]}), "False"),
        (node_class({"blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"encrypted": True}}]}), "kmsKeyID"),
        (node_class({"blockDeviceMappings": []}), "no blockDeviceMappings"),
        (storage_class(encrypted="false"), "parameters.encrypted is 'false'"),
        (storage_class(kmsKeyId=""), "no kmsKeyId"),
    ],
    ids=[
        "template-plain",
        "template-aws-key",
        "nodeclass-plain",
        "nodeclass-aws-key",
        "nodeclass-default-volume",
        "storage-class-plain",
        "storage-class-aws-key",
    ],
)
def test_volumes_not_encrypted_with_our_key_are_refused(program: Any, named: str) -> None:
    messages = [found.message for found in findings_of_program(VOLUMES, program)]
    assert any(named in message for message in messages), messages


def test_other_provisioners_are_not_ebs_and_not_checked() -> None:
    assert findings_of_program(VOLUMES, storage_class("efs.csi.aws.com", encrypted="false")) == []


@pytest.mark.parametrize(
    ("program", "named"),
    [
        (cluster(node_associate_public_ip_address=True), "nodeAssociatePublicIpAddress is True"),
        (cluster(), "nodeAssociatePublicIpAddress is None"),
        (launch_template(public_ip="true"), "associatePublicIpAddress is 'true'"),
        (subnet(True), "mapPublicIpOnLaunch is True"),
    ],
    ids=["cluster", "cluster-default", "launch-template", "subnet"],
)
def test_public_node_addresses_are_refused(program: Any, named: str) -> None:
    [found] = findings_of_program(PUBLIC_IPS, program)
    assert named in found.message


def test_an_unknown_hop_limit_is_the_analyzers_advisory_not_a_pass() -> None:
    def program() -> None:
        unknown: pulumi.Output[int] = pulumi.Output(set(), _done(None), _done(False))
        aws.ec2.LaunchTemplate(
            "case", metadata_options={"http_tokens": "required", "http_put_response_hop_limit": unknown}
        )

    [found] = check_plan(plan_of(program), [rule(IMDS)], {})
    assert found.enforcement == "advisory"
    assert "can't be known during preview" in found.message


@pytest.mark.parametrize("stack", STACKS)
def test_every_stack_passes_the_node_rules(stack: str) -> None:
    facts = facts_of(stack_settings(PROJECT_DIR, stack))
    for name in RULES:
        assert findings(graph(stack).plan, name, facts) == [], name


@pytest.mark.parametrize("stack", STACKS)
def test_the_node_rules_have_real_nodes_to_examine(stack: str) -> None:
    """Not vacuous: each stack has the shapes the rules read, with the fields they check."""
    plan = graph(stack)
    template = plan.one("aws:ec2/launchTemplate:LaunchTemplate")["inputs"]
    assert template["metadataOptions"]["httpPutResponseHopLimit"] == 1
    assert template["blockDeviceMappings"][0]["ebs"]["kmsKeyId"]
    node_class_spec = plan.one("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass")["inputs"]["spec"]
    assert node_class_spec["metadataOptions"]["httpTokens"] == "required"
    assert node_class_spec["blockDeviceMappings"][0]["ebs"]["kmsKeyID"]
    assert "launchTemplate" in plan.one("eks:index:ManagedNodeGroup")["inputs"]
    ebs_classes = [
        entry
        for entry in plan.of_type("kubernetes:storage.k8s.io/v1:StorageClass")
        if entry["inputs"]["provisioner"] == "ebs.csi.aws.com"
    ]
    assert ebs_classes
    assert plan.one("eks:index:Cluster")["inputs"]["nodeAssociatePublicIpAddress"] is False
    assert plan.of_type("aws:ec2/subnet:Subnet")


def _done(value: Any) -> Any:
    future = asyncio.get_event_loop().create_future()
    future.set_result(value)
    return future
