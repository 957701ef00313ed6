"""In-cluster add-ons: pinned charts, Pod Identity, system-node placement, disruption budgets."""

from __future__ import annotations

import json

import pytest

import versions
from addons.aws_load_balancer_controller import IAM_POLICY_FILE
from components.system_nodes import critical_addon_placement
from tests.catalogues import managed_policies
from tests.graph import ref
from tests.stack_files import stack_config

RELEASE = "kubernetes:helm.sh/v3:Release"
ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
CHARTS_ON_SYSTEM_NODES = ("aws-load-balancer-controller", "metrics-server", "karpenter")


def release(stack, name):
    return stack.one(RELEASE, name)


def association_for(stack, service_account):
    (found,) = [a for a in stack.of_type(ASSOCIATION) if a["inputs"]["serviceAccount"] == service_account]
    return found


def role_of(stack, association):
    (role_ref,) = [d for d in association["dependencies"] if d.startswith("aws:iam/role:Role::")]
    return stack.by_ref(role_ref)


def inline_policies(stack, role):
    return [
        json.loads(p["inputs"]["policy"])
        for p in stack.of_type("aws:iam/rolePolicy:RolePolicy")
        if ref(role) in p["dependencies"]
    ]


def test_every_chart_is_pinned_in_the_versions_module(any_stack):
    for chart in any_stack.of_type(RELEASE):
        pin = versions.HELM_CHARTS[chart["name"]]
        assert chart["inputs"]["chart"] == pin.chart
        assert chart["inputs"]["version"] == pin.version
        assert chart["inputs"].get("repositoryOpts", {}).get("repo") == pin.repository


@pytest.mark.parametrize("chart", CHARTS_ON_SYSTEM_NODES)
def test_critical_addons_run_on_the_system_nodes(any_stack, chart):
    values = release(any_stack, chart)["inputs"]["values"]
    placement = critical_addon_placement()
    assert placement["nodeSelector"].items() <= values["nodeSelector"].items()
    assert values["tolerations"] == placement["tolerations"]
    assert ref(any_stack.one("eks:index:ManagedNodeGroup")) in release(any_stack, chart)["dependsOn"]


def test_load_balancer_controller_has_pod_identity_with_the_published_policy(any_stack):
    chart = release(any_stack, "aws-load-balancer-controller")
    values = chart["inputs"]["values"]
    association = association_for(any_stack, values["serviceAccount"]["name"])
    assert association["inputs"]["namespace"] == chart["inputs"]["namespace"]
    role = role_of(any_stack, association)
    assert json.loads(role["inputs"]["assumeRolePolicy"])["Statement"][0]["Principal"] == {
        "Service": "pods.eks.amazonaws.com"
    }
    (policy,) = inline_policies(any_stack, role)
    assert policy == json.loads(IAM_POLICY_FILE.read_text())
    actions = {
        a for s in policy["Statement"] for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])
    }
    assert {"elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"} <= actions
    assert ref(association) in chart["dependsOn"]


def test_load_balancer_controller_values(any_stack):
    values = release(any_stack, "aws-load-balancer-controller")["inputs"]["values"]
    assert values["clusterName"] == any_stack.outputs["clusterName"]
    assert values["region"] == any_stack.outputs["region"]
    assert values["vpcId"] == any_stack.outputs["vpcId"]
    assert values["replicaCount"] >= 2
    assert values["podDisruptionBudget"] == {"maxUnavailable": 1}


def test_metrics_server_is_replicated_with_a_disruption_budget(any_stack):
    values = release(any_stack, "metrics-server")["inputs"]["values"]
    assert values["replicas"] >= 2
    assert values["podDisruptionBudget"]["enabled"] is True


def test_ebs_csi_driver_is_an_eks_addon_with_pod_identity_after_the_system_nodes(any_stack):
    addon = any_stack.one("aws:eks/addon:Addon", "aws-ebs-csi-driver")
    version = stack_config(any_stack.stack)["eks-platform:cluster"]["kubernetesVersion"]
    assert addon["inputs"]["addonVersion"] == versions.EKS_ADDON_VERSIONS[version]["aws-ebs-csi-driver"]
    (binding,) = addon["inputs"]["podIdentityAssociations"]
    assert binding["serviceAccount"] == "ebs-csi-controller-sa"
    role_name = binding["roleArn"].rsplit("/", 1)[-1]
    attached = [
        a["inputs"]["policyArn"]
        for a in any_stack.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        if a["inputs"]["role"] == role_name
    ]
    # The ARN AWS publishes for the policy (cfn-lint's copy of the managed-policy list).
    assert attached == [managed_policies()["AmazonEBSCSIDriverPolicyV2"]]
    assert ref(any_stack.one("eks:index:ManagedNodeGroup")) in addon["dependsOn"]
    configuration = json.loads(addon["inputs"]["configurationValues"])
    assert configuration["controller"] == critical_addon_placement()


def test_default_storage_class_is_encrypted_gp3_waiting_for_first_consumer(dev, prod):
    for stack, reclaim in ((dev, "Delete"), (prod, "Retain")):
        (gp3,) = stack.of_type("kubernetes:storage.k8s.io/v1:StorageClass")
        inputs = gp3["inputs"]
        assert inputs["metadata"]["annotations"]["storageclass.kubernetes.io/is-default-class"] == "true"
        assert inputs["provisioner"] == "ebs.csi.aws.com"
        assert inputs["parameters"]["type"] == "gp3"
        assert inputs["parameters"]["encrypted"] == "true"
        assert inputs["volumeBindingMode"] == "WaitForFirstConsumer"
        assert inputs["allowVolumeExpansion"] is True
        assert inputs["reclaimPolicy"] == reclaim


def test_the_old_gp2_class_stops_being_the_default(any_stack):
    (patch,) = any_stack.of_type("kubernetes:storage.k8s.io/v1:StorageClassPatch")
    assert patch["inputs"]["metadata"]["name"] == "gp2"
    assert patch["inputs"]["metadata"]["annotations"]["storageclass.kubernetes.io/is-default-class"] == "false"


def test_external_dns_only_where_a_zone_is_set(dev, prod):
    assert [r for r in dev.of_type(RELEASE) if r["name"] == "external-dns"] == []
    assert release(prod, "external-dns")


def test_external_dns_owner_id_is_unique_per_cluster_and_scoped_to_the_zone(prod, prod_dr):
    dns = stack_config("prod")["eks-platform:dns"]
    owners = set()
    for stack in (prod, prod_dr):
        values = release(stack, "external-dns")["inputs"]["values"]
        assert values["txtOwnerId"] == stack.outputs["clusterName"]
        assert values["domainFilters"] == [dns["domain"]]
        owners.add(values["txtOwnerId"])
        role = role_of(stack, association_for(stack, values["serviceAccount"]["name"]))
        (policy,) = inline_policies(stack, role)
        change = next(s for s in policy["Statement"] if "route53:ChangeResourceRecordSets" in s["Action"])
        assert change["Resource"] == f"arn:aws:route53:::hostedzone/{dns['hostedZoneId']}"
    assert len(owners) == 2
