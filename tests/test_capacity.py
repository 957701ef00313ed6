"""Capacity of the system node group: node allocatable formulas, packing, and every stack's plan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from capacity import check_plan, summary_line
from capacity.allocatable import (
    eni_max_pods,
    kube_reserved_cpu_millicores,
    kube_reserved_memory_mib,
    max_pods,
    memory_capacity_mib,
    node_allocatable,
)
from capacity.catalog import raw_data
from capacity.plan_reading import CapacityModelError
from capacity.quantities import cpu_millicores, memory_mib
from offline_plan.__main__ import main as plan_command
from settings.aws_catalog import InstanceType, instance_type
from tests.conftest import plan_with
from tests.project_copy import edit_config, project_copy
from tests.stack_files import stack_config

SYSTEM = {"node.eks-platform.io/pool": "system"}
MIN_HEADROOM_PERCENT = 20


def instance(name: str) -> InstanceType:
    found = instance_type(name)
    assert found is not None, name
    return found


# ---------- node allocatable, against values worked out by hand ----------


def test_t3_medium_by_hand():
    t3 = instance("t3.medium")  # 2 vCPU, 4096 MiB, 3 ENIs x 6 IPv4
    assert max_pods(t3) == 3 * (6 - 1) + 2 == 17
    assert kube_reserved_cpu_millicores(2) == 60 + 10 == 70
    assert kube_reserved_memory_mib(17) == 11 * 17 + 255 == 442
    # 4096 - ceil(4096 * 0.075 = 307.2) = 3788 MiB reported; minus 442 reserved and 100 eviction.
    assert memory_capacity_mib(t3) == 3788
    allocatable = node_allocatable(t3)
    assert (allocatable.cpu_millicores, allocatable.memory_mib, allocatable.pods) == (1930, 3246, 17)


def test_m7i_large_by_hand():
    m7i = instance("m7i.large")  # 2 vCPU, 8192 MiB, 3 ENIs x 10 IPv4
    assert max_pods(m7i) == 3 * (10 - 1) + 2 == 29
    assert kube_reserved_memory_mib(29) == 11 * 29 + 255 == 574
    # 8192 - ceil(614.4) = 7577; 7577 - 574 - 100 = 6903.
    allocatable = node_allocatable(m7i)
    assert (allocatable.cpu_millicores, allocatable.memory_mib, allocatable.pods) == (1930, 6903, 29)


def test_eight_vcpu_cpu_reservation_by_hand():
    # 6% of 1000m + 1% of 1000m + 0.5% of 2000m + 0.25% of 4000m = 60 + 10 + 10 + 10.
    assert kube_reserved_cpu_millicores(8) == 90
    assert node_allocatable(instance("t3.2xlarge")).cpu_millicores == 8000 - 90


def test_one_and_four_vcpu_cpu_reservations():
    assert kube_reserved_cpu_millicores(1) == 60
    assert kube_reserved_cpu_millicores(4) == 80


def test_managed_node_groups_cap_max_pods_at_110_below_30_vcpus():
    m5 = instance("m5.4xlarge")  # 16 vCPU, 8 ENIs x 30 IPv4
    assert eni_max_pods(m5) == 8 * 29 + 2 == 234
    assert max_pods(m5) == 110
    assert kube_reserved_memory_mib(max_pods(m5)) == 11 * 110 + 255


def test_managed_node_groups_cap_max_pods_at_250_from_30_vcpus():
    assert eni_max_pods(instance("m5.24xlarge")) == 15 * 49 + 2 == 737
    assert max_pods(instance("m5.24xlarge")) == 250
    assert max_pods(instance("c5.9xlarge")) == 234  # 36 vCPU, under the 250 cap


def test_graviton_memory_loses_the_cma_reservation_first():
    # Karpenter: 8192 - 64 = 8128; 8128 - ceil(609.6) = 7518.
    assert memory_capacity_mib(instance("m7g.large")) == 7518


# Published facts, not computed here: the max pods column of eni-max-pods.txt.
# t3.medium, m5.large, c5.xlarge, t3.large: awslabs/amazon-eks-ami@02343f9b files/eni-max-pods.txt
# (generated 2023-01-25). m7i.large: aws/amazon-vpc-cni-k8s@01d744a5 misc/eni-max-pods.txt, the file
# the AMI repository now syncs (.github/workflows/sync-eni-max-pods.yaml).
PUBLISHED_ENI_MAX_PODS = {"t3.medium": 17, "m5.large": 29, "m7i.large": 29, "c5.xlarge": 58, "t3.large": 35}


@pytest.mark.parametrize(("name", "published"), sorted(PUBLISHED_ENI_MAX_PODS.items()))
def test_max_pods_formula_matches_the_published_eni_max_pods(name, published):
    assert eni_max_pods(instance(name)) == published
    assert max_pods(instance(name)) == published


@pytest.mark.parametrize(
    ("quantity", "millicores"), [("250m", 250), ("1", 1000), ("1.5", 1500), ("0", 0), (2, 2000), ("0.1", 100)]
)
def test_cpu_quantities(quantity, millicores):
    assert cpu_millicores(quantity) == millicores


@pytest.mark.parametrize(
    ("quantity", "mib"),
    [("128Mi", 128), ("1Gi", 1024), ("512Ki", 0.5), ("0", 0), ("1048576", 1), ("1M", 0.95367431640625)],
)
def test_memory_quantities(quantity, mib):
    assert memory_mib(quantity) == pytest.approx(mib)


# ---------- packing on tiny plans; one t3.medium node offers 1930m, 3246 MiB, 17 pods ----------


def tiny_plan(instance_types: list[str], min_size: int, *resources: dict[str, Any]) -> dict[str, Any]:
    group = {
        "type": "eks:index:ManagedNodeGroup",
        "name": "system",
        "inputs": {"instanceTypes": instance_types, "scalingConfig": {"minSize": min_size}, "labels": SYSTEM},
    }
    return {"stack": "tiny", "resources": [group, *resources]}


def addon(name: str, configuration: dict[str, Any] | None = None) -> dict[str, Any]:
    inputs: dict[str, Any] = {"addonName": name}
    if configuration:
        inputs["configurationValues"] = configuration
    return {"type": "aws:eks/addon:Addon", "name": name, "inputs": inputs}


def release(chart: str, values: dict[str, Any]) -> dict[str, Any]:
    return {"type": "kubernetes:helm.sh/v3:Release", "name": chart, "inputs": {"chart": chart, "values": values}}


def on_system(cpu: str, memory: str, **values: Any) -> dict[str, Any]:
    return {"nodeSelector": SYSTEM, "resources": {"requests": {"cpu": cpu, "memory": memory}}, **values}


def karpenter(replicas: int, cpu: str, memory: str) -> dict[str, Any]:
    resources = {"requests": {"cpu": cpu, "memory": memory}}
    return release("karpenter", {"nodeSelector": SYSTEM, "replicas": replicas, "controller": {"resources": resources}})


def test_tiny_plan_that_fits():
    # kube-proxy DaemonSet 100m + 2 x metrics-server 100m/200Mi = 300m, 400 MiB, 3 pods.
    plan = tiny_plan(
        ["t3.medium"], 1, addon("kube-proxy"), release("metrics-server", on_system("100m", "200Mi", replicas=2))
    )
    result = check_plan(plan)
    assert result.fits
    assert (result.cpu.requested, result.cpu.allocatable) == (300, 1930)
    assert (result.memory.requested, result.memory.allocatable) == (400, 3246)
    assert (result.pods.requested, result.pods.allocatable) == (3, 17)
    assert result.headroom_percent["cpu"] == pytest.approx(100 * 1630 / 1930)
    assert summary_line(result) == (
        "system nodes: 1 x t3.medium (minimum): cpu 300m/1930m (84% free), memory 0.4/3.2 GiB (87% free), pods 3/17"
    )


def test_tiny_plan_short_of_cpu():
    # karpenter 1000m/1Gi goes first (same CPU, more memory); 930m is left for metrics-server's 1000m.
    plan = tiny_plan(
        ["t3.medium"], 1, karpenter(1, "1", "1Gi"), release("metrics-server", on_system("1", "200Mi", replicas=1))
    )
    result = check_plan(plan)
    assert not result.fits
    assert [pod.name for pod in result.unplaced] == ["metrics-server-1"]
    assert result.cpu.requested == 2000
    assert result.memory.requested == 1224  # memory and pod slots were not the limit
    assert summary_line(result).endswith("; DOES NOT FIT: 1 pod(s) left Pending: metrics-server-1 (1000m, 200Mi)")


def test_tiny_plan_anti_affinity_needs_a_second_node():
    # 2 x 100m fit one node's CPU easily, but karpenter's replicas must not share a node.
    one_node = check_plan(tiny_plan(["t3.medium"], 1, karpenter(2, "100m", "100Mi")))
    assert [pod.name for pod in one_node.unplaced] == ["karpenter-2"]
    two_nodes = check_plan(tiny_plan(["t3.medium"], 2, karpenter(2, "100m", "100Mi")))
    assert two_nodes.fits
    assert [[pod.name for pod in node] for node in two_nodes.nodes] == [["karpenter-1"], ["karpenter-2"]]


def test_tiny_plan_out_of_pod_slots():
    # kube-proxy + 17 small replicas = 18 pods for 17 slots; 270m and 170 MiB are far from the limits.
    plan = tiny_plan(
        ["t3.medium"], 1, addon("kube-proxy"), release("metrics-server", on_system("10m", "10Mi", replicas=17))
    )
    result = check_plan(plan)
    assert (result.pods.requested, result.pods.allocatable) == (18, 17)
    assert [pod.name for pod in result.unplaced] == ["metrics-server-17"]
    assert result.cpu.requested == 270


def test_the_smallest_allowed_type_is_checked():
    plan = tiny_plan(["m7i.xlarge", "t3.large", "t3.medium"], 1)
    assert check_plan(plan).instance_type == "t3.medium"


def test_pods_without_the_system_node_selector_are_not_counted():
    values = {"replicas": 3, "resources": {"requests": {"cpu": "1", "memory": "1Gi"}}}
    result = check_plan(tiny_plan(["t3.medium"], 1, release("metrics-server", values)))
    assert result.pods.requested == 0


def test_add_on_configuration_places_and_sizes_its_deployment():
    # The coredns add-on's configurationValues (a JSON string in the plan) set replicas and placement.
    coredns = addon("coredns", '{"replicaCount": 3, "nodeSelector": {"node.eks-platform.io/pool": "system"}}')
    result = check_plan(tiny_plan(["t3.medium"], 1, coredns))
    assert result.pods.requested == 3
    assert result.cpu.requested == 3 * 100


def test_an_unmodelled_pod_on_the_system_nodes_is_refused():
    plan = tiny_plan(["t3.medium"], 1, release("cluster-autoscaler", on_system("100m", "300Mi")))
    with pytest.raises(CapacityModelError, match="cluster-autoscaler"):
        check_plan(plan)


# ---------- the real stacks ----------


def test_every_stack_fits_its_system_nodes_with_headroom(any_stack):
    result = check_plan(any_stack.plan)
    line = f"{any_stack.stack}: {summary_line(result)}"
    assert result.fits, line
    assert result.cpu.free_percent >= MIN_HEADROOM_PERCENT, line
    assert result.memory.free_percent >= MIN_HEADROOM_PERCENT, line


def test_every_system_pod_of_the_plan_is_counted(any_stack):
    result = check_plan(any_stack.plan)
    expected = {
        "coredns",
        "ebs-csi-controller",
        "karpenter",
        "aws-load-balancer-controller",
        "metrics-server",
        "prometheus-operator",
        "kube-state-metrics",
        "velero",
    }
    if stack_config(any_stack.stack).get("eks-platform:dns"):
        expected.add("external-dns")
    daemonsets = {entry["name"] for entry in DATA["daemonsets"]}
    placed = {pod.workload for node in result.nodes for pod in node} | {pod.workload for pod in result.unplaced}
    assert placed - daemonsets == expected
    # Every node runs one copy of each DaemonSet: aws-node, kube-proxy, the pod identity agent,
    # ebs-csi-node, cloudwatch-agent, fluent-bit and node-exporter.
    assert all(
        sorted(pod.workload for pod in node if pod.workload in daemonsets) == sorted(daemonsets)
        for node in result.nodes
    )


def test_karpenter_replicas_never_share_a_node(any_stack):
    for node in check_plan(any_stack.plan).nodes:
        assert len([pod for pod in node if pod.workload == "karpenter"]) <= 1


# ---------- the data file ----------

DATA = raw_data()
ENTRY_LISTS = ("daemonsets", "deployments", "program_sized", "not_on_system_nodes")


@pytest.mark.parametrize(
    "entry", [entry for key in ENTRY_LISTS for entry in DATA[key]], ids=lambda entry: entry["name"]
)
def test_every_data_file_entry_has_a_source(entry):
    assert str(entry.get("source") or "").strip()


def test_the_data_file_records_its_date_and_source():
    assert DATA["date"]
    assert str(DATA["source"]).strip()


def test_every_daemonset_tolerates_the_system_taint():
    assert all(entry["toleratesSystemTaint"] is True for entry in DATA["daemonsets"])


def test_the_data_file_was_read_at_the_versions_the_plan_deploys(any_stack):
    pinned = DATA["pinned"]
    for resource in any_stack.of_type("aws:eks/addon:Addon"):
        name = resource["inputs"]["addonName"]
        if name in pinned["addons"]:
            assert resource["inputs"]["addonVersion"] == pinned["addons"][name], name
    for resource in any_stack.of_type("kubernetes:helm.sh/v3:Release"):
        chart = resource["inputs"]["chart"].rsplit("/", 1)[-1]
        if chart in pinned["charts"]:
            assert resource["inputs"]["version"] == str(pinned["charts"][chart]), chart


def flipped_role(config: dict[str, Any]) -> None:
    dr = config["eks-platform:dr"]
    dr["role"] = "active" if dr["role"] == "standby" else "standby"


@pytest.mark.parametrize("stack", ["prod", "prod-dr"])
def test_both_dr_roles_fit_so_a_promotion_or_demotion_never_finds_nodes_short(stack):
    result = check_plan(plan_with(stack, flipped_role).plan)
    assert result.fits, summary_line(result)


def test_make_plan_fails_and_says_why_when_the_system_pods_do_not_fit(tmp_path: Path, capsys):
    """The plan command's own entry point, in this process: the process-level exit (status, no
    traceback) is proven once for every failure by test_settings_rejects_bad_input's CLI test."""
    project = project_copy(tmp_path)
    two_nodes = {"minSize": 2, "desiredSize": 2, "maxSize": 3}
    edit_config(project, "dev", lambda config: config["eks-platform:systemNodes"].update(scaling=two_nodes))
    status = plan_command(["--project-dir", str(project), "--out", str(project / "plan"), "dev"])
    out, err = capsys.readouterr()
    assert status != 0
    assert "stack 'dev': the system node group is too small" in err
    assert "DOES NOT FIT" in out
