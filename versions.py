"""Every pinned version the platform deploys: Kubernetes, EKS add-ons, node AMIs.

A version bump is a one-line change here. The supported Kubernetes versions are
exactly the keys of EKS_ADDON_VERSIONS: a version without pinned add-ons and AMIs
cannot be selected by a stack. Before bumping, confirm each pin with
`aws eks describe-addon-versions --kubernetes-version <v> --addon-name <name>`
and the AMI release with `aws ssm get-parameters-by-path --path /aws/service/eks/`.
"""

from __future__ import annotations

from dataclasses import dataclass

# One eks-pod-identity-agent build serves every supported Kubernetes version.
_POD_IDENTITY_AGENT = "v1.3.10-eksbuild.2"
# Follows the aws-observability chart release (6.4.0); one build for every supported version.
_CLOUDWATCH_OBSERVABILITY = "v6.4.0-eksbuild.1"
# The CSI snapshot controller and its VolumeSnapshot CRDs, which Velero's data mover snapshots
# through; one build serves every supported version.
_SNAPSHOT_CONTROLLER = "v8.2.0-eksbuild.1"

# EKS managed add-on versions per Kubernetes minor version.
EKS_ADDON_VERSIONS: dict[str, dict[str, str]] = {
    "1.33": {
        "vpc-cni": "v1.22.3-eksbuild.1",
        "coredns": "v1.13.2-eksbuild.11",
        "kube-proxy": "v1.33.10-eksbuild.2",
        "eks-pod-identity-agent": _POD_IDENTITY_AGENT,
        "aws-ebs-csi-driver": "v1.56.0-eksbuild.1",
        "amazon-cloudwatch-observability": _CLOUDWATCH_OBSERVABILITY,
        "snapshot-controller": _SNAPSHOT_CONTROLLER,
    },
    "1.34": {
        "vpc-cni": "v1.22.3-eksbuild.1",
        "coredns": "v1.13.2-eksbuild.11",
        "kube-proxy": "v1.34.6-eksbuild.2",
        "eks-pod-identity-agent": _POD_IDENTITY_AGENT,
        "aws-ebs-csi-driver": "v1.63.0-eksbuild.1",
        "amazon-cloudwatch-observability": _CLOUDWATCH_OBSERVABILITY,
        "snapshot-controller": _SNAPSHOT_CONTROLLER,
    },
    "1.35": {
        "vpc-cni": "v1.22.3-eksbuild.1",
        "coredns": "v1.13.2-eksbuild.11",
        "kube-proxy": "v1.35.3-eksbuild.2",
        "eks-pod-identity-agent": _POD_IDENTITY_AGENT,
        "aws-ebs-csi-driver": "v1.64.0-eksbuild.1",
        "amazon-cloudwatch-observability": _CLOUDWATCH_OBSERVABILITY,
        "snapshot-controller": _SNAPSHOT_CONTROLLER,
    },
}

SUPPORTED_KUBERNETES_VERSIONS: tuple[str, ...] = tuple(EKS_ADDON_VERSIONS)

# Managed node group AMI release versions (releaseVersion) per family and
# Kubernetes version; pinned so a node group never rolls on its own.
NODE_AMI_RELEASE_VERSIONS: dict[str, dict[str, str]] = {
    "AL2023": {
        "1.33": "1.33.13-20260714",
        "1.34": "1.34.9-20260714",
        "1.35": "1.35.6-20260714",
    },
    "Bottlerocket": {
        "1.33": "1.54.0-5043decc",
        "1.34": "1.54.0-5043decc",
        "1.35": "1.54.0-5043decc",
    },
}

# Karpenter's EC2NodeClass AMI alias per family: pinned, because `@latest` rolls
# every Karpenter node whenever AWS publishes an AMI. Same AL2023 release as the
# system node group above.
KARPENTER_AMI_ALIASES: dict[str, str] = {
    "AL2023": "al2023@v20260714",
    "Bottlerocket": "bottlerocket@v1.54.0",
}


@dataclass(frozen=True)
class HelmChart:
    chart: str
    version: str
    # A classic chart repository; None for OCI charts, whose chart is a full URL.
    repository: str | None = None


HELM_CHARTS: dict[str, HelmChart] = {
    # CRDs come from their own chart: Helm never upgrades CRDs shipped in crds/.
    "karpenter-crd": HelmChart("oci://public.ecr.aws/karpenter/karpenter-crd", "1.14.1"),
    "karpenter": HelmChart("oci://public.ecr.aws/karpenter/karpenter", "1.14.1"),
    "aws-load-balancer-controller": HelmChart(
        "aws-load-balancer-controller", "1.17.1", repository="https://aws.github.io/eks-charts"
    ),
    "metrics-server": HelmChart(
        "metrics-server", "3.13.1", repository="https://kubernetes-sigs.github.io/metrics-server/"
    ),
    "external-dns": HelmChart("external-dns", "1.21.1", repository="https://kubernetes-sigs.github.io/external-dns/"),
    # Operator CRDs from their own chart, for the same reason as karpenter-crd.
    "prometheus-operator-crds": HelmChart(
        "prometheus-operator-crds", "31.0.1", repository="https://prometheus-community.github.io/helm-charts"
    ),
    "kube-prometheus-stack": HelmChart(
        "kube-prometheus-stack", "88.5.3", repository="https://prometheus-community.github.io/helm-charts"
    ),
    # Velero 1.18.1 (the chart's appVersion); its CRDs are upgraded by the chart's own job.
    "velero": HelmChart("velero", "12.1.0", repository="https://vmware-tanzu.github.io/helm-charts"),
}

# Velero's AWS object-store plugin: v1.14.x is the line for Velero v1.18.x (the plugin's
# README compatibility table).
VELERO_AWS_PLUGIN = "docker.io/velero/velero-plugin-for-aws:v1.14.0"
# Sample workload images, pinned by tag.
IMAGES: dict[str, str] = {
    "podinfo": "ghcr.io/stefanprodan/podinfo:6.14.1",
    "mongodb": "mongo:8.0.29",
    "aws-cli": "public.ecr.aws/aws-cli/aws-cli:2.17.0",
    # The standby's restore test drives Velero with kubectl; mirrored like the rest, because the
    # admission rules admit workload images only from the stack's own registry.
    "kubectl": "registry.k8s.io/kubectl:v1.35.0",
}
