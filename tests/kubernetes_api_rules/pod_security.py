"""Rule 6: Pod Security Standards, the `restricted` profile.

Source: k8s.io/pod-security-admission/policy/check_*.go (each check names its file below).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tests.kubernetes_api_rules.manifests import (
    Manifest,
    Problems,
    _container_label,
    _get,
    _handlers,
    _namespace,
    containers,
    namespace_labels,
    pod_spec,
)

# ---------------------------------------------------------------------------------------------
# Rule 6: Pod Security Standards, `restricted` (k8s.io/pod-security-admission/policy/check_*.go)
# ---------------------------------------------------------------------------------------------

# check_restrictedVolumes.go
_RESTRICTED_VOLUMES = {
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
}
# check_sysctls.go sysctlsAllowedV1Dot32 (the list for Kubernetes 1.32 to 1.36)
_SAFE_SYSCTLS = {
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
    "net.ipv4.tcp_rmem",
    "net.ipv4.tcp_wmem",
}
# check_seLinuxOptions.go
_SELINUX_TYPES = {"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"}
_PROFILE_TYPES = {"RuntimeDefault", "Localhost"}


def enforced_level(manifest: Manifest, objects: Sequence[Manifest]) -> str | None:
    """pod-security.kubernetes.io/enforce of the object's namespace, when the plan declares it."""
    labels = namespace_labels(objects, _namespace(manifest)) or {}
    return labels.get("pod-security.kubernetes.io/enforce")


def _pss_pod_level(spec: dict[str, Any]) -> Problems:
    """check_hostNamespaces, check_restrictedVolumes (hostPath included), check_sysctls, pod-level settings."""
    context = spec.get("securityContext") or {}
    problems = [f"spec.{field} must not be true" for field in ("hostNetwork", "hostPID", "hostIPC") if spec.get(field)]
    for volume in spec.get("volumes", []):
        problems += [
            f"volume {volume.get('name')!r} of type {kind} is not allowed"
            for kind in volume.keys() - {"name"} - _RESTRICTED_VOLUMES
        ]
    problems += [
        f"sysctl {sysctl.get('name')!r} is not a safe sysctl"
        for sysctl in context.get("sysctls", [])
        if sysctl.get("name") not in _SAFE_SYSCTLS
    ]
    if context.get("runAsNonRoot") is False:
        problems.append("pod securityContext.runAsNonRoot must not be false")
    if context.get("runAsUser") == 0:
        problems.append("pod securityContext.runAsUser must not be 0")
    if "seccompProfile" in context and _get(context, "seccompProfile", "type") not in _PROFILE_TYPES:
        problems.append("pod seccompProfile.type must be RuntimeDefault or Localhost")
    return problems + _pss_common_context("pod", context)


def _pss_common_context(label: str, context: dict[str, Any]) -> Problems:
    """check_seLinuxOptions, check_appArmorProfile, check_windowsHostProcess: pod or container."""
    problems = []
    selinux = context.get("seLinuxOptions") or {}
    if selinux.get("type", "") not in _SELINUX_TYPES or selinux.get("user") or selinux.get("role"):
        problems.append(f"{label} seLinuxOptions are not allowed")
    if "appArmorProfile" in context and _get(context, "appArmorProfile", "type") not in _PROFILE_TYPES:
        problems.append(f"{label} appArmorProfile.type must be RuntimeDefault or Localhost")
    if _get(context, "windowsOptions", "hostProcess"):
        problems.append(f"{label} windowsOptions.hostProcess must not be true")
    return problems


def _pss_container(container: dict[str, Any], pod_context: dict[str, Any]) -> Problems:
    """Per container, with the pod-level fallbacks the policies allow."""
    label, context = _container_label(container), container.get("securityContext") or {}
    seccomp = _get(context, "seccompProfile", "type") or _get(pod_context, "seccompProfile", "type")
    non_root = context.get("runAsNonRoot", pod_context.get("runAsNonRoot"))
    failures = [
        # check_privileged.go
        (context.get("privileged") is True, "privileged must not be true"),
        # check_allowPrivilegeEscalation.go
        (context.get("allowPrivilegeEscalation") is not False, "allowPrivilegeEscalation must be false"),
        # check_runAsNonRoot.go
        (non_root is not True, "runAsNonRoot must be true on the pod or the container"),
        # check_runAsUser.go
        (context.get("runAsUser") == 0, "runAsUser must not be 0"),
        # check_seccompProfile_restricted.go
        (seccomp not in _PROFILE_TYPES, "seccompProfile.type must be RuntimeDefault or Localhost"),
        # check_procMount.go
        (context.get("procMount", "Default") != "Default", "procMount must be Default"),
        # check_hostPorts.go
        (any(port.get("hostPort") for port in container.get("ports", [])), "hostPort must not be set"),
    ]
    problems = [f"{label}: {message}" for failed, message in failures if failed]
    return (
        problems
        + _pss_capabilities(label, context)
        + _pss_common_context(label, context)
        + _pss_host_handlers(container)
    )


def _pss_capabilities(label: str, context: dict[str, Any]) -> Problems:
    """check_capabilities_restricted: drop ALL; add nothing but NET_BIND_SERVICE."""
    capabilities = context.get("capabilities") or {}
    problems = [] if "ALL" in (capabilities.get("drop") or []) else [f"{label}: capabilities must drop ALL"]
    return problems + [
        f"{label}: capability {added!r} must not be added"
        for added in capabilities.get("add") or []
        if added != "NET_BIND_SERVICE"
    ]


def _pss_host_handlers(container: dict[str, Any]) -> Problems:
    """check_hostProbesAndHostLifecycle (1.34+): probes and hooks may not name a host."""
    return [
        f"{_container_label(container)}: {where}.{action}.host must not be set"
        for where, handler in _handlers(container)
        for action in ("httpGet", "tcpSocket")
        if _get(handler, action, "host")
    ]


def restricted_profile_problems(spec: dict[str, Any]) -> Problems:
    pod_context = spec.get("securityContext") or {}
    problems = _pss_pod_level(spec)
    for container in containers(spec):
        problems += _pss_container(container, pod_context)
    return problems


def check_pod_security_restricted(manifest: Manifest, objects: Sequence[Manifest] = ()) -> Problems:
    """Pod templates in a namespace enforcing `restricted` pass that profile, container by container."""
    spec = pod_spec(manifest)
    if spec is None or enforced_level(manifest, objects) != "restricted":
        return []
    return restricted_profile_problems(spec)
