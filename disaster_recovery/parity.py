"""Parity of a DR pair: the active stack's graph against its standby planned as active.

Both plans are normalized (names, regions, networks and assigned ids, see
data/parity_allowed.yaml), compared as `make diff` compares two plans, and every remaining
difference is either declared allowed there, with its reason, or fails the check.
"""

from __future__ import annotations

import fnmatch
import functools
import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from difference import compare_plans

ALLOWED = Path(__file__).resolve().parent / "data" / "parity_allowed.yaml"
_IPV4_NETWORK = re.compile(r"\b(\d{1,3}(?:\.\d{1,3}){3})/(\d{1,2})\b")
_ASSIGNED_IDS = (
    (re.compile(r"\b[a-z]+-[0-9a-f]{17}\b"), "<id>"),
    (re.compile(r"\b[0-9a-f]{17}\b"), "<id>"),
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"), "<uuid>"),
    (re.compile(r"\bws-[0-9a-f]{8}-[0-9a-f]{4}\b"), "<workspace-id>"),
    (re.compile(r"\b[a-z]{3,4}\d-az\d\b"), "<zone-id>"),
    # An ALB's DNS name, which the AWS Load Balancer Controller gets from AWS.
    (re.compile(r"\b(?:internal-)?k8s-[a-z0-9-]+?-[0-9a-f]{10}-\d+\.(?=<region>\.elb\.)"), "<alb>."),
    (re.compile(r"-[0-9a-f]{7}\b"), "-<suffix>"),
)


@dataclass(frozen=True)
class Finding:
    ref: str
    path: str  # "(only in <stack>)" for a resource one side lacks
    before: str
    after: str
    why: str | None  # the declared reason, or None: not allowed


@dataclass
class ParityReport:
    active: str
    standby: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def unexplained(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.why is None]

    @property
    def clean(self) -> bool:
        return not self.unexplained

    def lines(self) -> list[str]:
        verdict = "clean" if self.clean else f"{len(self.unexplained)} difference(s) not allowed"
        out = [f"parity {self.active} / {self.standby} (as active): {verdict}"]
        allowed: dict[str, int] = {}
        for finding in self.findings:
            if finding.why:
                allowed[finding.why] = allowed.get(finding.why, 0) + 1
        out += [f"  allowed x{count}: {why}" for why, count in sorted(allowed.items())]
        out.append(
            f"  normalized first: cluster names, regions, networks inside the VPC, assigned ids ({ALLOWED.name})"
        )
        out += [f"  NOT ALLOWED: {f.ref} {f.path}: {f.before} -> {f.after}" for f in self.unexplained]
        if self.unexplained:
            out.append(
                f"  fix the stack file that drifted, or declare the difference in {ALLOWED.name} with its reason"
            )
        return out


@functools.cache
def allowed_rules() -> dict[str, Any]:
    rules: dict[str, Any] = yaml.safe_load(ALLOWED.read_text())
    return rules


# Besides the inputs: what the engine waits for, and what it refuses to delete.
GRAPH_FIELDS = ("dependsOn", "protect")


def check_parity(active: dict[str, Any], standby: dict[str, Any]) -> ParityReport:
    """`standby` is normally the standby planned as active; planned as it is, the report also
    lists its role-driven sizes, undeclared."""
    a, b = active["stack"], standby["stack"]
    a_region, b_region = active["outputs"]["region"], standby["outputs"]["region"]
    left, right = normalized(active, b, b_region), normalized(standby, a, a_region)
    difference = compare_plans(left, right)
    report = ParityReport(a, b)
    for ref, side in [(ref, a) for ref in difference.removed] + [(ref, b) for ref in difference.added]:
        report.findings.append(Finding(ref, f"(only in {side})", "", "", _only_in_one_reason(ref)))
    for ref, changes in sorted(difference.changed.items()):
        for change in changes:
            path = re.sub(r"\[\d+\]", "[]", change.path)
            report.findings.append(Finding(ref, change.path, change.before, change.after, _path_reason(ref, path)))
    before = {f"{r['type']}::{r['name']}": r for r in left["resources"]}
    for resource in right["resources"]:
        ref = f"{resource['type']}::{resource['name']}"
        old = before.get(difference.renamed.get(ref, ref))
        if old is None:
            continue
        for key in GRAPH_FIELDS:
            if old[key] != resource[key]:
                reason = _path_reason(ref, f"({key})")
                report.findings.append(Finding(ref, f"({key})", str(old[key]), str(resource[key]), reason))
    return report


def _only_in_one_reason(ref: str) -> str | None:
    kind = ref.split("::", 1)[0]
    return next((rule["why"] for rule in allowed_rules()["only_in_one"] if fnmatch.fnmatch(kind, rule["type"])), None)


def _path_reason(ref: str, path: str) -> str | None:
    kind = ref.split("::", 1)[0]
    for rule in allowed_rules()["paths"]:
        if fnmatch.fnmatch(kind, rule["type"]) and re.search(rule["path"], path):
            return str(rule["why"])
    return None


def normalized(plan: dict[str, Any], peer: str, peer_region: str | None = None) -> dict[str, Any]:
    """The plan with what legitimately differs between regions replaced by placeholders; the
    peer's region too, where the plan names it (a replication destination)."""
    outputs = plan["outputs"]
    rewrite = _rewriter(plan["project"], plan["stack"], peer, outputs["region"], _vpc_cidr(plan), peer_region)
    fields = ("name", "parent", "inputs", "dependencies", "dependsOn", "aliases")
    resources = [{**r, **{key: _walk(r.get(key), rewrite) for key in fields}} for r in plan["resources"]]
    return {**plan, "resources": resources}


def _rewriter(
    project: str, stack: str, peer: str, region: str, vpc: str, peer_region: str | None
) -> Callable[[str], str]:
    names = sorted(
        ((f"{project}-{stack}", "<cluster>"), (f"{project}-{peer}", "<peer-cluster>")), key=lambda p: -len(p[0])
    )
    network = ipaddress.IPv4Network(vpc)

    def relative(match: re.Match[str]) -> str:
        try:
            address = ipaddress.IPv4Network(match.group(0))
        except ValueError:
            return match.group(0)
        if not address.subnet_of(network):
            return match.group(0)
        offset = int(address.network_address) - int(network.network_address)
        return f"<vpc>+{offset}/{address.prefixlen}"

    def rewrite(text: str) -> str:
        for name, placeholder in names:
            text = text.replace(name, placeholder)
        text = text.replace(f"urn:pulumi:{stack}::", "urn:pulumi:<stack>::").replace(region, "<region>")
        if peer_region:
            text = text.replace(peer_region, "<peer-region>")
        text = _IPV4_NETWORK.sub(relative, text)
        for pattern, placeholder in _ASSIGNED_IDS:
            text = pattern.sub(placeholder, text)
        return text

    return rewrite


def _vpc_cidr(plan: dict[str, Any]) -> str:
    return next(r["inputs"]["cidrBlock"] for r in plan["resources"] if r["type"] == "aws:ec2/vpc:Vpc")


def _walk(value: Any, rewrite: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return rewrite(value)
    if isinstance(value, dict):
        return {rewrite(key): _walk(item, rewrite) for key, item in value.items()}
    if isinstance(value, list):
        return [_walk(item, rewrite) for item in value]
    return value
