"""What one EKS managed node (AL2023, VPC CNI without prefix delegation) offers to pods. Pure.

Allocatable = capacity - kube-reserved - eviction threshold. System-reserved is not set by
nodeadm (only the /system cgroup), so it takes nothing (awslabs/amazon-eks-ami@v20260724
nodeadm/internal/kubelet/config.go, withDefaultReservedResources). Bottlerocket uses the same
kube-reserved curve and formula (bottlerocket-os/bottlerocket sources/api/schnauzer/src/helpers.rs).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from settings.aws_catalog import InstanceType

# Managed node groups cap the max pods they configure at 110 below 30 vCPUs, 250 from 30 up:
# https://docs.aws.amazon.com/eks/latest/userguide/create-managed-node-group.html
# (awsdocs/amazon-eks-user-guide@4d52b4d0 latest/ug/nodes/create-managed-node-group.adoc).
MAX_PODS_SMALL = 110
MAX_PODS_LARGE = 250
LARGE_NODE_VCPUS = 30

# nodeadm getCPUMillicoresToReserve: basis points of the millicores in each range
# (6% of the first core, 1% of the second, 0.5% of cores 3-4, 0.25% above), summed.
CPU_RESERVE_RANGES = ((0, 1000, 600), (1000, 2000, 100), (2000, 4000, 50), (4000, None, 25))

# nodeadm getMemoryMebibytesToReserve: 11 MiB per pod the node may run, plus 255 MiB.
MEMORY_RESERVE_PER_POD_MIB = 11
MEMORY_RESERVE_BASE_MIB = 255

# nodeadm's default evictionHard memory.available (the kubelet's built-in default too).
EVICTION_HARD_MEMORY_MIB = 100

# The kernel and hypervisor keep part of EC2's MemoryInfo.SizeInMiB; until a node reports its
# MemTotal, Karpenter assumes 7.5% (VM_MEMORY_OVERHEAD_PERCENT, https://karpenter.sh/docs/reference/settings/;
# aws/karpenter-provider-aws pkg/providers/instancetype/types.go memory()), rounded up to a MiB.
VM_MEMORY_OVERHEAD = 0.075
# Karpenter's memory(): "Gravitons have an extra 64 MiB of cma reserved memory that we can't use".
ARM64_CMA_MIB = 64


@dataclass(frozen=True)
class NodeAllocatable:
    cpu_millicores: int
    memory_mib: int
    pods: int


def eni_max_pods(instance: InstanceType) -> int:
    """ENIs x (IPv4 per ENI - 1) + 2: each ENI's primary IP is not a pod IP; +2 for the host-network
    aws-node and kube-proxy (header of eni-max-pods.txt, aws/amazon-vpc-cni-k8s misc/eni-max-pods.txt;
    nodeadm/internal/kubelet/eni_max_pods.go)."""
    return instance.max_enis * (instance.ipv4_per_eni - 1) + 2


def max_pods(instance: InstanceType) -> int:
    """The kubelet maxPods a managed node group gives this type: the ENI limit under the MNG cap."""
    cap = MAX_PODS_LARGE if instance.vcpus >= LARGE_NODE_VCPUS else MAX_PODS_SMALL
    return min(eni_max_pods(instance), cap)


def kube_reserved_cpu_millicores(vcpus: int) -> int:
    """nodeadm's CPU reservation, with its integer division per range."""
    total = vcpus * 1000
    reserved = 0
    for start, end, basis_points in CPU_RESERVE_RANGES:
        top = total if end is None else min(total, end)
        if top > start:
            reserved += (top - start) * basis_points // 10000
    return reserved


def kube_reserved_memory_mib(pods: int) -> int:
    # nodeadm computes this from its own max pods; below the MNG cap (every type with < 110
    # ENI pods, e.g. all 2-4 vCPU types) that equals max_pods().
    return MEMORY_RESERVE_PER_POD_MIB * pods + MEMORY_RESERVE_BASE_MIB


def memory_capacity_mib(instance: InstanceType) -> int:
    """The memory the node will report, as Karpenter estimates it from EC2's MemoryInfo."""
    size = instance.memory_mib - (ARM64_CMA_MIB if "arm64" in instance.architectures else 0)
    return size - math.ceil(size * VM_MEMORY_OVERHEAD)


def node_allocatable(instance: InstanceType) -> NodeAllocatable:
    pods = max_pods(instance)
    cpu = instance.vcpus * 1000 - kube_reserved_cpu_millicores(instance.vcpus)
    memory = memory_capacity_mib(instance) - kube_reserved_memory_mib(pods) - EVICTION_HARD_MEMORY_MIB
    return NodeAllocatable(cpu_millicores=cpu, memory_mib=memory, pods=pods)
