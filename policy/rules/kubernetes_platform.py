"""Namespaces: Pod Security enforced, and ingress denied by default.

Namespaces the program creates are `kubernetes:core/v1:Namespace`; those EKS or an add-on creates
(kube-system, amazon-cloudwatch) the program labels with a server-side-apply NamespacePatch.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from policy.rules.common import as_list, of_type

NAMESPACE = "kubernetes:core/v1:Namespace"
NAMESPACE_PATCH = "kubernetes:core/v1:NamespacePatch"
NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
ENFORCE = "pod-security.kubernetes.io/enforce"
ENFORCED_LEVELS = ("baseline", "restricted")
DEFAULT_NAMESPACE = "default"  # where the provider puts a NetworkPolicy that names none

# Namespaces only add-ons use, whose pods need the host: there the label may say `privileged`
# (an explicit "enforce nothing", so a stricter cluster-wide default can never stop them). Why each
# (README, "Platform namespaces and Pod Security"):
PRIVILEGED_NAMESPACES = {
    # EKS's DaemonSets (aws-node, kube-proxy, eks-pod-identity-agent, ebs-csi-node): host network, host
    # paths, privileged containers.
    "kube-system",
    # The CloudWatch Observability add-on: Fluent Bit on the host network and paths; a privileged Neuron monitor.
    "amazon-cloudwatch",
    # kube-prometheus-stack's node-exporter: the host's network and PID namespaces, and / mounted.
    "monitoring",
    # Velero's node agent mounts the kubelet's pod and plugin directories (hostPath) to move volume data.
    "velero",
}


# Add-on namespaces created without a default deny, each for a reason (README, "NetworkPolicies in the
# platform namespaces are left open"): a deny there could drop scrapes, alerts or backups silently,
# and the traffic it must allow is only known once the charts render on a live cluster.
OPEN_NAMESPACES = {
    # Prometheus scrapes kubelets, node-exporter and every target; Alertmanager reaches SNS; Grafana is
    # reached from the internal ALB; the operator's webhook from the control plane.
    "monitoring",
    # Velero's server and data movers talk to S3, STS and the API server; the node agent reads host paths.
    "velero",
}


def _metadata(props: Mapping[str, Any]) -> Mapping[str, Any]:
    return props.get("metadata") or {}


# --- namespaces-pod-security-enforced ---


def _pod_security(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type not in (NAMESPACE, NAMESPACE_PATCH):
        return
    metadata = _metadata(args.props)
    name, level = metadata.get("name"), (metadata.get("labels") or {}).get(ENFORCE)
    allowed = ENFORCED_LEVELS + (("privileged",) if name in PRIVILEGED_NAMESPACES else ())
    if level not in allowed:
        exception = (
            "" if name in PRIVILEGED_NAMESPACES else f" (privileged only in {', '.join(sorted(PRIVILEGED_NAMESPACES))})"
        )
        report(f"namespace {name!r} has {ENFORCE} {level!r}: only {' or '.join(allowed)}{exception}", None)


# --- namespaces-default-deny ---


def _default_deny(args: StackValidationArgs, report: ReportViolation) -> None:
    policies = [policy for policy in of_type(args, NETWORK_POLICY) if _denies_ingress_by_default(policy.props)]
    for namespace in of_type(args, NAMESPACE):
        if _metadata(namespace.props).get("name") in OPEN_NAMESPACES:
            continue
        if not any(_in_namespace(policy, namespace) for policy in policies):
            name = _metadata(namespace.props).get("name")
            report(
                f"namespace {name!r} has no default-deny NetworkPolicy: it needs one with podSelector {{}}, "
                "policyTypes including Ingress and no ingress rules",
                namespace.urn,
            )


def _denies_ingress_by_default(props: Mapping[str, Any]) -> bool:
    spec = props.get("spec") or {}
    selector = spec.get("podSelector") or {}
    every_pod = not selector.get("matchLabels") and not selector.get("matchExpressions")
    # policyTypes defaults to Ingress (plus Egress when egress rules are given).
    types = as_list(spec.get("policyTypes")) or ["Ingress"]
    return every_pod and "Ingress" in types and not as_list(spec.get("ingress"))


def _in_namespace(policy: PolicyResource, namespace: PolicyResource) -> bool:
    # A namespace named in code is matched by name; an auto-named one through the metadata dependency.
    name = _metadata(namespace.props).get("name")
    if name is not None:
        return (_metadata(policy.props).get("namespace") or DEFAULT_NAMESPACE) == name
    return namespace in policy.property_dependencies.get("metadata", [])


POLICIES = [
    ResourceValidationPolicy(
        name="namespaces-pod-security-enforced",
        description="Every namespace enforces Pod Security baseline or restricted (privileged only in the "
        "add-on namespaces that need the host).",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_pod_security,
    ),
    StackValidationPolicy(
        name="namespaces-default-deny",
        description="Every namespace the program creates denies ingress by default (an empty-selector "
        "NetworkPolicy with no ingress rules), but the add-on namespaces listed open with their reason.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_default_deny,
    ),
]
