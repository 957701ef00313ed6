"""The plan's ValidatingAdmissionPolicies, evaluated offline against the Kubernetes objects it declares.

Reads the policies and bindings from the plan, not from the program, so a plan from another
commit is judged by its own rules. For each binding it selects what the API server would send to
the policy (resource rules, namespace and object selectors, with namespace labels from the
planned Namespaces and NamespacePatches), then evaluates the policy's variables and validations
with cel-python. An expression that cannot be evaluated denies under failurePolicy Fail, as on
the cluster. Objects are judged as created: `oldObject` is null and the operation is CREATE. matchConditions
are honoured; paramKind and the authorizer are not (no rule uses them).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

import celpy
from celpy import celtypes

from policy.results import ADVISORY, MANDATORY, PolicyResult

POLICY_TYPE = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy"
BINDING_TYPE = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding"
NAMESPACE_TYPES = ("kubernetes:core/v1:Namespace", "kubernetes:core/v1:NamespacePatch")
# Declared resources that are not objects of their own: Helm releases are rendered at deploy time.
_NOT_OBJECTS = ("kubernetes:helm.sh/",)
# The label the API server puts on every namespace (since Kubernetes 1.22).
NAME_LABEL = "kubernetes.io/metadata.name"
SOURCE = "admission"


@dataclass(frozen=True)
class PlannedObject:
    ref: str  # the plan's `type::name`
    manifest: dict[str, Any]

    @property
    def namespace(self) -> str | None:
        return self.manifest.get("metadata", {}).get("namespace")


@dataclass(frozen=True)
class Binding:
    policy: dict[str, Any]  # the policy's spec
    name: str  # the policy's name
    spec: dict[str, Any]  # the binding's spec

    @property
    def enforcement(self) -> str:
        return MANDATORY if "Deny" in self.spec.get("validationActions", []) else ADVISORY


def admission_results(plan: dict[str, Any]) -> list[PolicyResult]:
    """Every denial the plan's bindings would return for the plan's objects."""
    namespaces, objects = namespace_labels(plan), planned_objects(plan)
    results = []
    for binding in bindings(plan):
        for planned in matched_objects(binding, objects, namespaces):
            results += [
                PolicyResult(binding.name, binding.enforcement, planned.ref, message, SOURCE)
                for message in denials(binding, planned, namespaces)
            ]
    return results


def checked_object_counts(plan: dict[str, Any]) -> dict[str, int]:
    """Policy name -> how many planned objects its bindings select, for a summary line."""
    namespaces, objects = namespace_labels(plan), planned_objects(plan)
    counts = {policy["inputs"]["metadata"]["name"]: 0 for policy in _of_type(plan, POLICY_TYPE)}
    for binding in bindings(plan):
        counts[binding.name] += len(matched_objects(binding, objects, namespaces))
    return counts


# --- what the plan declares -------------------------------------------------------------------


def _of_type(plan: dict[str, Any], typ: str) -> list[dict[str, Any]]:
    return [resource for resource in plan["resources"] if resource["type"] == typ]


def bindings(plan: dict[str, Any]) -> list[Binding]:
    """Each binding with the policy it names; a binding naming no planned policy enforces nothing."""
    policies = {p["inputs"]["metadata"]["name"]: p["inputs"]["spec"] for p in _of_type(plan, POLICY_TYPE)}
    found = []
    for binding in _of_type(plan, BINDING_TYPE):
        name = binding["inputs"]["spec"]["policyName"]
        if name in policies:
            found.append(Binding(policies[name], name, binding["inputs"]["spec"]))
    return found


def planned_objects(plan: dict[str, Any]) -> list[PlannedObject]:
    return [
        PlannedObject(f"{resource['type']}::{resource['name']}", resource["inputs"])
        for resource in plan["resources"]
        if resource["type"].startswith("kubernetes:")
        and not resource["type"].startswith(_NOT_OBJECTS)
        and not resource["type"].endswith("Patch")
        and "kind" in resource["inputs"]
    ]


def namespace_labels(plan: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Labels of every namespace the plan declares or patches, the API server's name label included."""
    labels: dict[str, dict[str, str]] = {}
    for resource in [r for typ in NAMESPACE_TYPES for r in _of_type(plan, typ)]:
        metadata = resource["inputs"]["metadata"]
        labels.setdefault(metadata["name"], {NAME_LABEL: metadata["name"]}).update(metadata.get("labels") or {})
    return labels


# --- which objects a binding sees -------------------------------------------------------------


def matched_objects(
    binding: Binding, objects: list[PlannedObject], namespaces: dict[str, dict[str, str]]
) -> list[PlannedObject]:
    constraints = [binding.policy.get("matchConstraints") or {}, binding.spec.get("matchResources") or {}]
    return [obj for obj in objects if all(_matches(rules, obj, namespaces) for rules in constraints)]


def _matches(match: dict[str, Any], obj: PlannedObject, namespaces: dict[str, dict[str, str]]) -> bool:
    """MatchResources: an unset resourceRules or selector does not narrow what matches."""
    included = not match.get("resourceRules") or any(_rule_matches(r, obj) for r in match["resourceRules"])
    excluded = any(_rule_matches(r, obj) for r in match.get("excludeResourceRules") or [])
    labels = obj.manifest.get("metadata", {}).get("labels") or {}
    return (
        included
        and not excluded
        and label_selector_matches(match.get("objectSelector"), labels)
        and _namespace_selected(match.get("namespaceSelector"), obj, namespaces)
    )


def _namespace_selected(
    selector: dict[str, Any] | None, obj: PlannedObject, namespaces: dict[str, dict[str, str]]
) -> bool:
    """A Namespace is judged by its own labels; other cluster-scoped objects are never skipped."""
    if obj.manifest["kind"] == "Namespace":
        name = obj.manifest["metadata"]["name"]
    elif obj.namespace is None:
        return True
    else:
        name = obj.namespace
    return label_selector_matches(selector, namespaces.get(name, {NAME_LABEL: name}))


def _rule_matches(rule: dict[str, Any], obj: PlannedObject) -> bool:
    group, version, resource = group_version_resource(obj.manifest)
    scope = rule.get("scope", "*")
    in_scope = scope == "*" or (scope == "Namespaced") == (obj.namespace is not None)
    return (
        _listed(rule.get("operations"), "CREATE")
        and _listed(rule.get("apiGroups"), group)
        and _listed(rule.get("apiVersions"), version)
        and (_listed(rule.get("resources"), resource) or "*/*" in (rule.get("resources") or []))
        and in_scope
    )


def _listed(values: list[str] | None, value: str) -> bool:
    listed = values or []
    return "*" in listed or value in listed


def group_version_resource(manifest: dict[str, Any]) -> tuple[str, str, str]:
    group, _, version = manifest["apiVersion"].rpartition("/")
    return group, version, resource_name(manifest["kind"])


def resource_name(kind: str) -> str:
    """The plural client-go's UnsafeGuessKindToResource derives, right for every built-in kind the plans use."""
    lower = kind.lower()
    if lower.endswith("s"):
        return f"{lower}es"
    if lower.endswith("y"):
        return f"{lower[:-1]}ies"
    return f"{lower}s"


def label_selector_matches(selector: dict[str, Any] | None, labels: dict[str, str]) -> bool:
    """metav1.LabelSelector: matchLabels and matchExpressions, all of them; an empty selector matches all."""
    if not selector:
        return True
    if any(labels.get(key) != value for key, value in (selector.get("matchLabels") or {}).items()):
        return False
    return all(_expression_matches(expression, labels) for expression in selector.get("matchExpressions") or [])


def _expression_matches(expression: dict[str, Any], labels: dict[str, str]) -> bool:
    key, operator, values = expression["key"], expression["operator"], expression.get("values") or []
    outcomes = {
        "In": key in labels and labels[key] in values,
        "NotIn": key not in labels or labels[key] not in values,
        "Exists": key in labels,
        "DoesNotExist": key not in labels,
    }
    return outcomes[operator]


# --- the CEL -----------------------------------------------------------------------------------


class _EvaluationError(Exception):
    pass


# `variables.<name>` in an expression: the variables it reads.
_VARIABLE_READ = re.compile(r"\bvariables\.([A-Za-z_][A-Za-z0-9_]*)")


def denials(binding: Binding, obj: PlannedObject, namespaces: dict[str, dict[str, str]]) -> list[str]:
    """The message of every validation the object fails; an evaluation error fails unless the policy ignores it."""
    fail_closed = binding.policy.get("failurePolicy", "Fail") == "Fail"
    activation = _activation(obj, namespaces)
    try:
        if not all(_truth(c["expression"], activation, {}) for c in binding.policy.get("matchConditions") or []):
            return []
    except _EvaluationError as error:
        return [_error_message(error)] if fail_closed else []
    activation["variables"], broken = _variables(binding.policy.get("variables") or [], activation)
    messages = []
    for validation in binding.policy.get("validations") or []:
        try:
            passed = _truth(validation["expression"], activation, broken)
        except _EvaluationError as error:
            messages += [_error_message(error)] if fail_closed else []
            continue
        if not passed:
            messages.append(_message(validation, activation, broken))
    return messages


def _error_message(error: _EvaluationError) -> str:
    return f"could not be evaluated, which denies (failurePolicy Fail): {error}"


def _truth(expression: str, activation: dict[str, Any], broken: dict[str, str]) -> bool:
    value = _evaluate_reading(expression, activation, broken)
    # cel-python answers BoolType (an int) or, from some operators, a plain bool.
    if not isinstance(value, (bool, celtypes.BoolType)):
        raise _EvaluationError(f"expression returned {type(value).__name__}, not bool")
    return bool(value)


def _variables(declared: list[dict[str, str]], activation: dict[str, Any]) -> tuple[celtypes.MapType, dict[str, str]]:
    """Variables in order, each seeing those before it; a failed one is kept out, with its error."""
    values = celtypes.MapType()
    broken: dict[str, str] = {}
    for variable in declared:
        try:
            value = _evaluate_reading(variable["expression"], {**activation, "variables": values}, broken)
            values[celtypes.StringType(variable["name"])] = value
        except _EvaluationError as error:
            broken[variable["name"]] = str(error)
    return values, broken


def _evaluate_reading(expression: str, activation: dict[str, Any], broken: dict[str, str]) -> Any:
    """An expression that reads a failed variable fails with that variable's error, as the API server's
    lazy variables do. (cel-python's has() would turn the missing variable into false instead.)"""
    for name in _VARIABLE_READ.findall(expression):
        if name in broken:
            raise _EvaluationError(f"variables.{name}: {broken[name]}")
    return _evaluate(expression, activation)


def _message(validation: dict[str, Any], activation: dict[str, Any], broken: dict[str, str]) -> str:
    """messageExpression when it yields a string, else message, else the API server's default."""
    if validation.get("messageExpression"):
        try:
            message = _evaluate_reading(validation["messageExpression"], activation, broken)
            if isinstance(message, str) and message.strip():  # StringType, or a plain str from `+`
                return str(message)
        except _EvaluationError:
            pass
    return str(validation.get("message") or f"failed expression: {validation['expression']}")


def _evaluate(expression: str, activation: dict[str, Any]) -> Any:
    try:
        result = _program(expression).evaluate(activation)
    except (celpy.CELEvalError, celpy.CELParseError, TypeError, ValueError, KeyError) as error:
        raise _EvaluationError(_short(error)) from error
    if isinstance(result, celpy.CELEvalError):
        raise _EvaluationError(_short(result))
    return result


@functools.cache
def _program(expression: str) -> celpy.Runner:
    environment = celpy.Environment()
    return environment.program(environment.compile(expression))


def _short(error: Exception) -> str:
    """cel-python's errors carry the whole activation; the first argument says what went wrong."""
    return str(error.args[0]) if error.args else type(error).__name__


# --- what the expressions see ------------------------------------------------------------------


def _activation(obj: PlannedObject, namespaces: dict[str, dict[str, str]]) -> dict[str, Any]:
    return {
        "object": celpy.json_to_cel(visible_object(obj.manifest)),
        "oldObject": None,
        "params": None,
        "request": celpy.json_to_cel(_request(obj)),
        "namespaceObject": celpy.json_to_cel(_namespace_object(obj, namespaces)),
    }


def visible_object(manifest: dict[str, Any]) -> dict[str, Any]:
    """Of the metadata, a policy sees only name and generateName (ValidatingAdmissionPolicy docs)."""
    metadata = {key: value for key, value in manifest.get("metadata", {}).items() if key in ("name", "generateName")}
    return {**manifest, "metadata": metadata}


def _request(obj: PlannedObject) -> dict[str, Any]:
    group, version, resource = group_version_resource(obj.manifest)
    return {
        "kind": {"group": group, "version": version, "kind": obj.manifest["kind"]},
        "resource": {"group": group, "version": version, "resource": resource},
        "name": obj.manifest.get("metadata", {}).get("name", ""),
        "namespace": obj.namespace or "",  # empty for a cluster-scoped object, as in an AdmissionRequest
        "operation": "CREATE",
        "dryRun": False,
    }


def _namespace_object(obj: PlannedObject, namespaces: dict[str, dict[str, str]]) -> dict[str, Any] | None:
    if obj.namespace is None:
        return None
    labels = namespaces.get(obj.namespace, {NAME_LABEL: obj.namespace})
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": obj.namespace, "labels": labels}}
