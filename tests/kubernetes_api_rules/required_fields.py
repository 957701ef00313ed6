"""Rule 4: fields the API server's validation requires, and references it resolves.

Sources: pkg/apis/core/validation/validation.go (containers, claims, services, secrets),
pkg/apis/{apps,batch,networking,autoscaling,scheduling}/validation/validation.go, and
plugin/pkg/admission/priority/admission.go. CronJob schedules are checked in cron.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tests.kubernetes_api_rules.cron import _cron_job_problems
from tests.kubernetes_api_rules.grammar import is_dns1123_label, quantity
from tests.kubernetes_api_rules.manifests import (
    _TEMPLATE_KINDS,
    Check,
    Manifest,
    Problems,
    _container_label,
    _get,
    _in_namespace,
    _name,
    _namespace,
    claim_specs,
    containers,
    ingress_backends,
    pod_spec,
    selector_matches,
)

# ---------------------------------------------------------------------------------------------
# Rule 4: fields validation requires
# ---------------------------------------------------------------------------------------------

# pkg/apis/apps/validation: Deployment/StatefulSet/DaemonSet/ReplicaSet templates only support Always;
# pkg/apis/batch/validation validateJobSpec: OnFailure or Never (so it must be set: the default is Always).
_RESTART_POLICIES = {
    "Job": {"OnFailure", "Never"},
    "CronJob": {"OnFailure", "Never"},
    "Pod": {"Always", "OnFailure", "Never"},
}
# pkg/apis/core/validation ValidateSecret: keys each secret type requires.
_SECRET_KEYS = {
    "kubernetes.io/tls": ("tls.crt", "tls.key"),
    "kubernetes.io/dockerconfigjson": (".dockerconfigjson",),
    "kubernetes.io/dockercfg": (".dockercfg",),
    "kubernetes.io/ssh-auth": ("ssh-privatekey",),
}
# pkg/apis/scheduling/types.go HighestUserDefinablePriority and the built-in classes.
_HIGHEST_USER_PRIORITY = 1_000_000_000
_SYSTEM_PRIORITY_CLASSES = {"system-cluster-critical", "system-node-critical"}


def _container_problems(manifest: Manifest) -> Problems:
    """validateContainers, validateContainerCommon: a container at least; each has a unique DNS-1123 name, an image."""
    spec = pod_spec(manifest)
    if spec is None:
        return []
    problems = [] if spec.get("containers") else ["pod template has no containers"]
    names = [container.get("name") for container in containers(spec)]
    problems += [f"container name {name!r} must be a DNS-1123 label" for name in names if not is_dns1123_label(name)]
    problems += [f"container name {name!r} is repeated" for name in set(names) if names.count(name) > 1]
    problems += [f"{_container_label(c)} has no image" for c in containers(spec) if not c.get("image")]
    return problems


def _restart_policy_problems(manifest: Manifest) -> Problems:
    spec, kind = pod_spec(manifest), str(manifest.get("kind"))
    if spec is None:
        return []
    allowed = _RESTART_POLICIES.get(kind, {"Always"})
    policy = spec.get("restartPolicy", "Always")
    return (
        [] if policy in allowed else [f"{kind} pod template restartPolicy {policy!r} must be one of {sorted(allowed)}"]
    )


def _selector_matches_template(manifest: Manifest) -> Problems:
    """pkg/apis/apps/validation ValidateDeploymentSpec and friends: selector required, matching the template labels."""
    if manifest.get("kind") not in _TEMPLATE_KINDS - {"Job", "ReplicationController"}:
        return []
    selector = _get(manifest, "spec", "selector")
    if not selector:
        return ["spec.selector is required"]
    labels = _get(manifest, "spec", "template", "metadata", "labels") or {}
    return [] if selector_matches(selector, labels) else ["spec.selector does not match the template labels"]


def _claim_problems(manifest: Manifest) -> Problems:
    """ValidatePersistentVolumeClaimSpec: at least one access mode; a positive storage request."""
    problems = []
    for path, claim in claim_specs(manifest):
        if not claim.get("accessModes"):
            problems.append(f"{path}.accessModes needs at least one access mode")
        storage = _get(claim, "resources", "requests", "storage")
        if storage is None:
            problems.append(f"{path}.resources.requests.storage is required")
        elif (parsed := quantity(storage)) is not None and parsed <= 0:
            problems.append(f"{path}.resources.requests.storage {storage!r} must be greater than zero")
    return problems


def _service_port_problems(service: Manifest) -> Problems:
    """ValidateService / validateServicePort."""
    spec = service.get("spec") or {}
    ports = spec.get("ports") or []
    headless_or_external = spec.get("clusterIP") == "None" or spec.get("type") == "ExternalName"
    problems = [] if ports or headless_or_external else ["spec.ports is required"]
    names = [port.get("name") for port in ports]
    for port in ports:
        problems += _one_service_port_problems(port, named=len(ports) > 1)
    return problems + [f"spec.ports name {name!r} is repeated" for name in set(names) if name and names.count(name) > 1]


def _one_service_port_problems(port: dict[str, Any], *, named: bool) -> Problems:
    label = f"spec.ports[{port.get('name', '')}]"
    problems = []
    if named and not port.get("name"):
        problems.append(f"{label}.name is required when a Service has several ports")
    if port.get("name") and not is_dns1123_label(port["name"]):
        problems.append(f"{label}.name {port['name']!r} must be a DNS-1123 label")
    if not _is_port_number(port.get("port")):
        problems.append(f"{label}.port is required, 1-65535")
    target = port.get("targetPort")
    if isinstance(target, int) and not _is_port_number(target):
        problems.append(f"{label}.targetPort {target} must be 1-65535")
    return problems


def _is_port_number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 65535


def _ingress_problems(ingress: Manifest, objects: Sequence[Manifest]) -> Problems:
    """validateIngressSpec/validateHTTPIngressPath; backends resolve to a Service port in the namespace."""
    spec = ingress.get("spec") or {}
    problems = [] if spec.get("rules") or spec.get("defaultBackend") else ["either defaultBackend or rules is required"]
    for r, rule in enumerate(spec.get("rules") or []):
        paths = _get(rule, "http", "paths")
        if "http" in rule and not paths:
            problems.append(f"spec.rules[{r}].http.paths needs at least one path")
        for path in paths or []:
            if path.get("pathType") in ("Exact", "Prefix") and not str(path.get("path", "")).startswith("/"):
                problems.append(f"spec.rules[{r}] path {path.get('path')!r} must be absolute")
    services = {_name(service): service for service in _in_namespace(objects, _namespace(ingress), "Service")}
    for path, backend in ingress_backends(ingress):
        problems += _backend_problems(path, backend, services)
    return problems


def _backend_problems(path: str, backend: dict[str, Any], services: dict[str, Manifest]) -> Problems:
    if ("service" in backend) == ("resource" in backend):
        return [f"{path} needs exactly one of service or resource"]
    if "resource" in backend:
        return []
    name, port = _get(backend, "service", "name"), _get(backend, "service", "port") or {}
    if ("name" in port) == ("number" in port):
        return [f"{path}.service.port needs exactly one of name or number"]
    if name not in services:
        return [f"{path}.service.name {name!r} is no Service in the namespace"]
    declared = _get(services[name], "spec", "ports") or []
    key = "name" if "name" in port else "port"
    wanted = port.get("name", port.get("number"))
    return [] if any(p.get(key) == wanted for p in declared) else [f"{path}: Service {name!r} has no port {wanted!r}"]


def _autoscaler_problems(hpa: Manifest) -> Problems:
    """pkg/apis/autoscaling/validation validateHorizontalPodAutoscalerSpec."""
    spec = hpa.get("spec") or {}
    low, high = spec.get("minReplicas", 1), spec.get("maxReplicas")
    problems = [] if low >= 1 else [f"spec.minReplicas {low} must be at least 1"]
    if not isinstance(high, int) or high < low:
        problems.append(f"spec.maxReplicas {high!r} must be at least minReplicas {low}")
    target = spec.get("scaleTargetRef") or {}
    return problems + [f"spec.scaleTargetRef.{f} is required" for f in ("kind", "name") if not target.get(f)]


def _priority_class_problems(priority_class: Manifest) -> Problems:
    """pkg/apis/scheduling/validation ValidatePriorityClass: system- names reserved; value at most 1e9."""
    name, value = _name(priority_class), priority_class.get("value")
    if name.startswith("system-"):
        return [f"PriorityClass name {name!r}: the system- prefix is reserved"]
    if not isinstance(value, int) or value > _HIGHEST_USER_PRIORITY:
        return [f"PriorityClass value {value!r} must be an integer of at most {_HIGHEST_USER_PRIORITY}"]
    return []


def _priority_class_name_problems(manifest: Manifest, objects: Sequence[Manifest]) -> Problems:
    """plugin/pkg/admission/priority/admission.go: pods naming an unknown PriorityClass are refused."""
    name = (pod_spec(manifest) or {}).get("priorityClassName")
    declared = {_name(obj) for obj in objects if obj.get("kind") == "PriorityClass"} | _SYSTEM_PRIORITY_CLASSES
    return [] if name is None or name in declared else [f"priorityClassName {name!r} names no PriorityClass"]


def _secret_problems(secret: Manifest) -> Problems:
    keys = {*(secret.get("data") or {}), *(secret.get("stringData") or {})}
    required = _SECRET_KEYS.get(str(secret.get("type")), ())
    return [f"a {secret.get('type')} Secret needs key {key!r}" for key in required if key not in keys]


_KIND_REQUIRED: dict[str, Check] = {
    "Service": lambda manifest, objects: _service_port_problems(manifest),
    "CronJob": lambda manifest, objects: _cron_job_problems(manifest),
    "Ingress": _ingress_problems,
    "HorizontalPodAutoscaler": lambda manifest, objects: _autoscaler_problems(manifest),
    "Secret": lambda manifest, objects: _secret_problems(manifest),
    "PriorityClass": lambda manifest, objects: _priority_class_problems(manifest),
}


def check_required_fields(manifest: Manifest, objects: Sequence[Manifest] = ()) -> Problems:
    """Fields the API server requires (containers, images, claims, Service ports, schedules) and Ingress backends."""
    problems = (
        _container_problems(manifest)
        + _restart_policy_problems(manifest)
        + _selector_matches_template(manifest)
        + _claim_problems(manifest)
        + _priority_class_name_problems(manifest, objects)
    )
    by_kind = _KIND_REQUIRED.get(str(manifest.get("kind")))
    return problems + (by_kind(manifest, objects) if by_kind else [])
