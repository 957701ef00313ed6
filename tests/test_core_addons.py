"""Core EKS add-ons: pinned versions, network policy on, and the order a cluster needs."""

from __future__ import annotations

import json

import versions
from components.system_nodes import SYSTEM_NODE_LABEL
from tests.graph import ref

ADDON = "aws:eks/addon:Addon"
MNG = "eks:index:ManagedNodeGroup"


def addon(stack, name):
    return stack.one(ADDON, name)


def test_four_core_addons_pinned_to_the_versions_module(any_stack):
    version = any_stack.one("eks:index:Cluster")["inputs"]["version"]
    pinned = versions.EKS_ADDON_VERSIONS[version]
    addons = any_stack.of_type(ADDON)
    assert {a["inputs"]["addonName"]: a["inputs"]["addonVersion"] for a in addons} == pinned


def test_addons_attach_to_the_cluster_created_by_pulumi_eks(any_stack):
    cluster = any_stack.one("eks:index:Cluster")
    for resource in any_stack.of_type(ADDON):
        assert resource["inputs"]["clusterName"] == cluster["inputs"]["name"]
        assert ref(cluster) in resource["dependencies"]


def test_vpc_cni_enforces_network_policies(any_stack):
    configuration = json.loads(addon(any_stack, "vpc-cni")["inputs"]["configurationValues"])
    assert configuration["enableNetworkPolicy"] == "true"


def test_system_nodes_wait_for_cni_kube_proxy_and_pod_identity_agent(any_stack):
    depends_on = set(any_stack.one(MNG)["dependsOn"])
    assert {f"{ADDON}::vpc-cni", f"{ADDON}::kube-proxy", f"{ADDON}::eks-pod-identity-agent"} <= depends_on


def test_coredns_is_created_after_the_system_nodes(any_stack):
    coredns = addon(any_stack, "coredns")
    assert ref(any_stack.one(MNG)) in coredns["dependsOn"]


def test_node_addons_do_not_wait_for_nodes(any_stack):
    group = ref(any_stack.one(MNG))
    for name in ("vpc-cni", "kube-proxy", "eks-pod-identity-agent"):
        assert group not in addon(any_stack, name)["dependencies"]


def test_coredns_runs_replicated_on_system_nodes_with_a_disruption_budget(any_stack):
    configuration = json.loads(addon(any_stack, "coredns")["inputs"]["configurationValues"])
    assert configuration["replicaCount"] >= 2
    assert configuration["nodeSelector"] == SYSTEM_NODE_LABEL
    assert {"key": "CriticalAddonsOnly", "operator": "Equal", "value": "true", "effect": "NoSchedule"} in configuration[
        "tolerations"
    ]
    assert configuration["podDisruptionBudget"]["enabled"] is True
