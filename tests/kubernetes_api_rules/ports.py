"""Rule 3: port names are IANA_SVC_NAMEs and every port referred to by name resolves.

Sources: pkg/apis/core/validation/validation.go (validateContainerPorts), pkg/api/v1/pod/util.go
(FindPort), pkg/kubelet/prober, pkg/apis/networking/validation/validation.go, and
prometheus-operator's ServiceMonitor endpoint port matching.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tests.kubernetes_api_rules.grammar import is_port_name
from tests.kubernetes_api_rules.manifests import (
    Check,
    Manifest,
    Problems,
    _container_label,
    _get,
    _handlers,
    _in_namespace,
    _namespace,
    containers,
    ingress_backends,
    namespace_labels,
    plan_declares_pods,
    pod_spec,
    selector_matches,
    workloads_selected,
)

# ---------------------------------------------------------------------------------------------
# Rule 3: named ports resolve
# ---------------------------------------------------------------------------------------------


def _container_port_problems(spec: dict[str, Any]) -> Problems:
    """validateContainerPorts: port names are IANA_SVC_NAME and unique within a container."""
    problems = []
    for container in containers(spec):
        names = [port["name"] for port in container.get("ports", []) if "name" in port]
        problems += [
            f"{_container_label(container)}: port name {name!r} is not an IANA_SVC_NAME"
            for name in names
            if not is_port_name(name)
        ]
        problems += [
            f"{_container_label(container)}: port name {name!r} is repeated"
            for name in set(names)
            if names.count(name) > 1
        ]
    return problems


def _probe_port_problems(spec: dict[str, Any]) -> Problems:
    """The kubelet resolves a probe's or hook's named port among its own container's ports (pkg/kubelet/prober)."""
    problems = []
    for container in containers(spec):
        own = {port.get("name") for port in container.get("ports", [])}
        for where, handler in _handlers(container):
            for action in ("httpGet", "tcpSocket"):
                port = _get(handler, action, "port")
                if isinstance(port, str) and (not is_port_name(port) or port not in own):
                    problems.append(
                        f"{_container_label(container)}: {where}.{action}.port {port!r} names no port of it"
                    )
            if isinstance(_get(handler, "grpc", "port"), str):
                problems.append(f"{_container_label(container)}: {where}.grpc.port must be a number (GRPCAction.Port)")
    return problems


def serving_ports(spec: dict[str, Any]) -> set[tuple[str, str]]:
    """(name, protocol) a Service can target: regular containers and sidecars (pkg/api/v1/pod/util.go FindPort)."""
    sidecars = [c for c in spec.get("initContainers", []) if c.get("restartPolicy") == "Always"]
    return {
        (port["name"], port.get("protocol", "TCP"))
        for container in [*spec.get("containers", []), *sidecars]
        for port in container.get("ports", [])
        if "name" in port
    }


def _service_target_port_problems(service: Manifest, objects: Sequence[Manifest]) -> Problems:
    selector = _get(service, "spec", "selector")
    if not selector or not plan_declares_pods(objects, _namespace(service)):
        return []  # endpoints managed by hand, or pods rendered by a Helm chart
    workloads = workloads_selected(objects, _namespace(service), {"matchLabels": selector})
    offered = set().union(*(serving_ports(pod_spec(w) or {}) for w in workloads))
    problems = []
    for port in _get(service, "spec", "ports") or []:
        target, protocol = port.get("targetPort"), port.get("protocol", "TCP")
        if not isinstance(target, str):
            continue
        if not is_port_name(target):
            problems.append(f"spec.ports[{port.get('name')}].targetPort {target!r} is not an IANA_SVC_NAME")
        elif (target, protocol) not in offered:
            problems.append(f"spec.ports[{port.get('name')}].targetPort {target!r}/{protocol} is on no selected pod")
    return problems


def _policy_peer_pods(
    policy: Manifest, peers: list[dict[str, Any]] | None, objects: Sequence[Manifest]
) -> list[Manifest] | None:
    """Workloads an egress rule reaches, or None when it reaches pods the plan cannot see."""
    if not peers:
        return None
    found: list[Manifest] = []
    for peer in peers:
        if "ipBlock" in peer or "podSelector" not in peer:
            return None
        namespaces = [_namespace(policy)]
        if "namespaceSelector" in peer:
            namespaces = _namespaces_selected(peer["namespaceSelector"], objects)
            if namespaces is None:
                return None
        for namespace in namespaces:
            if not plan_declares_pods(objects, namespace):
                return None
            found += workloads_selected(objects, namespace, peer["podSelector"])
    return found


def _namespaces_selected(selector: dict[str, Any], objects: Sequence[Manifest]) -> list[str | None] | None:
    """The namespace a namespaceSelector names by kubernetes.io/metadata.name; None for any other selector."""
    name = (selector.get("matchLabels") or {}).get("kubernetes.io/metadata.name")
    if name is None:
        return None
    labels = namespace_labels(objects, name) or {"kubernetes.io/metadata.name": name}
    return [name] if selector_matches(selector, labels) else []


def _network_policy_port_problems(policy: Manifest, objects: Sequence[Manifest]) -> Problems:
    """Ingress named ports resolve on the policy's own pods, egress ones on the destination pods."""
    spec = policy.get("spec") or {}
    own = workloads_selected(objects, _namespace(policy), spec.get("podSelector"))
    known = plan_declares_pods(objects, _namespace(policy))
    problems = []
    for direction, peers_key in (("ingress", None), ("egress", "to")):
        for index, rule in enumerate(spec.get(direction) or []):
            if peers_key is None:
                pods = own if known else None
            else:
                pods = _policy_peer_pods(policy, rule.get(peers_key), objects)
            for port in rule.get("ports") or []:
                problems += _policy_port_problems(f"spec.{direction}[{index}]", port, pods)
    return problems


def _policy_port_problems(path: str, port: dict[str, Any], pods: list[Manifest] | None) -> Problems:
    name = port.get("port")
    if not isinstance(name, str):
        return []
    if not is_port_name(name):
        return [f"{path}: port {name!r} is not an IANA_SVC_NAME"]
    if pods is None:
        return []
    offered = set().union(*(serving_ports(pod_spec(w) or {}) for w in pods))
    return [] if (name, port.get("protocol", "TCP")) in offered else [f"{path}: port {name!r} is on no pod it selects"]


def _ingress_port_name_problems(ingress: Manifest, objects: Sequence[Manifest]) -> Problems:
    """pkg/apis/networking/validation validateIngressBackend: a backend port name is an IANA_SVC_NAME."""
    return [
        f"{path}.service.port.name {name!r} is not an IANA_SVC_NAME"
        for path, backend in ingress_backends(ingress)
        if (name := _get(backend, "service", "port", "name")) is not None and not is_port_name(name)
    ]


def _service_monitor_port_problems(monitor: Manifest, objects: Sequence[Manifest]) -> Problems:
    """prometheus-operator keeps endpoints whose Service port name equals endpoints[].port."""
    namespaces = _get(monitor, "spec", "namespaceSelector", "matchNames") or [_namespace(monitor)]
    if not all(_in_namespace(objects, namespace, "Service") for namespace in namespaces):
        return []  # Services there come from Helm charts: nothing to resolve against
    services = [
        service
        for namespace in namespaces
        for service in _in_namespace(objects, namespace, "Service")
        if selector_matches(_get(monitor, "spec", "selector"), _get(service, "metadata", "labels") or {})
    ]
    names = {port.get("name") for service in services for port in _get(service, "spec", "ports") or []}
    return [
        f"spec.endpoints[{index}].port {endpoint['port']!r} is no port of a selected Service"
        for index, endpoint in enumerate(_get(monitor, "spec", "endpoints") or [])
        if "port" in endpoint and endpoint["port"] not in names
    ]


_KIND_PORTS: dict[str, Check] = {
    "Service": _service_target_port_problems,
    "NetworkPolicy": _network_policy_port_problems,
    "Ingress": _ingress_port_name_problems,
    "ServiceMonitor": _service_monitor_port_problems,
}


def check_named_ports(manifest: Manifest, objects: Sequence[Manifest] = ()) -> Problems:
    """Port names are IANA_SVC_NAMEs and every port referred to by name exists where it is looked up."""
    spec = pod_spec(manifest)
    problems = [] if spec is None else _container_port_problems(spec) + _probe_port_problems(spec)
    by_kind = _KIND_PORTS.get(str(manifest.get("kind")))
    return problems + (by_kind(manifest, objects) if by_kind else [])
