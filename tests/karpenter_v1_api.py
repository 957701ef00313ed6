"""What Karpenter's v1 API requires of NodePool and EC2NodeClass objects.

Written from the v1 API reference and CRDs (karpenter.sh_nodepools.yaml,
karpenter.k8s.aws_ec2nodeclasses.yaml at v1.14): required fields, enums and
patterns. kubernetes-validate skips custom resources, so this is the check.
Returns a list of problems; empty means valid.
"""

from __future__ import annotations

import re
from typing import Any

_DURATION = re.compile(r"^([0-9]+(s|m|h))+$")
_BUDGET_NODES = re.compile(r"^((100|[0-9]{1,2})%|[0-9]+)$")
_BUDGET_DURATION = re.compile(r"^((([0-9]+(h|m))|([0-9]+h[0-9]+m))(0s)?)$")
_ALIAS = re.compile(r"^[a-zA-Z0-9]+@.+$")
_ALIAS_FAMILIES = ("al2", "al2023", "bottlerocket", "windows2019", "windows2022", "windows2025")
_VOLUME_SIZE = re.compile(
    r"^((?:[1-9][0-9]{0,3}|[1-4][0-9]{4}|[5][0-8][0-9]{3}|59000)Gi|(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|[6][0-3][0-9]{3}|64000)G|([1-9]||[1-5][0-7]|58)Ti|([1-9]||[1-5][0-9]|6[0-3]|64)T)$"
)
_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt", "Gte", "Lte")
_RESTRICTED_REQUIREMENT_KEYS = ("kubernetes.io/hostname", "karpenter.sh/nodepool")
_RESTRICTED_TAGS = (
    "eks:eks-cluster-name",
    "karpenter.sh/nodepool",
    "karpenter.sh/nodeclaim",
    "karpenter.k8s.aws/ec2nodeclass",
)


def _missing(obj: dict[str, Any], path: str) -> bool:
    node: Any = obj
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node or node[part] in (None, "", [], {}):
            return True
        node = node[part]
    return False


def node_pool_problems(obj: dict[str, Any]) -> list[str]:
    problems = []
    if obj.get("apiVersion") != "karpenter.sh/v1" or obj.get("kind") != "NodePool":
        problems.append("apiVersion/kind must be karpenter.sh/v1 NodePool")
    for path in (
        "metadata.name",
        "spec.template.spec.requirements",
        "spec.template.spec.nodeClassRef.group",
        "spec.template.spec.nodeClassRef.kind",
        "spec.template.spec.nodeClassRef.name",
    ):
        if _missing(obj, path):
            problems.append(f"{path} is required")
    template = obj.get("spec", {}).get("template", {}).get("spec", {})
    for requirement in template.get("requirements", []):
        problems += _requirement_problems(requirement)
    expire = template.get("expireAfter")
    if expire is not None and expire != "Never" and not _DURATION.match(expire):
        problems.append(f"expireAfter {expire!r} must be a duration or Never")
    disruption = obj.get("spec", {}).get("disruption")
    if disruption is not None:
        problems += _disruption_problems(disruption)
    weight = obj.get("spec", {}).get("weight")
    if weight is not None and not (isinstance(weight, int) and 1 <= weight <= 100):
        problems.append(f"weight {weight!r} must be 1..100")
    for resource, quantity in obj.get("spec", {}).get("limits", {}).items():
        if not isinstance(quantity, (str, int)):
            problems.append(f"limits.{resource} must be a quantity")
    return problems


def _requirement_problems(requirement: dict[str, Any]) -> list[str]:
    key, operator, values = requirement.get("key"), requirement.get("operator"), requirement.get("values", [])
    problems = []
    if not key or operator not in _OPERATORS:
        problems.append(f"requirement {requirement!r} needs a key and an operator in {_OPERATORS}")
    if key in _RESTRICTED_REQUIREMENT_KEYS:
        problems.append(f"requirement key {key} is restricted")
    if operator == "In" and not values:
        problems.append(f"requirement {key} with In needs values")
    if operator in ("Gt", "Lt", "Gte", "Lte") and (len(values) != 1 or not str(values[0]).isdigit()):
        problems.append(f"requirement {key} with {operator} needs one non-negative integer")
    if any(not isinstance(value, str) for value in values):
        problems.append(f"requirement {key} values must be strings")
    return problems


def _disruption_problems(disruption: dict[str, Any]) -> list[str]:
    problems = []
    after = disruption.get("consolidateAfter")
    if after is None:
        problems.append("disruption.consolidateAfter is required")
    elif after != "Never" and not _DURATION.match(after):
        problems.append(f"consolidateAfter {after!r} must be a duration or Never")
    policy = disruption.get("consolidationPolicy")
    if policy is not None and policy not in ("WhenEmpty", "WhenEmptyOrUnderutilized", "Balanced"):
        problems.append(f"consolidationPolicy {policy!r} is not an allowed value")
    for budget in disruption.get("budgets", []):
        if not _BUDGET_NODES.match(str(budget.get("nodes", ""))):
            problems.append(f"budget nodes {budget.get('nodes')!r} must be a count or percentage")
        if ("schedule" in budget) != ("duration" in budget):
            problems.append("budget schedule and duration go together")
        if "duration" in budget and not _BUDGET_DURATION.match(budget["duration"]):
            problems.append(f"budget duration {budget['duration']!r} must be hours/minutes")
    return problems


def ec2_node_class_problems(obj: dict[str, Any]) -> list[str]:
    problems = []
    if obj.get("apiVersion") != "karpenter.k8s.aws/v1" or obj.get("kind") != "EC2NodeClass":
        problems.append("apiVersion/kind must be karpenter.k8s.aws/v1 EC2NodeClass")
    spec = obj.get("spec", {})
    for path in (
        "metadata.name",
        "spec.amiSelectorTerms",
        "spec.subnetSelectorTerms",
        "spec.securityGroupSelectorTerms",
    ):
        if _missing(obj, path):
            problems.append(f"{path} is required")
    if bool(spec.get("role")) == bool(spec.get("instanceProfile")):
        problems.append("exactly one of spec.role and spec.instanceProfile")
    terms = spec.get("amiSelectorTerms", [])
    aliases = [term["alias"] for term in terms if "alias" in term]
    if aliases and (len(terms) != 1 or len(terms[0]) != 1):
        problems.append("an alias amiSelectorTerm must be the only term and field")
    for alias in aliases:
        if not _ALIAS.match(alias) or len(alias) > 30 or alias.split("@")[0] not in _ALIAS_FAMILIES:
            problems.append(f"alias {alias!r} must be <family>@<version>")
    if not aliases and "amiFamily" not in spec:
        problems.append("spec.amiFamily is required without an alias")
    metadata = spec.get("metadataOptions", {})
    if metadata.get("httpTokens", "required") not in ("required", "optional"):
        problems.append("metadataOptions.httpTokens must be required or optional")
    if not 1 <= metadata.get("httpPutResponseHopLimit", 1) <= 64:
        problems.append("metadataOptions.httpPutResponseHopLimit must be 1..64")
    mappings = spec.get("blockDeviceMappings", [])
    if sum(1 for m in mappings if m.get("rootVolume")) > 1:
        problems.append("at most one blockDeviceMapping may be the root volume")
    for mapping in mappings:
        ebs = mapping.get("ebs", {})
        if "volumeSize" not in ebs and "snapshotID" not in ebs:
            problems.append("ebs needs volumeSize or snapshotID")
        if "volumeSize" in ebs and not _VOLUME_SIZE.match(str(ebs["volumeSize"])):
            problems.append(f"ebs.volumeSize {ebs['volumeSize']!r} must be a quantity like 100Gi")
        if ebs.get("volumeType", "gp3") not in ("standard", "io1", "io2", "gp2", "sc1", "st1", "gp3"):
            problems.append(f"ebs.volumeType {ebs.get('volumeType')!r} is not allowed")
        if "kmsKeyId" in ebs:
            problems.append("ebs.kmsKeyId is spelt kmsKeyID")
    for key in spec.get("tags", {}):
        if not key or key.startswith("kubernetes.io/cluster") or key in _RESTRICTED_TAGS:
            problems.append(f"tag {key!r} is managed by Karpenter")
    return problems
