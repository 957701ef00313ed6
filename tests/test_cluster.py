"""Cluster component: pulumi_eks.Cluster with API access entries, KMS, control-plane logs, OIDC."""

from __future__ import annotations

from components.cluster import CLUSTER_ADMIN_POLICY
from tests.graph import ref
from tests.stack_files import stack_config

EKS_CLUSTER = "eks:index:Cluster"
ALL_LOG_TYPES = {"api", "audit", "authenticator", "controllerManager", "scheduler"}


def cluster_config(stack: str) -> dict:
    return stack_config(stack)["eks-platform:cluster"]


def test_cluster_is_a_pulumi_eks_cluster_under_the_cluster_component(any_stack):
    cluster = any_stack.one(EKS_CLUSTER)
    component = any_stack.one("eks-platform:components:Cluster")
    assert cluster["parent"] == ref(component)
    assert cluster["custom"] is False
    assert cluster["inputs"]["name"] == f"eks-platform-{any_stack.stack}"
    assert cluster["inputs"]["version"] == cluster_config(any_stack.stack)["kubernetesVersion"]


def test_default_node_group_skipped_and_core_addons_left_to_the_platform(any_stack):
    inputs = any_stack.one(EKS_CLUSTER)["inputs"]
    assert inputs["skipDefaultNodeGroup"] is True
    assert inputs["bootstrapSelfManagedAddons"] is False
    assert inputs["corednsAddonOptions"]["enabled"] is False
    assert inputs["kubeProxyAddonOptions"]["enabled"] is False


def test_api_authentication_with_a_cluster_admin_entry_per_admin_principal(any_stack):
    inputs = any_stack.one(EKS_CLUSTER)["inputs"]
    assert inputs["authenticationMode"] == "API"
    entries = inputs["accessEntries"].values()
    assert sorted(e["principalArn"] for e in entries) == sorted(cluster_config(any_stack.stack)["adminPrincipals"])
    for entry in entries:
        (policy,) = entry["accessPolicies"].values()
        assert policy["policyArn"] == CLUSTER_ADMIN_POLICY
        assert policy["accessScope"] == {"type": "cluster"}


def test_secrets_envelope_encryption_with_a_rotating_kms_key(any_stack):
    cluster = any_stack.one(EKS_CLUSTER)
    secrets_key = next(k for k in any_stack.of_type("aws:kms/key:Key") if k["name"].endswith("-secrets"))
    assert secrets_key["inputs"]["enableKeyRotation"] is True
    assert ref(secrets_key) in cluster["dependencies"]
    assert cluster["inputs"]["encryptionConfigKeyArn"].startswith(f"arn:aws:kms:{any_stack.outputs['region']}:")


def test_all_control_plane_logs_into_a_log_group_created_first_with_stack_retention(any_stack):
    cluster = any_stack.one(EKS_CLUSTER)
    assert set(cluster["inputs"]["enabledClusterLogTypes"]) == ALL_LOG_TYPES
    name = f"/aws/eks/{cluster['inputs']['name']}/cluster"
    (group,) = [g for g in any_stack.of_type("aws:cloudwatch/logGroup:LogGroup") if g["inputs"]["name"] == name]
    assert ref(group) in cluster["dependsOn"]
    assert group["inputs"]["retentionInDays"] == cluster_config(any_stack.stack)["logRetentionDays"]
    assert group["inputs"]["kmsKeyId"]


def test_oidc_provider_on_and_cluster_in_the_stack_subnets(any_stack):
    cluster = any_stack.one(EKS_CLUSTER)
    assert cluster["inputs"]["createOidcProvider"] is True
    private = [s for s in any_stack.of_type("aws:ec2/subnet:Subnet") if s["name"].split("-")[-2] == "private"]
    assert sorted(cluster["inputs"]["privateSubnetIds"]) == sorted(any_stack.outputs["subnetIds"]["private"])
    assert {ref(s) for s in private} <= set(cluster["dependencies"])
    assert cluster["inputs"]["nodeAssociatePublicIpAddress"] is False


def test_endpoint_access_follows_settings_and_prod_is_private_with_an_allow_list(any_stack, prod):
    inputs = any_stack.one(EKS_CLUSTER)["inputs"]
    config = cluster_config(any_stack.stack)
    assert inputs["endpointPrivateAccess"] is config["endpointPrivateAccess"]
    assert inputs["endpointPublicAccess"] is config["endpointPublicAccess"]
    assert inputs.get("publicAccessCidrs") == config.get("publicAccessCidrs")
    prod_inputs = prod.one(EKS_CLUSTER)["inputs"]
    assert prod_inputs["endpointPrivateAccess"] is True
    assert prod_inputs["publicAccessCidrs"]
    assert "0.0.0.0/0" not in prod_inputs["publicAccessCidrs"]


def test_stateful_resources_protected_in_prod_and_not_in_dev(dev, prod, prod_dr):
    stateful = ("aws:kms/key:Key", "aws:cloudwatch/logGroup:LogGroup", "aws:s3/bucket:Bucket", EKS_CLUSTER)
    for stack, protected in ((dev, False), (prod, True), (prod_dr, True)):
        resources = [r for typ in stateful for r in stack.of_type(typ)]
        # 4 keys, 6 log groups (flow logs, control plane, 4 Container Insights), the web and backup
        # buckets (and the web ALB's access-log bucket where state is protected), the cluster.
        assert len(resources) == (14 if protected else 13)
        assert all(r["protect"] is protected for r in resources), stack.stack
        assert stack.one(EKS_CLUSTER)["inputs"]["deletionProtection"] is protected
