"""Walking manifests: the types every rule shares, and the lookups several rules need.

Pod templates, label selectors (metav1.LabelSelectorAsSelector), the objects of a namespace,
claim specs, probe and lifecycle handlers, and Ingress backends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

Manifest = dict[str, Any]
Problems = list[str]
Check = Callable[[Manifest, Sequence[Manifest]], Problems]

# Kinds whose pods come from spec.template (CronJob: spec.jobTemplate.spec.template).
_TEMPLATE_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"}

# ---------------------------------------------------------------------------------------------
# Walking manifests
# ---------------------------------------------------------------------------------------------


def _get(value: Any, *path: str) -> Any:
    """value[path[0]][path[1]]..., or None where any step is missing."""
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _name(manifest: Manifest) -> str:
    return str(_get(manifest, "metadata", "name"))


def _namespace(manifest: Manifest) -> str | None:
    return _get(manifest, "metadata", "namespace")


def pod_template(manifest: Manifest) -> dict[str, Any] | None:
    """The pod template of a workload ({metadata, spec}); a bare Pod is its own template."""
    kind = manifest.get("kind")
    if kind == "Pod":
        return manifest
    if kind == "CronJob":
        return _get(manifest, "spec", "jobTemplate", "spec", "template")
    if kind in _TEMPLATE_KINDS:
        return _get(manifest, "spec", "template")
    return None


def pod_spec(manifest: Manifest) -> dict[str, Any] | None:
    template = pod_template(manifest)
    return None if template is None else (template.get("spec") or {})


def containers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Init, regular and ephemeral containers of a pod spec."""
    return [*spec.get("initContainers", []), *spec.get("containers", []), *spec.get("ephemeralContainers", [])]


def _container_label(container: dict[str, Any]) -> str:
    return f"container {container.get('name')!r}"


def _nested(value: Any, key: str, path: str = "") -> Iterator[tuple[str, Any]]:
    """(path, value) of every dict entry named `key`, at any depth."""
    if isinstance(value, dict):
        for child_key, child in value.items():
            child_path = f"{path}.{child_key}" if path else child_key
            if child_key == key:
                yield child_path, child
            yield from _nested(child, key, child_path)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _nested(child, key, f"{path}[{index}]")


def _in_namespace(objects: Sequence[Manifest], namespace: str | None, kind: str) -> list[Manifest]:
    return [obj for obj in objects if obj.get("kind") == kind and _namespace(obj) == namespace]


def selector_matches(selector: dict[str, Any] | None, labels: dict[str, Any]) -> bool:
    """metav1.LabelSelectorAsSelector: None selects nothing, {} selects everything."""
    if selector is None:
        return False
    if any(labels.get(key) != value for key, value in (selector.get("matchLabels") or {}).items()):
        return False
    return all(_requirement_matches(requirement, labels) for requirement in selector.get("matchExpressions") or [])


def _requirement_matches(requirement: dict[str, Any], labels: dict[str, Any]) -> bool:
    key, operator, values = requirement.get("key"), requirement.get("operator"), requirement.get("values") or []
    if operator == "In":
        return key in labels and labels[key] in values
    if operator == "NotIn":
        return key not in labels or labels[key] not in values
    if operator == "Exists":
        return key in labels
    return operator == "DoesNotExist" and key not in labels


def workloads_selected(objects: Sequence[Manifest], namespace: str | None, selector: Any) -> list[Manifest]:
    """Objects with a pod template in `namespace` whose pod labels match the label selector."""
    return [
        obj
        for obj in objects
        if pod_template(obj) is not None
        and _namespace(obj) == namespace
        and selector_matches(selector, _get(pod_template(obj), "metadata", "labels") or {})
    ]


def plan_declares_pods(objects: Sequence[Manifest], namespace: str | None) -> bool:
    """Whether the plan declares workloads in `namespace`; elsewhere (Helm charts, EKS) pods are unknown here."""
    return any(pod_template(obj) is not None and _namespace(obj) == namespace for obj in objects)


def namespace_labels(objects: Sequence[Manifest], namespace: str | None) -> dict[str, Any] | None:
    """Labels of a Namespace the plan declares (with the kubernetes.io/metadata.name label the API adds)."""
    for obj in objects:
        if obj.get("kind") == "Namespace" and _name(obj) == namespace:
            return {**(_get(obj, "metadata", "labels") or {}), "kubernetes.io/metadata.name": namespace}
    return None


# ---------------------------------------------------------------------------------------------
# Parts of a manifest that several rules read
# ---------------------------------------------------------------------------------------------


def claim_specs(manifest: Manifest) -> list[tuple[str, dict[str, Any]]]:
    """(path, PersistentVolumeClaimSpec) of a PVC, a StatefulSet's claim templates and ephemeral volumes."""
    if manifest.get("kind") == "PersistentVolumeClaim":
        return [("spec", manifest.get("spec") or {})]
    specs = [
        (f"volumeClaimTemplates[{_get(claim, 'metadata', 'name')}].spec", claim.get("spec") or {})
        for claim in _get(manifest, "spec", "volumeClaimTemplates") or []
    ]
    for volume in (pod_spec(manifest) or {}).get("volumes", []):
        if "ephemeral" in volume:
            claim = _get(volume, "ephemeral", "volumeClaimTemplate", "spec") or {}
            specs.append((f"volumes[{volume.get('name')}].ephemeral.volumeClaimTemplate.spec", claim))
    return specs


def _handlers(container: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        if isinstance(container.get(probe), dict):
            yield probe, container[probe]
    for hook in ("postStart", "preStop"):
        if isinstance(handler := _get(container, "lifecycle", hook), dict):
            yield f"lifecycle.{hook}", handler


def ingress_backends(ingress: Manifest) -> list[tuple[str, dict[str, Any]]]:
    spec = ingress.get("spec") or {}
    backends = [("spec.defaultBackend", spec["defaultBackend"])] if spec.get("defaultBackend") else []
    for r, rule in enumerate(spec.get("rules") or []):
        for p, path in enumerate(_get(rule, "http", "paths") or []):
            backends.append((f"spec.rules[{r}].http.paths[{p}].backend", path.get("backend") or {}))
    return backends
