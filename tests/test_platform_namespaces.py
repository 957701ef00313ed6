"""Every namespace the plan declares or patches enforces the strictest Pod Security level its pods allow.

Pods the plan declares are judged from their specs (the `restricted` checks of
tests/kubernetes_api_rules and the `baseline` checks below). Pods it cannot show, rendered by Helm
or installed by EKS at deploy time, are listed with the level they need and where that was read;
a chart or add-on missing from the lists fails the test, so a new one gets reviewed.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import pytest

from tests.graph import Graph
from tests.kubernetes_api_rules import containers, pod_spec, restricted_profile_problems
from tests.kubernetes_api_rules.pod_security import _SAFE_SYSCTLS, _pss_common_context, _pss_host_handlers

LEVELS = ("restricted", "baseline", "privileged")
NAMESPACE = "kubernetes:core/v1:Namespace"
NAMESPACE_PATCH = "kubernetes:core/v1:NamespacePatch"
RELEASE = "kubernetes:helm.sh/v3:Release"
ADDON = "aws:eks/addon:Addon"
PSA = "pod-security.kubernetes.io"


@dataclass(frozen=True)
class UnseenPods:
    what: str
    level: str
    source: str
    # (values key, field) that moves these pods out of the release's namespace.
    namespace_override: tuple[str, str] | None = None


# Helm releases by name. Levels are the charts' defaults: the plan's values change no security setting.
CHART_PODS: dict[str, tuple[UnseenPods, ...]] = {
    "karpenter-crd": (),
    "prometheus-operator-crds": (),
    "karpenter": (
        UnseenPods(
            "controller",
            "restricted",
            "aws/karpenter-provider-aws charts/karpenter 1.14.1: podSecurityContext seccompProfile RuntimeDefault; "
            "templates/deployment.yaml: runAsNonRoot, no privilege escalation, drops ALL",
        ),
    ),
    "aws-load-balancer-controller": (
        UnseenPods(
            "controller",
            "baseline",
            "aws/eks-charts stable/aws-load-balancer-controller 1.17.1 values.yaml: no seccompProfile, "
            "capabilities not dropped (commented out)",
        ),
    ),
    "metrics-server": (
        UnseenPods(
            "metrics-server",
            "restricted",
            "kubernetes-sigs/metrics-server charts/metrics-server 3.13.1 values.yaml securityContext",
        ),
    ),
    "external-dns": (
        UnseenPods(
            "external-dns",
            "restricted",
            "kubernetes-sigs/external-dns charts/external-dns 1.21.1 values.yaml podSecurityContext, securityContext",
        ),
    ),
    "kube-prometheus-stack": (
        UnseenPods(
            "node-exporter",
            "privileged",
            "prometheus-community/helm-charts charts/prometheus-node-exporter 4.56.1 values.yaml: hostNetwork, "
            "hostPID, hostRootFsMount (hostPath /)",
            namespace_override=("prometheus-node-exporter", "namespaceOverride"),
        ),
        UnseenPods(
            "Prometheus, Alertmanager, operator, kube-state-metrics, Grafana, admission-webhook jobs",
            "restricted",
            "kube-prometheus-stack 88.5.3 values.yaml securityContext (runAsNonRoot, seccompProfile RuntimeDefault); "
            "prometheus-operator drops ALL and escalation in the containers it adds "
            "(pkg/prometheus/server/statefulset.go, pkg/alertmanager/statefulset.go); kube-state-metrics 8.4.0 and "
            "grafana-community/helm-charts grafana 12.11.1 values.yaml (init-chown-data runs only with persistence)",
        ),
    ),
    "velero": (
        UnseenPods(
            "node-agent",
            "privileged",
            "vmware-tanzu/helm-charts charts/velero 12.1.0 templates/node-agent-daemonset.yaml: hostPath "
            "/var/lib/kubelet/pods and /var/lib/kubelet/plugins (podVolumePath, pluginVolumePath)",
        ),
        UnseenPods(
            "velero server",
            "restricted",
            "the program's values (addons/velero/values.py): runAsNonRoot, seccompProfile RuntimeDefault, "
            "no privilege escalation, drops ALL, in the server and the plugin init container",
        ),
    ),
}

# EKS add-ons by name: (namespace, level, source). EKS does not publish the manifests of coredns
# and kube-proxy; the upstream manifests they follow are named instead.
ADDON_PODS: dict[str, tuple[str, str, str]] = {
    "vpc-cni": (
        "kube-system",
        "privileged",
        "aws/amazon-vpc-cni-k8s charts/aws-vpc-cni: hostNetwork, hostPath, privileged init container",
    ),
    "kube-proxy": (
        "kube-system",
        "privileged",
        "hostNetwork, hostPath, NET_ADMIN and SYS_MODULE (kubernetes cmd/kubeadm/app/phases/addons/proxy/manifests.go)",
    ),
    "coredns": (
        "kube-system",
        "baseline",
        "adds NET_BIND_SERVICE, no runAsNonRoot (kubernetes cluster/addons/dns/coredns/coredns.yaml.base)",
    ),
    "eks-pod-identity-agent": (
        "kube-system",
        "privileged",
        "aws/eks-pod-identity-agent charts/eks-pod-identity-agent: hostNetwork, privileged init container",
    ),
    "snapshot-controller": (
        "kube-system",
        "baseline",
        "kubernetes-csi/external-snapshotter deploy/kubernetes/snapshot-controller/setup-snapshot-controller.yaml: "
        "no securityContext (EKS does not publish the add-on's manifest; this is the upstream it packages)",
    ),
    "aws-ebs-csi-driver": (
        "kube-system",
        "privileged",
        "kubernetes-sigs/aws-ebs-csi-driver charts: ebs-csi-node privileged with hostPath volumes",
    ),
    "amazon-cloudwatch-observability": (
        "amazon-cloudwatch",
        "privileged",
        "aws-observability/helm-charts amazon-cloudwatch-observability 6.4.0: Fluent Bit hostNetwork and hostPath, "
        "Neuron monitor privileged",
    ),
}

# check_capabilities_baseline.go: the capabilities `baseline` lets a container add.
BASELINE_CAPABILITIES = {
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
}


def baseline_problems(spec: dict[str, Any]) -> list[str]:
    """The `baseline` checks of k8s.io/pod-security-admission/policy (check_*.go at level baseline)."""
    context = spec.get("securityContext") or {}
    problems = [f"spec.{field}" for field in ("hostNetwork", "hostPID", "hostIPC") if spec.get(field)]
    problems += [f"hostPath volume {v['name']}" for v in spec.get("volumes", []) if "hostPath" in v]
    problems += [f"sysctl {s.get('name')}" for s in context.get("sysctls", []) if s.get("name") not in _SAFE_SYSCTLS]
    problems += _unconfined("pod", context) + _pss_common_context("pod", context)
    for container in containers(spec):
        problems += _baseline_container(container)
    return problems


def _unconfined(label: str, context: dict[str, Any]) -> list[str]:
    seccomp = (context.get("seccompProfile") or {}).get("type")
    return [f"{label} seccompProfile Unconfined"] if seccomp == "Unconfined" else []


def _baseline_container(container: dict[str, Any]) -> list[str]:
    name, context = container.get("name"), container.get("securityContext") or {}
    added = set((context.get("capabilities") or {}).get("add") or [])
    problems = [f"{name}: privileged"] if context.get("privileged") else []
    problems += [f"{name}: adds {sorted(added - BASELINE_CAPABILITIES)}"] if added - BASELINE_CAPABILITIES else []
    problems += [f"{name}: hostPort"] if any(port.get("hostPort") for port in container.get("ports", [])) else []
    problems += [f"{name}: procMount"] if context.get("procMount", "Default") != "Default" else []
    return (
        problems
        + _unconfined(str(name), context)
        + _pss_common_context(str(name), context)
        + _pss_host_handlers(container)
    )


def strictest_level(spec: dict[str, Any]) -> str:
    if not restricted_profile_problems(spec):
        return "restricted"
    return "baseline" if not baseline_problems(spec) else "privileged"


def least_strict(levels: list[str]) -> str:
    """The level every one of these pods can run at."""
    return max(levels, key=LEVELS.index, default="restricted")


def labelled_namespaces(stack: Graph) -> dict[str, dict[str, str]]:
    """Pod Security labels of every namespace the plan declares or patches."""
    return {
        r["inputs"]["metadata"]["name"]: r["inputs"]["metadata"].get("labels") or {}
        for r in [*stack.of_type(NAMESPACE), *stack.of_type(NAMESPACE_PATCH)]
    }


def pod_levels(stack: Graph) -> dict[str, list[tuple[str, str]]]:
    """Namespace -> (what, level) of every pod the stack runs, seen in the plan or listed above."""
    found: dict[str, list[tuple[str, str]]] = {}
    for resource in stack.resources:
        spec = pod_spec(resource["inputs"]) if resource["type"].startswith("kubernetes:") else None
        if spec is not None:
            namespace = resource["inputs"]["metadata"]["namespace"]
            found.setdefault(namespace, []).append((resource["name"], strictest_level(spec)))
    for release in stack.of_type(RELEASE):
        for pods in CHART_PODS[release["name"]]:
            namespace = _chart_namespace(release, pods)
            found.setdefault(namespace, []).append((f"{release['name']}: {pods.what}", pods.level))
    for addon in stack.of_type(ADDON):
        namespace, level, _source = ADDON_PODS[addon["inputs"]["addonName"]]
        found.setdefault(namespace, []).append((addon["inputs"]["addonName"], level))
    return found


def _chart_namespace(release: dict[str, Any], pods: UnseenPods) -> str:
    if pods.namespace_override:
        key, field = pods.namespace_override
        override = (release["inputs"].get("values") or {}).get(key, {}).get(field)
        if override:
            return str(override)
    return str(release["inputs"]["namespace"])


def mismatches(stack: Graph) -> dict[str, tuple[str | None, str]]:
    """Namespace -> (enforced, needed) wherever the label is not the strictest level its pods allow."""
    labels, needs = labelled_namespaces(stack), pod_levels(stack)
    wrong = {}
    for namespace in set(labels) | set(needs):
        enforced = labels.get(namespace, {}).get(f"{PSA}/enforce")
        needed = least_strict([level for _, level in needs.get(namespace, [])])
        if enforced != needed:
            wrong[namespace] = (enforced, needed)
    return wrong


# --- the rule, over every stack ------------------------------------------------------------


def test_every_chart_and_eks_addon_in_the_plan_has_its_pods_levels_recorded(any_stack):
    assert {r["name"] for r in any_stack.of_type(RELEASE)} <= set(CHART_PODS)
    assert {a["inputs"]["addonName"] for a in any_stack.of_type(ADDON)} <= set(ADDON_PODS)


def test_every_namespace_enforces_the_strictest_level_its_pods_allow(any_stack):
    labels = labelled_namespaces(any_stack)
    assert {"web", "mongodb", "batch", "monitoring", "kube-system", "amazon-cloudwatch"} <= set(labels)
    assert mismatches(any_stack) == {}


def test_audit_and_warn_report_anything_short_of_restricted(any_stack):
    for namespace, labels in labelled_namespaces(any_stack).items():
        assert labels[f"{PSA}/audit"] == "restricted", namespace
        assert labels[f"{PSA}/warn"] == "restricted", namespace


def test_the_namespaces_eks_creates_are_patched_not_declared(any_stack):
    declared = {r["inputs"]["metadata"]["name"] for r in any_stack.of_type(NAMESPACE)}
    patched = {r["inputs"]["metadata"]["name"]: r for r in any_stack.of_type(NAMESPACE_PATCH)}
    assert set(patched) == {"kube-system", "amazon-cloudwatch"}
    assert not declared & set(patched)
    for patch in patched.values():
        assert patch["inputs"]["metadata"]["annotations"]["eks-platform.io/pod-security-reason"]


def test_the_levels_each_namespace_runs_at(dev, prod):
    for stack in (dev, prod):
        enforced = {name: labels[f"{PSA}/enforce"] for name, labels in labelled_namespaces(stack).items()}
        assert enforced == {
            "web": "restricted",
            "mongodb": "restricted",
            "batch": "restricted",
            # node-exporter shares the host's network and PID namespaces (see the README).
            "monitoring": "privileged",
            "kube-system": "privileged",
            "amazon-cloudwatch": "privileged",
            # Velero's node agent mounts the kubelet's pod and plugin directories.
            "velero": "privileged",
        }


# --- the rule can fail --------------------------------------------------------------------


def restricted_pod() -> dict[str, Any]:
    context = {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}}
    return {
        "securityContext": {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [{"name": "app", "image": "app:1", "securityContext": context}],
        "volumes": [{"name": "tmp", "emptyDir": {}}],
    }


def changed(path: str, value: Any) -> dict[str, Any]:
    spec = restricted_pod()
    target = spec
    *parents, last = path.split(".")
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    target[last] = value
    return spec


@pytest.mark.parametrize(
    ("spec", "level"),
    [
        (restricted_pod(), "restricted"),
        (
            changed("containers.0.securityContext.capabilities", {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}),
            "restricted",
        ),
        (changed("securityContext", {}), "baseline"),
        (changed("containers.0.securityContext.capabilities", {"add": ["CHOWN"]}), "baseline"),
        (changed("hostNetwork", True), "privileged"),
        (changed("volumes", [{"name": "root", "hostPath": {"path": "/"}}]), "privileged"),
        (changed("containers.0.securityContext.privileged", True), "privileged"),
        (changed("containers.0.securityContext.capabilities", {"add": ["SYS_ADMIN"]}), "privileged"),
        (changed("securityContext", {"seccompProfile": {"type": "Unconfined"}}), "privileged"),
    ],
)
def test_the_level_of_a_pod_spec(spec, level):
    assert strictest_level(spec) == level


def test_a_namespace_left_stricter_or_looser_than_its_pods_is_caught(dev):
    plan = copy.deepcopy(dev.plan)
    for resource in plan["resources"]:
        if resource["type"] == NAMESPACE and resource["inputs"]["metadata"]["name"] in ("monitoring", "web"):
            labels = resource["inputs"]["metadata"]["labels"]
            labels[f"{PSA}/enforce"] = {"monitoring": "restricted", "web": "baseline"}[
                resource["inputs"]["metadata"]["name"]
            ]
    assert mismatches(Graph(plan)) == {
        "monitoring": ("restricted", "privileged"),
        "web": ("baseline", "restricted"),
    }


def test_moving_node_exporter_out_would_let_monitoring_enforce_restricted(dev):
    plan = copy.deepcopy(dev.plan)
    release = next(r for r in plan["resources"] if r["type"] == RELEASE and r["name"] == "kube-prometheus-stack")
    release["inputs"]["values"]["prometheus-node-exporter"]["namespaceOverride"] = "node-exporter"
    # Until the labels follow, both namespaces are reported: monitoring is looser than it needs to
    # be, and node-exporter's namespace is neither declared nor labelled.
    assert mismatches(Graph(plan)) == {
        "monitoring": ("privileged", "restricted"),
        "node-exporter": (None, "privileged"),
    }
