"""What the Kubernetes API server, its admission and its controllers enforce beyond the OpenAPI schema.

kubernetes-validate checks each manifest against the published OpenAPI schema. The API server
also runs hand-written validation (pkg/apis/<group>/validation/validation.go), Pod Security
admission (k8s.io/pod-security-admission), and controllers that resolve references between
objects (named ports, PodDisruptionBudgets, Ingress backends). Each `check_*` function here takes
one manifest and every object of its stack and returns what is wrong with it as sentences; an
empty list means the cluster would accept it and it would work as written. They are pure
functions over dicts, so tests can hand them small broken manifests.

Sources (kubernetes/kubernetes, staging paths shortened to their module):
- k8s.io/apimachinery/pkg/util/validation/validation.go: names, label values, port names
- k8s.io/apimachinery/pkg/api/validation/objectmeta.go: annotations, namespace, name functions
- k8s.io/apimachinery/pkg/apis/meta/v1/validation/validation.go: labels, label selectors
- k8s.io/apimachinery/pkg/api/resource/quantity.go: the quantity grammar
- pkg/apis/core/validation/validation.go: containers, probes, services, claims, quotas, limit ranges
- pkg/apis/{apps,batch,networking,policy,autoscaling}/validation/validation.go
- pkg/controller/disruption/disruption.go, pkg/api/v1/pod/util.go (FindPort), pkg/kubelet/prober
- k8s.io/pod-security-admission/policy/check_*.go: the `restricted` profile
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kubernetes.utils.quantity import parse_quantity

Manifest = dict[str, Any]
Problems = list[str]
Check = Callable[[Manifest, Sequence[Manifest]], Problems]

# ---------------------------------------------------------------------------------------------
# Kinds (rule 5). A closed list: an (apiVersion, kind) outside it is a typo, not a new resource,
# so it cannot slip onto the custom-resource path where no schema checks it. Value: namespaced.
# ---------------------------------------------------------------------------------------------

BUILT_IN_KINDS: dict[tuple[str, str], bool] = {
    ("v1", "Namespace"): False,
    ("v1", "ResourceQuota"): True,
    ("v1", "LimitRange"): True,
    ("v1", "ServiceAccount"): True,
    ("v1", "Service"): True,
    ("v1", "Secret"): True,
    ("v1", "ConfigMap"): True,
    ("apps/v1", "Deployment"): True,
    ("apps/v1", "StatefulSet"): True,
    ("batch/v1", "CronJob"): True,
    ("batch/v1", "Job"): True,
    ("autoscaling/v2", "HorizontalPodAutoscaler"): True,
    ("policy/v1", "PodDisruptionBudget"): True,
    ("networking.k8s.io/v1", "NetworkPolicy"): True,
    ("networking.k8s.io/v1", "Ingress"): True,
    ("storage.k8s.io/v1", "StorageClass"): False,
    ("scheduling.k8s.io/v1", "PriorityClass"): False,
}
CUSTOM_KINDS: dict[tuple[str, str], bool] = {
    ("karpenter.sh/v1", "NodePool"): False,
    ("karpenter.k8s.aws/v1", "EC2NodeClass"): False,
    ("monitoring.coreos.com/v1", "ServiceMonitor"): True,
    ("monitoring.coreos.com/v1", "PodMonitor"): True,
    ("monitoring.coreos.com/v1", "PrometheusRule"): True,
}
KNOWN_KINDS = {**BUILT_IN_KINDS, **CUSTOM_KINDS}

# Kinds whose pods come from spec.template (CronJob: spec.jobTemplate.spec.template).
_TEMPLATE_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"}
# Controllers the disruption controller can read a scale from (disruption.go finders()).
_SCALABLE_KINDS = {"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"}
# An IntOrString percentage (k8s.io/apimachinery/pkg/util/intstr).
_PERCENT = re.compile(r"\d+%")

# ---------------------------------------------------------------------------------------------
# Grammar: k8s.io/apimachinery/pkg/util/validation/validation.go
# ---------------------------------------------------------------------------------------------

_DNS1123_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_DNS1035_LABEL = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?")
_QUALIFIED_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
_LABEL_VALUE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?")
_CONFIG_MAP_KEY = re.compile(r"[-._a-zA-Z0-9]+")
_PORT_NAME = re.compile(r"[-a-z0-9]+")


def _matches(pattern: re.Pattern[str], value: Any, max_length: int) -> bool:
    return isinstance(value, str) and len(value) <= max_length and pattern.fullmatch(value) is not None


def is_dns1123_label(value: Any) -> bool:
    return _matches(_DNS1123_LABEL, value, 63)


def is_dns1123_subdomain(value: Any) -> bool:
    return _matches(_DNS1123_SUBDOMAIN, value, 253)


def is_dns1035_label(value: Any) -> bool:
    return _matches(_DNS1035_LABEL, value, 63)


def is_qualified_name(value: Any) -> bool:
    """IsQualifiedName: a name of at most 63 characters with an optional DNS-1123 subdomain prefix and '/'."""
    if not isinstance(value, str):
        return False
    parts = value.split("/")
    if len(parts) > 2 or (len(parts) == 2 and not is_dns1123_subdomain(parts[0])):
        return False
    return _matches(_QUALIFIED_NAME, parts[-1], 63)


def is_label_value(value: Any) -> bool:
    """IsValidLabelValue: empty, or at most 63 alphanumerics, '-', '_', '.' starting and ending alphanumeric."""
    return _matches(_LABEL_VALUE, value, 63)


def is_config_map_key(value: Any) -> bool:
    """IsConfigMapKey: used for the keys of ConfigMap and Secret data."""
    return _matches(_CONFIG_MAP_KEY, value, 253) and value not in (".", "..") and not value.startswith("..")


def is_port_name(value: Any) -> bool:
    """IsValidPortName (IANA_SVC_NAME): 1-15 of [-a-z0-9], a letter, no '--', no leading or trailing '-'."""
    return (
        _matches(_PORT_NAME, value, 15)
        and re.search("[a-z]", value) is not None
        and "--" not in value
        and not value.startswith("-")
        and not value.endswith("-")
    )


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
# Rule 1: quantities. Grammar from k8s.io/apimachinery/pkg/api/resource/quantity.go; the parser
# there also takes the suffixes n and u. kubernetes.utils.quantity.parse_quantity computes the
# value but is laxer (it takes "1 Gi" and "1K"), so the exact grammar is matched first.
# ---------------------------------------------------------------------------------------------

_QUANTITY = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?")
# pkg/apis/core/helper/helpers.go IsIntegerResourceName (standard names) and count/<resource>.
_INTEGER_QUOTA_RESOURCES = {
    "pods",
    "services",
    "replicationcontrollers",
    "resourcequotas",
    "secrets",
    "configmaps",
    "persistentvolumeclaims",
    "services.nodeports",
    "services.loadbalancers",
}
# ValidateLimitRange compares these pairwise in this order: min <= defaultRequest <= default <= max.
_LIMIT_RANGE_ORDER = ("min", "defaultRequest", "default", "max")


def quantity(value: Any) -> Decimal | None:
    """The value of a resource.Quantity, or None where the API server would reject it."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return parse_quantity(value)
    if not isinstance(value, str) or _QUANTITY.fullmatch(value) is None:
        return None
    try:
        return parse_quantity(value)
    except ValueError:
        return None


def _resource_list(path: str, resources: Any) -> list[tuple[str, Any]]:
    return [(f"{path}.{name}", value) for name, value in (resources or {}).items()]


def _requirements(path: str, requirements: Any) -> list[tuple[str, Any]]:
    requirements = requirements or {}
    return [
        *_resource_list(f"{path}.requests", requirements.get("requests")),
        *_resource_list(f"{path}.limits", requirements.get("limits")),
    ]


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


def _pod_quantities(spec: dict[str, Any]) -> list[tuple[str, Any]]:
    fields = _requirements("spec.resources", spec.get("resources"))
    for container in containers(spec):
        fields += _requirements(f"{_container_label(container)}.resources", container.get("resources"))
    for volume in spec.get("volumes", []):
        if _get(volume, "emptyDir", "sizeLimit") is not None:
            fields.append((f"volumes[{volume.get('name')}].emptyDir.sizeLimit", volume["emptyDir"]["sizeLimit"]))
    return fields


def _limit_range_quantities(manifest: Manifest) -> list[tuple[str, Any]]:
    return [
        (f"spec.limits[{index}].{key}.{name}", value)
        for index, item in enumerate(_get(manifest, "spec", "limits") or [])
        for key in (*_LIMIT_RANGE_ORDER, "maxLimitRequestRatio")
        for name, value in (item.get(key) or {}).items()
    ]


def _volume_sizes(manifest: Manifest) -> list[tuple[str, Any]]:
    return [
        (f"spec.blockDeviceMappings[{index}].ebs.volumeSize", mapping["ebs"]["volumeSize"])
        for index, mapping in enumerate(_get(manifest, "spec", "blockDeviceMappings") or [])
        if _get(mapping, "ebs", "volumeSize") is not None
    ]


def _metric_targets(manifest: Manifest) -> list[tuple[str, Any]]:
    return [
        (f"spec.metrics[{index}].{metric.get('type')}.target.{field}", target[field])
        for index, metric in enumerate(_get(manifest, "spec", "metrics") or [])
        for source in metric.values()
        if isinstance(source, dict) and isinstance(target := source.get("target"), dict)
        for field in ("value", "averageValue")
        if field in target
    ]


_KIND_QUANTITIES: dict[str, Callable[[Manifest], list[tuple[str, Any]]]] = {
    "ResourceQuota": lambda m: _resource_list("spec.hard", _get(m, "spec", "hard")),
    "LimitRange": _limit_range_quantities,
    "NodePool": lambda m: _resource_list("spec.limits", _get(m, "spec", "limits")),
    "EC2NodeClass": _volume_sizes,
    "HorizontalPodAutoscaler": _metric_targets,
}


def quantity_fields(manifest: Manifest) -> list[tuple[str, Any]]:
    """(path, value) of every resource quantity in a manifest."""
    fields = _pod_quantities(pod_spec(manifest) or {})
    for path, claim in claim_specs(manifest):
        fields += _requirements(f"{path}.resources", claim.get("resources"))
    extra = _KIND_QUANTITIES.get(str(manifest.get("kind")))
    return fields + (extra(manifest) if extra else [])


def _quantity_problems(path: str, value: Any) -> Problems:
    parsed = quantity(value)
    if parsed is None:
        return [f"{path}: {value!r} is not a Kubernetes quantity"]
    # ValidateNonnegativeQuantity / ValidateResourceQuantityValue
    return [f"{path}: {value!r} must not be negative"] if parsed < 0 else []


def _requests_within_limits(label: str, requirements: Any) -> Problems:
    """ValidateResourceRequirements: a request may not exceed the limit of the same resource."""
    requests, limits = (requirements or {}).get("requests") or {}, (requirements or {}).get("limits") or {}
    problems = []
    for name in requests.keys() & limits.keys():
        request, limit = quantity(requests[name]), quantity(limits[name])
        if request is not None and limit is not None and request > limit:
            problems.append(f"{label}: {name} request {requests[name]} exceeds its limit {limits[name]}")
    return problems


def _container_requests_within_limits(manifest: Manifest) -> Problems:
    spec = pod_spec(manifest) or {}
    problems = _requests_within_limits("pod resources", spec.get("resources"))
    for container in containers(spec):
        problems += _requests_within_limits(_container_label(container), container.get("resources"))
    return problems


def _quota_counts_are_integers(manifest: Manifest) -> Problems:
    """ValidateResourceQuotaSpec: object counts must be whole numbers."""
    if manifest.get("kind") != "ResourceQuota":
        return []
    return [
        f"spec.hard.{name}: {value!r} must be an integer"
        for name, value in (_get(manifest, "spec", "hard") or {}).items()
        if (name in _INTEGER_QUOTA_RESOURCES or name.startswith("count/"))
        and (parsed := quantity(value)) is not None
        and parsed != parsed.to_integral_value()
    ]


def _limit_range_is_ordered(manifest: Manifest) -> Problems:
    """ValidateLimitRange: min <= defaultRequest <= default <= max per resource; ratios >= 1."""
    if manifest.get("kind") != "LimitRange":
        return []
    problems = []
    for index, item in enumerate(_get(manifest, "spec", "limits") or []):
        for low_key, high_key in _ordered_pairs(_LIMIT_RANGE_ORDER):
            for name in (item.get(low_key) or {}).keys() & (item.get(high_key) or {}).keys():
                low, high = quantity(item[low_key][name]), quantity(item[high_key][name])
                if low is not None and high is not None and low > high:
                    problems.append(f"spec.limits[{index}].{name}: {low_key} exceeds {high_key}")
        for name, ratio in (item.get("maxLimitRequestRatio") or {}).items():
            if (parsed := quantity(ratio)) is not None and parsed < 1:
                problems.append(f"spec.limits[{index}].maxLimitRequestRatio.{name}: {ratio!r} is less than 1")
    return problems


def _ordered_pairs(keys: Sequence[str]) -> list[tuple[str, str]]:
    return [(keys[i], keys[j]) for i in range(len(keys)) for j in range(i + 1, len(keys))]


def check_quantities(manifest: Manifest, objects: Sequence[Manifest] = ()) -> Problems:
    """Every quantity parses and is not negative; requests <= limits; quota counts whole; limit ranges ordered."""
    problems = [problem for path, value in quantity_fields(manifest) for problem in _quantity_problems(path, value)]
    return (
        problems
        + _container_requests_within_limits(manifest)
        + _quota_counts_are_integers(manifest)
        + _limit_range_is_ordered(manifest)
    )


# ---------------------------------------------------------------------------------------------
# Rule 2: names, labels, annotations, data keys
# ---------------------------------------------------------------------------------------------

# pkg/apis/core/validation/validation.go: ValidateNamespaceName = NameIsDNSLabel,
# ValidateServiceName = NameIsDNS1035Label (RelaxedServiceNameValidation is alpha, off by default);
# every other kind here validates NameIsDNSSubdomain (apiextensions does the same for custom resources).
_NAME_RULES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "Namespace": (is_dns1123_label, "a DNS-1123 label"),
    "Service": (is_dns1035_label, "a DNS-1035 label (lowercase, starting with a letter, at most 63)"),
}
_SUBDOMAIN_RULE = (is_dns1123_subdomain, "a DNS-1123 subdomain")
# k8s.io/apimachinery/pkg/api/validation/objectmeta.go TotalAnnotationSizeLimitB
_ANNOTATIONS_SIZE_LIMIT = 256 * 1024
# pkg/apis/core/types.go MaxSecretSize, also the ConfigMap limit in ValidateConfigMap
_MAX_DATA_SIZE = 1024 * 1024


def _object_name_problems(manifest: Manifest) -> Problems:
    name, kind = _get(manifest, "metadata", "name"), str(manifest.get("kind"))
    valid, rule = _NAME_RULES.get(kind, _SUBDOMAIN_RULE)
    problems = [] if valid(name) else [f"metadata.name {name!r} must be {rule}"]
    # pkg/apis/batch/validation/validation.go ValidateCronJobCreate: the controller appends 11 characters.
    if kind == "CronJob" and isinstance(name, str) and len(name) > 52:
        problems.append(f"metadata.name {name!r} must be no more than 52 characters")
    namespace = _namespace(manifest)
    if namespace is not None and not is_dns1123_label(namespace):
        problems.append(f"metadata.namespace {namespace!r} must be a DNS-1123 label")
    return problems


def _label_problems(path: str, labels: Any) -> Problems:
    """ValidateLabels: keys are qualified names, values label values."""
    problems = []
    for key, value in (labels or {}).items():
        if not is_qualified_name(key):
            problems.append(f"{path}: key {key!r} is not a qualified name")
        if not is_label_value(value):
            problems.append(f"{path}: value {value!r} of {key!r} is not a valid label value")
    return problems


def _annotation_problems(path: str, annotations: Any) -> Problems:
    """ValidateAnnotations: keys are qualified names (checked lowercased); total size at most 256 KiB."""
    annotations = annotations or {}
    problems = [
        f"{path}: key {key!r} is not a qualified name" for key in annotations if not is_qualified_name(key.lower())
    ]
    size = sum(len(key.encode()) + len(str(value).encode()) for key, value in annotations.items())
    if size > _ANNOTATIONS_SIZE_LIMIT:
        problems.append(f"{path}: {size} bytes exceed the {_ANNOTATIONS_SIZE_LIMIT}-byte annotation limit")
    return problems


def _metadata_problems(manifest: Manifest) -> Problems:
    """Labels and annotations of the object and of every embedded template (pods, claims, NodePool nodes)."""
    problems = []
    for path, metadata in _nested(manifest, "metadata"):
        if isinstance(metadata, dict):
            problems += _label_problems(f"{path}.labels", metadata.get("labels"))
            problems += _annotation_problems(f"{path}.annotations", metadata.get("annotations"))
    return problems


def _selector_problems(manifest: Manifest) -> Problems:
    """ValidateLabelSelector on every matchLabels/matchExpressions; a Service selector is a label map."""
    problems = [
        problem for path, labels in _nested(manifest, "matchLabels") for problem in _label_problems(path, labels)
    ]
    for path, requirements in _nested(manifest, "matchExpressions"):
        for requirement in requirements or []:
            problems += _requirement_problems(path, requirement)
    if manifest.get("kind") == "Service":
        problems += _label_problems("spec.selector", _get(manifest, "spec", "selector"))
    return problems + _placement_problems(pod_spec(manifest) or {})


def _placement_problems(spec: dict[str, Any]) -> Problems:
    """ValidatePodSpec: nodeSelector is a label map; ValidateTolerations: keys qualified, values label values."""
    problems = _label_problems("spec.nodeSelector", spec.get("nodeSelector"))
    for toleration in spec.get("tolerations") or []:
        key, value = toleration.get("key", ""), toleration.get("value", "")
        if key and not is_qualified_name(key):
            problems.append(f"spec.tolerations: key {key!r} is not a qualified name")
        if not is_label_value(value):
            problems.append(f"spec.tolerations: value {value!r} of {key!r} is not a label value")
    return problems


def _requirement_problems(path: str, requirement: dict[str, Any]) -> Problems:
    """ValidateLabelSelectorRequirement: In/NotIn need values, Exists/DoesNotExist none."""
    key, operator, values = requirement.get("key"), requirement.get("operator"), requirement.get("values") or []
    problems = [] if is_qualified_name(key) else [f"{path}: key {key!r} is not a qualified name"]
    if operator in ("In", "NotIn") and not values:
        problems.append(f"{path}: operator {operator} of {key!r} needs values")
    elif operator in ("Exists", "DoesNotExist") and values:
        problems.append(f"{path}: operator {operator} of {key!r} takes no values")
    elif operator not in ("In", "NotIn", "Exists", "DoesNotExist"):
        problems.append(f"{path}: operator {operator!r} of {key!r} is not supported")
    return problems + [f"{path}: value {value!r} is not a label value" for value in values if not is_label_value(value)]


def _data_key_problems(manifest: Manifest) -> Problems:
    """ValidateConfigMap / ValidateSecret: keys are IsConfigMapKey, unique, and the data at most 1 MiB."""
    if manifest.get("kind") not in ("ConfigMap", "Secret"):
        return []
    sections = {field: manifest.get(field) or {} for field in ("data", "binaryData", "stringData")}
    problems = [
        f"{field}: key {key!r} must consist of alphanumerics, '-', '_' or '.'"
        for field, values in sections.items()
        for key in values
        if not is_config_map_key(key)
    ]
    if manifest["kind"] == "ConfigMap":
        problems += [
            f"key {key!r} is in both data and binaryData"
            for key in sections["data"].keys() & sections["binaryData"].keys()
        ]
    size = _data_size(manifest["kind"], sections)
    if size > _MAX_DATA_SIZE:
        problems.append(f"data of {size} bytes exceeds the {_MAX_DATA_SIZE}-byte limit")
    return problems


def _data_size(kind: str, sections: dict[str, dict[str, Any]]) -> int:
    """Bytes of data as stored: base64 sections (Secret data, binaryData) count decoded."""
    encoded = {"binaryData", "data"} if kind == "Secret" else {"binaryData"}
    return sum(
        len(_decoded(value)) if field in encoded else len(str(value).encode())
        for field, values in sections.items()
        for value in values.values()
    )


def _decoded(value: Any) -> bytes:
    try:
        return base64.b64decode(str(value), validate=True)
    except binascii.Error:
        return str(value).encode()


def check_names_and_metadata(manifest: Manifest, objects: Sequence[Manifest] = ()) -> Problems:
    """Names per kind, label keys and values, selectors, annotation keys and size, ConfigMap/Secret keys."""
    return (
        _object_name_problems(manifest)
        + _metadata_problems(manifest)
        + _selector_problems(manifest)
        + _data_key_problems(manifest)
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


def _handlers(container: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        if isinstance(container.get(probe), dict):
            yield probe, container[probe]
    for hook in ("postStart", "preStop"):
        if isinstance(handler := _get(container, "lifecycle", hook), dict):
            yield f"lifecycle.{hook}", handler


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
_CRON_DESCRIPTORS = {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}
_CRON_EVERY = re.compile(r"@every ((\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+)")
_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, 1)}
_DAYS = {name: number for number, name in enumerate(["sun", "mon", "tue", "wed", "thu", "fri", "sat"])}
# github.com/robfig/cron/v3 ParseStandard: minute, hour, day of month, month, day of week.
_CRON_FIELDS: tuple[tuple[str, int, int, dict[str, int]], ...] = (
    ("minute", 0, 59, {}),
    ("hour", 0, 23, {}),
    ("day of month", 1, 31, {}),
    ("month", 1, 12, _MONTHS),
    ("day of week", 0, 6, _DAYS),
)


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


def cron_schedule_problems(schedule: Any) -> Problems:
    """validateScheduleFormat: robfig/cron ParseStandard, and no TZ in the schedule (timeZone is the field)."""
    if not isinstance(schedule, str) or not schedule.strip():
        return ["spec.schedule is required"]
    if "TZ" in schedule:
        return [f"spec.schedule {schedule!r}: use timeZone, not TZ or CRON_TZ"]
    if schedule.startswith("@"):
        valid = schedule in _CRON_DESCRIPTORS or _CRON_EVERY.fullmatch(schedule) is not None
        return [] if valid else [f"spec.schedule {schedule!r} is not a known descriptor"]
    fields = schedule.split()
    if len(fields) != len(_CRON_FIELDS):
        return [f"spec.schedule {schedule!r} needs 5 fields, has {len(fields)}"]
    return [
        f"spec.schedule {schedule!r}: {label} {value!r} is invalid"
        for value, (label, low, high, names) in zip(fields, _CRON_FIELDS, strict=True)
        if not _cron_field_is_valid(value, low, high, names)
    ]


def _cron_field_is_valid(field: str, low: int, high: int, names: dict[str, int]) -> bool:
    for part in field.split(","):
        span, slash, step = part.partition("/")
        if slash and not (step.isdigit() and int(step) > 0):
            return False
        if span in ("*", "?"):
            continue
        start, dash, end = span.partition("-")
        first = _cron_value(start, names)
        last = _cron_value(end, names) if dash else (high if slash else first)
        if first is None or last is None or not low <= first <= last <= high:
            return False
    return True


def _cron_value(text: str, names: dict[str, int]) -> int | None:
    if text.isdigit():
        return int(text)
    return names.get(text.lower())


def _time_zone_problems(time_zone: Any) -> Problems:
    """validateTimeZone: an explicit IANA zone that time.LoadLocation knows, not Local."""
    if time_zone is None:
        return []
    if not isinstance(time_zone, str) or not time_zone or time_zone.lower() == "local":
        return [f"spec.timeZone {time_zone!r} must be an explicit IANA time zone"]
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return [f"spec.timeZone {time_zone!r} is not a known time zone"]
    return []


def _cron_job_problems(cron_job: Manifest) -> Problems:
    spec = cron_job.get("spec") or {}
    return cron_schedule_problems(spec.get("schedule")) + _time_zone_problems(spec.get("timeZone"))


def ingress_backends(ingress: Manifest) -> list[tuple[str, dict[str, Any]]]:
    spec = ingress.get("spec") or {}
    backends = [("spec.defaultBackend", spec["defaultBackend"])] if spec.get("defaultBackend") else []
    for r, rule in enumerate(spec.get("rules") or []):
        for p, path in enumerate(_get(rule, "http", "paths") or []):
            backends.append((f"spec.rules[{r}].http.paths[{p}].backend", path.get("backend") or {}))
    return backends


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


# ---------------------------------------------------------------------------------------------
# Rule 5: known kinds
# ---------------------------------------------------------------------------------------------


def check_known_kind(manifest: Manifest, objects: Sequence[Manifest] = ()) -> Problems:
    """(apiVersion, kind) is one the platform uses; namespace is set exactly when the kind is namespaced."""
    key = (manifest.get("apiVersion"), manifest.get("kind"))
    if key not in KNOWN_KINDS:
        return [f"{key[0]}/{key[1]} is not a kind this platform declares (typo?)"]
    namespaced, namespace = KNOWN_KINDS[key], _namespace(manifest)
    if namespaced and not namespace:
        return [f"{key[1]} is namespaced: without metadata.namespace it lands in the provider's default"]
    if not namespaced and namespace:
        return [f"{key[1]} is cluster-scoped: metadata.namespace {namespace!r} would be dropped"]
    return []


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


# ---------------------------------------------------------------------------------------------
# Rule 7: every PodDisruptionBudget allows a disruption (pkg/controller/disruption/disruption.go)
# ---------------------------------------------------------------------------------------------


def replicas(workload: Manifest, objects: Sequence[Manifest]) -> int:
    """spec.replicas (default 1), or the minReplicas of an HPA that scales the workload."""
    for hpa in _in_namespace(objects, _namespace(workload), "HorizontalPodAutoscaler"):
        target = _get(hpa, "spec", "scaleTargetRef") or {}
        if target.get("kind") == workload.get("kind") and target.get("name") == _name(workload):
            return int(_get(hpa, "spec", "minReplicas") or 1)
    return int((workload.get("spec") or {}).get("replicas", 1))


def _budget_value_problems(spec: dict[str, Any]) -> Problems:
    """ValidatePodDisruptionBudgetSpec: a non-negative integer or a percentage of at most 100%."""
    problems = []
    for field in ("minAvailable", "maxUnavailable"):
        value = spec.get(field)
        if value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
            continue
        if not (isinstance(value, str) and _PERCENT.fullmatch(value) and int(value[:-1]) <= 100):
            problems.append(f"spec.{field} {value!r} must be a non-negative integer or a percentage up to 100%")
    return problems


def _scaled(value: int | str, total: int) -> int:
    """intstr.GetScaledValueFromIntOrPercent(value, total, roundUp=true)."""
    if isinstance(value, int):
        return value
    return -(-int(value.rstrip("%")) * total // 100)


def disruptions_allowed(pdb: Manifest, objects: Sequence[Manifest]) -> tuple[int, str]:
    """(disruptionsAllowed at steady state, why) as getExpectedPodCount and updatePdbStatus compute it."""
    spec = pdb.get("spec") or {}
    selected = workloads_selected(objects, _namespace(pdb), spec.get("selector"))
    if not selected:
        return 0, "it selects no pods of any workload in the plan"
    by_scale = "maxUnavailable" in spec or isinstance(spec.get("minAvailable"), str)
    unscalable = [w for w in selected if w.get("kind") not in _SCALABLE_KINDS and w.get("kind") != "Pod"]
    if by_scale and unscalable:
        names = ", ".join(f"{w.get('kind')}/{_name(w)}" for w in unscalable)
        return 0, f"it selects pods of {names}, which has no scale subresource, so the controller fails safe"
    expected = sum(replicas(w, objects) for w in selected if w.get("kind") in _SCALABLE_KINDS)
    if "maxUnavailable" in spec:
        desired = max(expected - _scaled(spec["maxUnavailable"], expected), 0)
    elif "minAvailable" in spec:
        desired = _scaled(spec["minAvailable"], expected)
    else:
        return 0, "it sets neither minAvailable nor maxUnavailable"
    return expected - desired, f"{expected} expected pods, {desired} must stay healthy"


def check_disruption_budget(manifest: Manifest, objects: Sequence[Manifest] = ()) -> Problems:
    """A PodDisruptionBudget lets at least one pod be evicted, or it blocks every drain."""
    if manifest.get("kind") != "PodDisruptionBudget":
        return []
    spec = manifest.get("spec") or {}
    if "minAvailable" in spec and "maxUnavailable" in spec:
        return ["minAvailable and maxUnavailable cannot both be set (ValidatePodDisruptionBudgetSpec)"]
    if problems := _budget_value_problems(spec):
        return problems
    allowed, why = disruptions_allowed(manifest, objects)
    return [] if allowed >= 1 else [f"allows {max(allowed, 0)} disruptions: {why}"]


RULES: dict[str, Check] = {
    "quantities": check_quantities,
    "names_and_metadata": check_names_and_metadata,
    "named_ports": check_named_ports,
    "required_fields": check_required_fields,
    "known_kind": check_known_kind,
    "pod_security_restricted": check_pod_security_restricted,
    "disruption_budget": check_disruption_budget,
}
