"""System node group: pulumi_eks.ManagedNodeGroup for critical add-ons, hardened nodes."""

from __future__ import annotations

import json

from components.system_nodes import SYSTEM_NODE_LABEL, SYSTEM_NODE_TAINT
from tests.graph import ref
from tests.stack_files import stack_config

MNG = "eks:index:ManagedNodeGroup"


def nodes_config(stack: str) -> dict:
    return stack_config(stack)["eks-platform:systemNodes"]


def test_node_group_is_a_managed_node_group_of_the_cluster(any_stack):
    group = any_stack.one(MNG)
    cluster = any_stack.one("eks:index:Cluster")
    assert group["parent"] == ref(any_stack.one("eks-platform:components:SystemNodeGroup"))
    assert ref(cluster) in group["dependencies"]


def test_spread_over_every_private_subnet(any_stack):
    group = any_stack.one(MNG)
    private = any_stack.outputs["subnetIds"]["private"]
    assert sorted(group["inputs"]["subnetIds"]) == sorted(private)
    assert len(private) == stack_config(any_stack.stack)["eks-platform:network"]["azCount"]


def test_instances_capacity_and_ami_from_settings(any_stack):
    inputs = any_stack.one(MNG)["inputs"]
    config = nodes_config(any_stack.stack)
    assert inputs["instanceTypes"] == config["instanceTypes"]
    assert inputs["capacityType"] == config["capacityType"]
    assert inputs["amiType"].startswith(config["amiFamily"].upper())
    assert inputs["releaseVersion"]


def test_prod_system_nodes_are_on_demand(prod, prod_dr):
    assert prod.one(MNG)["inputs"]["capacityType"] == "ON_DEMAND"
    assert prod_dr.one(MNG)["inputs"]["capacityType"] == "ON_DEMAND"


def test_label_and_taint_reserve_the_nodes_for_critical_addons(any_stack):
    inputs = any_stack.one(MNG)["inputs"]
    assert inputs["labels"] == SYSTEM_NODE_LABEL
    assert inputs["taints"] == [SYSTEM_NODE_TAINT]


def test_launch_template_requires_imdsv2_and_encrypts_the_root_volume(any_stack):
    group = any_stack.one(MNG)
    template = any_stack.one("aws:ec2/launchTemplate:LaunchTemplate")
    assert ref(template) in group["dependencies"]
    metadata = template["inputs"]["metadataOptions"]
    assert metadata["httpTokens"] == "required"
    # One hop: a pod in its own network namespace is a second hop and cannot reach the node role.
    assert metadata["httpPutResponseHopLimit"] == 1
    (root,) = template["inputs"]["blockDeviceMappings"]
    assert root["ebs"]["encrypted"] == "true"
    assert root["ebs"]["volumeType"] == "gp3"
    assert root["ebs"]["volumeSize"] == nodes_config(any_stack.stack)["diskSizeGiB"]


def test_scaling_from_settings_and_standby_uses_its_standby_floor(prod, prod_dr):
    assert prod.one(MNG)["inputs"]["scalingConfig"] == nodes_config("prod")["scaling"]
    assert prod_dr.one(MNG)["inputs"]["scalingConfig"] == nodes_config("prod-dr")["standbyScaling"]


def test_node_role_trusts_ec2_with_worker_ecr_pull_and_ssm_policies(any_stack):
    component = any_stack.one("eks-platform:components:SystemNodeGroup")
    (role,) = any_stack.children(component, "aws:iam/role:Role")
    trust = json.loads(role["inputs"]["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "ec2.amazonaws.com"}
    attached = {
        a["inputs"]["policyArn"].rsplit("/", 1)[-1]
        for a in any_stack.children(component, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    }
    assert attached == {
        "AmazonEKSWorkerNodePolicy",
        "AmazonEC2ContainerRegistryPullOnly",
        "AmazonSSMManagedInstanceCore",
    }
    assert ref(role) in any_stack.one(MNG)["dependencies"]
