"""Rule 2: names, labels, annotations, selectors, and ConfigMap/Secret data keys.

Sources:
- k8s.io/apimachinery/pkg/api/validation/objectmeta.go: annotations, namespace, name functions
- k8s.io/apimachinery/pkg/apis/meta/v1/validation/validation.go: labels, label selectors
- pkg/apis/core/validation/validation.go: names per kind, tolerations, ConfigMap and Secret keys
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Any

from tests.kubernetes_api_rules.grammar import (
    is_config_map_key,
    is_dns1035_label,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_label_value,
    is_qualified_name,
)
from tests.kubernetes_api_rules.manifests import Manifest, Problems, _get, _namespace, _nested, pod_spec

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
