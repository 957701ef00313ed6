"""ALB Ingress annotations of every stack use documented values of the AWS Load Balancer Controller.

Kubernetes objects and Helm release values are both searched. Catalogue: tests/catalogues/ingress.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from offline_plan.manifests import kubernetes_objects
from tests import catalogues as cat
from tests.aws_checks import open_findings, stack_region
from tests.conftest import STACKS, graph
from tests.graph import Graph, ref

# ======================================================================================
# 6b. AWS Load Balancer Controller annotations (docs/guide/ingress/annotations.md at v2.17.1)
# ======================================================================================


def alb_annotation_problems(annotations: dict[str, Any], region: str) -> list[str]:
    alb = {k: v for k, v in annotations.items() if k.startswith(cat.ALB_ANNOTATION_PREFIX)}
    get = {k.removeprefix(cat.ALB_ANNOTATION_PREFIX): v for k, v in alb.items()}
    found = [
        f"{key} is not an annotation of the controller's v2.17.1 table"
        for key in alb
        if not cat.alb_annotation_documented(key)
    ]
    found += [f"{key}: value must be a string" for key, value in alb.items() if not isinstance(value, str)]
    if "scheme" in get and get["scheme"] not in cat.ALB_SCHEMES:
        found.append(f"scheme {get['scheme']!r} is not one of {sorted(cat.ALB_SCHEMES)}")
    if "target-type" in get and get["target-type"] not in cat.ALB_TARGET_TYPES:
        found.append(f"target-type {get['target-type']!r} is not one of {sorted(cat.ALB_TARGET_TYPES)}")
    certificates = [c.strip() for c in str(get.get("certificate-arn", "")).split(",") if c.strip()]
    for arn in certificates:
        match = cat.ACM_CERTIFICATE_ARN.fullmatch(arn)
        if not match:
            found.append(f"certificate-arn {arn!r} is not an ACM certificate ARN")
        elif match.group(1) != region:
            found.append(f"certificate-arn {arn!r} is not in the stack's region {region}")
    if "certificate-arn" in get and not certificates:
        found.append("certificate-arn is empty")
    # listen-ports defaults to [{"HTTPS": 443}] with a certificate, [{"HTTP": 80}] without (the doc's Default note).
    listen_ports: list[tuple[str, Any]] = [("HTTPS", 443)] if certificates else [("HTTP", 80)]
    if "listen-ports" in get:
        try:
            parsed = json.loads(str(get["listen-ports"]))
        except ValueError:
            parsed = None
        if not (isinstance(parsed, list) and parsed and all(isinstance(p, dict) and len(p) == 1 for p in parsed)):
            found.append(f'listen-ports {get["listen-ports"]!r} is not a JSON list of {{"HTTP"|"HTTPS": port}}')
            parsed = []
        listen_ports = [next(iter(p.items())) for p in parsed]
        for protocol, port in listen_ports:
            if protocol not in cat.ALB_LISTEN_PROTOCOLS:
                found.append(f"listen-ports protocol {protocol!r} is not one of {sorted(cat.ALB_LISTEN_PROTOCOLS)}")
            if not (isinstance(port, int) and 1 <= port <= 65535):
                found.append(f"listen-ports port {port!r} is not a port number")
        ports = [port for _, port in listen_ports]
        if len(ports) != len(set(ports)):
            found.append("listen-ports defines a load balancer port twice")
    if "ssl-redirect" in get:
        redirect = str(get["ssl-redirect"])
        https_ports = {port for protocol, port in listen_ports if protocol == "HTTPS"}
        if not redirect.isdigit():
            found.append(f"ssl-redirect {redirect!r} is not a port number")
        elif int(redirect) not in https_ports:
            found.append(f"ssl-redirect {redirect} is not an HTTPS port of listen-ports")
    if "ssl-policy" in get and get["ssl-policy"] not in cat.ELB_SSL_POLICIES:
        found.append(f"ssl-policy {get['ssl-policy']!r} is not a predefined ELB security policy")
    if "group.name" in get:
        group = str(get["group.name"])
        if len(group) > cat.ALB_GROUP_NAME_MAX or not cat.ALB_GROUP_NAME.fullmatch(group):
            found.append(f"group.name {group!r} is not lowercase alphanumerics, '-' and '.', at most 63")
    if "healthcheck-path" in get and not str(get["healthcheck-path"]).startswith("/"):
        found.append(f"healthcheck-path {get['healthcheck-path']!r} does not start with '/'")
    return found


def helm_annotation_sets(values: Any, path: str = "values") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every `annotations` map inside Helm values that carries ALB controller annotations."""
    if isinstance(values, dict):
        for key, value in values.items():
            here = f"{path}.{key}"
            if key == "annotations" and isinstance(value, dict):
                if any(str(k).startswith(cat.ALB_ANNOTATION_PREFIX) for k in value):
                    yield here, value
            else:
                yield from helm_annotation_sets(value, here)
    elif isinstance(values, list):
        for index, item in enumerate(values):
            yield from helm_annotation_sets(item, f"{path}[{index}]")


def alb_annotation_sets(g: Graph) -> dict[str, dict[str, Any]]:
    """subject -> annotations, for Kubernetes objects and Helm release values (Grafana's ingress...)."""
    found = {}
    for name, manifest in kubernetes_objects(g.plan):
        annotations = (manifest.get("metadata") or {}).get("annotations") or {}
        if any(str(k).startswith(cat.ALB_ANNOTATION_PREFIX) for k in annotations):
            found[f"{manifest.get('kind')}::{name}"] = annotations
    for release in g.of_type("kubernetes:helm.sh/v3:Release"):
        for path, annotations in helm_annotation_sets(release["inputs"].get("values") or {}):
            found[f"{ref(release)}.{path}"] = annotations
    return found


@pytest.mark.parametrize("stack", STACKS)
def test_every_alb_annotation_uses_documented_values(stack):
    g = graph(stack)
    sets = alb_annotation_sets(g)
    assert any(subject.startswith("Ingress::") for subject in sets)
    grafana = g.one("kubernetes:helm.sh/v3:Release", "kube-prometheus-stack")["inputs"]["values"]["grafana"]
    if grafana["ingress"].get("enabled"):
        assert any(subject.endswith(".grafana.ingress.annotations") for subject in sets)
    findings = {
        subject: problems for subject, a in sets.items() if (problems := alb_annotation_problems(a, stack_region(g)))
    }
    assert open_findings("alb-annotations", stack, findings) == {}


GOOD_INGRESS = {
    "alb.ingress.kubernetes.io/scheme": "internet-facing",
    "alb.ingress.kubernetes.io/target-type": "ip",
    "alb.ingress.kubernetes.io/listen-ports": '[{"HTTP": 80}, {"HTTPS": 443}]',
    "alb.ingress.kubernetes.io/ssl-redirect": "443",
    "alb.ingress.kubernetes.io/certificate-arn": "arn:aws:acm:us-east-1:123456789012:certificate/0b7c1b5e-1f47",
    "alb.ingress.kubernetes.io/ssl-policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "alb.ingress.kubernetes.io/group.name": "platform.public",
    "alb.ingress.kubernetes.io/healthcheck-path": "/readyz",
    "alb.ingress.kubernetes.io/actions.ssl-redirect": "{}",
    "kubernetes.io/ingress.class": "ignored: not the controller's prefix",
}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"scheme": "public"}, "scheme 'public'"),
        ({"target-type": "pod"}, "target-type 'pod'"),
        ({"listen-ports": "[80, 443]"}, "is not a JSON list"),
        ({"listen-ports": '[{"HTTP": 80}, {"HTTPS": 80}]'}, "port twice"),
        ({"listen-ports": '[{"TLS": 443}]'}, "protocol 'TLS'"),
        ({"listen-ports": '[{"HTTPS": "443"}]'}, "port '443' is not a port number"),
        ({"listen-ports": '[{"HTTP": 80}]'}, "ssl-redirect 443 is not an HTTPS port"),
        ({"ssl-redirect": "true"}, "ssl-redirect 'true' is not a port number"),
        ({"certificate-arn": "arn:aws:iam::123456789012:server-certificate/web"}, "is not an ACM certificate ARN"),
        ({"certificate-arn": "arn:aws:acm:us-west-2:123456789012:certificate/abc"}, "not in the stack's region"),
        ({"ssl-policy": "ELBSecurityPolicy-TLS13-1-2-2099-01"}, "is not a predefined ELB security policy"),
        ({"group.name": "Platform_Public"}, "group.name 'Platform_Public'"),
        ({"group.name": "g" * 64}, "at most 63"),
        ({"healthcheck-path": "readyz"}, "does not start with '/'"),
        ({"healthcheck-paths": "/readyz"}, "healthcheck-paths is not an annotation"),
        ({"ssl-redirect": 443}, "value must be a string"),
    ],
)
def test_alb_annotation_rules_reject(changes, expected):
    assert alb_annotation_problems(GOOD_INGRESS, "us-east-1") == []
    annotations = {**GOOD_INGRESS, **{cat.ALB_ANNOTATION_PREFIX + k: v for k, v in changes.items()}}
    problems = alb_annotation_problems(annotations, "us-east-1")
    assert any(expected in problem for problem in problems), problems


def test_helm_values_annotations_are_found():
    values = {
        "grafana": {"ingress": {"enabled": True, "annotations": {"alb.ingress.kubernetes.io/scheme": "x"}}},
        "other": [{"annotations": {"prometheus.io/scrape": "true"}}],
    }
    assert list(helm_annotation_sets(values)) == [
        ("values.grafana.ingress.annotations", {"alb.ingress.kubernetes.io/scheme": "x"})
    ]
