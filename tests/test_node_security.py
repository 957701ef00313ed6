"""What a node exposes: one security group the load balancer controller can use, metadata out of
pods' reach, and no CNI rights on the node roles."""

from __future__ import annotations

import json

from offline_plan.cloud_values import eks_cluster_state
from tests.stack_files import stack_config

NODE_CLASS = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
CNI_POLICY = "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"
ROLE = "aws:iam/role:Role"


def groups_tagged_as_the_clusters(stack) -> set[str]:
    """Security groups tagged kubernetes.io/cluster/<name>: owned. The AWS Load Balancer Controller
    needs exactly one such group on a target's network interface. Two exist:
    - the cluster security group EKS creates and tags itself (the same collision as
      terraform-aws-modules/terraform-aws-eks#1986); its id is the one the offline mocks report;
    - pulumi-eks's node security group (nodejs/eks/securitygroup.ts tags it `owned`)."""
    config = stack_config(stack.stack)
    eks_created = eks_cluster_state(
        stack.outputs["clusterName"], config["aws:region"], stack.stack, config["eks-platform:account"]["id"]
    )["vpcConfig"]["clusterSecurityGroupId"]
    return {eks_created, stack.outputs["nodeSecurityGroupId"]}


def test_system_nodes_carry_exactly_one_security_group_tagged_as_the_clusters(any_stack):
    groups = any_stack.one("aws:ec2/launchTemplate:LaunchTemplate")["inputs"]["vpcSecurityGroupIds"]
    assert len(set(groups) & groups_tagged_as_the_clusters(any_stack)) == 1
    assert groups == [any_stack.outputs["nodeSecurityGroupId"]], "the group Karpenter's nodes join too"


def test_no_node_lets_pods_reach_instance_metadata(any_stack):
    templates = any_stack.of_type("aws:ec2/launchTemplate:LaunchTemplate")
    (node_class,) = any_stack.of_type(NODE_CLASS)
    limits = [t["inputs"]["metadataOptions"]["httpPutResponseHopLimit"] for t in templates]
    limits.append(node_class["inputs"]["spec"]["metadataOptions"]["httpPutResponseHopLimit"])
    assert limits == [1] * len(limits)


def trusted_service(stack, role_ref: str) -> str:
    role = stack.by_ref(role_ref)
    return json.loads(role["inputs"]["assumeRolePolicy"])["Statement"][0]["Principal"]["Service"]


def test_the_cni_policy_is_on_aws_nodes_pod_identity_not_on_any_node_role(any_stack):
    (attachment,) = [a for a in any_stack.of_type(ATTACHMENT) if a["inputs"]["policyArn"] == CNI_POLICY]
    (role_ref,) = [d for d in attachment["dependencies"] if d.startswith(f"{ROLE}::")]
    assert trusted_service(any_stack, role_ref) == "pods.eks.amazonaws.com"
    (binding,) = any_stack.one("aws:eks/addon:Addon", "vpc-cni")["inputs"]["podIdentityAssociations"]
    assert binding["serviceAccount"] == "aws-node"
    assert binding["roleArn"].endswith(f"/{attachment['inputs']['role']}")
    node_roles = [
        r for r in any_stack.of_type(ROLE) if trusted_service(any_stack, f"{ROLE}::{r['name']}") == "ec2.amazonaws.com"
    ]
    assert len(node_roles) == 2, "system nodes and Karpenter's nodes"
